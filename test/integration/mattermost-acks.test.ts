// Mattermost's requests to Relevo are acknowledged without waiting on the database, and a replayed one
// (the same trigger id) is acknowledged alike but does nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PreparedRequest } from '../harness/mattermost/fake-mattermost.ts';
import {
  AGENTS,
  ANA,
  COMMAND_TOKEN,
  CUSTOMER,
  type MattermostTestApp,
  PUBLIC_URL,
  SUPPORT,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';

let m: MattermostTestApp;
beforeAll(async () => {
  m = await startMattermostApp('pglite');
});
afterAll(() => m?.stop());

/** Sends a request the fake prepared, as Mattermost would, to the test server. */
const send = (req: PreparedRequest) =>
  fetch(req.url.replace(PUBLIC_URL, m.t.url), { method: req.method, headers: req.headers, body: req.body });

/** A new ticket's card among the agents. */
async function newCard(text: string) {
  const cardsBefore = m.fake.posts(AGENTS).filter((p) => p.user_id === m.fake.botUserId && !p.root_id).length;
  const post = m.fake.userPosts(CUSTOMER, SUPPORT, text);
  await m.handled(post.id);
  return m.fake.waitFor(
    () => m.fake.posts(AGENTS).filter((p) => p.user_id === m.fake.botUserId && !p.root_id)[cardsBefore],
    'the ticket card',
    20_000,
  );
}

const told = () => m.fake.ephemerals({ userId: ANA }).map((e) => e.post.message);

it('acknowledges a click while the database is held, and acts once it is free', async () => {
  const card = await newCard('The invoice page is blank since this morning');
  const press = m.fake.prepareButtonPress({ postId: card.id, actionName: 'Take it', userId: ANA });
  const toldBefore = told().length;
  // The embedded database has one connection: a transaction holds every other query until the
  // acknowledgement has arrived. An ack that waited on the database would never arrive (the test times out).
  let begun!: () => void;
  const inside = new Promise<void>((r) => (begun = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const holding = m.t.app.db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT 1`;
      begun();
      await released;
    },
    { timeout: 60_000 },
  );
  await inside;
  const res = await send(press);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({});
  // Nothing was done while the database was held: the answer comes once it is free.
  expect(told()[toldBefore]).toBeUndefined();
  release();
  await holding;
  await m.fake.waitFor(() => told()[toldBefore], 'the answer to "Take it"', 20_000);
  expect(told()[toldBefore]).toMatch(/^You took ticket #\d+\.$/);
});

it('acknowledges a replayed click or command alike, and does it once', async () => {
  const card = await newCard('The export to CSV times out');
  const press = m.fake.prepareButtonPress({ postId: card.id, actionName: 'Take it', userId: ANA });
  const command = m.fake.prepareSlashCommand({
    url: `${PUBLIC_URL}/mattermost/command`,
    token: COMMAND_TOKEN,
    userId: ANA,
    channelId: SUPPORT,
    text: 'help',
  });
  const toldBefore = told().length;
  for (const req of [press, press, command, command]) {
    const res = await send(req);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  }
  await m.fake.waitFor(() => told()[toldBefore], 'the answer to "Take it"', 20_000);
  await m.fake.waitForResponse(command.responseUrl, undefined, 20_000);
  // A fresh command answered after both replays were read: they have had their turn.
  const barrier = m.fake.prepareSlashCommand({
    url: `${PUBLIC_URL}/mattermost/command`,
    token: COMMAND_TOKEN,
    userId: ANA,
    channelId: SUPPORT,
    text: 'help',
  });
  expect((await send(barrier)).status).toBe(200);
  await m.fake.waitForResponse(barrier.responseUrl, undefined, 20_000);
  await m.t.app.settle();
  // Ana saw one "You took" (the commands' answers show as ephemeral posts too: one each, counted below).
  expect(
    told()
      .slice(toldBefore)
      .filter((t) => t.startsWith('You took')),
  ).toHaveLength(1);
  expect(m.fake.responses(command.responseUrl)).toHaveLength(1);
});
