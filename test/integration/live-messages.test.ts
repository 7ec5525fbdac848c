// Live messages on PGlite and PostgreSQL: what shows a ticket's card, an escalation or a waiting
// conversation in a channel is posted there once and edited in place on every later change, on each
// platform (the in-memory platform plays Slack, with threads; the web chat has none), and the thread a card
// or an escalation opens is linked to its ticket; a retried delivery whose post was never recorded finds that
// post again. Across two instances, see live-messages-instances.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showLive } from '../../src/core/live-messages/show.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import { liveConfigYaml } from '../fixtures/live-messages.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { MemoryChatAdapter, type MemoryMessage } from '../harness/memory-adapter.ts';

const fieldsOf = (m: OutMessage | undefined) =>
  Object.fromEntries((m?.fields ?? []).map((f) => [f.label, f.value]));
const ana: Actor = { kind: 'agent', agentId: 'ana' };
const ben: Actor = { kind: 'agent', agentId: 'ben' };

describe.each(databaseKinds)('live messages on %s', (database) => {
  let t: TestApp;
  const slack = new MemoryChatAdapter('slack');
  let contactId = '';
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database, config: liveConfigYaml, pollMs: 60_000 });
    t.app.adapters.set('slack', slack);
    contactId = (await t.app.db.prisma.contact.create({ data: { name: 'Carla', organisationId: 'acme' } }))
      .id;
  });
  afterAll(async () => t?.stop());

  const db = () => t.app.db.prisma;
  const settle = () => t.app.settle();
  const newTicket = async (text: string) => {
    const outcome = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `live-${++seq}`,
      contactId,
      text,
    });
    if (outcome.kind !== 'created') throw new Error(`expected a new ticket, got ${outcome.kind}`);
    await settle();
    return outcome.ticketNumber;
  };
  /** Messages Relevo posted at the top of a channel of the Slack stand-in whose title contains `words`. */
  const posted = (channel: string, words: string): MemoryMessage[] =>
    slack.messages.filter(
      (m) => m.target.channel === channel && !m.target.thread && m.message.title?.includes(words),
    );
  const webchatPosts = (channel: string, words: string) =>
    db()
      .webchatPost.findMany({ where: { channel } })
      .then((rows) => rows.filter((r) => JSON.stringify(r.message).includes(words)));
  const live = (subject: string, platform: string) =>
    db().liveMessage.findFirstOrThrow({ where: { subject, platform } });

  it('posts a ticket’s card once in each agents’ channel, then edits it in place on every change', async () => {
    const n = await newTicket('The nightly export stops at 80%');
    const [card] = posted('agents-slack', `#${n} `);
    expect(card).toBeDefined();
    const changes = [
      () => t.app.tickets.note(n, ana, 'Seen this before on the old cluster'),
      () => t.app.tickets.assign(n, ana, 'ben'),
      () => t.app.tickets.setField(n, ben, 'priority', 'high'),
    ];
    for (const change of changes) {
      await change();
      await settle();
    }
    expect(posted('agents-slack', `#${n} `)).toHaveLength(1);
    expect(card?.edits).toBe(changes.length);
    expect(fieldsOf(card?.message)).toMatchObject({ Assignee: 'Ben', Priority: 'high' });
    // The web chat's agents' channel (the console) shows one card too, edited to the same state.
    const [shown, ...more] = await webchatPosts('agents', `#${n} `);
    expect(more).toHaveLength(0);
    expect(fieldsOf(shown?.message as unknown as OutMessage)).toMatchObject({
      Assignee: 'Ben',
      Priority: 'high',
    });

    const subject = `card:${n}`;
    expect(await db().liveMessage.count({ where: { subject } })).toBe(2);
    expect(await live(subject, 'slack')).toMatchObject({
      channel: 'agents-slack',
      ref: card?.ref,
      thread: card?.ref,
      ticketNumber: n,
    });
    expect(await live(subject, 'webchat')).toMatchObject({
      channel: 'agents',
      ref: String(shown?.id),
      thread: null,
      ticketNumber: n,
    });
    // Replies in the card's Slack thread belong to the ticket, among agents; the web chat has no threads.
    const links = await db().conversationLink.findMany({ where: { ticketNumber: n, kind: 'agents' } });
    expect(links.map(({ platform, channel, thread }) => ({ platform, channel, thread }))).toEqual([
      { platform: 'slack', channel: 'agents-slack', thread: card?.ref },
    ]);
  });

  it('posts an escalation once in the maintainers’ channel and edits it as maintainers act; its thread is linked', async () => {
    const n = await newTicket('Uploads fail with a 502 since the deploy');
    const escalationId = await t.app.actions.escalations.escalate(n, ana, {
      product: 'platform',
      background: 'Since 10:40 UTC',
    });
    await settle();
    const [post] = posted('maint-platform', `#${n} `);
    expect(post?.message.title).toBe(`Escalation: #${n} Uploads fail with a 502 since the deploy (Platform)`);
    await t.app.actions.escalations.claim(n, ben);
    await settle();
    await t.app.actions.escalations.diagnose(n, ben, {
      summary: 'The upload proxy lost its TLS certificate',
      certainty: 'high',
      estimate: '2 hours',
      confidence: 'high',
    });
    await settle();
    expect(posted('maint-platform', `#${n} `)).toHaveLength(1);
    expect(post?.edits).toBe(2);
    expect(JSON.stringify(post?.message)).toContain('The upload proxy lost its TLS certificate');

    expect(await live(`escalation:${escalationId}`, 'slack')).toMatchObject({
      channel: 'maint-platform',
      ref: post?.ref,
      thread: post?.ref,
      ticketNumber: n,
    });
    const link = await db().conversationLink.findFirstOrThrow({
      where: { ticketNumber: n, kind: 'maintainers' },
    });
    expect(link).toMatchObject({ platform: 'slack', channel: 'maint-platform', thread: post?.ref });
  });

  it('posts a waiting conversation’s notice once and edits it as the conversation goes on', async () => {
    const conversation = { platform: 'slack', channel: 'support-acme', thread: `wait-${++seq}`, contactId };
    const say = (text: string) =>
      db().$transaction((tx) =>
        t.app.actions.conversations.customerMessage(
          { ...conversation, text, channelRef: `slack:support-acme:${conversation.thread}:${text.length}` },
          'agent_request',
          tx,
        ),
      );
    const first = await say('Our invoices show the wrong VAT rate');
    await settle();
    await say('It is 19% instead of 21%');
    await settle();
    if (first.kind !== 'pending') throw new Error(`expected a waiting conversation, got ${first.kind}`);
    const n = await t.app.actions.conversations.createTicket(first.conversationId, ana);
    await settle();

    const [notice] = posted('agents-slack', 'Conversation from Carla');
    expect(posted('agents-slack', 'Conversation from Carla')).toHaveLength(1);
    expect(notice?.edits).toBe(2);
    expect(notice?.message.text).toContain('19% instead of 21%');
    expect(notice?.message.context).toBe(`Ticket #${n} created.`);
    expect(await live(`conversation:${first.conversationId}`, 'slack')).toMatchObject({
      channel: 'agents-slack',
      ref: notice?.ref,
      ticketNumber: null,
    });
    // The notice is no ticket's discussion: replies under it belong to nothing.
    expect(
      await db().conversationLink.count({ where: { channel: 'agents-slack', thread: notice?.ref } }),
    ).toBe(0);
  });

  it('a delivery retried after its post was made but not recorded finds that post instead of posting again', async () => {
    const n = await newTicket('Webhooks arrive twice');
    // Any subject is shown the same way; an SLA warning is one the store is meant for next.
    const place = { subject: `sla:${n}`, platform: 'slack', channel: 'agents-slack', ticketNumber: n };
    const where = {
      subject_platform_channel: { subject: place.subject, platform: 'slack', channel: 'agents-slack' },
    };
    const warning = { text: `#${n} is close to its first-response time` };
    const first = await showLive(db(), slack, place, warning, 'outbox:sla-1');
    // As if the process died after the post, before its record committed: the outbox retries the same item.
    await db().liveMessage.delete({ where });
    const again = await showLive(db(), slack, place, warning, 'outbox:sla-1');
    expect(again).toEqual({ ref: first.ref, thread: first.ref, posted: true });
    expect(slack.messages.filter((m) => m.message.text === warning.text)).toHaveLength(1);
    const later = await showLive(
      db(),
      slack,
      place,
      { text: `#${n} missed its first-response time` },
      'outbox:sla-2',
    );
    expect(later.posted).toBe(false);
    expect(slack.messages.find((m) => m.ref === first.ref)?.message.text).toBe(
      `#${n} missed its first-response time`,
    );
  });
});
