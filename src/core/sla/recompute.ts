// The kept clocks (refresh.ts) are written when a ticket changes, from relevo.yaml's promises as they were
// then. When an operator edits them — a plan's targets or calendar, a calendar, the warning share, an
// organisation's plan — open tickets' due times, at-risk times and next checks go stale: the `sla` filter
// and the sweep would go by the old promises until each ticket happened to change. So at start-up each
// instance compares a fingerprint of what the clocks depend on with the one stored beside the data, and
// when they differ recomputes every unfinished ticket, a batch per transaction, then stores the new one.
//
// Several instances may start at once: each batch takes a transaction-scoped advisory lock (PGlite has
// them too) and reads and moves a shared cursor, so the instances share the batches instead of repeating
// them, and one that stops or crashes leaves the cursor where the next start goes on from. Each batch
// locks its tickets FOR UPDATE (waiting, not skipping: a change in flight may not refresh the clocks) and
// recomputes them from their committed history, so a batch run twice writes the same values.
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import type { Clock, Logger } from '../ports.ts';
import { refreshSlaMany, warningShares } from './refresh.ts';

const FINGERPRINT = 'sla:fingerprint';
/** `<fingerprint> <last ticket number done>` while a recompute is under way. */
const PROGRESS = 'sla:recompute';
const LOCK = 'relevo:sla-recompute';
/** Raised when what the clocks compute from a configuration changes (the arithmetic, not the settings). */
const VERSION = 2; // 2: also kept: the earliest counting due time, the report figures (minutes, breaches)

/** A hash of everything in relevo.yaml that a ticket's clocks depend on, whatever the order it is written in. */
export function slaFingerprint(config: DeskConfig): string {
  const byId = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const promises = {
    version: VERSION,
    plans: byId(Object.entries(config.plans).map(([id, p]) => [id, [p.sla, p.calendar ?? null]])),
    calendars: config.calendars,
    shares: warningShares(config),
    organisations: byId(config.organisations.map((o) => [o.id, o.plan])),
  };
  return createHash('sha256').update(stableJson(promises)).digest('hex');
}

/** JSON with every object's keys in one order: the same settings hash the same. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface SlaRecomputeDeps {
  db: Db;
  config: DeskConfig;
  clock: Clock;
  log: Logger;
  /** Waits for a quiet moment before each batch (the embedded database serves senders first). */
  quiet?: () => Promise<void>;
  /** True once the process is shutting down: the run stops between batches, the cursor kept. */
  stopping?: () => boolean;
  /** Tickets per transaction. */
  batch?: number;
}

/**
 * Recomputes open tickets' kept clocks if relevo.yaml's promises changed since they were written; says
 * how many tickets this instance recomputed (0 when nothing changed or another instance did them all).
 */
export async function recomputeSlaIfChanged(deps: SlaRecomputeDeps): Promise<number> {
  const { db, config, log } = deps;
  const batch = deps.batch ?? 200;
  const fingerprint = slaFingerprint(config);
  const before = await stored(db, FINGERPRINT);
  if (before === fingerprint) return 0;
  // None stored: a new database, or one from before this check (its tickets may be stale too).
  if (before) log.info('the SLA promises in relevo.yaml changed: recomputing the clocks of open tickets');
  let recomputed = 0;
  for (;;) {
    if (deps.stopping?.()) {
      log.info({ tickets: recomputed }, 'SLA recompute paused by shutdown: the next start goes on');
      return recomputed;
    }
    await deps.quiet?.();
    const step = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${LOCK}, 0))`;
      if ((await stored(tx, FINGERPRINT)) === fingerprint) return { done: true, count: 0 };
      const progress = await stored(tx, PROGRESS);
      const after = progress?.startsWith(`${fingerprint} `) ? Number(progress.split(' ')[1]) : 0;
      const due = await tx.$queryRaw<{ number: number }[]>`
        SELECT number FROM "Ticket"
        WHERE number > ${after} AND status NOT IN ('resolved', 'closed', 'spam', 'rejected')
        ORDER BY number LIMIT ${batch} FOR UPDATE`;
      const numbers = due.map((d) => d.number);
      await refreshSlaMany(tx, config, numbers, deps.clock.now());
      if (numbers.length < batch) {
        await store(tx, FINGERPRINT, fingerprint);
        await tx.platformState.deleteMany({ where: { key: PROGRESS } });
        return { done: true, count: numbers.length };
      }
      await store(tx, PROGRESS, `${fingerprint} ${numbers.at(-1)}`);
      return { done: false, count: numbers.length };
    });
    recomputed += step.count;
    if (step.done) break;
  }
  log.info({ tickets: recomputed }, 'open tickets’ SLA clocks recomputed for the new promises');
  return recomputed;
}

/**
 * The start-up task for the composition root's loop: recomputes once, then does nothing. Run again on
 * the loop's timer only until it has succeeded once, so a failure (the database away) is retried, while
 * an instance never re-runs it against another instance's different relevo.yaml (a rolling restart).
 */
export function slaRecomputeTask(deps: SlaRecomputeDeps): () => Promise<void> {
  let finished = false;
  return async () => {
    if (finished) return;
    await recomputeSlaIfChanged(deps);
    finished = !deps.stopping?.();
  };
}

async function stored(db: Db | Tx, key: string): Promise<string | undefined> {
  return (await db.platformState.findUnique({ where: { key } }))?.value;
}

async function store(tx: Tx, key: string, value: string): Promise<void> {
  await tx.platformState.upsert({ where: { key }, create: { key, value }, update: { value } });
}
