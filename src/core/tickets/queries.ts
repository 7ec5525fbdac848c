// Reading tickets. Who reads decides what is seen: agents see everything; a customer sees only their
// own organisation's tickets and only public events (private notes never leave this file for them).
import { type Db, Prisma } from '../../db/index.ts';
import { ForbiddenError, NotFoundError, refusal } from '../errors.ts';
import type { Status } from './lifecycle.ts';
import { matchesText, snippetColumn, snippetParts } from './search.ts';

export type Viewer = { kind: 'agent' } | { kind: 'contact'; organisationId: string };

export type TicketSort = 'activity' | 'due';

/** Where the previous page ended: its last row's sort time (null: past the tickets with no clock) and number. */
export interface ListCursor {
  at: Date | null;
  number: number;
}

export interface TicketFilters {
  status?: Status[];
  organisationId?: string;
  /** Where it came from (Ticket.source: email, webchat, slack, …). */
  source?: string;
  productId?: string;
  assigneeId?: string | null;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  /** Tickets with a clock past its target and still counting, or at risk (past a warning share, none past). */
  sla?: { state: 'breached' | 'at_risk'; now: Date };
  /** Words to search for (agents only: notes are searched too), or a ticket number. */
  text?: string;
  /** Most recently changed first (the default), or what falls due first (tickets with no clock last). */
  sort?: TicketSort;
  /** Only tickets after this cursor (the `nextCursor` of the previous page, read by `parseCursor`). */
  cursor?: ListCursor;
  limit?: number;
}

interface SummaryRow {
  number: number;
  subject: string;
  status: Status;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  category: string | null;
  source: string;
  organisationId: string;
  assigneeId: string | null;
  productId: string | null;
  requesterId: string;
  firstResponseDueAt: Date | null;
  nextUpdateDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  snippet?: string | null;
}

// Written in SQL: the search matches words Prisma's client cannot express (a tsvector column), and one
// statement keeps every filter, the sort and the page's snippets together.
export async function listTickets(db: Db, filters: TicketFilters, viewer: Viewer) {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
  const sort = filters.sort ?? 'activity';
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filters.status?.length) {
    const statuses = filters.status.map((s) => Prisma.sql`${s}::"TicketStatus"`);
    where.push(Prisma.sql`t.status IN (${Prisma.join(statuses)})`);
  }
  if (filters.priority) where.push(Prisma.sql`t.priority = ${filters.priority}::"Priority"`);
  if (filters.assigneeId === null) where.push(Prisma.sql`t."assigneeId" IS NULL`);
  else if (filters.assigneeId !== undefined) where.push(Prisma.sql`t."assigneeId" = ${filters.assigneeId}`);
  if (filters.organisationId) where.push(Prisma.sql`t."organisationId" = ${filters.organisationId}`);
  if (viewer.kind === 'contact') where.push(Prisma.sql`t."organisationId" = ${viewer.organisationId}`);
  if (filters.source) where.push(Prisma.sql`t.source = ${filters.source}`);
  if (filters.productId) where.push(Prisma.sql`t."productId" = ${filters.productId}`);
  if (filters.sla) {
    // The earliest counting due time is kept on the ticket (src/core/sla/refresh.ts): past it, overdue.
    const { now } = filters.sla;
    where.push(
      filters.sla.state === 'breached'
        ? Prisma.sql`t."slaDueAt" <= ${now}`
        : Prisma.sql`t."slaRiskAt" <= ${now} AND (t."slaDueAt" IS NULL OR t."slaDueAt" > ${now})`,
    );
  }
  const text = filters.text?.trim();
  if (text) {
    // Notes are among the words searched: a customer may never learn what matches.
    if (viewer.kind !== 'agent') throw new ForbiddenError(refusal.agentsOnly);
    where.push(matchesText(text));
  }
  const c = filters.cursor;
  if (c && sort === 'activity' && c.at) {
    where.push(Prisma.sql`(t."updatedAt" < ${c.at} OR (t."updatedAt" = ${c.at} AND t.number < ${c.number}))`);
  } else if (c && sort === 'due') {
    where.push(
      c.at
        ? Prisma.sql`(t."slaDueAt" > ${c.at} OR (t."slaDueAt" = ${c.at} AND t.number > ${c.number})
            OR t."slaDueAt" IS NULL)`
        : Prisma.sql`(t."slaDueAt" IS NULL AND t.number > ${c.number})`,
    );
  }
  const order =
    sort === 'due'
      ? Prisma.sql`t."slaDueAt" ASC NULLS LAST, t.number ASC`
      : Prisma.sql`t."updatedAt" DESC, t.number DESC`;
  const rows = await db.$queryRaw<SummaryRow[]>`
    SELECT t.number, t.subject, t.status::text AS status, t.priority::text AS priority,
      t.category::text AS category, t.source, t."organisationId", t."assigneeId", t."productId",
      t."requesterId", t."firstResponseDueAt", t."nextUpdateDueAt", t."resolutionDueAt", t."slaDueAt",
      t."createdAt", t."updatedAt"${text ? Prisma.sql`, ${snippetColumn(text)}` : Prisma.empty}
    FROM "Ticket" t
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
  const page = rows
    .slice(0, limit)
    .map(({ snippet, ...row }) => (text ? { ...row, snippet: snippetParts(snippet ?? null) } : row));
  const last = page.at(-1);
  const lastAt = last && (sort === 'due' ? last.slaDueAt : last.updatedAt);
  return {
    tickets: page,
    nextCursor:
      rows.length > limit && last ? `${lastAt ? lastAt.toISOString() : 'none'}_${last.number}` : null,
  };
}

/** A `nextCursor` read back; undefined when it is not one. */
export function parseCursor(cursor: string): ListCursor | undefined {
  const [iso, n] = cursor.split('_');
  const number = Number(n);
  if (!Number.isInteger(number)) return undefined;
  if (iso === 'none') return { at: null, number };
  const at = new Date(iso ?? '');
  if (Number.isNaN(at.getTime())) return undefined;
  return { at, number };
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
      // The customer's answer to the satisfaction survey (core/survey): null until they were asked.
      satisfaction: {
        select: {
          askedAt: true,
          score: true,
          answeredAt: true,
          answeredVia: true,
          comment: true,
          commentedAt: true,
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
