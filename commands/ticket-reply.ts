import { z } from 'zod';
import { text, ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'reply',
  args: ['ticket', 'message...'],
  schema: z.object({ ticket: ticketNumber, message: text('the reply for the customer') }),
  usage: '/ticket reply <#number> <message>',
  help: {
    en: 'Sends a public reply: the customer receives it where they wrote.',
    es: 'Envía una respuesta pública: el cliente la recibe donde escribió.',
  },
  argHelp: { message: { en: 'The reply for the customer', es: 'La respuesta para el cliente' } },
  audience: 'agent',
  async run(ctx, args) {
    await ctx.tickets.reply(args.ticket, ctx.actor, args.message);
    return {
      text: say(ctx, {
        en: `Reply sent to the customer of ticket #${args.ticket}.`,
        es: `Respuesta enviada al cliente del ticket #${args.ticket}.`,
      }),
    };
  },
});
