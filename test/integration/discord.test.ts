// Discord's customers' side and its interactions, as Discord sends them (the fake plays it): forum posts,
// the ticket panel (button → modal → private thread), /ticket answered privately, interactions over HTTP
// verified by their Ed25519 signature, the `note:` warning by direct message, and the transcript a
// finished ticket keeps.
import { type APIMessage, REST } from 'discord.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePanels } from '../../adapters/discord/panel.ts';
import { transcriptName } from '../../src/core/tickets/transcript.ts';
import {
  AGENTS,
  AGENTS_ROLE,
  ANA,
  CUSTOMER,
  type DiscordTestApp,
  FORUM,
  MIA,
  PANEL,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startDiscordApp,
  startDiscordFake,
} from '../harness/discord/discord-app.ts';
import type { FakeDiscord, PendingInteraction } from '../harness/discord/fake-discord.ts';
import { readMessage } from '../harness/discord/read-message.ts';
import { eventually } from '../harness/http.ts';

describe('Discord', () => {
  let d: DiscordTestApp;
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startDiscordFake();
    // Interactions arrive over the gateway, and over HTTP too since the application's key is set.
    d = await startDiscordApp('pglite', { fake, env: { DISCORD_PUBLIC_KEY: fake.publicKey } });
  });
  afterAll(async () => {
    await d?.stop();
    await fake?.stop();
  });

  const db = () => d.t.app.db.prisma;
  const fromBot = (m: APIMessage) => m.author.id === fake.botUserId;

  /** The words of Relevo's answer to an interaction: its first reply or the edit of its deferral. */
  async function answer(p: PendingInteraction): Promise<{ type: number; data?: any; text?: string }> {
    const first = await p.response();
    if (first.type === 9) return first;
    const said = await fake.waitFor(
      () =>
        fake.interactionResponses(p.id).find((r) => typeof r.data?.content === 'string' && r.data.content),
      'Relevo’s answer',
      20_000,
    );
    await d.t.app.settle();
    return { ...first, text: said.data.content as string };
  }

  async function ticketOf(thread: string) {
    return eventually(
      async () =>
        (await db().conversationLink.findFirst({ where: { platform: 'discord', thread } })) ?? undefined,
      `the ticket of thread ${thread}`,
      20_000,
    );
  }

  it('a forum post opens a ticket, acknowledged in the post; replies in it join the ticket', async () => {
    const { thread, message } = fake.forumPost(
      FORUM,
      CUSTOMER,
      'Sync stuck',
      'Sync has been stuck since noon',
    );
    await d.handled(message.id);
    const link = await ticketOf(thread.id);
    expect(link.channel).toBe(FORUM);
    const ack = await fake.waitFor(
      () => fake.messages(thread.id).find((m) => fromBot(m) && m.content.includes(`#${link.ticketNumber}`)),
      'the acknowledgement in the forum post',
      20_000,
    );
    // The number and the expected response time (the plan's 4 h for a normal ticket).
    expect(ack.content).toMatch(/4 hours|4 h/);
    const reply = fake.userMessage(thread.id, CUSTOMER, 'It is still stuck after a restart');
    await d.handled(reply.id);
    const events = await db().ticketEvent.findMany({
      where: { ticketNumber: link.ticketNumber, type: 'customer_message' },
    });
    expect(events.map((e) => e.body)).toEqual([
      'Sync has been stuck since noon',
      'It is still stuck after a restart',
    ]);
  });

  describe('the ticket panel', () => {
    const panelMessage = () =>
      fake.waitFor(() => fake.messages(PANEL).find(fromBot), 'the ticket panel', 20_000);

    it('is posted once in the panel channel, with an Open ticket button', async () => {
      const panel = await panelMessage();
      expect(readMessage(panel).buttons.map((b) => b.label)).toEqual(['Open ticket']);
      expect(fake.messages(PANEL).filter(fromBot)).toHaveLength(1);
    });

    it('opens a form asking project, environment and description, then a private thread with the customer and the agents', async () => {
      const panel = await panelMessage();
      const [button] = readMessage(panel).buttons;
      const pressed = await answer(
        fake.pressButton({
          userId: CUSTOMER,
          channelId: PANEL,
          messageId: panel.id,
          customId: button!.customId,
        }),
      );
      expect(pressed.type).toBe(9);
      expect(pressed.data.title).toBe('Open a support ticket');
      const fields = (pressed.data.components as any[]).map((c) => [c.component.custom_id, c.component.type]);
      // Acme has a product: the project is a select; the others are text inputs.
      expect(fields).toEqual([
        ['product', 3],
        ['environment', 4],
        ['description', 4],
      ]);

      const submitted = await answer(
        fake.submitModal({
          userId: CUSTOMER,
          channelId: PANEL,
          customId: pressed.data.custom_id,
          values: {
            product: ['platform'],
            environment: 'https://staging.acme.test',
            description: 'Login fails on staging\nSince this morning',
          },
          messageId: panel.id,
        }),
      );
      const n = Number(/#(\d+)/.exec(submitted.text ?? '')?.[1]);
      expect(submitted.text).toMatch(/Ticket #\d+ is open/);
      const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n } });
      expect(ticket).toMatchObject({
        subject: 'Login fails on staging',
        productId: 'platform',
        source: 'discord',
      });
      const link = await db().conversationLink.findFirstOrThrow({
        where: { ticketNumber: n, kind: 'customer' },
      });
      expect(link.channel).toBe(PANEL);
      // A private thread in the panel channel: the customer and the agents Relevo knows are in it.
      const thread = fake.channel(link.thread) as { type: number; parent_id: string };
      expect(thread).toMatchObject({ type: 12, parent_id: PANEL });
      expect(new Set(fake.threadMembers(link.thread))).toEqual(new Set([fake.botUserId, CUSTOMER, ANA, MIA]));
      const said = await fake.waitFor(
        () => {
          const ms = fake.messages(link.thread).filter(fromBot);
          return ms.some((m) => m.content.includes(`#${n}`)) ? ms : undefined;
        },
        'the acknowledgement in the private thread',
        20_000,
      );
      expect(said.map((m) => m.content)).toContain(`<@&${AGENTS_ROLE}>`);
      const body = (
        await db().ticketEvent.findFirstOrThrow({ where: { ticketNumber: n, type: 'customer_message' } })
      ).body;
      expect(body).toContain('Environment (URL or name): https://staging.acme.test');
      expect(body).toContain('Project or product: Platform');

      // The customer writes in their private thread: it joins the ticket.
      const more = fake.userMessage(link.thread, CUSTOMER, 'Here is the error: 500 on /login');
      await d.handled(more.id);
      expect(await db().ticketEvent.count({ where: { ticketNumber: n, type: 'customer_message' } })).toBe(2);
    });

    it('tells an agent to use /ticket new instead, and opens nothing', async () => {
      const panel = await panelMessage();
      const before = await db().ticket.count();
      const said = await answer(
        fake.pressButton({
          userId: ANA,
          channelId: PANEL,
          messageId: panel.id,
          customId: readMessage(panel).buttons[0]!.customId,
        }),
      );
      expect(said.text).toMatch(/\/ticket new/);
      expect(await db().ticket.count()).toBe(before);
    });

    it('is brought up to date at the next start instead of posted again, and posted anew if deleted', async () => {
      const panel = await panelMessage();
      const again = () =>
        ensurePanels({
          db: db(),
          rest: new REST({ api: fake.apiUrl, version: '10' }).setToken(fake.botToken),
          config: d.t.config,
          log: pino({ level: 'silent' }),
        });
      await again();
      expect(
        fake
          .messages(PANEL)
          .filter(fromBot)
          .map((m) => m.id),
      ).toEqual([panel.id]);
      expect(fake.callsTo('PATCH', new RegExp(`/channels/${PANEL}/messages/${panel.id}$`))).toHaveLength(1);
      fake.deleteMessage(PANEL, panel.id);
      await again();
      const now = fake.messages(PANEL).filter(fromBot);
      expect(now).toHaveLength(1);
      expect(now[0]?.id).not.toBe(panel.id);
    });
  });

  /** A customer's message in the support channel and its ticket's number. */
  async function opened(text: string) {
    const m = fake.userMessage(SUPPORT, CUSTOMER, text);
    await d.handled(m.id);
    return { message: m, n: (await ticketOf(m.id)).ticketNumber };
  }

  describe('/ticket', () => {
    it('is answered privately: deferred at once, then the answer in place of the "thinking…"', async () => {
      const { n } = await opened('The dashboard shows no data');
      await fake.waitFor(
        () => fake.messages(AGENTS).find((m) => fromBot(m) && m.embeds[0]?.title?.startsWith(`#${n} `)),
        'the card',
        20_000,
      );
      const posted = fake.messages(AGENTS).length;
      const p = fake.slashCommand({
        userId: ANA,
        channelId: AGENTS,
        name: 'ticket',
        subcommand: 'show',
        options: { ticket: n },
      });
      const first = await p.response();
      expect(first).toEqual({ type: 5, data: { flags: 64 } });
      const said = await answer(p);
      expect(said.text).toContain(`#${n}`);
      expect(said.text).toContain('The dashboard shows no data');
      // Nothing was posted in the channel for everyone.
      expect(fake.messages(AGENTS)).toHaveLength(posted);
    });

    it('typed in a ticket’s thread needs no number', async () => {
      const { message, n } = await opened('Exports time out');
      await fake.waitFor(() => fake.channel(message.id), 'the conversation’s thread', 20_000);
      const said = await answer(
        fake.slashCommand({
          userId: ANA,
          channelId: message.id,
          name: 'ticket',
          subcommand: 'reply',
          options: { message: 'Looking into it' },
        }),
      );
      expect(said.text).toMatch(`#${n}`);
      await fake.waitFor(
        () => fake.messages(message.id).find((m) => fromBot(m) && m.content.includes('Looking into it')),
        'the reply in the customer’s thread',
        20_000,
      );
    });

    it('refuses agents’ commands to a customer, saying why, and changes nothing', async () => {
      const { n } = await opened('Please close my other ticket');
      const before = await db().ticketEvent.count({ where: { ticketNumber: n } });
      const said = await answer(
        fake.slashCommand({
          userId: CUSTOMER,
          channelId: SUPPORT,
          name: 'ticket',
          subcommand: 'resolve',
          options: { ticket: n, message: 'done' },
        }),
      );
      expect(said.text).toMatch(/agents/i);
      expect(await db().ticketEvent.count({ where: { ticketNumber: n } })).toBe(before);
    });

    it('answers a button that is not Relevo’s without doing anything', async () => {
      const { message } = await opened('Odd button');
      const p = fake.pressButton({
        userId: ANA,
        channelId: SUPPORT,
        messageId: message.id,
        customId: 'someone-elses',
      });
      expect((await answer(p)).text).toMatch(/did not recognise this button/);
    });
  });

  it('warns an agent who writes note: where the customer reads, by direct message', async () => {
    const { message, n } = await opened('Where is my invoice?');
    await fake.waitFor(() => fake.channel(message.id), 'the conversation’s thread', 20_000);
    const note = fake.userMessage(message.id, ANA, 'note: billing owes them a refund');
    await d.handled(note.id);
    expect(
      await db().ticketEvent.count({
        where: { ticketNumber: n, type: 'private_note', body: 'billing owes them a refund' },
      }),
    ).toBe(1);
    const dm = await fake.waitFor(() => fake.directMessages(ANA)[0], 'the direct message to Ana', 20_000);
    expect(dm.content).toMatch(/shared with the customer/);
  });

  it('keeps a transcript of the public conversation when the ticket is finished, never its private notes', async () => {
    const { n } = await opened('The report export is empty');
    const tickets = d.t.app.tickets;
    await tickets.reply(n, { kind: 'agent', agentId: 'ana' }, 'Fixed: the export filter was wrong.');
    await tickets.note(n, { kind: 'agent', agentId: 'ana' }, 'SECRET internal cause');
    await tickets.setStatus(n, { kind: 'agent', agentId: 'ana' }, 'spam');
    const file = await db().attachment.findFirstOrThrow({
      where: { ticketNumber: n, filename: transcriptName(n) },
    });
    const text = Buffer.from(file.content ?? []).toString('utf8');
    expect(text).toContain('The report export is empty');
    expect(text).toContain('Fixed: the export filter was wrong.');
    expect(text).not.toContain('SECRET');
  });

  describe('interactions over HTTP (POST /discord/interactions)', () => {
    const url = () => `${d.t.url}/discord/interactions`;
    const send = (body: string, headers: Record<string, string>) =>
      fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('answers a PING with a PONG', async () => {
      const ping = JSON.stringify({
        id: '1',
        type: 1,
        application_id: fake.applicationId,
        token: 't',
        version: 1,
      });
      const res = await send(ping, fake.signInteraction(ping));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: 1 });
    });

    it('refuses what Discord did not sign, altered bodies and old signatures with 401, and does nothing', async () => {
      const { n } = await opened('Signed requests only');
      const events = await db().ticketEvent.count({ where: { ticketNumber: n } });
      const payload = fake.interactionPayload('slash', {
        userId: ANA,
        channelId: AGENTS,
        name: 'ticket',
        subcommand: 'resolve',
        options: { ticket: n, message: 'forged' },
      });
      const body = JSON.stringify(payload);
      const signed = fake.signInteraction(body);
      expect((await send(body, {})).status).toBe(401);
      expect((await send(body.replace('forged', 'FORGED'), signed)).status).toBe(401);
      const old = String(Math.floor(Date.now() / 1000) - 3600);
      expect((await send(body, fake.signInteraction(body, old))).status).toBe(401);
      const other = { ...signed, 'x-signature-ed25519': 'ab'.repeat(64) };
      expect((await send(body, other)).status).toBe(401);
      await d.t.app.settle();
      expect(await db().ticketEvent.count({ where: { ticketNumber: n } })).toBe(events);
    });

    it('refuses a signed body that is not an interaction with 400', async () => {
      for (const body of ['not json', '[]', '{"type":"x"}']) {
        const res = await send(body, fake.signInteraction(body));
        expect(res.status).toBe(400);
      }
    });

    it('runs a signed command, answers it in the response, and edits the answer in', async () => {
      const { n } = await opened('Over HTTP please');
      const sent = await fake.deliverOverHttp(url(), 'slash', {
        userId: ANA,
        channelId: AGENTS,
        name: 'ticket',
        subcommand: 'show',
        options: { ticket: n },
      });
      expect(sent).toMatchObject({ status: 200, body: { type: 5, data: { flags: 64 } } });
      const edit = await fake.waitFor(
        () => fake.interactionResponses(sent.id).find((r) => r.kind === 'edit'),
        'the answer edited in',
        20_000,
      );
      expect(edit.data.content).toContain(`#${n}`);
    });

    it('runs a replayed interaction once', async () => {
      const { n } = await opened('Take it only once');
      const payload = fake.interactionPayload('slash', {
        userId: ANA,
        channelId: AGENTS,
        name: 'ticket',
        subcommand: 'reply',
        options: { ticket: n, message: 'Replayed?' },
      });
      const body = JSON.stringify(payload);
      const headers = fake.signInteraction(body);
      expect((await send(body, headers)).status).toBe(200);
      expect((await send(body, headers)).status).toBe(200);
      await eventually(
        async () => (await db().ticketEvent.count({ where: { ticketNumber: n, body: 'Replayed?' } })) > 0,
        'the reply',
        20_000,
      );
      await d.t.app.settle();
      expect(await db().ticketEvent.count({ where: { ticketNumber: n, body: 'Replayed?' } })).toBe(1);
    });
  });

  describe('message commands (right-click a message → Apps)', () => {
    it('“Create ticket” turns a waiting conversation into a ticket, for agents only', async () => {
      const m = fake.userMessage(SUPPORT_ON_REQUEST, CUSTOMER, 'Can someone look at invoice 7731?');
      await d.handled(m.id);
      expect(await db().conversationLink.findFirst({ where: { thread: m.id } })).toBeNull();
      const refused = await answer(
        fake.messageCommand({
          userId: CUSTOMER,
          channelId: SUPPORT_ON_REQUEST,
          name: 'Create ticket',
          messageId: m.id,
        }),
      );
      expect(refused.text).toMatch(/Only agents/);
      expect(await db().conversationLink.findFirst({ where: { thread: m.id } })).toBeNull();
      const made = await answer(
        fake.messageCommand({
          userId: ANA,
          channelId: SUPPORT_ON_REQUEST,
          name: 'Create ticket',
          messageId: m.id,
        }),
      );
      const n = (await ticketOf(m.id)).ticketNumber;
      expect(made.text).toBe(`Ticket #${n} created from the conversation.`);
    });

    it('“Share with customer” on a message that is no note says so and shares nothing', async () => {
      const { message } = await opened('Not a note at all');
      const said = await answer(
        fake.messageCommand({
          userId: ANA,
          channelId: SUPPORT,
          name: 'Share with customer',
          messageId: message.id,
        }),
      );
      expect(said.text).toMatch(/not a note/);
    });

    it('are installed beside /ticket, named in Spanish for Spanish readers', async () => {
      const { registerApplicationCommand } = await import('../../adapters/discord/register.ts');
      await registerApplicationCommand({
        token: fake.botToken,
        applicationId: fake.applicationId,
        apiUrl: fake.apiUrl,
        guildId: fake.guildId,
      });
      const installed = fake.commands(fake.guildId);
      expect(installed.map((c) => [c.type, c.name])).toEqual([
        [1, 'ticket'],
        [3, 'Share with customer'],
        [3, 'Create ticket'],
      ]);
      expect(installed[2]?.name_localizations?.['es-ES']).toBe('Crear ticket');
    });
  });
});
