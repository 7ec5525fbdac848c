import { z } from 'zod';
import { ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'reopen',
  args: ['ticket'],
  schema: z.object({ ticket: ticketNumber }),
  usage: '/ticket reopen <#number>',
  help: {
    en: 'Reopens a resolved, closed, rejected or spam ticket.',
    es: 'Reabre un ticket resuelto, cerrado, rechazado o marcado como spam.',
  },
  audience: 'agent',
  async run(ctx, args) {
    await ctx.tickets.setStatus(args.ticket, ctx.actor, 'open');
    return {
      text: say(ctx, { en: `Ticket #${args.ticket} reopened.`, es: `Ticket #${args.ticket} reabierto.` }),
    };
  },
});
