// The outbox: work to do after a commit, written in the same transaction as the change it follows.
// A crash before the commit delivers nothing; a crash after it still delivers.
import type { Tx } from '../db/index.ts';
import type { ClockName } from './sla/clocks.ts';

export type OutboxJob =
  /** Show a public ticket event to the customer where they wrote. */
  | { kind: 'customer_event'; eventId: string; ticketNumber: number }
  /** Post or edit the ticket's triage card in one agents' channel. */
  | { kind: 'card'; ticketNumber: number; platform: string; channel: string }
  /** Post or edit an escalation's message in its product's maintainers' channel (it opens their thread). */
  | { kind: 'escalation'; escalationId: string; platform: string; channel: string }
  /** Post or edit the "new conversation" message with its Create ticket button in one agents' channel. */
  | { kind: 'conversation'; conversationId: string; platform: string; channel: string }
  /** Post or edit an alert group's message in one monitor channel, rendered from the group as it is then. */
  | { kind: 'alert_message'; groupId: string; platform: string; channel: string }
  /** Post or edit a new agent's onboarding checklist in one agents' channel (core/onboarding). */
  | { kind: 'onboarding'; checklistId: string; platform: string; channel: string }
  /**
   * Post or edit a resolved ticket's satisfaction survey in one of its customer's conversations, rendered
   * from the survey as it is then (core/survey).
   */
  | { kind: 'survey'; ticketNumber: number; platform: string; channel: string; thread: string }
  /** Show one agent, personally and on one platform, a customer's message on the ticket they hold. */
  | { kind: 'agent_notice'; eventId: string; agentId: string; platform: string }
  /**
   * Warn agents, in one agents' channel, that a ticket's SLA clock reached `share` of its target (1: the
   * breach) in its `cycle`. The figures are those of when the sweep raised it (core/sla/warnings.ts).
   */
  | {
      kind: 'sla_warning';
      ticketNumber: number;
      clock: ClockName;
      share: number;
      cycle: string;
      targetMs: number;
      /** The target minus the time counted so far: negative once overdue. */
      leftMs: number;
      platform: string;
      channel: string;
    };

/** Messages of their own: each one enqueued is delivered, never folded into an equal pending one. */
const messages = new Set<OutboxJob['kind']>(['customer_event', 'sla_warning']);

export async function enqueue(
  tx: Tx,
  job: OutboxJob,
  /** Not delivered before this moment (an alert message's edits are spaced, core/alerts/message-sync.ts). */
  options: { notBefore?: Date } = {},
): Promise<void> {
  await (messages.has(job.kind) ? enqueueMany : enqueueSyncs)(tx, [job], options);
}

/**
 * Syncs (a card, an escalation's, a conversation's or an alert group's message): each renders the current
 * state when delivered, so one folds into an untouched pending sync of the same payload, and is written
 * otherwise — several in one statement to find the pending ones and one to write the rest.
 */
export async function enqueueSyncs(
  tx: Tx,
  jobs: readonly OutboxJob[],
  options: { notBefore?: Date } = {},
): Promise<void> {
  const wanted = [...new Map(jobs.map((job) => [JSON.stringify(job), job] as const)).values()];
  if (!wanted.length) return;
  if (wanted.some((job) => messages.has(job.kind)))
    throw new Error('enqueueSyncs takes syncs only, not messages');
  const payloads = wanted.map(({ kind: _, ...payload }) => JSON.stringify(payload));
  const pending = await tx.$queryRaw<{ i: bigint; id: bigint; nextAttemptAt: Date }[]>`
    SELECT DISTINCT ON (u.i) u.i, o.id, o."nextAttemptAt"
    FROM unnest(${wanted.map((job) => job.kind)}::text[], ${payloads}::jsonb[]) WITH ORDINALITY AS u(kind, payload, i)
    JOIN "OutboxItem" o ON o.kind = u.kind AND o.payload = u.payload AND o.status = 'pending' AND o.attempts = 0
    ORDER BY u.i, o.id`;
  const folded = new Set(pending.map((row) => Number(row.i) - 1));
  // A sync wanted now folds into one held back for later (an alert message's spaced edit), and brings it
  // forward: an agent's acknowledgement shows at once, not when the spacing would allow.
  const held = options.notBefore ? [] : pending.filter((row) => row.nextAttemptAt.getTime() > Date.now());
  if (held.length) {
    await tx.$executeRaw`
      UPDATE "OutboxItem" SET "nextAttemptAt" = ${new Date()}::timestamp(3)
      WHERE id = ANY(${held.map((row) => row.id)}::bigint[])`;
  }
  await insertItems(
    tx,
    wanted.filter((_, i) => !folded.has(i)),
    options,
  );
}

