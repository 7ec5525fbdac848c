// Reading tickets. Who reads decides what is seen: agents see everything; a customer sees only their
// own organisation's tickets and only public events (private notes never leave this file for them).
import type { Db, Prisma } from '../../db/index.ts';
import { NotFoundError, refusal } from '../errors.ts';
import type { Status } from './lifecycle.ts';

export type Viewer = { kind: 'agent' } | { kind: 'contact'; organisationId: string };

export interface TicketFilters {
  status?: Status[];
  organisationId?: string;
  /** Where it came from (Ticket.source: email, webchat, slack, …). */
  source?: string;
  assigneeId?: string | null;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  /** Tickets whose SLA is breached, or at risk (a running clock past its warning share, none breached). */
  sla?: { state: 'breached' | 'at_risk'; now: Date };
  /** Only tickets updated before this cursor (the `nextCursor` of the previous page). */
  cursor?: { updatedAt: Date; number: number };
  limit?: number;
}

const summarySelect = {
  number: true,
  subject: true,
  status: true,
  priority: true,
  category: true,
  source: true,
  organisationId: true,
  assigneeId: true,
  productId: true,
  requesterId: true,
  firstResponseDueAt: true,
  nextUpdateDueAt: true,
  resolutionDueAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.TicketSelect;

export async function listTickets(db: Db, filters: TicketFilters, viewer: Viewer) {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
  const where: Prisma.TicketWhereInput = {};
  if (filters.status?.length) where.status = { in: filters.status };
  if (filters.priority) where.priority = filters.priority;
  if (filters.assigneeId !== undefined) where.assigneeId = filters.assigneeId;
  if (filters.organisationId) where.organisationId = filters.organisationId;
  if (filters.source) where.source = filters.source;
  if (viewer.kind === 'contact') where.organisationId = viewer.organisationId;
  if (filters.sla) {
    const { now } = filters.sla;
    // A clock's due time is kept on the ticket (src/core/sla/refresh.ts): past it means breached. Written
    // per column with its null spelled out: NOT over a NULL comparison would drop the row in SQL.
    const columns = ['firstResponseDueAt', 'nextUpdateDueAt', 'resolutionDueAt'] as const;
    where.AND =
      filters.sla.state === 'breached'
        ? [{ OR: columns.map((c) => ({ [c]: { lte: now } })) }]
        : [
            { slaRiskAt: { lte: now } },
            ...columns.map((c) => ({ OR: [{ [c]: null }, { [c]: { gt: now } }] })),
          ];
  }
  if (filters.cursor) {
    const { updatedAt, number } = filters.cursor;
    where.OR = [{ updatedAt: { lt: updatedAt } }, { updatedAt, number: { lt: number } }];
  }
  const rows = await db.ticket.findMany({
    where,
    select: summarySelect,
    orderBy: [{ updatedAt: 'desc' }, { number: 'desc' }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    tickets: page,
    nextCursor: rows.length > limit && last ? `${last.updatedAt.toISOString()}_${last.number}` : null,
  };
}

export function parseCursor(cursor: string): { updatedAt: Date; number: number } | undefined {
  const [iso, n] = cursor.split('_');
  const updatedAt = new Date(iso ?? '');
  const number = Number(n);
  if (Number.isNaN(updatedAt.getTime()) || !Number.isInteger(number)) return undefined;
  return { updatedAt, number };
}

export async function getTicket(db: Db, number: number, viewer: Viewer) {
  const ticket = await db.ticket.findUnique({
    where: { number },
    include: {
      organisation: { select: { id: true, name: true, plan: true, language: true, infraUrl: true } },
      contact: { select: { id: true, name: true, verified: true, claimedEmail: true } },
      participants: {
        orderBy: { createdAt: 'asc' },
        select: { contact: { select: { id: true, name: true } } },
      },
      assignee: { select: { id: true, name: true } },
      events: {
        where: viewer.kind === 'contact' ? { visibility: 'public' } : {},
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { authorAgent: { select: { name: true } }, authorContact: { select: { name: true } } },
      },
      attachments: {
        orderBy: { createdAt: 'asc' },
        select: { id: true, filename: true, contentType: true, size: true, oversized: true },
      },
      emails: {
        // Addresses and delivery errors are for agents; customers see the conversation itself.
        where: viewer.kind === 'contact' ? { id: '' } : {},
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          messageId: true,
          direction: true,
          fromAddress: true,
          toAddresses: true,
          ccAddresses: true,
          subject: true,
          automatic: true,
          loopVerdict: true,
          error: true,
          createdAt: true,
        },
      },
    },
  });
  if (!ticket || (viewer.kind === 'contact' && ticket.organisationId !== viewer.organisationId)) {
    throw new NotFoundError(refusal.noTicket(number));
  }
  const { organisation, ...rest } = ticket;
  // Infrastructure notes are for agents only (seed 000).
  return viewer.kind === 'agent' ? ticket : { ...rest, organisation: { ...organisation, infraUrl: null } };
}
