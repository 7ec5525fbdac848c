import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/harness/databases.ts';
import { eventually } from '../../test/harness/http.ts';
import type { Database, Tx } from '../db/index.ts';
import { acceptInboundBatch, drainInbox, type InboundHandler } from './inbox.ts';
import { RecentInboxBytes } from './inbox-bytes.ts';
import { IngressGate } from './ingress.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

/** What each handler call saw, and a row it wrote in its transaction (kept only if that commits). */
function recordingHandler(calls: { key: string; txid: string; blob: string | null }[], failOn?: string) {
  const handler: InboundHandler = async (tx: Tx, _payload, key, blob) => {
    const [{ txid }] = (await tx.$queryRaw<{ txid: string }[]>`SELECT txid_current()::text AS txid`) as [
      { txid: string },
    ];
    calls.push({ key, txid, blob: blob ? blob.toString() : null });
    await tx.$executeRaw`INSERT INTO "PlatformState" (key, value, "updatedAt") VALUES (${`seen:${key}`}, 'x', now())`;
    if (key === failOn) throw new Error(`cannot handle ${key}`);
  };
  return handler;
}

for (const kind of ['pglite', 'postgresql'] as const) {
  describe(`the inbox on ${kind}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    let url: string | undefined;
    beforeAll(async () => {
      ({ db, close, url } = await openTestDatabase(kind));
    });
    afterAll(() => close());

    // A failed event is due again two seconds later: parked once checked, so a later test's drain counts
    // only its own events.
    const park = (key: string) =>
      db.prisma.inboundEvent.update({
        where: { key },
        data: { nextAttemptAt: new Date(Date.now() + 86_400_000) },
      });

    const seen = async (prefix: string) =>
      (await db.prisma.platformState.findMany({ where: { key: { startsWith: `seen:${prefix}` } } })).map(
        (r) => r.key,
      );

    it('takes several events in one transaction, in the order received, each with its bytes', async () => {
      // Stored in one statement (one group commit): they share receivedAt, and keep their order.
      await acceptInboundBatch(
        db.prisma,
        ['one', null, 'three'].map((blob, i) => ({
          key: `a${i}`,
          source: 'test',
          payload: { i },
          blob: blob ? Buffer.from(blob) : undefined,
        })),
      );
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent)).toBe(3);
      expect(calls.map((c) => [c.key, c.blob])).toEqual([
        ['a0', 'one'],
        ['a1', null],
        ['a2', 'three'],
      ]);
      expect(new Set(calls.map((c) => c.txid)).size).toBe(1);
      const rows = await db.prisma.inboundEvent.findMany({ where: { key: { startsWith: 'a' } } });
      expect(rows.every((r) => r.processedAt !== null && r.blob === null && r.attempts === 0)).toBe(true);
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent)).toBe(0);
    });

    it('hands a source’s consecutive events over together to a handler that takes several, keeping its bytes if it says so', async () => {
      const events = ['x', 'y', 'z'].map((name) => ({
        key: `run-${name}`,
        source: name === 'y' ? 'other' : 'runs',
        payload: { name },
        blob: Buffer.from(`bytes of ${name}`),
      }));
      await acceptInboundBatch(
        db.prisma,
        [events[0], events[2], events[1]].filter((e) => e !== undefined),
      );
      await acceptInboundBatch(db.prisma, [{ ...(events[0] as (typeof events)[0]), key: 'run-w' }]);
      const runs: string[][] = [];
      const runsHandler: InboundHandler = async () => {
        throw new Error('one at a time is not expected here');
      };
      runsHandler.many = async (_tx, items) => {
        runs.push(items.map((i) => `${i.key}:${i.blob?.toString()}`));
      };
      runsHandler.keepsBytes = true;
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      const handlers = { runs: runsHandler, other: recordingHandler(calls) };
      expect(await drainInbox(db.prisma, handlers, silent)).toBe(4);
      // x and z were stored together, then y alone, then w: x+z is one run; w comes after y, a run of its own.
      expect(runs).toEqual([['run-x:bytes of x', 'run-z:bytes of z'], ['run-w:bytes of x']]);
      expect(calls.map((c) => c.key)).toEqual(['run-y']);
      const rows = await db.prisma.inboundEvent.findMany({
        where: { key: { startsWith: 'run-' } },
        orderBy: { key: 'asc' },
      });
      expect(
        rows.map((r) => [r.key, r.processedAt !== null, r.blob ? Buffer.from(r.blob).toString() : null]),
      ).toEqual([
        ['run-w', true, 'bytes of x'],
        ['run-x', true, 'bytes of x'],
        ['run-y', true, null],
        ['run-z', true, 'bytes of z'],
      ]);
    });

    it('stores through the driver directly as through Prisma: bytes intact, a key already stored refused', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const first = await acceptInboundBatch(db.direct, [
        { key: 'direct-1', source: 'test', payload: { via: 'direct' }, blob: bytes, thread: 't' },
        { key: 'direct-2', source: 'test', payload: {} },
      ]);
      expect([...first].sort()).toEqual(['direct-1', 'direct-2']);
      expect(await acceptInboundBatch(db.direct, [{ key: 'direct-1', source: 'test', payload: {} }])).toEqual(
        new Set(),
      );
      const row = await db.prisma.inboundEvent.findUniqueOrThrow({ where: { key: 'direct-1' } });
      expect(Buffer.from(row.blob as Uint8Array).equals(bytes)).toBe(true);
      expect(row).toMatchObject({ payload: { via: 'direct' }, thread: 't', processedAt: null });
      await db.prisma.inboundEvent.updateMany({
        where: { key: { startsWith: 'direct-' } },
        data: { processedAt: new Date() },
      });
    });

    it('a failing event fails alone: the others of its batch are processed once, it is retried later', async () => {
      await acceptInboundBatch(
        db.prisma,
        ['b0', 'b1', 'b2'].map((key) => ({ key, source: 'test', payload: {} })),
      );
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls, 'b1') }, silent)).toBe(2);
      expect((await seen('b')).sort()).toEqual(['seen:b0', 'seen:b2']);
      const failed = await db.prisma.inboundEvent.findUniqueOrThrow({ where: { key: 'b1' } });
      expect(failed).toMatchObject({ processedAt: null, attempts: 1, lastError: 'cannot handle b1' });
      expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      const done = await db.prisma.inboundEvent.findMany({ where: { key: { in: ['b0', 'b2'] } } });
      expect(done.every((r) => r.processedAt !== null && r.attempts === 0)).toBe(true);
      await park('b1');
    });

    it('takes bytes this process just stored from memory, and from the row when memory has other bytes', async () => {
      await acceptInboundBatch(db.prisma, [
        { key: 'd0', source: 'test', payload: {}, blob: Buffer.from('stored') },
        { key: 'd1', source: 'test', payload: {}, blob: Buffer.from('stored') },
      ]);
      const recent = new RecentInboxBytes();
      // Same length: taken as the bytes (memory was not read back from the database).
      recent.keep('d0', Buffer.from('memory'));
      // Another length cannot be these bytes: the row's are read.
      recent.keep('d1', Buffer.from('other bytes'));
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent, { recent })).toBe(2);
      expect(calls.map((c) => [c.key, c.blob])).toEqual([
        ['d0', 'memory'],
        ['d1', 'stored'],
      ]);
      expect(recent.take('d0')).toBeUndefined();
    });

    it('an earlier event of a conversation that has failed holds nothing up', async () => {
      await acceptInboundBatch(db.prisma, [
        { key: 'f0', source: 'test', payload: {}, thread: 'F' },
        { key: 'f1', source: 'test', payload: {}, thread: 'F' },
      ]);
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls, 'f0') }, silent)).toBe(1);
      expect(await seen('f')).toEqual(['seen:f1']);
      await park('f0');
    });

    // Two transactions at once need two connections: PostgreSQL's (the embedded database has one).
    if (kind === 'postgresql') {
      it('an event waits while an earlier one of its conversation is being handled elsewhere', async () => {
        await acceptInboundBatch(db.prisma, [
          { key: 'g0', source: 'test', payload: {}, thread: 'G' },
          { key: 'h0', source: 'test', payload: {}, thread: 'H' },
          { key: 'g1', source: 'test', payload: {}, thread: 'G' },
        ]);
        // Another worker (a second connection) holds g0 in its transaction.
        const other = new pg.Client({ connectionString: url });
        await other.connect();
        try {
          await other.query('BEGIN');
          await other.query(`SELECT id FROM "InboundEvent" WHERE key = 'g0' FOR UPDATE`);
          const calls: { key: string; txid: string; blob: string | null }[] = [];
          expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent)).toBe(1);
          expect(calls.map((c) => c.key)).toEqual(['h0']);
          await other.query('ROLLBACK');
          expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent)).toBe(2);
          expect(calls.map((c) => c.key)).toEqual(['h0', 'g0', 'g1']);
        } finally {
          await other.end();
        }
      });

      it('a worker that finds nothing stays while another holds a batch, and takes what arrives meanwhile', async () => {
        await acceptInboundBatch(db.prisma, [{ key: 'k0', source: 'test', payload: {}, thread: 'K0' }]);
        let release = () => {};
        const gate = new Promise<void>((r) => (release = r));
        const started = new Set<string>();
        const handler: InboundHandler = async (_tx, _payload, key) => {
          started.add(key);
          if (key === 'k0') return gate;
          // k1 and k2 each wait for the other to start: only two workers at once get past this.
          await eventually(async () => started.has('k1') && started.has('k2'), 'k1 and k2 side by side');
        };
        const drain = drainInbox(db.prisma, { test: handler }, silent, {
          workers: 2,
          batch: { events: 1, ms: 1000 },
        });
        await eventually(async () => started.has('k0'), 'k0 taken');
        await acceptInboundBatch(
          db.prisma,
          ['k1', 'k2'].map((key) => ({ key, source: 'test', payload: {}, thread: key.toUpperCase() })),
        );
        release();
        // With one worker left (the other gone when it first found nothing), k1 waits for k2 in vain.
        expect(await drain).toBe(3);
      });

      it('several workers take every event once, each conversation in the order it was stored', async () => {
        // Rounds of many events, so that a worker's claim often runs while another commits events it had
        // listed as pending: those must not be taken again. (They were, a few times a round, while only the
        // pending list checked "unprocessed"; the test then fails in nearly every run.)
        for (let round = 0; round < 4; round++) {
          const events = Array.from({ length: 360 }, (_, i) => ({
            key: `w${round}-${String(i).padStart(3, '0')}`,
            source: 'test',
            payload: {},
            thread: `W${round}-${i % 10}`,
          }));
          for (let i = 0; i < events.length; i += 6)
            await acceptInboundBatch(db.prisma, events.slice(i, i + 6));
          const calls: { key: string; txid: string; blob: string | null }[] = [];
          const small = { events: 5, ms: 1000 };
          const drained = await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent, {
            workers: 3,
            batch: small,
          });
          expect(drained).toBe(360);
          // A key twice means the handler ran twice for it (in a batch that then failed on the duplicate).
          expect(calls.map((c) => c.key).sort()).toEqual(events.map((e) => e.key));
          for (let t = 0; t < 10; t++) {
            const own = calls.map((c) => c.key).filter((k) => Number(k.slice(-3)) % 10 === t);
            expect(own).toEqual([...own].sort());
          }
        }
      });
    }

    it('opens no transaction until its handler is ready for the events it will take', async () => {
      await acceptInboundBatch(db.prisma, [{ key: 'r0', source: 'test', payload: {} }]);
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      const handler = recordingHandler(calls);
      let asked = 0;
      let ready = () => {};
      const gate = new Promise<void>((r) => (ready = r));
      // Asked before each batch: the first waits until released.
      handler.ready = (events) => {
        asked = events;
        return gate;
      };
      const drained = drainInbox(db.prisma, { test: handler }, silent);
      await eventually(async () => asked > 0, 'the worker asks its handler whether it is ready', 20_000);
      // Nobody holds the event meanwhile (on the embedded database, a transaction left open would hold
      // this one until Prisma's wait for a transaction ran out).
      const free = await db.prisma.$transaction(
        (tx) => tx.$queryRaw<unknown[]>`SELECT id FROM "InboundEvent" WHERE key = 'r0' FOR UPDATE NOWAIT`,
      );
      expect(free).toHaveLength(1);
      expect(calls).toEqual([]);
      ready();
      expect(await drained).toBe(1);
      expect(calls.map((c) => c.key)).toEqual(['r0']);
    });

    it('with one connection for everyone, a batch ends as soon as a sender waits', async () => {
      await acceptInboundBatch(
        db.prisma,
        ['c0', 'c1', 'c2'].map((key) => ({ key, source: 'test', payload: {} })),
      );
      const ingress = new IngressGate({ busyGapMs: 0, maxWaitMs: 1, oneConnection: true });
      let release = () => {};
      const sender = ingress.run(() => new Promise<void>((r) => (release = r)));
      const calls: { key: string; txid: string; blob: string | null }[] = [];
      expect(await drainInbox(db.prisma, { test: recordingHandler(calls) }, silent, { ingress })).toBe(3);
      release();
      await sender;
      expect(calls.map((c) => c.key)).toEqual(['c0', 'c1', 'c2']);
      expect(new Set(calls.map((c) => c.txid)).size).toBe(3);
    });
  });
}
