// Drains the outbox: claims due items (a lease, so several instances never deliver the same item at
// once and a crashed worker's items are taken over), delivers them, and retries failures with backoff.

import type { OutboxJob } from '../core/outbox.ts';
import type { Clock, Logger } from '../core/ports.ts';
import type { Db } from '../db/index.ts';

export interface OutboxWorkerOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  deliver: (job: OutboxJob, key: string) => Promise<void>;
  leaseMs?: number;
  maxAttempts?: number;
  batch?: number;
}

interface ClaimedRow {
  id: bigint;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export async function drainOutbox(opts: OutboxWorkerOptions): Promise<{ delivered: number; failed: number }> {
  const { db, clock, log } = opts;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 10;
  let delivered = 0;
  let failed = 0;
  for (;;) {
    const now = clock.now();
    const rows = await db.$queryRaw<ClaimedRow[]>`
      UPDATE "OutboxItem" SET "lockedUntil" = ${new Date(now.getTime() + leaseMs)}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM "OutboxItem"
        WHERE status = 'pending' AND "nextAttemptAt" <= ${now}
          AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        ORDER BY id LIMIT ${opts.batch ?? 20} FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload, attempts`;
    if (rows.length === 0) return { delivered, failed };
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const row of rows) {
      const job = { kind: row.kind, ...row.payload } as OutboxJob;
      try {
        await opts.deliver(job, `outbox:${row.id}`);
        await db.outboxItem.update({
          where: { id: row.id },
          data: { status: 'done', deliveredAt: clock.now(), lockedUntil: null, lastError: null },
        });
        delivered++;
      } catch (err) {
        failed++;
        const dead = row.attempts >= maxAttempts;
        // 2 s, 4 s, 8 s ... capped at 10 minutes.
        const delay = Math.min(2 ** row.attempts * 1000, 600_000);
        await db.outboxItem.update({
          where: { id: row.id },
          data: {
            status: dead ? 'dead' : 'pending',
            lockedUntil: null,
            nextAttemptAt: new Date(clock.now().getTime() + delay),
            lastError: String((err as Error)?.message ?? err).slice(0, 2000),
          },
        });
        log.error(
          { err, outboxId: String(row.id), kind: row.kind, attempts: row.attempts, dead },
          'outbox delivery failed',
        );
      }
    }
  }
}
