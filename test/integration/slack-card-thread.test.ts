// A reply in a ticket card's Slack thread is the ticket's internal discussion: it becomes a private note,
// found through the link the card's first post wrote (ConversationLink kind agents), and never reaches the
// customer. Replies under other messages of the agents' channel, and its top-level messages, add nothing.
// Against the fake Slack, with really signed requests, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../harness/databases.ts';
import {
  AGENTS,
  ANA,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

describe.each(databaseKinds)('a reply in a card’s Slack thread on %s', (database) => {
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackApp(database);
  });
  afterAll(async () => s?.stop());

  const db = () => s.t.app.db.prisma;
  const settle = () => s.t.app.settle();
  const botPosts = (channel: string, thread?: string) =>
    s.fake.messages(channel, thread).filter((m) => m.bot_id || m.user === s.fake.botUserId);
  const notes = (n: number) =>
    db()
      .ticketEvent.findMany({
        where: { ticketNumber: n, type: 'private_note' },
        orderBy: { createdAt: 'asc' },
      })
      .then((events) => events.map((e) => ({ body: e.body, visibility: e.visibility, by: e.authorAgentId })));

  it('becomes a private note on the card’s ticket, and only that', async () => {
    const opened = await s.slack.message({
      channel: SUPPORT,
      user: CUSTOMER,
      text: 'Search returns nothing',
    });
    await settle();
    const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Search returns nothing' } });
    const card = botPosts(AGENTS).find((m) => textOf(m).includes(`#${ticket.number} `));
    expect(card).toBeDefined();
    const live = await db().liveMessage.findUniqueOrThrow({
      where: {
        subject_platform_channel: { subject: `card:${ticket.number}`, platform: 'slack', channel: AGENTS },
      },
    });
    expect(live).toMatchObject({ ref: `${AGENTS}:${card?.ts}`, thread: card?.ts });

    await s.slack.message({
      channel: AGENTS,
      user: ANA,
      text: 'The search index was rebuilt last night',
      threadTs: card?.ts,
    });
    // Not a card: a person's message in the agents' channel, a reply under it, and a top-level message.
    const chat = await s.slack.message({ channel: AGENTS, user: ANA, text: 'Anyone free for #4?' });
    await s.slack.message({
      channel: AGENTS,
      user: ANA,
      text: 'Never mind, taken',
      threadTs: chat.payload.event.ts,
    });
    await settle();

    expect(await notes(ticket.number)).toEqual([
      { body: 'The search index was rebuilt last night', visibility: 'internal', by: 'ana' },
    ]);
    expect(await db().ticketEvent.count({ where: { body: { contains: 'Never mind' } } })).toBe(0);
    expect(await db().ticketEvent.count({ where: { body: { contains: 'Anyone free' } } })).toBe(0);
    // The customer's thread shows nothing of it.
    const customerSees = botPosts(SUPPORT, opened.payload.event.ts).map(textOf).join('\n');
    expect(customerSees).not.toContain('search index');
  });
});
