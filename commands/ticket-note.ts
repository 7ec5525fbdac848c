import { z } from 'zod';
import { text, ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'note',
  args: ['ticket', 'note...'],
  schema: z.object({ ticket: ticketNumber, note: text('the text of the note') }),
  usage: '/ticket note <#number> <text>',
  help: 'Adds a private note: agents and maintainers see it, the customer never does.',
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
