// Drains the outbox: claims due items (a lease, so several instances never deliver the same item at
// once and a crashed worker's items are taken over), delivers them, and retries failures with backoff.
// An item waits while an earlier one of its lane (core/outbox.ts laneOf) is pending, here or elsewhere.
//
// Each platform drains on its own (OutboxItem.platform, written at enqueue): one runner per platform, one
// item at a time within it, so Slack being slow or down never holds an email or a web chat message.
// A failure says what to do (core/chat/failure.ts): a permanent one is dead at once; a retryable one waits
// its backoff, or the platform's Retry-After if that is longer; and when the platform itself is out
// (unreachable, failing, throttling) its other claimed items are put off untried rather than each
// waiting on it in turn.

import { asDeliveryFailure, type DeliveryFailure } from '../core/chat/failure.ts';
import type { FailedItem } from '../core/delivery-failures.ts';
import { type IngressGate, yieldTurn } from '../core/ingress.ts';
import type { OutboxJob } from '../core/outbox.ts';
import type { DeliveryOutcome, Logger, Metrics } from '../core/ports.ts';
import type { Db } from '../db/index.ts';

export interface OutboxWorkerOptions {
  db: Db;
  log: Logger;
  /** Delivers one job, adding the platforms it goes to (or tries), in that order, to `platforms`. */
  deliver: (job: OutboxJob, key: string, platforms: Set<string>) => Promise<void>;
  /** Told of each failed attempt (e.g. to make a failed send visible on its ticket). */
  onFailure?: (job: OutboxJob, failure: DeliveryFailure, item: FailedItem) => Promise<void>;
  leaseMs?: number;
  maxAttempts?: number;
  batch?: number;
  /** Shutting down: finish the item in hand, leave the rest for the next start (or another instance). */
  stopping?: () => boolean;
  /** Senders storing inbound events go first (see core/ingress.ts). */
  ingress?: IngressGate;
  /** Each attempt's outcome, counted per platform, and each dead letter by platform and cause. */
  metrics?: Pick<Metrics, 'delivery' | 'deadLetter'>;
}

interface ClaimedRow {
  id: bigint;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  lane: string | null;
}

interface Runner {
  /** Asked to run while running: look for work once more before stopping. */
  again: boolean;
  done: Promise<void>;
}

/** 2 s, 4 s, 8 s ... capped at 10 minutes. */
const backoffMs = (attempts: number) => Math.min(2 ** attempts * 1000, 600_000);

export class OutboxWorker {
  private readonly runners = new Map<string, Runner>();
  private delivered = 0;
  private failed = 0;

  constructor(private readonly opts: OutboxWorkerOptions) {}

  /**
   * Starts a runner for each platform with due items that has none running here, and returns without
   * waiting for them: a platform that takes long holds only its own runner.
   */
  async wake(): Promise<void> {
    await this.quiet();
    // Rows from before the platform column (null) form a group of their own.
    const due = await this.opts.db.$queryRaw<{ platform: string }[]>`
      SELECT DISTINCT coalesce(platform, '') AS platform FROM "OutboxItem"
      WHERE status = 'pending' AND "nextAttemptAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())`;
    for (const { platform } of due) this.run(platform);
  }

  /** Resolves once no runner is running. */
  async idle(): Promise<void> {
    while (this.runners.size) await Promise.all([...this.runners.values()].map((r) => r.done));
  }

  /** Delivers everything due, every platform at once, and says how many attempts succeeded and failed. */
  async drain(): Promise<{ delivered: number; failed: number }> {
    const before = { delivered: this.delivered, failed: this.failed };
    await this.wake();
    await this.idle();
    return { delivered: this.delivered - before.delivered, failed: this.failed - before.failed };
  }

  private run(platform: string): void {
    const running = this.runners.get(platform);
    if (running) {
      running.again = true;
      return;
    }
    const runner: Runner = { again: false, done: Promise.resolve() };
    runner.done = this.drainPlatform(platform, runner)
      .catch((err: unknown) => this.opts.log.error({ err, platform }, 'outbox runner failed'))
      .finally(() => this.runners.delete(platform));
    this.runners.set(platform, runner);
  }

