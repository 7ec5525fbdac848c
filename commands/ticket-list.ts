import { z } from 'zod';
import { label } from '../src/core/tickets/lifecycle.ts';
import { listTickets, type TicketFilters } from '../src/core/tickets/queries.ts';
import { defineCommand } from './command.ts';

const views = ['open', 'mine', 'unassigned', 'waiting', 'all'] as const;

export default defineCommand({
  name: 'list',
  args: ['view'],
  schema: z.object({
    view: z.enum(views, { error: `expected one of: ${views.join(', ')}` }).default('open'),
  }),
  usage: `/ticket list [${views.join('|')}]`,
  help: {
    en: 'Lists tickets, most recently changed first (open ones by default).',
    es: 'Lista los tickets, primero los que cambiaron más recientemente (los abiertos por defecto).',
  },
  argHelp: {
    view: { en: 'Which tickets (default: open)', es: 'Qué tickets (por defecto: open, los abiertos)' },
  },
  audience: 'agent',
  async run(ctx, { view }) {
    const active: TicketFilters['status'] = ['new', 'open', 'waiting_on_customer', 'on_hold'];
    const filters: TicketFilters = { limit: 20 };
    if (view === 'open') filters.status = active;
    if (view === 'waiting') filters.status = ['waiting_on_customer', 'awaiting_confirmation'];
    if (view === 'unassigned') Object.assign(filters, { status: active, assigneeId: null });
    if (view === 'mine') {
      Object.assign(filters, {
        status: active,
        assigneeId: ctx.actor.kind === 'agent' ? ctx.actor.agentId : '',
      });
    }
    const { tickets } = await listTickets(ctx.db, filters, { kind: 'agent' });
    if (tickets.length === 0) return { text: `No ${view} tickets.` };
    const lines = tickets.map(
      (t) =>
        `#${t.number} [${label[t.status]}] ${t.subject} — ${t.organisationId}${t.assigneeId ? ` · ${t.assigneeId}` : ''}`,
    );
    return { text: lines.join('\n') };
  },
});
