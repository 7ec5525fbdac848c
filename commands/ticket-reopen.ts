import { z } from 'zod';
import { ticketNumber } from './args.ts';
import { defineCommand } from './command.ts';

export default defineCommand({
  name: 'reopen',
  args: ['ticket'],
  schema: z.object({ ticket: ticketNumber }),
  usage: '/ticket reopen <#number>',
  help: 'Reopens a resolved, closed, rejected or spam ticket.',
  audience: 'agent',
  async run(ctx, args) {
    await ctx.tickets.setStatus(args.ticket, ctx.actor, 'open');
    return { text: `Ticket #${args.ticket} reopened.` };
  },
});
