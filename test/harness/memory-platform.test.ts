// The in-memory platform as a test reads it (Errbot's style): people say things, press, react and type
// commands, and the test checks what customers and agents see. These cover what the flow suite leaves to
// each platform: agents writing in a customer's thread, commands typed in threads, and conversations
// that wait for an agent (🎫, /ticket create <link>, the Create ticket gesture).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, type MemoryTestApp, SUPPORT, SUPPORT_ON_REQUEST, startMemoryApp } from './memory-app.ts';

describe('the in-memory chat platform', () => {
  let m: MemoryTestApp;
  beforeAll(async () => {
    m = await startMemoryApp();
  });
  afterAll(async () => m?.stop());

  const db = () => m.t.app.db.prisma;
  const words = (channel: string, thread?: string) =>
    m.chat.seen(channel, thread).map((x) => `${x.from}: ${x.message.text}`);

  it('a customer says something; both the customer and the agents see what follows', async () => {
    const said = await m.chat.say('customer', 'printer on fire');
    expect(words(SUPPORT, said.id)).toEqual([
      'customer: printer on fire',
      expect.stringMatching(/^relevo: Thanks, we have opened ticket #1 for you/),
    ]);
    const [card] = m.chat.seen(AGENTS);
    expect(card?.message.title).toBe('#1 printer on fire');
    expect(card?.message.text).toBe('printer on fire');
  });

  it('an agent’s words in the customer’s thread are a public reply Relevo does not repeat; "note:" makes a private note and the agent is warned privately', async () => {
    const [root] = m.chat.seen(SUPPORT);
    await m.chat.say('ana', 'Looking into it', { thread: root?.id });
    await m.chat.say('ana', 'note: probably the fuser', { thread: root?.id });
    const events = await db().ticketEvent.findMany({
      where: { ticketNumber: 1 },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => [e.type, e.body])).toEqual(
      expect.arrayContaining([
        ['public_reply', 'Looking into it'],
        ['private_note', 'probably the fuser'],
      ]),
    );
    expect(m.chat.seen(SUPPORT, root?.id).filter((x) => x.from === 'relevo')).toHaveLength(1);
    expect(m.chat.privateTo('ana').at(-1)).toMatch(/shared with the customer/);
  });

  it('a command typed in a ticket’s thread — the customer’s or the card’s — needs no number; a customer’s is refused', async () => {
    const [root] = m.chat.seen(SUPPORT);
    const [card] = m.chat.seen(AGENTS);
    expect(
      (await m.chat.command('ana', '/ticket show', { channel: SUPPORT, thread: root?.id })).text,
    ).toContain('🔒 Ana: probably the fuser');
    expect(
      (await m.chat.command('ana', '/ticket note Checked the fuser', { channel: AGENTS, thread: card?.id }))
        .text,
    ).toMatch(/#1/);
    expect(await db().ticketEvent.count({ where: { ticketNumber: 1, body: 'Checked the fuser' } })).toBe(1);
    expect((await m.chat.command('customer', '/ticket list')).text).toMatch(/is for agents/);
  });

  it('in a channel where tickets wait for an agent: a customer’s 🎫 does nothing, an agent’s opens one ticket', async () => {
    const before = await db().ticket.count();
    const asked = await m.chat.say('customer', 'Can we get SSO?', { channel: SUPPORT_ON_REQUEST });
    await m.chat.say('customer', 'We use Okta', { channel: SUPPORT_ON_REQUEST, thread: asked.id });
    expect(await db().ticket.count()).toBe(before);
    const notice = m.chat.seen(AGENTS).find((x) => x.message.text.includes('Can we get SSO?'));
    expect(notice?.message.buttons?.map((b) => b.label)).toEqual(['Create ticket']);

    await m.chat.react('customer', asked);
    expect(await db().ticket.count()).toBe(before);
    await m.chat.react('ana', asked);
    await m.chat.react('ana', asked);
    expect(await db().ticket.count()).toBe(before + 1);
    const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Can we get SSO?' } });
    const messages = await db().ticketEvent.findMany({
      where: { ticketNumber: ticket.number, type: 'customer_message' },
      orderBy: { createdAt: 'asc' },
    });
    expect(messages.map((e) => e.body)).toEqual(['Can we get SSO?', 'We use Okta']);
    expect(words(SUPPORT_ON_REQUEST, asked.id).at(-1)).toContain(`opened ticket #${ticket.number}`);
    // The notice is edited in place: the conversation is a ticket now.
    expect(m.chat.seen(AGENTS).find((x) => x.id === notice?.id)?.message.buttons).toEqual([]);
  });

  it('a waiting conversation also becomes a ticket by /ticket create <link> and by the Create ticket gesture', async () => {
    const before = await db().ticket.count();
    const first = await m.chat.say('customer', 'The export is slow', { channel: SUPPORT_ON_REQUEST });
    const second = await m.chat.say('customer', 'The import is slow', { channel: SUPPORT_ON_REQUEST });
    // Not by the customer: the gesture is an agent's, whoever makes it.
    expect((await m.chat.act('customer', second, 'create_ticket')).text).toMatch(/only agents/i);
    expect(await db().ticket.count()).toBe(before);
    expect((await m.chat.command('ana', `/ticket create ${m.chat.link(first)}`)).text).toMatch(/created/);
    expect((await m.chat.act('ana', second, 'create_ticket')).text).toMatch(/created/);
    expect(await db().ticket.count()).toBe(before + 2);
  });

  it('/ticket share <link> sends a private reply from a card’s thread to the customer; a link to anything else is refused', async () => {
    const opened = await m.chat.say('customer', 'The badge reader beeps twice');
    const n = Number(/#(\d+)/.exec(words(SUPPORT, opened.id).at(-1) ?? '')?.[1]);
    const card = m.chat.seen(AGENTS).find((x) => x.message.title?.startsWith(`#${n} `));
    const fix = await m.chat.say('ana', 'Badge firmware updated; it beeps once now', {
      channel: AGENTS,
      thread: card?.id,
    });
    expect(words(SUPPORT, opened.id).join('\n')).not.toContain('Badge firmware');

    // The customer's own message is no private reply: refused, and nothing changes.
    const before = await db().ticketEvent.count({ where: { ticketNumber: n } });
    expect((await m.chat.command('ana', `/ticket share ${m.chat.link(opened)}`)).text).toMatch(
      /names no private reply/,
    );
    expect(await db().ticketEvent.count({ where: { ticketNumber: n } })).toBe(before);

    expect((await m.chat.command('ana', `/ticket share ${m.chat.link(fix)}`)).text).toBe(
      `Shared with the customer of ticket #${n}.`,
    );
    expect(words(SUPPORT, opened.id).at(-1)).toContain('Badge firmware updated; it beeps once now');
  });
});
