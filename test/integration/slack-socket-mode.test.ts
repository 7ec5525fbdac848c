// Slack over Socket Mode, end to end: Relevo started with SLACK_APP_TOKEN (and no signing secret) calls
// the fake Web API's apps.connections.open with the app-level token, dials the fake Socket Mode
// endpoint it is given, and receives Slack's envelopes there. Same payloads as the HTTP tests
// (SlackClient.build*), delivered as `events_api`, `slash_commands` and `interactive` envelopes.
// Socket Mode changes the transport, not Slack's contract: ack within 3 s or Slack delivers again
// (retry_attempt / retry_reason), dedupe on event_id, reconnect when Slack asks (`disconnect`).
import { request } from 'node:http';
import { App, type Logger, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, statusClass } from '../harness/http.ts';
import type { FakeSocketMode } from '../harness/slack/fake-socket-mode.ts';
import { startFakeSocketMode } from '../harness/slack/fake-socket-mode.ts';
import { type FakeSlack, startFakeSlack } from '../harness/slack/fake-web-api.ts';
import { SlackClient } from '../harness/slack/signed-requests.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A WebSocket upgrade request by hand: the status the endpoint answers (101 when it accepts). */
function upgradeStatus(wsUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(wsUrl.replace(/^ws:/, 'http:'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fake Socket Mode against Bolt’s own Socket Mode client', () => {
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let app: App;
  const seen: string[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    socket = await startFakeSocketMode({ slack: fake });
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      botId: fake.botId,
      botUserId: fake.botUserId,
      tokenVerificationEnabled: false,
      logger: quietLogger,
      clientOptions: { slackApiUrl: fake.url },
    });
    app.event('message', async ({ event }) => {
      seen.push(`message:${'text' in event ? event.text : ''}`);
    });
    app.view('form', async ({ ack }) => {
      await ack({ response_action: 'errors', errors: { subject: 'Say what is wrong' } });
    });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await socket?.close();
    await fake?.close();
  });

  it('hands out a one-time ws:// URL for the app-level token only, in the Authorization header', async () => {
    const open = (headers: Record<string, string>, body = '') =>
      fetch(`${fake.url}apps.connections.open`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      }).then((r) => r.json());
    expect(await open({ authorization: `Bearer ${fake.botToken}` })).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect(await open({ authorization: 'Bearer xapp-1-A0RELEVO01-1-wrong' })).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    // "passing it as a POST parameter will result in an error"
    expect(await open({}, `token=${fake.appToken}`)).toMatchObject({ ok: false });
    // and the app token opens nothing else.
    const post = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.appToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: SUPPORT, text: 'hi' }),
    });
    expect((await post.json()).error).toBe('not_allowed_token_type');

    const granted = await open({ authorization: `Bearer ${fake.appToken}` });
    expect(granted.ok).toBe(true);
    expect(granted.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[\w-]+&app_id=A0RELEVO01$/);
    expect(await upgradeStatus(granted.url)).toBe(101);
    // That client hung up at once: the fake sees it gone, and the ticket cannot be used twice.
    await socket.closedConnection(socket.latest()!);
    expect(await upgradeStatus(granted.url)).toBe(401);
    expect(socket.open()).toHaveLength(1);
  });

  it('greets Bolt with hello, and reads its acks, with payloads when the envelope accepts one', async () => {
    const conn = await socket.connected();
    expect(conn.sent[0]).toMatchObject({ type: 'hello', connection_info: { app_id: fake.appId } });
    // Bolt found it through apps.connections.open, with the app token.
    expect(fake.callsTo('apps.connections.open').some((c) => c.response.url?.includes(conn.ticket))).toBe(
      true,
    );

    const builder = new SlackClient({ baseUrl: 'http://127.0.0.1:9', signingSecret: 'unused', fake });
    const event = socket.eventsApi(
      builder.buildMessage({ channel: SUPPORT, user: CUSTOMER, text: 'hello' }).payload,
    );
    const ack = await socket.deliver(event);
    expect(ack).toMatchObject({ envelope_id: event.envelope_id, payload: {}, connection: conn.id });
    expect(seen).toContain('message:hello');

    const retry = socket.retryOf(event);
    expect(retry).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout', payload: event.payload });
    expect(retry.envelope_id).not.toBe(event.envelope_id);
    await socket.deliver(retry);

    const submission = builder.buildViewSubmission({ user: ANA, callbackId: 'form', values: {} }).payload;
    const envelope = socket.interactive(submission);
    expect(envelope.accepts_response_payload).toBe(true);
    expect((await socket.deliver(envelope)).payload).toEqual({
      response_action: 'errors',
      errors: { subject: 'Say what is wrong' },
    });
  });

  it('sees the client close with 1000 when Bolt stops', async () => {
    const conn = socket.open()[0]!;
    await app.stop();
    await socket.closedConnection(conn);
    expect(conn).toMatchObject({ closedBy: 'client', closeCode: 1000 });
  });
});

