// The Discord gateway against the real discord.js and the fake Discord: a dropped connection resumes and
// loses nothing; a session Discord will not resume is followed by a catch-up over REST (threads included)
// that never reaches back before Relevo's first message; Relevo starts and serves while Discord is out of
// reach and connects when it is back; a refused token stops the start; with several instances one holds
// the gateway and another takes over; a 429 is waited out, logged and counted; an agent's 🎫 opens a
// ticket where tickets open on request; messages without content (the intent off) are said once.
import type { APIMessage } from 'discord.js';
import { SnowflakeUtil } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../harness/databases.ts';
import {
  ANA,
  CUSTOMER,
  type DiscordTestApp,
  STRANGER,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startDiscordApp,
  startDiscordFake,
} from '../harness/discord/discord-app.ts';
import type { FakeDiscord } from '../harness/discord/fake-discord.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { capturingLogger } from '../harness/logs.ts';
import { sampleValue, scrape } from '../harness/prometheus.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** The tickets customers' messages opened: one link per message whose thread has the message's id. */
const ticketsOpenedBy = (d: DiscordTestApp, messageIds: string[]) =>
  d.t.app.db.prisma.conversationLink.findMany({
    where: { platform: 'discord', kind: 'customer', thread: { in: messageIds } },
  });

/** Relevo's messages in a customer message's thread (its acknowledgement, its replies). */
const botMessagesUnder = (fake: FakeDiscord, messageId: string): APIMessage[] =>
  fake.messages(messageId).filter((m) => m.author.id === fake.botUserId);

/** Every inbox row keyed by this Discord message (a message stored twice would still be one row). */
const stored = (d: DiscordTestApp, messageId: string) =>
  d.t.app.db.prisma.inboundEvent.findUnique({ where: { key: `discord:message:${messageId}` } });

/** Structured log lines with this message. */
const logged = (lines: string[], msg: string | RegExp) =>
  lines
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => (typeof msg === 'string' ? l.msg.includes(msg) : msg.test(l.msg)));

