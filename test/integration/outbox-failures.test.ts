// The outbox worker meeting typed failures, on a real database (PGlite and PostgreSQL): a permanent one is
// dead after one attempt, a Retry-After is waited out (read in nextAttemptAt, not on a clock), an outage puts
// the platform's other claimed items off untried, and one platform that hangs holds nobody else's items —
// neither those claimed with it nor those written while it hangs.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryFailure, type FailureCode } from '../../src/core/chat/failure.ts';
import type { FailedItem } from '../../src/core/delivery-failures.ts';
import { enqueue, type OutboxJob } from '../../src/core/outbox.ts';
import { drainOutbox, OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { databaseKinds, openTestDatabase } from '../harness/databases.ts';
import { eventually } from '../harness/http.ts';

const log = pino({ level: 'silent' });
const card = (ticketNumber: number, platform: string): OutboxJob => ({
  kind: 'card',
  ticketNumber,
  platform,
  channel: 'agents',
});
const failure = (platform: string, code: FailureCode, retryable: boolean, extra = {}) =>
  new DeliveryFailure(`${platform} says ${code}`, { platform, code, retryable, ...extra });

/** Counts what the worker reports through the Metrics port. */
class CountingMetrics {
  readonly counts = new Map<string, number>();
  delivery(platform: string, outcome: string) {
    this.bump(`delivery ${platform} ${outcome}`);
  }
  deadLetter(platform: string, code: string) {
    this.bump(`dead ${platform} ${code}`);
  }
  private bump(key: string) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

describe.each(databaseKinds)('outbox failures (%s)', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  async function setup(jobs: OutboxJob[]) {
    opened = await openTestDatabase(kind);
    const prisma = opened.db.prisma;
    await prisma.$transaction(async (tx) => {
      for (const job of jobs) await enqueue(tx, job);
    });
    const rows = await prisma.outboxItem.findMany({ orderBy: { id: 'asc' } });
    const item = (ticketNumber: number) =>
      prisma.outboxItem.findFirstOrThrow({
        where: { payload: { path: ['ticketNumber'], equals: ticketNumber } },
      });
    /** How far in the future (seconds, by the database's clock) an item is due. */
    const dueIn = async (id: bigint) => {
      const [row] = await prisma.$queryRaw<{ s: number }[]>`
        SELECT extract(epoch FROM "nextAttemptAt" - now())::float8 AS s FROM "OutboxItem" WHERE id = ${id}`;
      return row?.s ?? Number.NaN;
    };
    return { prisma, rows, item, dueIn };
  }

  it('records the platform of each item, and a permanent failure is dead after one attempt, counted and reported', async () => {
    const { prisma, rows, item } = await setup([card(1, 'alpha')]);
    expect(rows.map((r) => r.platform)).toEqual(['alpha']);
    const metrics = new CountingMetrics();
    const reported: [OutboxJob, DeliveryFailure, FailedItem][] = [];
    const result = await drainOutbox({
      db: prisma,
      log,
      metrics,
      deliver: async (_job, _key, platforms) => {
        platforms.add('alpha');
        throw failure('alpha', 'channel_unavailable', false);
      },
      onFailure: async (job, f, at) => void reported.push([job, f, at]),
    });
    expect(result).toEqual({ delivered: 0, failed: 1 });
    const row = await item(1);
    expect(row).toMatchObject({ status: 'dead', attempts: 1, lockedUntil: null });
    expect(row.lastError).toBe('[channel_unavailable] alpha says channel_unavailable');
    expect(metrics.counts).toEqual(
      new Map([
        ['delivery alpha dead', 1],
        ['dead alpha channel_unavailable', 1],
      ]),
    );
    expect(reported).toHaveLength(1);
    expect(reported[0]?.[2]).toMatchObject({ attempts: 1, dead: true, lane: 'card:1:alpha:agents' });
    // Nothing is retried: a second drain finds nothing due.
    expect(await drainOutbox({ db: prisma, log, deliver: async () => {} })).toEqual({
      delivered: 0,
      failed: 0,
    });
  });

  it('a retryable failure with Retry-After is not due before it; an untyped error is retried after the backoff', async () => {
    const { prisma, item, dueIn } = await setup([card(1, 'alpha'), card(2, 'beta')]);
    await drainOutbox({
      db: prisma,
      log,
      deliver: async (job) => {
        if (job.kind === 'card' && job.platform === 'alpha') {
          throw failure('alpha', 'rate_limited', true, { retryAfterMs: 120_000 });
        }
        throw new Error('a bug somewhere');
      },
    });
    const limited = await item(1);
    expect(limited).toMatchObject({ status: 'pending', attempts: 1 });
    // Retry-After 120 s, longer than the 2 s backoff of a first failure: it decides.
    expect(await dueIn(limited.id)).toBeGreaterThan(100);
    const buggy = await item(2);
    expect(buggy).toMatchObject({ status: 'pending', attempts: 1 });
    expect(buggy.lastError).toBe('[unexpected] a bug somewhere');
    expect(await dueIn(buggy.id)).toBeLessThanOrEqual(2);
  });

  it('an outage puts the platform’s other claimed items off untried; other platforms go on', async () => {
    const { prisma, rows, dueIn } = await setup([
      card(1, 'alpha'),
      card(2, 'alpha'),
      card(3, 'alpha'),
      card(4, 'beta'),
    ]);
    const tried: number[] = [];
    await drainOutbox({
      db: prisma,
      log,
      deliver: async (job) => {
        if (job.kind !== 'card') return;
        tried.push(job.ticketNumber);
        if (job.platform === 'alpha') {
          throw failure('alpha', 'unreachable', true, { outage: true, retryAfterMs: 60_000 });
        }
      },
    });
    expect(tried.sort()).toEqual([1, 4]);
    const after = await prisma.outboxItem.findMany({ orderBy: { id: 'asc' } });
    expect(after.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
      ['done', 1],
    ]);
    // The untried ones wait as long as the platform asked (Retry-After), not a moment more or less.
    for (const r of rows.slice(1, 3)) expect(await dueIn(r.id)).toBeGreaterThan(50);
  });

  it('a platform whose delivery hangs holds neither the other platform’s claimed items nor ones written meanwhile', async () => {
    const { prisma, item } = await setup([card(1, 'slow'), card(2, 'fast')]);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let hanging = false;
    const worker = new OutboxWorker({
      db: prisma,
      log,
      deliver: async (job) => {
        if (job.kind === 'card' && job.platform === 'slow') {
          hanging = true;
          await held;
        }
      },
    });
    await worker.wake();
    await eventually(async () => hanging && (await item(2)).status === 'done', 'the fast item delivered');
    expect((await item(1)).status).toBe('pending');

    // Written while the slow delivery still hangs: the next wake-up delivers it all the same.
    await prisma.$transaction((tx) => enqueue(tx, card(3, 'fast')));
    await worker.wake();
    await eventually(async () => (await item(3)).status === 'done', 'the item written meanwhile delivered');
    expect((await item(1)).status).toBe('pending');

    release();
    await worker.idle();
    expect((await item(1)).status).toBe('done');
  });
});