describe('Relevo over Slack Socket Mode (PGlite)', () => {
  let s: SlackTestApp & { socket: FakeSocketMode };
  beforeAll(async () => {
    s = await startSlackApp('pglite', { socketMode: true });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const db = () => s.t.app.db.prisma;
  const settle = () => s.t.app.settle();
  const botPosts = (channel: string, thread?: string) =>
    s.fake.messages(channel, thread).filter((m) => m.bot_id || m.user === s.fake.botUserId);
  const cardOf = (n: number) => botPosts(AGENTS).find((m) => textOf(m).includes(`#${n} `));
  const customerSays = (text: string) => {
    const prepared = s.slack.buildMessage({ channel: SUPPORT, user: CUSTOMER, text });
    return { envelope: s.socket.eventsApi(prepared.payload), ts: prepared.payload.event.ts as string };
  };
  const inboxRows = (eventId: string) => db().inboundEvent.count({ where: { key: `slack:${eventId}` } });

  let ticket = 0;

  it('connects at start with the app token (apps.connections.open, then hello) and serves no HTTP endpoint', async () => {
    const opened = s.fake.callsTo('apps.connections.open');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.response).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\//) });
    const [conn] = s.socket.open();
    expect(conn?.sent[0]?.type).toBe('hello');
    // No signing secret, so nothing may be accepted over HTTP.
    expect((await s.slack.raw('{"type":"event_callback"}')).status).toBe(404);
  });

  it('acks a customer message, opens a ticket and answers in the thread through the Web API', async () => {
    const { envelope, ts } = customerSays('The invoice export fails with error 500 &amp; nothing downloads');
    const ack = await s.socket.deliver(envelope);
    expect(ack).toMatchObject({ envelope_id: envelope.envelope_id, payload: {} });
    expect(await inboxRows(envelope.payload.event_id)).toBe(1);
    await settle();

    const tickets = await db().ticket.findMany();
    expect(tickets).toHaveLength(1);
    ticket = tickets[0]!.number;
    expect(tickets[0]).toMatchObject({
      source: 'slack',
      organisationId: 'acme',
      subject: 'The invoice export fails with error 500 & nothing downloads',
    });
    const acks = botPosts(SUPPORT, ts).filter((m) => textOf(m).includes(`#${ticket}`));
    expect(acks).toHaveLength(1);
    expect(acks[0]?.thread_ts).toBe(ts);
    expect(s.fake.callsTo('chat.postMessage').some((c) => c.args.thread_ts === ts)).toBe(true);
    expect(buttonsOf(cardOf(ticket)).map((b) => b.label)).toContain('Take it');
  });

  it('acks Slack’s redeliveries of an event (same event_id) and opens no second ticket', async () => {
    const first = s.socket.delivered.find((e) => e.type === 'events_api')!;
    const again = await s.socket.redeliver(first, { attempt: 1 });
    expect(again.payload).toEqual({});
    await s.socket.redeliver(first, { attempt: 2 });

    // A retry can also arrive while the first delivery is still being handled.
    const { envelope } = customerSays('Second problem: the PDF preview is blank');
    const [a, b] = await Promise.all([
      s.socket.deliver(envelope),
      s.socket.deliver(s.socket.retryOf(envelope)),
    ]);
    expect([a.envelope_id, b.envelope_id]).toHaveLength(2);
    await settle();

    expect(await inboxRows(first.payload.event_id)).toBe(1);
    expect(await inboxRows(envelope.payload.event_id)).toBe(1);
    expect(await db().ticket.count()).toBe(2);
    const thread = first.payload.event.ts as string;
    expect(botPosts(SUPPORT, thread).filter((m) => textOf(m).includes(`#${ticket}`))).toHaveLength(1);
  });

  it('acks a /ticket help command at once and answers it privately through response_url', async () => {
    const command = s.slack.buildSlashCommand({ text: 'help', user: ANA, channel: AGENTS }).payload;
    const envelope = s.socket.slashCommand(command);
    // The ack is bare (no text in it): the answer comes afterwards, through response_url.
    const ack = await s.socket.deliver(envelope);
    expect(ack).toMatchObject({ envelope_id: envelope.envelope_id, payload: {} });
    expect(ack.payload).toEqual({});
    const answer = await s.fake.waitForResponse(command.response_url!);
    expect(answer.response_type).toBe('ephemeral');
    expect(textOf(answer)).toContain('/ticket new');
  });

  it('takes the ticket from its card (a block action in an interactive envelope)', async () => {
    const card = cardOf(ticket);
    const button = buttonsOf(card).find((b) => b.label === 'Take it')!;
    const click = s.slack.buildBlockAction({
      user: ANA,
      actionId: button.actionId,
      value: button.value,
      channel: AGENTS,
      messageTs: card!.ts,
    }).payload;
    const envelope = s.socket.interactive(click);
    expect(envelope.accepts_response_payload).toBe(false);
    const ack = await s.socket.deliver(envelope);
    expect(ack.payload).toEqual({});
    await s.fake.waitForResponse(click.response_url);
    await settle();

    const t = await db().ticket.findUniqueOrThrow({ where: { number: ticket } });
    expect(t.assigneeId).toBe('ana');
    expect(buttonsOf(cardOf(ticket)).map((b) => b.label)).not.toContain('Take it');
  });

  it('acks an event only once it is stored: while the database refuses it, Slack gets no ack and delivers again', async () => {
    // The inbox promise ("written once before it is acknowledged"): over HTTP a failed store answers 500
    // and Slack retries. Over the socket the same must hold, or the message is lost for good.
    // Each refusal is counted in a sequence (a failed transaction does not roll a sequence back), so the
    // test waits for the refusal itself rather than waiting out a window for an ack that must not come.
    await db().$executeRawUnsafe('CREATE SEQUENCE relevo_test_refusals');
    await db().$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION relevo_test_refuse_inbound() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('relevo_test_refusals'); RAISE EXCEPTION 'database unavailable (test)'; END $$`);
    await db().$executeRawUnsafe(`
      CREATE TRIGGER relevo_test_refuse_inbound BEFORE INSERT ON "InboundEvent"
      FOR EACH ROW EXECUTE FUNCTION relevo_test_refuse_inbound()`);
    const refusals = async () => {
      const [row] = await db().$queryRawUnsafe<{ n: bigint }[]>(
        'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM relevo_test_refusals',
      );
      return Number(row?.n ?? 0);
    };
    const { envelope } = customerSays('Third problem: exports time out');
    const conn = s.socket.open()[0]!;
    try {
      await s.socket.send(envelope, { connection: conn });
      await eventually(async () => (await refusals()) > 0, 'the database to refuse the event');
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER relevo_test_refuse_inbound ON "InboundEvent"`);
      await db().$executeRawUnsafe('DROP FUNCTION relevo_test_refuse_inbound()');
      await db().$executeRawUnsafe('DROP SEQUENCE relevo_test_refusals');
    }
    expect(await inboxRows(envelope.payload.event_id)).toBe(0);

    // Slack's retry, once the database is back, is stored and acked: on the same connection, sent only
    // after the first delivery was refused, so an ack of that one, had Relevo sent it, would be ahead.
    const retry = await s.socket.redeliver(envelope, { connection: conn });
    expect(retry.payload).toEqual({});
    expect(await inboxRows(envelope.payload.event_id)).toBe(1);
    expect(
      s.socket.acks.filter((a) => a.envelope_id === envelope.envelope_id),
      'an acked event that was never stored is lost',
    ).toEqual([]);
  });

  it('reconnects when Slack sends disconnect (refresh_requested) and keeps working', async () => {
    const before = s.socket.open()[0]!;
    const opens = s.fake.callsTo('apps.connections.open').length;
    s.socket.disconnect(before, 'refresh_requested');
    await s.socket.closedConnection(before);
    expect(before).toMatchObject({ closedBy: 'client', closeCode: 1000 });

    // @slack/socket-mode waits clientPingTimeout (5 s by default) before it reconnects.
    const next = await s.socket.connected({ after: before, timeoutMs: 15_000 });
    expect(s.fake.callsTo('apps.connections.open')).toHaveLength(opens + 1);
    expect(next.ticket).not.toBe(before.ticket);
    expect(s.socket.open()).toEqual([next]);

    const tickets = await db().ticket.count();
    const { envelope, ts } = customerSays('After the reconnect: login is slow');
    const ack = await s.socket.deliver(envelope, { connection: next });
    expect(ack).toMatchObject({ connection: next.id, payload: {} });
    await settle();
    expect(await db().ticket.count()).toBe(tickets + 1);
    expect(botPosts(SUPPORT, ts).some((m) => /#\d+/.test(textOf(m)))).toBe(true);
  });

  it('drops control characters from an event, and acks one of a shape Slack never sends without acting', async () => {
    const before = await db().ticket.count();
    const { envelope } = customerSays('printer\u0000 jammed\u0007 again');
    expect(await s.socket.deliver(envelope)).toMatchObject({ envelope_id: envelope.envelope_id });
    await settle();
    expect(await db().ticket.findFirst({ where: { subject: 'printer jammed again' } })).not.toBeNull();
    const broken = s.socket.eventsApi({
      ...envelope.payload,
      event_id: 'Ev0BROKEN01',
      event: { type: 'message', user: null },
    });
    expect(await s.socket.deliver(broken)).toMatchObject({ envelope_id: broken.envelope_id });
    await settle();
    expect(await db().ticket.count()).toBe(before + 1);
    expect(await inboxRows('Ev0BROKEN01')).toBe(0);
    expect(await db().inboundEvent.count({ where: { lastError: { not: null } } })).toBe(0);
  });

  it('closes the socket when Relevo stops, and does not dial again', async () => {
    const conn = s.socket.open()[0]!;
    const opens = s.fake.callsTo('apps.connections.open').length;
    await s.t.stop();
    await s.socket.closedConnection(conn);
    expect(conn).toMatchObject({ closedBy: 'client', closeCode: 1000 });
    // Slack spreads events over every open connection: a stopped Relevo must not come back for its share.
    await new Promise((r) => setTimeout(r, 6000));
    expect(s.socket.open()).toHaveLength(0);
    expect(s.fake.callsTo('apps.connections.open')).toHaveLength(opens);
  });
});

describe('Relevo starting while Slack is unreachable (Socket Mode)', () => {
  it('serves its other channels at once and connects to Slack when Slack answers again', async () => {
    // Behind a firewall, Slack may be out of reach when Relevo boots: web chat, email and the API must
    // not wait for it (over HTTP nothing waits: "if Slack is unreachable now, Bolt asks later").
    let fake: FakeSlack | undefined;
    // Start-up completes while every apps.connections.open still fails (the test's timeout is the ceiling).
    const s = await startSlackApp('pglite', {
      socketMode: true,
      beforeStart: (f) => {
        fake = f;
        f.failNext('apps.connections.open', { status: 503, times: 10_000 });
      },
    });
    try {
      expect(s.socket.open(), 'no Socket Mode connection yet').toHaveLength(0);
      expect((await fetch(`${s.t.url}/healthz`)).status).toBe(200);
      // Slack comes back: the SDK's own retries connect without a restart.
      fake?.failNext('apps.connections.open', { times: 0 });
      const conn = await s.socket.connected({ timeoutMs: 20_000 });
      const prepared = s.slack.buildMessage({
        channel: SUPPORT,
        user: CUSTOMER,
        text: 'Anyone there? Billing fails',
      });
      const ack = await s.socket.deliver(s.socket.eventsApi(prepared.payload), { connection: conn });
      expect(ack.payload).toEqual({});
    } finally {
      await s.stop();
    }
  }, 90_000);
});

describe('Relevo with a wrong Slack app token (Socket Mode)', () => {
  it('refuses to start instead of retrying a token Slack rejects', async () => {
    // invalid_auth cannot get better by waiting: a loud failure at start beats a silent help desk.
    await expect(
      startSlackApp('pglite', { socketMode: true, env: { SLACK_APP_TOKEN: 'xapp-1-A0RELEVO01-1-wrong' } }),
    ).rejects.toThrow(/invalid_auth/);
  });
});

describe('Socket Mode with two instances on one PostgreSQL', () => {
  // The database belongs to an HTTP-mode instance, so the socket holder can stop without dropping it.
  let owner: SlackTestApp;
  let a: SlackTestApp & { socket: FakeSocketMode };
  let b: SlackTestApp & { socket: FakeSocketMode };
  beforeAll(async () => {
    owner = await startSlackApp('postgresql');
    a = await startSlackApp('postgresql', { socketMode: true, sameDatabaseAs: owner });
    b = await startSlackApp('postgresql', { socketMode: true, sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await owner?.stop();
  });

  it('one instance holds the socket, the other stands by (and is ready), and takes over when the first stops', async () => {
    expect(a.socket.open()).toHaveLength(1);
    // The standby never asked Slack for a connection: Slack would spread events over both.
    expect(b.fake.callsTo('apps.connections.open')).toHaveLength(0);
    expect(b.socket.open()).toHaveLength(0);
    const ready = await fetch(`${b.t.url}/readyz`);
    expect(statusClass(ready.status)).toBe('2xx');

    await a.t.stop();
    // The standby checks the lease every 10 s; a clean stop released it, so the next check takes it.
    await eventually(async () => b.socket.open().length === 1, 'the standby to connect', 30_000);
    expect(b.fake.callsTo('apps.connections.open')).toHaveLength(1);

    // And it serves: a customer's message through its socket becomes a ticket.
    const prepared = b.slack.buildMessage({
      channel: SUPPORT,
      user: CUSTOMER,
      text: 'The export is broken again',
    });
    await b.socket.deliver(b.socket.eventsApi(prepared.payload));
    // Any instance on the database may process the stored event (the owner's inbox too), so wait for the
    // ticket rather than for this instance's inbox.
    await eventually(
      async () =>
        (await b.t.app.db.prisma.ticket.count({ where: { subject: 'The export is broken again' } })) === 1,
      'the ticket from the message the standby received',
    );
  }, 90_000);
});
