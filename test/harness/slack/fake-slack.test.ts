// Proves the Slack test doubles against the official SDKs: if WebClient and Bolt accept the fake
// and the signed requests, Relevo's adapter tests exercise the same wire behaviour as production.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Logger, LogLevel } from '@slack/bolt';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually } from '../http.ts';
import { type FakeSlack, startFakeSlack } from './fake-web-api.ts';
import { SlackClient, slackSigner } from './signed-requests.ts';

const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

// p-retry's own backoff comes on top of Retry-After; keep it tiny so the tests see the header's wait.
const fastRetries = { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 10 };

// The module WebClient waits through (the same instance: WebClient requires it by this path).
const webApiHelpers = createRequire(import.meta.url)('@slack/web-api/dist/helpers.js') as {
  default: (ms: number) => Promise<void>;
};

const modal = (callbackId: string, title = 'New ticket') => ({
  type: 'modal' as const,
  callback_id: callbackId,
  private_metadata: '{"ticket":42}',
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Create' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'subject',
      label: { type: 'plain_text' as const, text: 'Subject' },
      element: { type: 'plain_text_input' as const, action_id: 'value' },
    },
  ],
});

async function slackError(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('fake Web API, driven by @slack/web-api WebClient', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startFakeSlack({
      users: [{ id: 'U0CUSTOMER', name: 'ana', email: 'ana@acme.example', realName: 'Ana Pérez' }],
      channels: [{ id: 'C0SUPPORT', name: 'support' }],
    });
    client = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      retryConfig: fastRetries,
      logger: quietLogger,
    });
  });
  afterAll(() => fake.close());

  it('posts, threads, updates, reacts and reads threads back', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      user_id: fake.botUserId,
      bot_id: fake.botId,
      team_id: fake.teamId,
    });

    const parent = await client.chat.postMessage({
      channel: 'C0SUPPORT',
      text: 'Ticket #1',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Ticket #1*' } }],
    });
    expect(parent).toMatchObject({
      ok: true,
      channel: 'C0SUPPORT',
      message: { text: 'Ticket #1', bot_id: fake.botId },
    });
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);

    const reply = await client.chat.postMessage({
      channel: 'C0SUPPORT',
      text: 'on it',
      thread_ts: parent.ts,
    });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    expect(reply.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: fake.botUserId });

    // WebClient sent blocks JSON-stringified in a form body; the fake recorded them decoded.
    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args.blocks[0].type).toBe('section');

    const updated = await client.chat.update({
      channel: 'C0SUPPORT',
      ts: parent.ts!,
      text: 'Ticket #1 (open)',
    });
    expect(updated.message?.text).toBe('Ticket #1 (open)');

    await client.reactions.add({ channel: 'C0SUPPORT', timestamp: parent.ts!, name: 'eyes' });
    expect(
      (await slackError(client.reactions.add({ channel: 'C0SUPPORT', timestamp: parent.ts!, name: 'eyes' })))
        .data.error,
    ).toBe('already_reacted');

    const thread = await client.conversations.replies({ channel: 'C0SUPPORT', ts: parent.ts! });
    expect(thread.messages?.map((m) => m.text)).toEqual(['Ticket #1 (open)', 'on it']);
    expect(thread.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: reply.ts });
    expect(fake.messages('C0SUPPORT', parent.ts)).toHaveLength(2);
    expect(fake.messages('C0SUPPORT').map((m) => m.ts)).toEqual([parent.ts]);

    const link = await client.chat.getPermalink({ channel: 'C0SUPPORT', message_ts: reply.ts! });
    expect(link.permalink).toContain(
      `/archives/C0SUPPORT/p${reply.ts!.replace('.', '')}?thread_ts=${parent.ts}`,
    );

    const eph = await client.chat.postEphemeral({
      channel: 'C0SUPPORT',
      user: 'U0CUSTOMER',
      text: 'only you',
    });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);

    const missing = await slackError(client.chat.update({ channel: 'C0SUPPORT', ts: '1.000001', text: 'x' }));
    expect(missing.data.error).toBe('message_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C0SUPPORT', text: '' }))).data.error).toBe(
      'no_text',
    );
  });

  it('answers users.info and conversations.info from seeded data', async () => {
    const u = await client.users.info({ user: 'U0CUSTOMER' });
    expect(u.user).toMatchObject({ id: 'U0CUSTOMER', name: 'ana', real_name: 'Ana Pérez', is_bot: false });
    expect(u.user?.profile?.email).toBe('ana@acme.example');
    fake.addUser({ id: 'U0NOMAIL', name: 'bob' });
    expect((await client.users.info({ user: 'U0NOMAIL' })).user?.profile).not.toHaveProperty('email');
    expect((await slackError(client.users.info({ user: 'U0NOBODY' }))).data.error).toBe('user_not_found');

    const c = await client.conversations.info({ channel: 'C0SUPPORT' });
    expect(c.channel).toMatchObject({
      id: 'C0SUPPORT',
      name: 'support',
      is_channel: true,
      is_private: false,
    });
    expect((await slackError(client.conversations.info({ channel: 'C0NOPE' }))).data.error).toBe(
      'channel_not_found',
    );
  });

  it('checks the token and refuses unknown methods like Slack (HTTP 200, ok:false)', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.url, logger: quietLogger });
    expect((await slackError(wrong.auth.test())).data.error).toBe('invalid_auth');

    const bare = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ ok: false, error: 'not_authed' });

    expect(
      (await slackError(client.apiCall('conversations.history', { channel: 'C0SUPPORT' }))).data.error,
    ).toBe('unknown_method');

    // JSON bodies work with the Bearer header; a token inside a JSON body does not count.
    const json = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: 'C0SUPPORT', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await json.json()).toMatchObject({
      ok: true,
      message: { text: 'json', blocks: [{ type: 'divider' }] },
    });
    const tokenInJson = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: fake.botToken }),
    });
    expect((await tokenInJson.json()).error).toBe('not_authed');
  });

  it('answers 429 with Retry-After, and WebClient waits that long before retrying', async () => {
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
    const announced: number[] = [];
    client.once(WebClientEvent.RATE_LIMITED, (sec: number) => announced.push(sec));
    const attempts = () =>
      fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.text === 'after the limit');
    // WebClient waits out Retry-After with its delay() helper (p-retry's own backoff is 10 ms here).
    // Which wait it asked for, and how many attempts had reached the fake when that wait was over,
    // show it honoured the header, without reading a clock.
    const delay = webApiHelpers.default;
    const waits: { ms: number; attemptsWhenOver: number }[] = [];
    const delaySpy = vi.spyOn(webApiHelpers, 'default').mockImplementation(async (ms: number) => {
      await delay(ms);
      waits.push({ ms, attemptsWhenOver: attempts().length });
    });
    let res: Awaited<ReturnType<typeof client.chat.postMessage>>;
    try {
      res = await client.chat.postMessage({ channel: 'C0SUPPORT', text: 'after the limit' });
    } finally {
      delaySpy.mockRestore();
    }

    expect(res.ok).toBe(true);
    expect(announced).toEqual([1]);
    expect(waits).toEqual([{ ms: 1000, attemptsWhenOver: 1 }]);
    expect(attempts().map((c) => c.status)).toEqual([429, 200]);
    expect(attempts()[0]!.response).toEqual({ ok: false, error: 'ratelimited' });

    const raw = await fetch(`${fake.url}users.info`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'user=U0CUSTOMER',
    }).then(async (r) => ({
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      body: await r.json(),
    }));
    expect(raw.status).toBe(200);
    fake.rateLimit('users.info', { times: 1, retryAfterSeconds: 7 });
    const limited = await fetch(`${fake.url}users.info`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'user=U0CUSTOMER',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
  });

  it('can limit chat.postMessage per channel automatically', async () => {
    fake.limitPostMessagePerChannel({ perSecond: 1, retryAfterSeconds: 1 });
    const strict = new WebClient(fake.botToken, {
      slackApiUrl: fake.url,
      rejectRateLimitedCalls: true,
      logger: quietLogger,
    });
    try {
      await strict.chat.postMessage({ channel: 'C0BUSY', text: 'one' });
      const err = await slackError(strict.chat.postMessage({ channel: 'C0BUSY', text: 'two' }));
      expect(err.code).toBe('slack_webapi_rate_limited_error');
      expect(err.retryAfter).toBe(1);
      // Another channel has its own budget.
      expect((await strict.chat.postMessage({ channel: 'C0OTHER', text: 'one' })).ok).toBe(true);
    } finally {
      fake.limitPostMessagePerChannel(null);
    }
  });

  it('opens, pushes and updates views with single-use trigger ids', async () => {
    const trigger = fake.issueTriggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal('ticket_modal') });
    expect(opened.view).toMatchObject({
      callback_id: 'ticket_modal',
      private_metadata: '{"ticket":42}',
      app_id: fake.appId,
    });
    const viewId = opened.view!.id!;
    expect(viewId).toMatch(/^V[A-Z0-9]+$/);
    expect(fake.view(viewId).root_view_id).toBe(viewId);

    expect(
      (await slackError(client.views.open({ trigger_id: trigger, view: modal('again') }))).data.error,
    ).toBe('exchanged_trigger_id');
    expect(
      (await slackError(client.views.open({ trigger_id: '1.2.nope', view: modal('x') }))).data.error,
    ).toBe('invalid_trigger_id');

    const pushed = await client.views.push({
      trigger_id: fake.issueTriggerId({ viewId }),
      view: modal('step_two', 'Step two'),
    });
    expect(pushed.view).toMatchObject({ root_view_id: viewId, previous_view_id: viewId });

    const updated = await client.views.update({
      view_id: viewId,
      hash: opened.view!.hash,
      view: modal('ticket_modal', 'Edited'),
    });
    expect(updated.view?.title).toMatchObject({ text: 'Edited' });
    const stale = await slackError(
      client.views.update({ view_id: viewId, hash: opened.view!.hash, view: modal('x') }),
    );
    expect(stale.data.error).toBe('hash_conflict');
  });

  it('hangs calls unanswered until resumed; a call its caller gave up on is dropped unprocessed', async () => {
    fake.hang({ methods: ['chat.postMessage'] });
    try {
      const waiting = client.chat.postMessage({ channel: 'C0SUPPORT', text: 'answered after resume' });
      const impatient = new WebClient(fake.botToken, {
        slackApiUrl: fake.url,
        logger: quietLogger,
        timeout: 20,
        retryConfig: { retries: 0 },
      });
      const gaveUp = await slackError(impatient.chat.postMessage({ channel: 'C0SUPPORT', text: 'dropped' }));
      expect(gaveUp.original?.name).toBe('TimeoutError');
      await fake.waitForHanging(2);
      // The server hears of the impatient caller's going a moment after it went.
      await eventually(async () => fake.hangingWithCaller === 1, 'the impatient caller’s connection closed');
      // Other methods are not held.
      expect((await client.auth.test()).ok).toBe(true);
      fake.resume();
      expect((await waiting).ok).toBe(true);
      const texts = fake.messages('C0SUPPORT').map((m) => m.text);
      expect(texts).toContain('answered after resume');
      expect(texts).not.toContain('dropped');
    } finally {
      fake.resume();
    }
  });

  it('expires trigger ids after 3 s, or their own ttl (fake clock)', async () => {
    let now = Date.now();
    const timed = await startFakeSlack({ now: () => now });
    try {
      const c = new WebClient(timed.botToken, { slackApiUrl: timed.url, logger: quietLogger });
      const fresh = timed.issueTriggerId();
      const late = timed.issueTriggerId();
      now += 2900;
      expect((await c.views.open({ trigger_id: fresh, view: modal('in_time') })).ok).toBe(true);
      now += 200;
      expect((await slackError(c.views.open({ trigger_id: late, view: modal('too_late') }))).data.error).toBe(
        'expired_trigger_id',
      );
      // A trigger id issued with its own, shorter lifetime keeps to it: still good at its last moment.
      const short = timed.issueTriggerId({ ttlMs: 30 });
      const shortLate = timed.issueTriggerId({ ttlMs: 30 });
      now += 30;
      expect((await c.views.open({ trigger_id: short, view: modal('short') })).ok).toBe(true);
      now += 1;
      expect(
        (await slackError(c.views.open({ trigger_id: shortLate, view: modal('short_late') }))).data.error,
      ).toBe('expired_trigger_id');
    } finally {
      await timed.close();
    }
  });

  it('keeps what is posted to a response_url (5 uses at most)', async () => {
    const url = fake.responseUrl();
    for (let i = 1; i <= 5; i++) {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `n${i}` }),
      });
      expect(r.status).toBe(200);
    }
    const sixth = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"n6"}',
    });
    expect(sixth.status).toBe(404);
    expect(fake.responses(url).map((b) => b.text)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('serves files only with the bot token', async () => {
    const file = fake.addFile({ name: 'log.txt', content: 'stack trace', mimetype: 'text/plain' });
    const withToken = await fetch(file.url_private, {
      headers: { authorization: `Bearer ${fake.botToken}` },
    });
    expect(await withToken.text()).toBe('stack trace');
    const anonymous = await fetch(file.url_private);
    expect(anonymous.headers.get('content-type')).toContain('text/html');
  });

  it('fails calls on demand', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    expect((await slackError(client.chat.postMessage({ channel: 'C0SUPPORT', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
    const waiting = fake.waitForCall('chat.postMessage', (c) => c.args.text === 'later', 2000);
    await client.chat.postMessage({ channel: 'C0SUPPORT', text: 'later' });
    expect((await waiting).response.ok).toBe(true);
  });
});

describe('a Bolt app receives SlackClient requests', () => {
  const signingSecret = 'test-signing-secret-0123456789abcdef';
  let fake: FakeSlack;
  let app: App;
  let slack: SlackClient;
  const seen: { kind: string; body: any; retryNum?: number }[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack({
      users: [{ id: 'U0CUSTOMER', name: 'ana', email: 'ana@acme.example' }],
      channels: [{ id: 'C0SUPPORT', name: 'support' }],
    });
    const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', logger: quietLogger });
    app = new App({
      receiver,
      token: fake.botToken,
      logger: quietLogger,
      clientOptions: { slackApiUrl: fake.url, retryConfig: fastRetries },
    });
    app.use(async ({ body, context, next }) => {
      seen.push({ kind: (body as any).type, body, retryNum: context.retryNum });
      await next();
    });
    app.message(async ({ message, say }) => {
      if ('thread_ts' in message && message.thread_ts) return;
      await say({ text: 'Thanks, ticket #7 opened', thread_ts: (message as any).ts });
    });
    app.event('reaction_added', async () => {});
    app.command('/ticket', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: modal('ticket_modal') });
    });
    app.action('close_ticket', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'Ticket closed', replace_original: false });
    });
    app.view('ticket_modal', async ({ ack }) => {
      await ack();
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
    slack = new SlackClient({ baseUrl: `http://127.0.0.1:${server.address().port}`, signingSecret, fake });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });
  afterEach(() => {
    seen.length = 0;
  });

  it('answers url_verification', async () => {
    const res = await slack.urlVerification('challenge-abc');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 'challenge-abc' });
  });

  it('acks a message event, which Bolt answers through the fake, and a byte-identical retry', async () => {
    const sent = await slack.message({ channel: 'C0SUPPORT', user: 'U0CUSTOMER', text: 'VPN is down' });
    // A bare 200 ack: Bolt answered before its listener's reply below (its time is bench/slack.ts's).
    expect(sent.status).toBe(200);
    expect(sent.text).toBe('');
    expect(sent.payload).toMatchObject({
      type: 'event_callback',
      team_id: fake.teamId,
      api_app_id: fake.appId,
      authorizations: [{ user_id: fake.botUserId, is_bot: true }],
      event: {
        type: 'message',
        channel: 'C0SUPPORT',
        user: 'U0CUSTOMER',
        channel_type: 'channel',
        text: 'VPN is down',
      },
    });
    expect(sent.payload.event_id).toMatch(/^Ev/);

    const reply = await fake.waitForCall(
      'chat.postMessage',
      (c) => c.args.thread_ts === sent.payload.event.ts,
    );
    expect(reply.args.text).toBe('Thanks, ticket #7 opened');
    // The customer's message is in Slack's history too, with the bot's reply threaded under it.
    expect(fake.messages('C0SUPPORT', sent.payload.event.ts).map((m) => m.text)).toEqual([
      'VPN is down',
      'Thanks, ticket #7 opened',
    ]);

    const retry = await slack.resend(sent, { retryNum: 1 });
    expect(retry.status).toBe(200);
    expect(retry.rawBody).toBe(sent.rawBody);
    const deliveries = seen.filter((s) => s.body.event_id === sent.payload.event_id);
    expect(deliveries.map((d) => d.retryNum)).toEqual([undefined, 1]);

    const threaded = await slack.message({
      channel: 'C0SUPPORT',
      user: 'U0CUSTOMER',
      text: 'still down',
      threadTs: sent.payload.event.ts,
    });
    expect(threaded.status).toBe(200);
    expect(threaded.payload.event).toMatchObject({
      thread_ts: sent.payload.event.ts,
      parent_user_id: 'U0CUSTOMER',
    });
  });

  it('acks reaction_added', async () => {
    const msg = await slack.message({ channel: 'C0SUPPORT', user: 'U0CUSTOMER', text: 'hello' });
    const res = await slack.reactionAdded({
      user: 'U0AGENT',
      reaction: 'eyes',
      channel: 'C0SUPPORT',
      ts: msg.payload.event.ts,
    });
    expect(res.status).toBe(200);
    expect(res.payload.event).toMatchObject({
      type: 'reaction_added',
      item_user: 'U0CUSTOMER',
      item: { ts: msg.payload.event.ts },
    });
  });

  it('acks a slash command whose trigger_id opens a modal, then a view submission', async () => {
    const cmd = await slack.slashCommand({
      command: '/ticket',
      text: 'printer on fire',
      user: 'U0CUSTOMER',
      channel: 'C0SUPPORT',
    });
    expect(cmd.status).toBe(200);
    expect(cmd.payload).toMatchObject({
      user_name: 'ana',
      channel_name: 'support',
      command: '/ticket',
      text: 'printer on fire',
    });
    expect(cmd.rawBody).toContain('command=%2Fticket');
    const opened = await fake.waitForCall('views.open', (c) => c.args.trigger_id === cmd.payload.trigger_id);
    expect(opened.response.ok).toBe(true);
    const viewId: string = opened.response.view.id;

    const sub = await slack.viewSubmission({
      user: 'U0CUSTOMER',
      viewId,
      values: { subject: { value: { type: 'plain_text_input', value: 'Printer on fire' } } },
    });
    expect(sub.status).toBe(200);
    const body = seen.find((s) => s.kind === 'view_submission')!.body;
    expect(body.view).toMatchObject({
      id: viewId,
      callback_id: 'ticket_modal',
      private_metadata: '{"ticket":42}',
      state: { values: { subject: { value: { value: 'Printer on fire' } } } },
    });
  });

  it('acks a block action on a posted message and its respond() reaches the response_url', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C0SUPPORT',
      text: 'Ticket #7',
      blocks: [
        {
          type: 'actions',
          block_id: 'ticket-7',
          elements: [
            {
              type: 'button',
              action_id: 'close_ticket',
              value: '7',
              text: { type: 'plain_text', text: 'Close' },
            },
          ],
        },
      ],
    });
    const res = await slack.blockAction({
      user: 'U0AGENT',
      actionId: 'close_ticket',
      channel: 'C0SUPPORT',
      messageTs: posted.ts!,
    });
    expect(res.status).toBe(200);
    expect(res.rawBody.startsWith('payload=')).toBe(true);
    expect(res.payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: posted.ts, channel_id: 'C0SUPPORT' },
      actions: [{ action_id: 'close_ticket', block_id: 'ticket-7', value: '7', type: 'button' }],
      message: { ts: posted.ts, text: 'Ticket #7' },
    });
    const answer = await fake.waitForResponse(res.payload.response_url);
    expect(answer).toMatchObject({ text: 'Ticket closed', replace_original: false });
  });

  it('refuses forged, stale and unsigned requests with 401', async () => {
    const prepared = slack.buildUrlVerification('x');
    expect((await slack.send(prepared, { badSignature: true })).status).toBe(401);
    expect((await slack.send(prepared, { timestampSkewSeconds: 6 * 60 })).status).toBe(401);
    expect((await slack.send(prepared, { unsigned: true })).status).toBe(401);
    expect((await slack.send(prepared, { timestampSkewSeconds: 60 })).status).toBe(200);
    expect(seen).toHaveLength(0);
  });

  it('signs raw bodies too', async () => {
    const res = await slack.raw('{"type":"url_verification","challenge":"raw"}', 'application/json');
    expect(res.body).toEqual({ challenge: 'raw' });
  });
});

describe('slackSigner', () => {
  it('computes the v0 signature over "v0:<ts>:<raw body>"', () => {
    // Slack's documented example: secret, timestamp and body give this signature.
    const signer = slackSigner('8f742231b10e8888abcd99yyyzzz85a5', () => 1531420618_000);
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signer.headers(body)).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });
});
