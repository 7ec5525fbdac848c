import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/harness/databases.ts';
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
    beforeAll(async () => {
      ({ db, close } = await openTestDatabase(kind));
    });
    afterAll(() => close());

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