  private async drainPlatform(platform: string, runner: Runner): Promise<void> {
    const { db, ...opts } = this.opts;
    const leaseMs = opts.leaseMs ?? 60_000;
    for (;;) {
      runner.again = false;
      await this.quiet();
      if (opts.stopping?.()) return;
      // Scheduling uses the database's clock, shared by every instance; the injectable Clock is for
      // business time (SLA, confirmation windows).
      const rows = await db.$queryRaw<ClaimedRow[]>`
        UPDATE "OutboxItem" SET "lockedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1
        WHERE id IN (
          SELECT o.id FROM "OutboxItem" o
          WHERE o.status = 'pending' AND o."nextAttemptAt" <= now() AND coalesce(o.platform, '') = ${platform}
            AND (o."lockedUntil" IS NULL OR o."lockedUntil" < now())
            AND NOT EXISTS (
              SELECT 1 FROM "OutboxItem" earlier
              WHERE earlier.lane = o.lane AND earlier.id < o.id AND earlier.status = 'pending')
          ORDER BY o.id LIMIT ${opts.batch ?? 20} FOR UPDATE OF o SKIP LOCKED)
        RETURNING id, kind, payload, attempts, lane`;
      if (rows.length === 0) {
        if (runner.again) continue;
        return;
      }
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const [i, row] of rows.entries()) {
        await this.quiet();
        if (opts.stopping?.()) {
          // Release the claims so the rows are due again at once, here after a restart or on another instance.
          for (const left of rows.slice(i)) await this.release(left, 0);
          return;
        }
        const outage = await this.attempt(row, platform);
        if (outage) {
          // Trying the rest now would only wait on the same outage: they go when this one is next tried.
          for (const left of rows.slice(i + 1)) await this.release(left, outage.delayMs);
          return;
        }
      }
    }
  }

  /** Delivers one claimed row; on a platform-wide failure, says how long the platform's others should wait. */
  private async attempt(row: ClaimedRow, group: string): Promise<{ delayMs: number } | undefined> {
    const { db, log, metrics } = this.opts;
    const job = { kind: row.kind, ...row.payload } as OutboxJob;
    const platforms = new Set<string>();
    try {
      await this.opts.deliver(job, `outbox:${row.id}`, platforms);
      await db.$executeRaw`
        UPDATE "OutboxItem" SET status = 'done', "deliveredAt" = now(), "lockedUntil" = NULL, "lastError" = NULL
        WHERE id = ${row.id}`;
      this.delivered++;
      countDelivery(metrics, job, platforms, 'delivered');
      return undefined;
    } catch (err) {
      this.failed++;
      // The platform tried last is the one that failed (a customer may be reached on several).
      const failure = asDeliveryFailure(err, [...platforms].at(-1) ?? (group.split(',')[0] || 'none'));
      const dead = !failure.retryable || row.attempts >= (this.opts.maxAttempts ?? 10);
      const delayMs = Math.max(backoffMs(row.attempts), failure.retryAfterMs ?? 0);
      countDelivery(metrics, job, platforms, dead ? 'dead' : 'failed');
      if (dead) metrics?.deadLetter(failure.platform, failure.code);
      await db.$executeRaw`
        UPDATE "OutboxItem" SET status = ${dead ? 'dead' : 'pending'}::"OutboxStatus", "lockedUntil" = NULL,
          "nextAttemptAt" = now() + make_interval(secs => ${delayMs / 1000}),
          "lastError" = ${`[${failure.code}] ${failure.message}`.slice(0, 2000)}
        WHERE id = ${row.id}`;
      log.error(
        {
          err,
          outboxId: String(row.id),
          kind: row.kind,
          platform: failure.platform,
          code: failure.code,
          attempts: row.attempts,
          dead,
        },
        dead ? 'outbox delivery given up (dead letter)' : 'outbox delivery failed; retrying later',
      );
      const item: FailedItem = { id: row.id, lane: row.lane, attempts: row.attempts, dead };
      await this.opts.onFailure?.(job, failure, item).catch((hookErr: unknown) => {
        log.error({ err: hookErr }, 'outbox failure hook failed');
      });
      // The others wait for the platform's Retry-After, or a short while: how long this item waits grows
      // with its own attempts, which says nothing about theirs.
      return failure.outage ? { delayMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(1)) } : undefined;
    }
  }

  /** Gives a claimed row back untried: no attempt counted, due again after `delayMs`. */
  private async release(row: ClaimedRow, delayMs: number): Promise<void> {
    await this.opts.db.$executeRaw`
      UPDATE "OutboxItem" SET "lockedUntil" = NULL, attempts = attempts - 1,
        "nextAttemptAt" = greatest("nextAttemptAt", now() + make_interval(secs => ${delayMs / 1000}))
      WHERE id = ${row.id}`;
  }

  private quiet(): Promise<void> {
    return this.opts.ingress ? this.opts.ingress.quiet() : yieldTurn();
  }
}

/** Runs every platform's runner until nothing is due (tests, benchmarks, one-off drains). */
export function drainOutbox(opts: OutboxWorkerOptions): Promise<{ delivered: number; failed: number }> {
  return new OutboxWorker(opts).drain();
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
