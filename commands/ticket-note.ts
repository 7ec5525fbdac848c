import { z } from 'zod';
import { text, ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'note',
  args: ['ticket', 'note...'],
  schema: z.object({ ticket: ticketNumber, note: text('the text of the note') }),
  usage: '/ticket note <#number> <text>',
  help: {
    en: 'Adds a private note: agents and maintainers see it, the customer never does.',
    es: 'Añade una nota privada: la ven los agentes y los responsables de los productos, nunca el cliente.',
  },
  argHelp: { note: { en: 'The text of the note', es: 'El texto de la nota' } },
  audience: 'agent',
  async run(ctx, args) {
    await ctx.tickets.note(args.ticket, ctx.actor, args.note);
    return {
      text: say(ctx, {
        en: `Private note added to ticket #${args.ticket}.`,
        es: `Nota privada añadida al ticket #${args.ticket}.`,
      }),
    };
  },
});
