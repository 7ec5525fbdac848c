// The socket lease on a real database: one holder connects, the other stands by; when the holder stops,
// the standby connects; a holder that loses its lease disconnects.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/index.ts';
import { Lease } from '../../src/jobs/lease.ts';
import { eventually } from '../../test/harness/http.ts';
import { SocketLease } from './socket-lease.ts';

const log = pino({ level: 'silent' });

function instance(db: Database, name = 'slack-socket:A1') {
  const state = { connects: 0, disconnects: 0 };
  const socket = new SocketLease({
    lease: new Lease(db.prisma, name, 60_000),
    connect: async () => {
      state.connects++;
    },
    disconnect: async () => {
      state.disconnects++;
    },
    log,
    renewMs: 20,
  });
  return { socket, state };
}

describe('socket lease', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  });
  afterAll(async () => db?.close());

  it('lets one instance connect while another stands by, and fails over when the holder stops', async () => {
    const a = instance(db);
    const b = instance(db);
    await a.socket.start();
    await b.socket.start();
    expect(a.socket.holding).toBe(true);
    expect(b.socket.holding).toBe(false);
    expect([a.state.connects, b.state.connects]).toEqual([1, 0]);

    await a.socket.stop();
    expect(a.state.disconnects).toBe(1);
    await eventually(async () => b.socket.holding || undefined, 'the standby to take the socket over');
    expect(b.state.connects).toBe(1);
    await b.socket.stop();
  });

  it('disconnects a holder whose lease another instance took (it ran out meanwhile)', async () => {
    const a = instance(db, 'slack-socket:A2');
    await a.socket.start();
    expect(a.socket.holding).toBe(true);
    // Another holder takes the lease as if ours had run out while this process was stalled.
    await db.prisma.lease.update({ where: { name: 'slack-socket:A2' }, data: { holder: 'someone-else' } });
    await eventually(async () => !a.socket.holding || undefined, 'the holder to notice it lost the lease');
    expect(a.state.disconnects).toBe(1);
    await a.socket.stop();
    expect(a.state.disconnects).toBe(1);
  });

  it('fails the start when the first connection is refused (a revoked token), so the operator sees it', async () => {
    const lease = new Lease(db.prisma, 'slack-socket:A3', 60_000);
    const socket = new SocketLease({
      lease,
      connect: async () => {
        throw new Error('invalid_auth');
      },
      disconnect: async () => {},
      log,
    });
    await expect(socket.start()).rejects.toThrow('invalid_auth');
    // Given up at once: another instance need not wait for the lease to run out.
    expect(await db.prisma.lease.findUnique({ where: { name: 'slack-socket:A3' } })).toBeNull();
  });
});
