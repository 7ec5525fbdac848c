import { z } from 'zod';
import { UserError } from '../src/core/errors.ts';
import { ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'assign',
  args: ['ticket', 'agent'],
  schema: z.object({
    ticket: ticketNumber,
    agent: z.string({ error: 'expected an agent id, "me" or "none"' }).regex(/^@?[\w-]+$/),
  }),
  usage: '/ticket assign <#number> <agent id|me|none>',
  help: {
    en: 'Assigns a ticket to an agent (yourself with "me"; "none" unassigns).',
    es: 'Asigna un ticket a un agente (a usted mismo con "me"; "none" lo deja sin asignar).',
  },
  argHelp: {
    agent: {
      en: 'The agent’s id in relevo.yaml, "me" or "none"',
      es: 'El id del agente en relevo.yaml, "me" o "none"',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    const wanted = args.agent.replace(/^@/, '');
    let assignee: string | null = wanted;
    if (wanted === 'none') assignee = null;
    if (wanted === 'me') {
      if (ctx.actor.kind !== 'agent') {
        throw new UserError({
          en: 'Only agents can take tickets.',
          es: 'Solo los agentes pueden tomar tickets.',
        });
      }
      assignee = ctx.actor.agentId;
    }
    await ctx.tickets.assign(args.ticket, ctx.actor, assignee);
    return {
      text: say(
        ctx,
        assignee
          ? {
              en: `Ticket #${args.ticket} assigned to ${assignee}.`,
              es: `Ticket #${args.ticket} asignado a ${assignee}.`,
            }
          : { en: `Ticket #${args.ticket} unassigned.`, es: `Ticket #${args.ticket} sin asignar.` },
      ),
    };
  },
});
