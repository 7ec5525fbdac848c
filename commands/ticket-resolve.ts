import { z } from 'zod';
import { text, ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'resolve',
  args: ['ticket', 'message...'],
  schema: z.object({ ticket: ticketNumber, message: text('the resolution message for the customer') }),
  usage: '/ticket resolve <#number> <message for the customer> [-- <internal technical note>]',
  help: {
    en: 'Proposes the solution and asks the customer to confirm it. Text after " -- " is kept as a private technical note.',
    es: 'Propone la solución y pide al cliente que la confirme. El texto tras " -- " se guarda como nota técnica privada.',
  },
  argHelp: {
    message: {
      en: 'The solution for the customer; after " -- ", a private technical note',
      es: 'La solución para el cliente; tras " -- ", una nota técnica privada',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    const [message, technicalNote] = args.message.split(/\s--\s/, 2);
    await ctx.tickets.resolve(args.ticket, ctx.actor, { message: message ?? '', technicalNote });
    return {
      text: say(ctx, {
        en: `Ticket #${args.ticket}: the customer has been asked to confirm the solution.`,
        es: `Ticket #${args.ticket}: se ha pedido al cliente que confirme la solución.`,
      }),
    };
  },
});