/** Several messages of their own (never folded, see `messages`) in one statement: the SLA sweep's batch. */
export async function enqueueMany(
  tx: Tx,
  jobs: readonly OutboxJob[],
  options: { notBefore?: Date } = {},
): Promise<void> {
  const syncs = jobs.filter((job) => !messages.has(job.kind));
  if (syncs.length) throw new Error(`enqueueMany takes messages only, not "${syncs[0]?.kind}" syncs`);
  await insertItems(tx, jobs, options);
}

/**
 * Outbox rows in one statement, each with its lane and platform. Written in SQL: Prisma's createMany took
 * ~40–60 ms for 100 rows where the same INSERT takes ~10 (bench/sla-sweep.ts); every value is bound.
 */
async function insertItems(tx: Tx, jobs: readonly OutboxJob[], options: { notBefore?: Date }) {
  if (!jobs.length) return;
  // Dated by this process's clock, as Prisma dates the rows it writes.
  const now = new Date();
  const params: unknown[] = [now, options.notBefore ?? now];
  const bind = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
  const rows = jobs.map((job) => {
    const { kind, ...payload } = job;
    return `(${bind(kind, 'text')}, ${bind(JSON.stringify(payload), 'jsonb')}, ${bind(laneOf(job), 'text')}, ${platformSql(job, bind)}, 'pending', 0, $2::timestamp(3), $1::timestamp(3))`;
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO "OutboxItem" (kind, payload, lane, platform, status, attempts, "nextAttemptAt", "createdAt")
     VALUES ${rows.join(', ')}`,
    ...params,
  );
}

/**
 * The platform(s) a message goes to, comma-joined: the worker drains each apart (one down never holds
 * another), and dead items are counted by it. A message to a customer goes to every conversation the
 * ticket has with them, as they are now (null when there is none: it is delivered nowhere) — looked up
 * inside the INSERT, so it costs no statement of its own.
 */
function platformSql(job: OutboxJob, bind: (value: unknown, type: string) => string): string {
  if (job.kind !== 'customer_event') return bind(job.platform, 'text');
  return `(SELECT string_agg(DISTINCT l.platform, ',' ORDER BY l.platform) FROM "ConversationLink" l
    WHERE l."ticketNumber" = ${bind(job.ticketNumber, 'int')} AND l.kind = 'customer')`;
}

/**
 * Items of one lane are delivered in order, one at a time, across instances (see the worker's claim):
 * a customer reads one ticket's messages in the order they were written, and a card is posted once
 * before it is edited, never posted twice by two instances at once.
 */
export function laneOf(job: OutboxJob): string {
  switch (job.kind) {
    case 'customer_event':
    // After the message that closes the ticket, which the customer reads first.
    case 'survey':
      return `customer:${job.ticketNumber}`;
    case 'card':
      return `card:${job.ticketNumber}:${job.platform}:${job.channel}`;
    case 'escalation':
      return `escalation:${job.escalationId}:${job.platform}:${job.channel}`;
    case 'conversation':
      return `conversation:${job.conversationId}:${job.platform}:${job.channel}`;
    case 'alert_message':
      return `alert:${job.groupId}:${job.platform}:${job.channel}`;
    case 'onboarding':
      return `onboarding:${job.checklistId}:${job.platform}:${job.channel}`;
    case 'agent_notice':
      return `notice:${job.agentId}:${job.platform}`;
    case 'sla_warning':
      // The card's own lane: a warning waits for the card's pending post, so it finds the card's thread.
      return `card:${job.ticketNumber}:${job.platform}:${job.channel}`;
  }
}
