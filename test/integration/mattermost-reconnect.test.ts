// The bot's WebSocket dropped, and reconnects refused for a while: the posts made meanwhile come back
// over REST when it reconnects (after MATTERMOST_SOCKET_RETRY_MS, not the default 3 s), each once, and
// the Mattermost client's own chatter goes to Relevo's log, not to stdout.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  CUSTOMER,
  type MattermostTestApp,
  SUPPORT,
  startMattermostApp,
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
    // A few attempts are refused (one every 200–400 ms).
    await new Promise((r) => setTimeout(r, 1000));
    const connectsBefore = fake.socketConnects().length;
    const accepted = performance.now();
    fake.refuseSockets(false);
    await fake.waitForSockets(1, 5000);
    expect(performance.now() - accepted).toBeLessThan(2000);
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
