// Drains the outbox: claims due items (a lease, so several instances never deliver the same item at
// once and a crashed worker's items are taken over), delivers them, and retries failures with backoff.
// An item waits while an earlier one of its lane (core/outbox.ts laneOf) is pending, here or elsewhere.

import { type IngressGate, yieldTurn } from '../core/ingress.ts';
import type { OutboxJob } from '../core/outbox.ts';
import type { DeliveryOutcome, Logger, Metrics } from '../core/ports.ts';
import type { Db } from '../db/index.ts';

export interface OutboxWorkerOptions {
  db: Db;
  log: Logger;
  /** Delivers one job, adding the platforms it goes to (or tries) to `platforms`. */
  deliver: (job: OutboxJob, key: string, platforms: Set<string>) => Promise<void>;
  /** Told of each failed attempt (e.g. to make a failed send visible on its ticket). */
  onFailure?: (job: OutboxJob, error: Error, attempts: number, dead: boolean) => Promise<void>;
  leaseMs?: number;
  maxAttempts?: number;
  batch?: number;
  /** Shutting down: finish the item in hand, leave the rest for the next start (or another instance). */
  stopping?: () => boolean;
  /** Senders storing inbound events go first (see core/ingress.ts). */
  ingress?: IngressGate;
  /** Each attempt's outcome, counted per platform. */
  metrics?: Pick<Metrics, 'delivery'>;
}

interface ClaimedRow {
  id: bigint;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export async function drainOutbox(opts: OutboxWorkerOptions): Promise<{ delivered: number; failed: number }> {
  const { db, log } = opts;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 10;
  let delivered = 0;
  let failed = 0;
  for (;;) {
    await (opts.ingress ? opts.ingress.quiet() : yieldTurn());
    // Scheduling uses the database's clock, shared by every instance; the injectable Clock is for
    // business time (SLA, confirmation windows).
    const rows = await db.$queryRaw<ClaimedRow[]>`
      UPDATE "OutboxItem" SET "lockedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1
      WHERE id IN (
        SELECT o.id FROM "OutboxItem" o
        WHERE o.status = 'pending' AND o."nextAttemptAt" <= now()
          AND (o."lockedUntil" IS NULL OR o."lockedUntil" < now())
          AND NOT EXISTS (
            SELECT 1 FROM "OutboxItem" earlier
            WHERE earlier.lane = o.lane AND earlier.id < o.id AND earlier.status = 'pending')
        ORDER BY o.id LIMIT ${opts.batch ?? 20} FOR UPDATE OF o SKIP LOCKED)
      RETURNING id, kind, payload, attempts`;
    if (rows.length === 0 || opts.stopping?.()) return { delivered, failed };
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const row of rows) {
      await (opts.ingress ? opts.ingress.quiet() : yieldTurn());
      if (opts.stopping?.()) {
        // Release the claim so the row is due again at once, here after a restart or on another instance.
        await db.$executeRaw`UPDATE "OutboxItem" SET "lockedUntil" = NULL, attempts = attempts - 1 WHERE id = ${row.id}`;
        continue;
      }
      const job = { kind: row.kind, ...row.payload } as OutboxJob;
      const platforms = new Set<string>();
      const count = (outcome: DeliveryOutcome) => countDelivery(opts.metrics, job, platforms, outcome);
      try {
        await opts.deliver(job, `outbox:${row.id}`, platforms);
        await db.$executeRaw`
          UPDATE "OutboxItem" SET status = 'done', "deliveredAt" = now(), "lockedUntil" = NULL, "lastError" = NULL
          WHERE id = ${row.id}`;
        delivered++;
        count('delivered');
      } catch (err) {
        failed++;
        const dead = row.attempts >= maxAttempts;
        count(dead ? 'dead' : 'failed');
        // 2 s, 4 s, 8 s ... capped at 10 minutes.
        const delay = Math.min(2 ** row.attempts * 1000, 600_000);
        await db.$executeRaw`
          UPDATE "OutboxItem" SET status = ${dead ? 'dead' : 'pending'}::"OutboxStatus", "lockedUntil" = NULL,
            "nextAttemptAt" = now() + make_interval(secs => ${delay / 1000}),
            "lastError" = ${String((err as Error)?.message ?? err).slice(0, 2000)}
          WHERE id = ${row.id}`;
        log.error(
          { err, outboxId: String(row.id), kind: row.kind, attempts: row.attempts, dead },
          'outbox delivery failed',
        );
        await opts.onFailure?.(job, err as Error, row.attempts, dead).catch((hookErr: unknown) => {
          log.error({ err: hookErr }, 'outbox failure hook failed');
        });
      }
    }
  }
}

/** One count per platform the job went to; a job that never reached an adapter counts as its own, or "none". */
function countDelivery(
  metrics: OutboxWorkerOptions['metrics'],
  job: OutboxJob,
  platforms: Set<string>,
  outcome: DeliveryOutcome,
) {
  if (!metrics) return;
  if (platforms.size === 0) platforms.add('platform' in job ? job.platform : 'none');
  for (const platform of platforms) metrics.delivery(platform, outcome);
}
