// Live updates through the database's NOTIFY/LISTEN: heard only once committed, never when rolled back,
// by every instance, and again after the LISTEN connection is cut.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Post, WebchatAdapter } from '../../adapters/webchat/adapter.ts';
import { type Database, openDatabase } from '../../src/db/index.ts';
import { LiveBus, MAX_SIGNAL_BYTES, type SignalData } from '../../src/http/live-bus.ts';
import { LiveHub } from '../../src/http/live-hub.ts';
import { type DatabaseKind, databaseKinds, freshDatabase, type TestDatabase } from '../harness/databases.ts';
import { eventually } from '../harness/http.ts';

const log = pino({ level: 'silent' });
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Opens a database as one instance does; pass `shared` to open the same one as a second instance. */
async function database(kind: DatabaseKind, shared?: TestDatabase): Promise<[Database, TestDatabase]> {
  const t = shared ?? (await freshDatabase(kind));
  if (!shared) cleanup.push(() => t.drop());
  const db = await openDatabase({
    databaseUrl: t.env.DATABASE_URL,
    dataDir: t.env.RELEVO_DATA_DIR,
    pgliteSnapshot: t.env.RELEVO_PGLITE_SNAPSHOT,
  });
  cleanup.push(() => db.close());
  if (!shared) await db.migrate();
  return [db, t];
}

async function listening(db: Database) {
  const heard: SignalData[] = [];
  const bus = new LiveBus(db, log);
  bus.on('ticket', (data) => void heard.push(data));
  await bus.start();
  cleanup.push(() => bus.stop());
  return { bus, heard };
}

describe.each(databaseKinds)('live bus (%s)', (kind) => {
  it('is heard once its transaction commits, and never when it rolls back', async () => {
    const [db] = await database(kind);
    const { bus, heard } = await listening(db);
    await db.prisma.$transaction(async (tx) => {
      await bus.signal('ticket', { number: 1 }, tx);
      expect(heard).toEqual([]);
    });
    await eventually(async () => heard.length === 1, 'the committed signal');
    await expect(
      db.prisma.$transaction(async (tx) => {
        await bus.signal('ticket', { number: 2 }, tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Notifications arrive in commit order: once 3 is here, 2 would have been too.
    await bus.signal('ticket', { number: 3 });
    await eventually(async () => heard.length === 2, 'the signal after the rollback');
    expect(heard).toEqual([{ number: 1 }, { number: 3 }]);
  });
});

describe('live bus (postgresql, two instances)', () => {
  it('is heard by the other instance, and again after the LISTEN connection is cut', async () => {
    const [one, test] = await database('postgresql');
    const [two] = await database('postgresql', test);
    const a = await listening(one);
    const b = await listening(two);
    await a.bus.signal('ticket', { number: 41 });
    await eventually(async () => b.heard.length === 1 && a.heard.length === 1, 'both instances to hear it');

    // PostgreSQL restarting or a network cut looks like this to the LISTEN connections.
    await one.prisma.$executeRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`;
    await eventually(async () => !b.bus.connected(), 'the lost connection to be noticed');
    await eventually(async () => b.bus.connected(), 'the LISTEN connection to come back', 30_000);
    await a.bus.signal('ticket', { number: 42 });
    await eventually(async () => b.heard.some((d) => d.number === 42), 'the signal after reconnecting');
  });
});

describe.each(databaseKinds)('web chat posts on the live bus (%s)', (kind) => {
  it('reach open pages whole, a short post inside the signal and a long one read back by its id', async () => {
    const [db] = await database(kind);
    const bus = new LiveBus(db, log);
    const hub = new LiveHub();
    const chat = new WebchatAdapter(db.prisma, bus, hub);
    await bus.start();
    cleanup.push(() => bus.stop());
    const seen: { event: string; text: string }[] = [];
    hub.subscribe('support/s1', (event, data) => seen.push({ event, text: (data as Post).message.text }));

    const short = 'The export is empty';
    const long = `A long report: ${'the export is empty again. '.repeat(400)}`;
    expect(Buffer.byteLength(long)).toBeGreaterThan(MAX_SIGNAL_BYTES);
    const ref = await chat.post({ channel: 'support', thread: 's1' }, { text: short });
    await chat.post({ channel: 'support', thread: 's1' }, { text: long });
    await chat.update(ref, { text: `${short} (edited)` });
    await eventually(async () => seen.length === 3, 'three live events');
    expect(seen).toEqual([
      { event: 'post', text: short },
      { event: 'post', text: long },
      { event: 'update', text: `${short} (edited)` },
    ]);
  });
});