describe('Discord gateway', () => {
  let d: DiscordTestApp;
  let fake: FakeDiscord;
  let past: APIMessage;
  const log = capturingLogger();
  beforeAll(async () => {
    fake = await startDiscordFake();
    // Written before Relevo ever ran: history, never a ticket, however the sessions go later.
    past = fake.userMessage(SUPPORT, CUSTOMER, 'Old news: the printer was broken last year');
    d = await startDiscordApp('pglite', {
      fake,
      logger: log.logger,
      env: { RELEVO_METRICS_TOKEN: METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await d?.stop();
    await fake?.stop();
  });

  it('a dropped connection is resumed, and what was said meanwhile becomes one ticket per message', async () => {
    const identifies = fake.identifies();
    const resumes = fake.resumes();
    const tickets = await d.t.app.db.prisma.ticket.count();
    fake.dropConnections();
    // Dispatched while no socket is open: Discord keeps them for the session and replays them on RESUME.
    const missed = ['Drop test: the VPN is down', 'Drop test: mail bounces', 'Drop test: badge reader'].map(
      (text) => fake.userMessage(SUPPORT, CUSTOMER, text).id,
    );
    await eventually(
      async () => fake.resumes() > resumes && fake.gatewayConnected(),
      'discord.js to resume',
      20_000,
    );
    for (const id of missed) await d.handled(id);
    expect(fake.identifies()).toBe(identifies);
    expect(await ticketsOpenedBy(d, missed)).toHaveLength(3);
    expect(await d.t.app.db.prisma.ticket.count()).toBe(tickets + 3);
    for (const id of missed) {
      const acks = await fake.waitFor(
        () => (botMessagesUnder(fake, id).length ? botMessagesUnder(fake, id) : undefined),
        'the acknowledgement',
        20_000,
      );
      expect(acks).toHaveLength(1);
    }
  }, 60_000);

  it('after a session Discord would not resume, the catch-up brings what was missed, threads included, once', async () => {
    const first = fake.userMessage(SUPPORT, CUSTOMER, 'Catch-up test: the wifi drops every hour');
    await d.handled(first.id);
    // The acknowledgement starts the conversation's thread, where the customer goes on.
    await fake.waitFor(() => botMessagesUnder(fake, first.id)[0], 'the acknowledgement', 20_000);
    const tickets = await d.t.app.db.prisma.ticket.count();
    const identifies = fake.identifies();

    fake.invalidateSessions(false);
    // The session is gone: these reach no socket, and no RESUME replays them.
    const missed = ['Catch-up test: the printer jams', 'Catch-up test: disk full on db-1'].map(
      (text) => fake.userMessage(SUPPORT, CUSTOMER, text).id,
    );
    const reply = fake.userMessage(first.id, CUSTOMER, 'Catch-up test: it dropped again at noon').id;

    // discord.js waits 5 s between two IDENTIFYs.
    await eventually(
      async () => fake.identifies() > identifies && fake.gatewayConnected(),
      'discord.js to identify again',
      30_000,
    );
    for (const id of [...missed, reply]) await d.handled(id);
    // Posted before Relevo first ran, minutes within the catch-up's overlap: not fetched, no ticket for
    // the past.
    expect(await stored(d, past.id)).toBeNull();
    expect(await ticketsOpenedBy(d, missed)).toHaveLength(2);
    // The catch-up re-read the first message too (its overlap): stored once, no second ticket.
    expect(await d.t.app.db.prisma.ticket.count()).toBe(tickets + 2);
    const [link] = await ticketsOpenedBy(d, [first.id]);
    const replies = await d.t.app.db.prisma.ticketEvent.findMany({
      where: { ticketNumber: link?.ticketNumber, body: { contains: 'it dropped again at noon' } },
    });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.type).toBe('customer_message');
  }, 60_000);

  it('a 429 on the acknowledgement is waited out, logged and counted, and the acknowledgement arrives', async () => {
    const limited = fake.rateLimitedCount();
    fake.rateLimit(/\/channels\/\d+\/messages$/, { times: 2, retryAfterS: 0.2 });
    const m = fake.userMessage(SUPPORT, CUSTOMER, 'Rate limit test: the wiki is slow');
    await d.handled(m.id);
    const acks = await fake.waitFor(
      () => (botMessagesUnder(fake, m.id).length ? botMessagesUnder(fake, m.id) : undefined),
      'the acknowledgement, after the 429s',
      20_000,
    );
    expect(acks).toHaveLength(1);
    expect(fake.rateLimitedCount()).toBe(limited + 2);
    const warnings = logged(log.lines, 'Discord rate limit');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.every((w) => w.level === 40)).toBe(true);
    const metrics = await scrape(d.t.url, METRICS_TOKEN);
    const counted = metrics.samples
      .filter((s) => s.name === 'relevo_rate_limited_total' && s.labels.platform === 'discord')
      .reduce((sum, s) => sum + s.value, 0);
    expect(counted).toBe(warnings.length);
    expect(sampleValue(metrics, 'relevo_rate_limited_total', { platform: 'discord', scope: 'user' })).toBe(
      warnings.length,
    );
  }, 40_000);

  it('in a channel where tickets open on request, an agent’s 🎫 opens one and a stranger’s does not', async () => {
    const m = fake.userMessage(
      SUPPORT_ON_REQUEST,
      CUSTOMER,
      'Reaction test: can someone look at my invoice?',
    );
    await d.handled(m.id);
    expect(await ticketsOpenedBy(d, [m.id])).toHaveLength(0);

    fake.reaction(SUPPORT_ON_REQUEST, m.id, STRANGER, '🎫');
    await eventually(
      async () =>
        (
          await d.t.app.db.prisma.inboundEvent.findUnique({
            where: { key: `discord:reaction:${m.id}:${STRANGER}:ticket` },
          })
        )?.processedAt,
      'the stranger’s 🎫 to be processed',
      20_000,
    );
    await d.t.app.settle();
    expect(await ticketsOpenedBy(d, [m.id])).toHaveLength(0);

    fake.reaction(SUPPORT_ON_REQUEST, m.id, ANA, '🎫');
    await eventually(async () => (await ticketsOpenedBy(d, [m.id])).length === 1, 'Ana’s ticket', 20_000);
    await d.t.app.settle();
    expect(await ticketsOpenedBy(d, [m.id])).toHaveLength(1);
  }, 40_000);

  it('messages without content (the Message Content intent off) are said once in the log and open nothing', async () => {
    const tickets = await d.t.app.db.prisma.ticket.count();
    // What Discord sends a bot without the intent: the message, its words and files left out.
    const blank = [1, 2].map(() => {
      const id = SnowflakeUtil.generate().toString();
      fake.dispatch('MESSAGE_CREATE', {
        id,
        channel_id: SUPPORT,
        guild_id: fake.guildId,
        author: { id: CUSTOMER, username: 'carla', global_name: 'Carla Customer', discriminator: '0' },
        content: '',
        attachments: [],
        embeds: [],
        components: [],
        mentions: [],
        mention_roles: [],
        mention_everyone: false,
        pinned: false,
        tts: false,
        type: 0,
        flags: 0,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
      });
      return id;
    });
    for (const id of blank) await d.handled(id);
    const warnings = logged(log.lines, 'Message Content intent');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(await ticketsOpenedBy(d, blank)).toHaveLength(0);
    expect(await d.t.app.db.prisma.ticket.count()).toBe(tickets);
    expect(
      await d.t.app.db.prisma.pendingConversation.count({
        where: { platform: 'discord', thread: { in: blank } },
      }),
    ).toBe(0);
  }, 40_000);
});

describe('Discord gateway before any message', () => {
  it('a session lost before Relevo stored anything still gets its catch-up', async () => {
    const d = await startDiscordApp('pglite');
    try {
      const { fake } = d;
      const identifies = fake.identifies();
      fake.invalidateSessions(false);
      // No message stored yet, so no cursor: the catch-up starts at Relevo's first session.
      const m = fake.userMessage(SUPPORT, CUSTOMER, 'First words: the portal is down');
      await eventually(
        async () => fake.identifies() > identifies && fake.gatewayConnected(),
        'discord.js to identify again',
        30_000,
      );
      await d.handled(m.id);
      expect(await ticketsOpenedBy(d, [m.id])).toHaveLength(1);
    } finally {
      await d.stop();
    }
  }, 60_000);
});

describe('Discord out of reach', () => {
  it('Relevo starts and serves while Discord is down, and connects when it is back', async () => {
    const fake = await startDiscordFake();
    fake.goOffline();
    const d = await startDiscordApp('pglite', { fake, waitForGateway: false });
    try {
      const http = new Client(d.t.url);
      expect((await http.get('/healthz')).status).toBe(200);
      expect((await agentClient(d.t.url, d.t.apiToken, 'ana').get('/api/v1/tickets')).status).toBe(200);
      const ready = await http.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.failing).toContain('discord');
      expect(fake.gatewayConnected()).toBe(false);

      fake.goOnline();
      await eventually(async () => (await http.get('/readyz')).status === 200, 'Relevo to connect', 30_000);
      expect(fake.gatewayConnected()).toBe(true);
      const m = fake.userMessage(SUPPORT, CUSTOMER, 'Back online: my password expired');
      await d.handled(m.id);
      expect(await ticketsOpenedBy(d, [m.id])).toHaveLength(1);
    } finally {
      await d.stop();
      await fake.stop();
    }
  }, 60_000);

  it('a refused bot token stops the start and names DISCORD_BOT_TOKEN', async () => {
    const fake = await startDiscordFake();
    // The shape of a bot token (three dot-separated parts, long enough), but not the fake's.
    const wrong = `${'M'.repeat(26)}.${'G'.repeat(6)}.${'x'.repeat(38)}`;
    try {
      await expect(
        startDiscordApp('pglite', { fake, env: { DISCORD_BOT_TOKEN: wrong }, waitForGateway: false }),
      ).rejects.toThrow(/DISCORD_BOT_TOKEN/);
      expect(fake.identifies()).toBe(0);
    } finally {
      await fake.stop();
    }
  });
});

