import { z } from 'zod';
import { requesterLabel } from '../src/core/tickets/card.ts';
import { label } from '../src/core/tickets/lifecycle.ts';
import { getTicket } from '../src/core/tickets/queries.ts';
import { agentTexts } from '../src/i18n/index.ts';
import { ticketNumber } from './args.ts';
import { defineCommand } from './command.ts';

// A private note is locked; Relevo's own records (an assignment, a field changed, a notice) are marked as
// such, private or not — never with the note's lock. What customers and agents wrote goes unmarked.
const mark: Partial<Record<string, string>> = {
  private_note: '🔒 ',
  assignment: '⚙ ',
  field_change: '⚙ ',
  system: '⚙ ',
};

export default defineCommand({
  name: 'show',
  args: ['ticket'],
  schema: z.object({ ticket: ticketNumber }),
  usage: '/ticket show <#number>',
  help: {
    en: 'Shows a ticket with its latest messages and notes.',
    es: 'Muestra un ticket con sus últimos mensajes y notas.',
  },
  audience: 'agent',
  async run(ctx, { ticket: n }) {
    const ticket = await getTicket(ctx.db, n, { kind: 'agent' });
    const latest = ticket.events
      .filter((e) => e.type !== 'status_change')
      .slice(-5)
      .map(
        (e) => `${mark[e.type] ?? ''}${e.authorAgent?.name ?? e.authorContact?.name ?? 'Relevo'}: ${e.body}`,
      );
    return {
      title: `#${ticket.number} ${ticket.subject}`,
      text: latest.join('\n'),
      fields: [
        { label: 'Status', value: label[ticket.status] },
        { label: 'Priority', value: ticket.priority },
        { label: 'Organisation', value: ticket.organisation.name },
        { label: 'Requester', value: requesterLabel(ticket.contact, ticket.organisation.language) },
        ...(ticket.participants.length
          ? [
              {
                label: agentTexts(ticket.organisation.language).alsoOnIt,
                value: ticket.participants.map((p) => p.contact.name).join(', '),
              },
            ]
          : []),
        { label: 'Assignee', value: ticket.assignee?.name ?? 'unassigned' },
      ],
    };
  },
});
