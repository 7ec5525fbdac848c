// The ticket service's batch inserts, written in SQL: Prisma compiles a new query plan for every
// createMany / createManyAndReturn (its plan cache skips them), which cost the mail storm bench ~0.8 s of
// its main thread in WebAssembly alone; the same INSERT … VALUES … RETURNING * costs a statement. Rows
// come back as Prisma's own reads return them (Dates, enums as text, JSON parsed).
import { type Db, Prisma, type Tx } from '../../db/index.ts';
import { sortableId } from '../../db/sortable-id.ts';
import { valuesList } from '../../db/sql-values.ts';
import type { KeptSla } from '../sla/refresh.ts';
import type { Priority } from './sla.ts';

export type TicketRow = NonNullable<Awaited<ReturnType<Db['ticket']['findUnique']>>>;
export type EventRow = NonNullable<Awaited<ReturnType<Db['ticketEvent']['findUnique']>>>;

/** The ticket's columns as Prisma knows them (its Unsupported search words left out). */
const ticketColumns = Object.keys(Prisma.TicketScalarFieldEnum)
  .map((c) => `"${c}"`)
  .join(', ');

export interface NewTicketRow extends KeptSla {
  subject: string;
  source: string;
  priority: Priority;
  requesterId: string;
  organisationId: string;
  productId: string | null;
  createdAt: Date;
}

/** Inserts tickets, returned in the order given (numbered as written). */
export async function insertTickets(tx: Tx, rows: readonly NewTicketRow[]): Promise<TicketRow[]> {
  // updatedAt by this process's clock, as Prisma's @updatedAt sets it (later updates through Prisma too).
  const updatedAt = new Date();
  const { sql, params } = valuesList(
    rows.map((r) => [
      r.subject,
      r.source,
      r.priority,
      r.requesterId,
      r.organisationId,
      r.productId,
      r.createdAt,
      r.createdAt,
      updatedAt,
      r.firstResponseDueAt,
      r.nextUpdateDueAt,
      r.resolutionDueAt,
      r.slaRiskAt,
      r.slaCheckAt,
      r.slaDueAt,
      r.firstResponseMinutes,
      r.resolutionMinutes,
      r.slaBreaches,
    ]),
    [
      'text',
      'text',
      '"Priority"',
      'text',
      'text',
      'text',
      ...Array(9).fill('timestamp(3)'),
      'int',
      'int',
      'text[]',
    ],
  );
  // Every column Prisma reads, not `*`: the search words are the database's own (see searchVector).
  return tx.$queryRawUnsafe<TicketRow[]>(
    `INSERT INTO "Ticket" (subject, source, priority, "requesterId", "organisationId", "productId",
       "statusChangedAt", "createdAt", "updatedAt", "firstResponseDueAt", "nextUpdateDueAt", "resolutionDueAt",
       "slaRiskAt", "slaCheckAt", "slaDueAt", "firstResponseMinutes", "resolutionMinutes", "slaBreaches")
     VALUES ${sql} RETURNING ${ticketColumns}`,
    ...params,
  );
}

export interface NewEventRow {
  ticketNumber: number;
  type: EventRow['type'];
  visibility: EventRow['visibility'];
  authorKind: EventRow['authorKind'];
  authorAgentId: string | null;
  authorContactId: string | null;
  body: string;
  data: Record<string, unknown> | undefined;
  channelRef: string | null;
  createdAt: Date;
}

/**
 * Inserts ticket events, returned in the order given (PostgreSQL returns an INSERT … VALUES's rows in the
 * order written); their ids sort in that order too, for timelines read by (createdAt, id).
 */
export function insertEvents(tx: Tx, rows: readonly NewEventRow[]): Promise<EventRow[]> {
  const { sql, params } = valuesList(
    rows.map((r) => [
      sortableId(),
      r.ticketNumber,
      r.type,
      r.visibility,
      r.authorKind,
      r.authorAgentId,
      r.authorContactId,
      r.body,
      r.data === undefined ? null : JSON.stringify(r.data),
      r.channelRef,
      r.createdAt,
    ]),
    [
      'text',
      'int',
      '"EventType"',
      '"Visibility"',
      '"AuthorKind"',
      'text',
      'text',
      'text',
      'jsonb',
      'text',
      'timestamp(3)',
    ],
  );
  return tx.$queryRawUnsafe<EventRow[]>(
    `INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorAgentId",
       "authorContactId", body, data, "channelRef", "createdAt")
     VALUES ${sql} RETURNING *`,
    ...params,
  );
}

/** Links conversations (customer kind) to their tickets, dated by this process's clock as Prisma dates rows. */
export async function insertCustomerLinks(
  tx: Tx,
  rows: readonly { platform: string; channel: string; thread: string; ticketNumber: number }[],
): Promise<void> {
  const now = new Date();
  const { sql, params } = valuesList(
    rows.map((r) => [sortableId(), r.platform, r.channel, r.thread, 'customer', r.ticketNumber, now]),
    ['text', 'text', 'text', 'text', '"LinkKind"', 'int', 'timestamp(3)'],
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "ConversationLink" (id, platform, channel, thread, kind, "ticketNumber", "createdAt") VALUES ${sql}`,
    ...params,
  );
}