describe('Discord with several instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: DiscordTestApp;
  let b: DiscordTestApp;
  beforeAll(async () => {
    database = await freshDatabase('postgresql');
    // The database outlives the first instance, which the test stops while the second runs on.
    a = await startDiscordApp({ env: database.env, drop: async () => {} });
    b = await startDiscordApp('postgresql', { sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await database?.drop();
  });

  it('one instance holds the gateway; when it stops the other takes over, and no message is lost or doubled', async () => {
    const { fake } = a;
    // The second instance stood by: still the one session the first identified.
    expect(fake.identifies()).toBe(1);
    expect(fake.gatewayConnected()).toBe(true);
    expect((await new Client(b.t.url).get('/readyz')).status).toBe(200);
    const first = fake.userMessage(SUPPORT, CUSTOMER, 'Instance test: the VPN is down').id;
    // Either instance may process what is stored: wait for the state, not for one instance.
    await eventually(
      async () => (await ticketsOpenedBy(a, [first])).length === 1,
      'the first ticket',
      20_000,
    );

    await a.t.stop();
    // Nobody holds the gateway now: this one comes by the standby's catch-up.
    const during = fake.userMessage(SUPPORT, CUSTOMER, 'Instance test: the mail queue is stuck').id;
    // The stop released the lease; the standby asks for it every 10 s, then identifies.
    await eventually(
      async () => fake.identifies() === 2 && fake.gatewayConnected(),
      'the standby to take the gateway over',
      45_000,
    );
    const after = fake.userMessage(SUPPORT, CUSTOMER, 'Instance test: the printer jams').id;
    await eventually(
      async () => (await ticketsOpenedBy(b, [first, during, after])).length === 3,
      'a ticket for every message, the one posted during the take-over included',
      30_000,
    );
    await b.t.app.settle();
    expect(await ticketsOpenedBy(b, [first, during, after])).toHaveLength(3);
    expect(await b.t.app.db.prisma.ticket.count()).toBe(3);
    expect(fake.identifies()).toBe(2);
  }, 120_000);
});

describe('Discord without the Message Content intent', () => {
  it('connects without it, says what to switch on, and interactions keep working', async () => {
    const fake = await startDiscordFake();
    fake.grantMessageContent(false);
    const log = capturingLogger();
    const d = await startDiscordApp('pglite', { fake, logger: log.logger });
    try {
      // Connected (startDiscordApp waited for it) with the intent left out of IDENTIFY.
      expect((fake.intents() ?? 0) & (1 << 15)).toBe(0);
      expect(logged(log.lines, 'refused the Message Content intent')).toHaveLength(1);
      const p = fake.slashCommand({
        userId: ANA,
        channelId: SUPPORT,
        name: 'ticket',
        subcommand: 'list',
        options: {},
      });
      expect(await p.response()).toEqual({ type: 5, data: { flags: 64 } });
    } finally {
      await d.stop();
      await fake.stop();
    }
  }, 40_000);
});
