// Two outbox workers on one database, as two instances run them. While one delivers a ticket's message to
// its customer (or posts its card), the other must not take the next item of the same lane — it would be
// delivered out of order, or post a second card — but it does take other lanes' items.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueue, type OutboxJob } from '../../src/core/outbox.ts';
import { drainOutbox } from '../../src/jobs/outbox-worker.ts';
import { databaseKinds, openTestDatabase } from '../harness/databases.ts';
import { eventually } from '../harness/http.ts';

const log = pino({ level: 'silent' });

describe.each(databaseKinds)('outbox lanes (%s)', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('delivers one lane one item at a time, in order, across workers; other lanes go on meanwhile', async () => {
    opened = await openTestDatabase(kind);
    const prisma = opened.db.prisma;
    const jobs: OutboxJob[] = [
      { kind: 'customer_event', eventId: 'e1', ticketNumber: 7 },
      { kind: 'customer_event', eventId: 'e2', ticketNumber: 7 },
      { kind: 'customer_event', eventId: 'e3', ticketNumber: 8 },
      { kind: 'card', ticketNumber: 7, platform: 'webchat', channel: 'agents' },
    ];
    await prisma.$transaction(async (tx) => {
      for (const job of jobs) await enqueue(tx, job);
    });

    const delivered: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const name = (job: OutboxJob) =>
      job.kind === 'customer_event'
        ? job.eventId
        : job.kind === 'card'
          ? `card:${job.ticketNumber}`
          : job.kind;
    // Worker 1 takes e1 and holds it until the test lets go.
    let holding = false;
    const worker1 = drainOutbox({
      db: prisma,
      log,
      batch: 1,
      deliver: async (job) => {
        if (name(job) === 'e1') {
          holding = true;
          await firstHeld;
        }
        delivered.push(name(job));
      },
    });
    await eventually(async () => holding, 'worker 1 to hold e1');

    // Worker 2 runs meanwhile: it delivers the other lanes, never e2 while e1 is in hand. (The card goes
    // to another platform, so worker 1's own runner for it may have delivered it already.)
    await drainOutbox({
      db: prisma,
      log,
      deliver: async (job) => {
        delivered.push(name(job));
      },
    });
    expect([...delivered].sort()).toEqual(['card:7', 'e3']);

    releaseFirst();
    await worker1;
    // e2 waited for e1; whichever worker runs next delivers it.
    await drainOutbox({ db: prisma, log, deliver: async (job) => void delivered.push(name(job)) });
    expect(delivered.indexOf('e2')).toBeGreaterThan(delivered.indexOf('e1'));
    expect(delivered.filter((d) => d === 'e2')).toHaveLength(1);
    const left = await prisma.outboxItem.count({ where: { status: 'pending' } });
    expect(left).toBe(0);
  }, 120_000);
});
