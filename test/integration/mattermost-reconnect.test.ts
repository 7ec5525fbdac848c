// The bot's WebSocket dropped, and reconnects refused for a while: the posts made meanwhile come back
// over REST when it reconnects (after MATTERMOST_SOCKET_RETRY_MS, not the default 3 s), each once —
// all of them when there were more than Mattermost's answer to `since` holds, and no older post that
// was only replied to, without holding the event loop meanwhile — and the Mattermost client's own
// chatter goes to Relevo's log, not to stdout.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  CUSTOMER,
  type MattermostTestApp,
  STRANGER,
  SUPPORT,
  startMattermostApp,
  startMattermostFake,
} from '../harness/mattermost/mattermost-app.ts';

let m: MattermostTestApp;
beforeAll(async () => {
  m = await startMattermostApp('pglite', { env: { MATTERMOST_SOCKET_RETRY_MS: '200' } });
});
afterAll(() => m?.stop());

it('catches up once over REST after a drop, and keeps the client’s chatter off stdout', async () => {
  const { fake } = m;
  const db = m.t.app.db.prisma;
  const said = vi.spyOn(console, 'log');
  try {
    const before = fake.userPosts(CUSTOMER, SUPPORT, 'Before the drop: the printer jams');
    await m.handled(before.id);

    fake.refuseSockets(true);
    fake.dropSockets();
    await fake.waitForSockets(0);
    const meanwhile = [1, 2, 3].map((i) =>
      fake.userPosts(CUSTOMER, SUPPORT, `While refused ${i}: no invoices`),
    );
    // A few attempts are refused first.
    const refused = fake.refusedSockets();
    await fake.waitFor(
      () => (fake.refusedSockets() >= refused + 2 ? true : undefined),
      'two refused attempts',
      20_000,
    );
    const connectsBefore = fake.socketConnects().length;
    fake.refuseSockets(false);
    await fake.waitForSockets(1, 20_000);
    expect(fake.socketConnects().length).toBe(connectsBefore + 1);
    for (const p of meanwhile) await m.handled(p.id);

    const ids = [before, ...meanwhile].map((p) => p.id);
    const links = await db.conversationLink.findMany({
      where: { platform: 'mattermost', channel: SUPPORT, thread: { in: ids }, kind: 'customer' },
    });
    expect(links).toHaveLength(4);
    expect(new Set(links.map((l) => l.ticketNumber)).size).toBe(4);
    expect(
      await db.inboundEvent.count({ where: { key: { in: ids.map((id) => `mattermost:post:${id}`) } } }),
    ).toBe(4);
    // None of the posts sent live was missed, and none of the others was sent live.
    const live = fake
      .sentEvents('posted')
      .filter((s) => s.userId === fake.botUserId)
      .map((s) => JSON.parse(String(s.message.data.post)).id as string);
    expect(live).toContain(before.id);
    for (const p of meanwhile) expect(live).not.toContain(p.id);

    expect(said.mock.calls.map((c) => String(c[0]))).not.toContainEqual(
      expect.stringMatching(/websocket|ErrorEvent/i),
    );
  } finally {
    said.mockRestore();
  }
});

it('after many refused attempts in a row, waits at most ten times MATTERMOST_SOCKET_RETRY_MS', async () => {
  const { fake } = m;
  const refusedBefore = fake.refusedSockets();
  fake.refuseSockets(true);
  fake.dropSockets();
  await fake.waitForSockets(0);
  // Nine failures in a row: the client's back-off has begun (200 ms × 9², 16 s, without a ceiling).
  await fake.waitFor(
    () => (fake.refusedSockets() - refusedBefore >= 9 ? true : undefined),
    'nine refused attempts',
    20_000,
  );
  // Without the ceiling the next waits would be 20 s, 24 s, 29 s (200 ms × failures²): three more
  // attempts would take over a minute. With it, each is at most 2 s (10 × 200 ms) plus jitter.
  await fake.waitFor(
    () => (fake.refusedSockets() - refusedBefore >= 12 ? true : undefined),
    'three more attempts, at the capped pace',
    40_000,
  );
  fake.refuseSockets(false);
  await fake.waitForSockets(1, 20_000);
  const post = fake.userPosts(CUSTOMER, SUPPORT, 'After the long outage: still no invoices');
  await m.handled(post.id);
}, 90_000);

it('reads every post of a long outage page by page, and no old post that was only replied to', async () => {
  let skew = -10 * 60_000;
  const fake = await startMattermostFake({ now: () => Date.now() + skew });
  // Ten minutes before Relevo started: its first connection starts from now, so it never read this.
  const old = fake.userPosts(CUSTOMER, SUPPORT, 'An old question, from before Relevo');
  skew = 0;
  const app = await startMattermostApp('pglite', { fake, env: { MATTERMOST_SOCKET_RETRY_MS: '200' } });
  try {
    const db = app.t.app.db.prisma;
    fake.refuseSockets(true);
    fake.dropSockets();
    await fake.waitForSockets(0);
    const reply = fake.userPosts(CUSTOMER, SUPPORT, 'Still waiting on this one', old.id);
    // More than the 1,000 posts Mattermost answers `since` with (a stranger's chatter: read, then ignored):
    // a second page is needed, and no more than that, since each post is stored on a shared, slow machine.
    const many = Array.from({ length: 1010 }, (_, i) => fake.userPosts(STRANGER, AGENTS, `chatter ${i}`));
    fake.refuseSockets(false);
    await fake.waitForSockets(1, 10_000);
    await app.handled(reply.id);
    const keys = many.map((p) => `mattermost:post:${p.id}`);
    await eventually(
      async () => (await db.inboundEvent.count({ where: { key: { in: keys } } })) === many.length,
      'every post of the outage to be stored',
      240_000,
    );
    // (How long the catch-up holds the event loop is measured by npm run bench:mattermost, not asserted.)
    expect(await db.inboundEvent.findUnique({ where: { key: `mattermost:post:${old.id}` } })).toBeNull();
    const link = await db.conversationLink.findFirstOrThrow({ where: { thread: old.id, kind: 'customer' } });
    const events = await db.ticketEvent.findMany({
      where: { ticketNumber: link.ticketNumber, authorKind: 'contact' },
    });
    expect(events.map((e) => e.body)).toEqual(['Still waiting on this one']);
  } finally {
    await app.stop();
    await fake.stop();
  }
}, 300_000);
