// The bot's WebSocket against the fake Mattermost: posts made while the socket is down arrive by the
// catch-up exactly once; Relevo starts and serves while Mattermost is out of reach and connects when it is
// back; a refused token stops the start; with several instances one holds the socket and another takes
// over; a 429 on a post is waited out, not lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../harness/databases.ts';
import { Client, eventually } from '../harness/http.ts';
import {
  CUSTOMER,
  type MattermostTestApp,
  SUPPORT,
  startMattermostApp,
  startMattermostFake,
} from '../harness/mattermost/mattermost-app.ts';

const ticketsOpenedBy = (m: MattermostTestApp, postIds: string[]) =>
  m.t.app.db.prisma.conversationLink.findMany({ where: { kind: 'customer', thread: { in: postIds } } });

describe('Mattermost WebSocket', () => {
  let m: MattermostTestApp;
  beforeAll(async () => {
    m = await startMattermostApp();
  });
  afterAll(async () => m?.stop());

  it('posts made while the socket is down become tickets once it is back, each exactly once', async () => {
    const before = await m.t.app.db.prisma.ticket.count();
    const connects = m.fake.socketConnects().length;
    m.fake.refuseSockets(true);
    m.fake.dropSockets();
    const missed = ['Disk full on db-1', 'Backups failing since Monday', 'Login page is blank'].map(
      (text) => m.fake.userPosts(CUSTOMER, SUPPORT, text).id,
    );
    m.fake.refuseSockets(false);
    await eventually(
      async () => m.fake.socketConnects().length > connects && m.fake.socketCount() > 0,
      'the client to reconnect',
      30_000,
    );
    const live = m.fake.userPosts(CUSTOMER, SUPPORT, 'And the printer too').id;
    for (const id of [...missed, live]) await m.handled(id);
    expect(await ticketsOpenedBy(m, [...missed, live])).toHaveLength(4);
    // The catch-up re-read posts the socket had brought before (its overlap): none counted twice.
    expect(await m.t.app.db.prisma.ticket.count()).toBe(before + 4);
    for (const id of missed) {
      const acks = m.fake.posts(SUPPORT, id).filter((p) => p.user_id === m.fake.botUserId);
      expect(acks).toHaveLength(1);
    }
  }, 60_000);

  it('a gap in the event sequence makes the client reconnect and lose nothing', async () => {
    const connects = m.fake.socketConnects().length;
    m.fake.skipSeq();
    const first = m.fake.userPosts(CUSTOMER, SUPPORT, 'The badge reader is offline').id;
    await eventually(
      async () => m.fake.socketConnects().length > connects,
      'the client to reconnect',
      30_000,
    );
    await m.handled(first);
    expect(await ticketsOpenedBy(m, [first])).toHaveLength(1);
  }, 60_000);

  it('a post Relevo cannot make now (429) is made after the wait Mattermost asked for, once', async () => {
    m.fake.rateLimitNext(1, 1);
    const id = m.fake.userPosts(CUSTOMER, SUPPORT, 'The wifi password expired').id;
    await m.handled(id);
    const ack = await eventually(
      async () => {
        const posts = m.fake.posts(SUPPORT, id).filter((p) => p.user_id === m.fake.botUserId);
        return posts.length ? posts : undefined;
      },
      'the acknowledgement, after the 429',
      30_000,
    );
    expect(ack.filter((p) => p.message.includes('opened ticket'))).toHaveLength(1);
    expect(m.fake.calls({ method: 'POST', path: '/api/v4/posts' }).some((c) => c.status === 429)).toBe(true);
  }, 40_000);
});

describe('Mattermost out of reach', () => {
  it('Relevo starts and serves while Mattermost is down, and connects when it comes back', async () => {
    const fake = await startMattermostFake();
    await fake.goOffline();
    const m = await startMattermostApp('pglite', { fake, waitForSocket: false });
    try {
      const http = new Client(m.t.url);
      expect((await http.get('/healthz')).status).toBe(200);
      const ready = await http.get('/readyz');
      expect(ready.status).toBe(503);
      expect((ready.body as { checks: Record<string, string> }).checks.mattermost).not.toBe('connected');

      await fake.goOnline();
      await eventually(async () => (await http.get('/readyz')).status === 200, 'Relevo to connect', 45_000);
      await eventually(
        async () =>
          (await m.t.app.db.prisma.platformState.count({
            where: { key: { startsWith: 'mattermost:cursor:' } },
          })) >= 4,
        'the first catch-up',
      );
      const id = fake.userPosts(CUSTOMER, SUPPORT, 'Everything is slow today').id;
      await m.handled(id);
      expect(await ticketsOpenedBy(m, [id])).toHaveLength(1);
    } finally {
      await m.stop();
      await fake.stop();
    }
  }, 90_000);

  it('a refused bot token stops the start and says which variable to fix', async () => {
    const fake = await startMattermostFake();
    try {
      await expect(
        startMattermostApp('pglite', { fake, env: { MATTERMOST_BOT_TOKEN: 'notthebotstoken00000000000' } }),
      ).rejects.toThrow(/MATTERMOST_BOT_TOKEN/);
    } finally {
      await fake.stop();
    }
  });
});

describe('Mattermost with several instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: MattermostTestApp;
  let b: MattermostTestApp;
  beforeAll(async () => {
    database = await freshDatabase('postgresql');
    // The database outlives the first instance, which the test stops while the second runs on.
    a = await startMattermostApp({ env: database.env, drop: async () => {} });
    b = await startMattermostApp('postgresql', { sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await database?.drop();
  });

  it('one instance holds the WebSocket; when it stops the other takes over, and no post is lost or doubled', async () => {
    expect(a.fake.socketCount()).toBe(1);
    const first = a.fake.userPosts(CUSTOMER, SUPPORT, 'Instance test: the VPN is down').id;
    // Either instance may process what is stored: wait for the state, not for one instance.
    await eventually(
      async () => (await ticketsOpenedBy(a, [first])).length === 1,
      'the first ticket',
      20_000,
    );

    await a.t.stop();
    const during = a.fake.userPosts(CUSTOMER, SUPPORT, 'Instance test: the mail queue is stuck').id;
    // The standby asks for the lease every 10 s; a clean stop released it.
    await eventually(async () => b.fake.socketCount() === 1, 'the standby to take the socket', 45_000);
    const after = b.fake.userPosts(CUSTOMER, SUPPORT, 'Instance test: the printer jams').id;
    await eventually(
      async () => (await ticketsOpenedBy(b, [first, during, after])).length === 3,
      'a ticket for every post, the one made during the take-over included',
      30_000,
    );
    await b.t.app.settle();
    expect(await ticketsOpenedBy(b, [first, during, after])).toHaveLength(3);
    expect(b.fake.socketCount()).toBe(1);
  }, 120_000);
});
