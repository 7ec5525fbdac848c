// Proves the fake Mattermost against the official client (@mattermost/client 11.9: Client4 and
// WebSocketClient): if they accept the fake, Relevo's adapter tests exercise Mattermost's wire format.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mm from '@mattermost/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WS from 'ws';
import '../../../adapters/mattermost/node-websocket.ts';
import { eventually } from '../http.ts';
import { type FakeMattermost, startFakeMattermost } from './fake-mattermost.ts';

const { Client4, WebSocketClient } = mm;

/** Client4 has no call for dialogs/open; an adapter adds one the same way. */
class Client extends Client4 {
  openDialog(body: unknown): Promise<{ status: string }> {
    return this.doFetch(`${this.getBaseRoute()}/actions/dialogs/open`, {
      method: 'post',
      body: JSON.stringify(body),
    });
  }
}

let skew = 0; // the fake's clock runs `skew` ms ahead: trigger expiry without waiting
let fake: FakeMattermost;
let bot: Client;
let ana: { id: string; username: string };
let support: { id: string };
let elsewhere: { id: string };
const sockets: { stop: () => void }[] = [];

function client(token: string): Client {
  const c = new Client();
  c.setUrl(fake.url);
  c.setToken(token);
  return c;
}

function socket(token: string) {
  const ws = new WebSocketClient({
    newWebSocketFn: (url) => new WS(url) as unknown as WebSocket,
    minWebSocketRetryTime: 20,
    reconnectJitterRange: 5,
    maxWebSocketFails: 1000,
  });
  const events: any[] = [];
  const state = { missed: 0, closes: 0, stopped: false };
  // close() neither stops a socket still connecting nor a reconnect scheduled by the close in progress.
  const stop = () => {
    state.stopped = true;
    ws.close();
  };
  ws.addMessageListener((m) => (state.stopped ? ws.close() : events.push(m)));
  // Without a missed-message listener WebSocketClient never resets its sequence for a new
  // connection_id and reconnects forever: an adapter must register one (and catch up there).
  ws.addMissedMessageListener(() => state.missed++);
  ws.addCloseListener(() => {
    state.closes++;
    if (state.stopped) queueMicrotask(() => ws.close());
  });
  ws.initialize(`${fake.url.replace(/^http/, 'ws')}/api/v4/websocket`, token);
  const s = { ws, events, state, stop, hellos: () => events.filter((e) => e.event === 'hello') };
  sockets.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {}); // WebSocketClient narrates every connect
  fake = await startFakeMattermost({ botIsSystemAdmin: true, now: () => Date.now() + skew });
  ana = fake.addUser({ username: 'ana', email: 'ana@acme.example', firstName: 'Ana', lastName: 'Pérez' });
  support = fake.addChannel({ name: 'support', displayName: 'Support', members: [ana.id] });
  elsewhere = fake.addChannel({ name: 'random', botIsMember: false, members: [ana.id] });
  bot = client(fake.botToken);
});

afterAll(async () => {
  for (const s of sockets) s.stop();
  vi.restoreAllMocks();
  await fake.stop();
});

describe('REST, driven by Client4', () => {
  it('refuses a bad token with an AppError and answers the bot, users, team and channels', async () => {
    const err = await failure(client('x'.repeat(26)).getMe());
    expect(err).toMatchObject({ status_code: 401, server_error_id: 'api.context.session_expired.app_error' });
    const raw = await fetch(`${fake.url}/api/v4/users/me`);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(await raw.json())).toEqual([
      'id',
      'message',
      'detailed_error',
      'request_id',
      'status_code',
    ]);

    const me = await bot.getMe();
    expect(me).toMatchObject({ id: fake.botUserId, username: 'relevo', is_bot: true });
    expect(me.id).toMatch(/^[a-z0-9]{26}$/);
    expect(await bot.getUser(ana.id)).toMatchObject({
      username: 'ana',
      email: 'ana@acme.example',
      last_name: 'Pérez',
    });
    expect(await failure(bot.getUser('y'.repeat(26)))).toMatchObject({ status_code: 404 });
    expect(await bot.getTeamByName('support-team')).toMatchObject({ id: fake.teamId, name: fake.teamName });
    expect(await bot.getChannel(support.id)).toMatchObject({
      name: 'support',
      type: 'O',
      team_id: fake.teamId,
    });
    expect(await bot.getChannelMember(support.id, fake.botUserId)).toMatchObject({ user_id: fake.botUserId });
    const notMember = await failure(bot.getChannelMember(elsewhere.id, fake.botUserId));
    expect(notMember).toMatchObject({
      status_code: 404,
      server_error_id: 'app.channel.get_member.missing.app_error',
    });
  });

  it('creates, threads, patches and lists posts with Mattermost semantics', async () => {
    const root = await bot.createPost({ channel_id: support.id, message: 'Ticket #42 opened' } as any);
    expect(root).toMatchObject({
      user_id: fake.botUserId,
      root_id: '',
      edit_at: 0,
      props: { from_bot: 'true' },
    });
    const reply = fake.userPosts(ana.id, support.id, 'thanks', root.id);
    const patched = await bot.patchPost({ id: root.id, message: 'Ticket #42 closed' } as any);
    expect(patched.edit_at).toBeGreaterThan(0);
    expect(fake.post(root.id)!.message).toBe('Ticket #42 closed');

    const thread = await bot.getPostThread(root.id);
    expect(thread.order).toEqual([reply.id, root.id]);
    expect(thread.posts[root.id]!.reply_count).toBe(1);

    // since: posts created or edited strictly after it, newest first; the root came back (edited).
    const since = await bot.getPostsSince(support.id, reply.create_at - 1);
    expect(since.order).toContain(reply.id);
    expect(since.order).toContain(root.id);
    expect((await bot.getPostsSince(support.id, fake.post(root.id)!.update_at)).order).toEqual([]);

    const refused = await failure(bot.createPost({ channel_id: elsewhere.id, message: 'hi' } as any));
    expect(refused).toMatchObject({ status_code: 403, server_error_id: 'api.context.permissions.app_error' });
    const tooLong = await failure(
      bot.createPost({ channel_id: support.id, message: 'é'.repeat(16384) } as any),
    );
    expect(tooLong).toMatchObject({ status_code: 400, server_error_id: 'model.post.is_valid.msg.app_error' });
    await bot.createPost({ channel_id: support.id, message: 'é'.repeat(16383) } as any);
    const nested = await failure(
      bot.createPost({ channel_id: support.id, message: 'x', root_id: reply.id } as any),
    );
    expect(nested).toMatchObject({
      status_code: 400,
      server_error_id: 'api.post.create_post.root_id.app_error',
    });
  });

  it('answers 429 like the throttled limiter, and injected 5xx', async () => {
    fake.rateLimitNext(1, 3);
    const limited = await fetch(`${fake.url}/api/v4/users/me`, {
      headers: { authorization: `Bearer ${fake.botToken}` },
    });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe('limit exceeded\n');
    const header = (name: string) => limited.headers.get(name);
    expect(
      ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'].map(header),
    ).toEqual(['101', '0', '3', '1']);
    fake.rateLimitNext(1);
    expect(await failure(bot.getMe())).toBeInstanceOf(Error); // Client4 sees no AppError in a text body
    expect(await bot.getMe()).toMatchObject({ id: fake.botUserId });
    expect(fake.calls({ path: '/api/v4/users/me' }).map((c) => c.status)).toContain(429);

    fake.failNext('/api/v4/posts', 503);
    expect(await failure(bot.createPost({ channel_id: support.id, message: 'x' } as any))).toMatchObject({
      status_code: 503,
    });
    expect(await bot.createPost({ channel_id: support.id, message: 'x' } as any)).toHaveProperty('id');
  });

  it('lets only a system admin bot post ephemerals (create_post_ephemeral)', async () => {
    const plain = await startFakeMattermost();
    try {
      const ch = plain.addChannel({ name: 'x' });
      const c = new Client4();
      c.setUrl(plain.url);
      c.setToken(plain.botToken);
      expect(
        await failure(c.createPostEphemeral(plain.botUserId, { channel_id: ch.id, message: 'm' } as any)),
      ).toMatchObject({
        status_code: 403,
      });
    } finally {
      await plain.stop();
    }
    await bot.createPostEphemeral(ana.id, { channel_id: support.id, message: 'only you' } as any);
    expect(fake.ephemerals({ userId: ana.id }).map((e) => e.post.message)).toContain('only you');
    expect(fake.posts(support.id).some((p) => p.message === 'only you')).toBe(false);
  });
});

describe('WebSocket, driven by WebSocketClient', () => {
  it('closes a socket whose authentication_challenge has a wrong token', async () => {
    const s = socket('z'.repeat(26));
    await eventually(async () => s.state.closes > 0, 'the socket closed');
    expect(s.hellos()).toEqual([]);
    s.stop();
  });

  it('takes a token in the upgrade request, answers pings, and closes on a bad challenge without answering', async () => {
    const url = `${fake.url.replace(/^http/, 'ws')}/api/v4/websocket`;
    const raw = new WS(url, { headers: { authorization: `Bearer ${fake.botToken}` } });
    const got: any[] = [];
    raw.on('message', (d) => got.push(JSON.parse(d.toString())));
    await eventually(async () => got.find((m) => m.event === 'hello'), 'hello');
    raw.send(JSON.stringify({ seq: 1, action: 'ping' }));
    await eventually(async () => got.find((m) => m.seq_reply === 1), 'pong');
    expect(got[1]).toEqual({
      status: 'OK',
      seq_reply: 1,
      data: { node_id: '', server_time: expect.any(Number), text: 'pong', version: expect.any(String) },
    });
    raw.close();

    const bad = new WS(url);
    const answers: string[] = [];
    bad.on('message', (d) => answers.push(d.toString()));
    await new Promise((r) => bad.once('open', r));
    bad.send(JSON.stringify({ seq: 1, action: 'authentication_challenge', data: { token: 'nope' } }));
    await new Promise((r) => bad.once('close', r));
    expect(answers).toEqual([]);
  });

  it('says hello at seq 0, then sends posted events (data.post a JSON string) only for its channels', async () => {
    const s = socket(fake.botToken);
    await eventually(async () => s.hellos().length === 1, 'hello');
    const hello = s.events[0];
    expect(hello).toMatchObject({
      event: 'hello',
      seq: 0,
      broadcast: { user_id: fake.botUserId, channel_id: '' },
    });
    expect(hello.data.connection_id).toMatch(/^[a-z0-9]{26}$/);

    fake.userPosts(ana.id, elsewhere.id, 'not for the bot');
    const p = fake.userPosts(ana.id, support.id, 'hello @relevo');
    await eventually(async () => s.events.find((e) => e.event === 'posted'), 'posted');
    const posted = s.events.filter((e) => e.event === 'posted');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      seq: 1,
      broadcast: { omit_users: null, user_id: '', channel_id: support.id, team_id: '' },
      data: {
        channel_display_name: 'Support',
        channel_name: 'support',
        channel_type: 'O',
        sender_name: '@ana',
        set_online: true,
        team_id: fake.teamId,
        mentions: JSON.stringify([fake.botUserId]),
      },
    });
    expect(typeof posted[0].data.post).toBe('string');
    expect(JSON.parse(posted[0].data.post)).toMatchObject({
      id: p.id,
      message: 'hello @relevo',
      user_id: ana.id,
    });

    const own = await bot.createPost({ channel_id: support.id, message: 'mine too' } as any);
    fake.react(ana.id, own.id, 'thumbsup');
    await eventually(async () => s.events.find((e) => e.event === 'reaction_added'), 'reaction_added');
    expect(s.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    const reaction = s.events[3];
    expect(reaction.broadcast.channel_id).toBe(support.id);
    expect(JSON.parse(reaction.data.reaction)).toMatchObject({
      user_id: ana.id,
      post_id: own.id,
      emoji_name: 'thumbsup',
    });
    s.stop();
  });

  it('after a drop, reconnects with a new connection_id; posts made meanwhile come back over REST', async () => {
    const s = socket(fake.botToken);
    await eventually(async () => s.hellos().length === 1, 'hello');
    const firstId = s.hellos()[0].data.connection_id;
    const before = fake.userPosts(ana.id, support.id, 'seen live');
    await eventually(async () => s.events.find((e) => e.event === 'posted'), 'the live post');

    fake.refuseSockets(true);
    fake.dropSockets();
    await eventually(async () => s.state.closes > 0, 'the close');
    const missedA = fake.userPosts(ana.id, support.id, 'while away 1');
    const missedB = fake.userPosts(ana.id, support.id, 'while away 2');
    fake.refuseSockets(false);

    await eventually(async () => s.hellos().length === 2, 'a second hello');
    expect(s.hellos()[1].data.connection_id).not.toBe(firstId);
    expect(s.state.missed).toBe(1);
    expect(s.events.filter((e) => e.event === 'posted')).toHaveLength(1); // nothing replayed
    const resumed = fake.socketConnects().at(-1)!;
    expect(resumed).toMatchObject({ askedConnectionId: firstId, askedSequence: '2' });

    const caughtUp = await bot.getPostsSince(support.id, before.create_at);
    expect(caughtUp.order.slice(0, 2)).toEqual([missedB.id, missedA.id]);

    fake.userPosts(ana.id, support.id, 'live again');
    await eventually(
      async () => s.events.filter((e) => e.event === 'posted').length === 2,
      'the next post live',
    );
    s.stop();
  });

  it('a skipped sequence number makes WebSocketClient reconnect', async () => {
    const s = socket(fake.botToken);
    await eventually(async () => s.hellos().length === 1, 'hello');
    const firstId = s.hellos()[0].data.connection_id;
    fake.skipSeq();
    fake.userPosts(ana.id, support.id, 'arrives with a gap');
    await eventually(async () => s.hellos().length === 2, 'the reconnect');
    expect(s.events.filter((e) => e.event === 'posted')).toEqual([]); // the gapped event is dropped
    expect(fake.socketConnects().filter((c) => c.askedConnectionId === firstId)).toHaveLength(1);
    s.stop();
    await fake.waitForSockets(0);
  });
});

describe('toward the integration', () => {
  let receiver: Server;
  let base = '';
  const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let answer: (path: string, body: string) => { status?: number; type?: string; body?: string } = () => ({});

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        const a = answer(req.url ?? '', body);
        res.writeHead(a.status ?? 200, a.type ? { 'content-type': a.type } : {});
        res.end(a.body ?? '');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('registers a slash command and sends it as Mattermost does (form fields, Token header)', async () => {
    const cmd = await bot.addCommand({
      team_id: fake.teamId,
      trigger: 'ticket',
      method: 'P',
      url: `${base}/mattermost/command`,
      auto_complete: true,
    } as any);
    expect(cmd.token).toMatch(/^[a-z0-9]{26}$/);
    expect(await bot.getCustomTeamCommands(fake.teamId)).toEqual([cmd]);
    const edited = await bot.editCommand({ ...cmd, description: 'Open a ticket' });
    expect(edited.token).toBe(cmd.token);
    expect(await failure(bot.addCommand({ ...cmd, id: undefined } as any))).toMatchObject({
      server_error_id: 'api.command.duplicate_trigger.app_error',
    });

    answer = () => ({
      type: 'application/json',
      body: JSON.stringify({ response_type: 'ephemeral', text: 'On it' }),
    });
    const run = await fake.slashCommand({ userId: ana.id, channelId: support.id, text: 'printer @relevo' });
    expect(run.error).toBeUndefined();
    const req = seen.at(-1)!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers.authorization).toBe(`Token ${cmd.token}`);
    const form = new URLSearchParams(req.body);
    expect([...new Set(form.keys())]).toEqual([
      'channel_id',
      'channel_name',
      'command',
      'response_url',
      'root_id',
      'team_domain',
      'team_id',
      'text',
      'token',
      'trigger_id',
      'user_id',
      'user_mentions',
      'user_mentions_ids',
      'user_name',
    ]);
    expect(Object.fromEntries(form)).toMatchObject({
      channel_id: support.id,
      channel_name: 'support',
      command: '/ticket',
      response_url: run.responseUrl,
      root_id: '',
      team_domain: 'support-team',
      team_id: fake.teamId,
      text: 'printer @relevo',
      token: cmd.token,
      trigger_id: run.triggerId,
      user_id: ana.id,
      user_name: 'ana',
    });
    expect(fake.ephemerals({ userId: ana.id }).at(-1)!.post.message).toBe('On it');

    const late = await fetch(run.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'in_channel', text: 'Ticket #7 opened' }),
    });
    expect(await late.text()).toBe('ok');
    await fake.waitForResponse(run.responseUrl);
    expect(fake.posts(support.id).at(-1)).toMatchObject({ user_id: ana.id, message: 'Ticket #7 opened' });

    answer = () => ({ status: 204 });
    expect((await fake.slashCommand({ userId: ana.id, channelId: support.id })).error).toMatch(
      /returned response 204/,
    );
  });

  it('opens dialogs only with a fresh trigger id, and submits them back', async () => {
    const run = await fake.slashCommand({ userId: ana.id, channelId: support.id, text: 'new' });
    const dialog = {
      callback_id: 'new-ticket',
      title: 'New ticket',
      state: 'signed-state',
      elements: [
        { display_name: 'Subject', name: 'subject', type: 'text' },
        {
          display_name: 'Priority',
          name: 'priority',
          type: 'select',
          options: [{ text: 'High', value: 'high' }],
        },
      ],
    };
    const url = `${base}/mattermost/dialog`;
    expect(await bot.openDialog({ trigger_id: run.triggerId, url, dialog })).toEqual({ status: 'OK' });
    const tooLong = await failure(
      bot.openDialog({ trigger_id: run.triggerId, url, dialog: { ...dialog, title: 'x'.repeat(25) } }),
    );
    expect(tooLong).toMatchObject({ status_code: 400 });

    const stale = await fake.slashCommand({ userId: ana.id, channelId: support.id, text: 'new' });
    skew += 3001;
    expect(await failure(bot.openDialog({ trigger_id: stale.triggerId, url, dialog }))).toMatchObject({
      status_code: 400,
      server_error_id: 'interactive_message.decode_trigger_id.expired',
    });

    const opened = fake.dialogs().at(-1)!;
    expect(opened).toMatchObject({ url, userId: ana.id, channelId: support.id, open: true });
    answer = (_p, body) =>
      JSON.parse(body).submission.subject
        ? { type: 'application/json', body: '{}' }
        : { type: 'application/json', body: JSON.stringify({ errors: { subject: 'Required' } }) };
    expect((await fake.submitDialog({ dialog: opened, submission: { subject: '' } })).body).toEqual({
      errors: { subject: 'Required' },
    });
    expect(fake.dialogs().at(-1)!.open).toBe(true);
    await fake.submitDialog({ dialog: opened, submission: { subject: 'Printer', priority: 'high' } });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({
      type: 'dialog_submission',
      callback_id: 'new-ticket',
      state: 'signed-state',
      user_id: ana.id,
      channel_id: support.id,
      team_id: fake.teamId,
      submission: { subject: 'Printer', priority: 'high' },
      cancelled: false,
    });
    expect(fake.dialogs().at(-1)!.open).toBe(false);
  });

  it('sends a button press to the integration and applies its update', async () => {
    const s = socket(fake.botToken);
    await eventually(async () => s.hellos().length === 1, 'hello');
    const actions = [
      {
        id: 'close',
        name: 'Close',
        type: 'button',
        integration: { url: `${base}/mattermost/action`, context: { ticket: 42 } },
      },
      { id: 'not-alnum', name: 'Broken', type: 'button', integration: { url: `${base}/mattermost/action` } },
    ];
    const created = await bot.createPost({
      channel_id: support.id,
      message: 'Ticket #42',
      props: { attachments: [{ text: 'Printer', actions }] },
    } as any);
    expect((created.props as any).attachments[0].actions[0]).not.toHaveProperty('integration'); // stripped on the wire
    expect(fake.post(created.id)!.props.attachments[0].actions[0].integration.context).toEqual({
      ticket: 42,
    });

    answer = () => ({
      type: 'application/json',
      body: JSON.stringify({
        update: { message: 'Ticket #42 closed', props: { attachments: [] } },
        ephemeral_text: 'Done',
      }),
    });
    const press = await fake.pressButton({ postId: created.id, actionName: 'Close', userId: ana.id });
    expect(press.error).toBeUndefined();
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({
      user_id: ana.id,
      user_name: 'ana',
      channel_id: support.id,
      channel_name: 'support',
      team_id: fake.teamId,
      team_domain: 'support-team',
      post_id: created.id,
      trigger_id: press.triggerId,
      type: 'button',
      data_source: '',
      context: { ticket: 42 },
    });
    expect(fake.post(created.id)).toMatchObject({ message: 'Ticket #42 closed', props: { attachments: [] } });
    expect(fake.ephemerals({ userId: ana.id }).at(-1)!.post).toMatchObject({
      message: 'Done',
      root_id: created.id,
    });
    await eventually(async () => s.events.find((e) => e.event === 'post_edited'), 'post_edited');
    expect(JSON.parse(s.events.find((e) => e.event === 'post_edited').data.post).message).toBe(
      'Ticket #42 closed',
    );

    // An answer with props only empties the message, as UpdatePost does.
    const second = await bot.createPost({
      channel_id: support.id,
      message: 'keep?',
      props: { attachments: [{ actions }] },
    } as any);
    expect(
      (await fake.pressButton({ postId: second.id, actionName: 'Broken', userId: ana.id })).error,
    ).toMatch(/not alphanumeric/);
    answer = () => ({
      type: 'application/json',
      body: JSON.stringify({ update: { props: { done: true } } }),
    });
    await fake.pressButton({ postId: second.id, actionId: 'close', userId: ana.id });
    expect(fake.post(second.id)).toMatchObject({ message: '', props: { done: true } });
    s.stop();
  });

  it('prepares a slash command and a button press without sending them, for a load generator', async () => {
    const requestsBefore = fake.integrationRequests().length;
    const a = fake.prepareSlashCommand({ userId: ana.id, channelId: support.id, text: 'help' });
    const b = fake.prepareSlashCommand({ userId: ana.id, channelId: support.id, text: 'help' });
    expect(a.triggerId).not.toBe(b.triggerId);
    expect(a.responseUrl).not.toBe(b.responseUrl);
    expect(a).toMatchObject({ url: `${base}/mattermost/command`, method: 'POST' });
    expect(a.headers).toMatchObject({
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: expect.stringMatching(/^Token [a-z0-9]{26}$/),
    });
    expect(Object.fromEntries(new URLSearchParams(a.body))).toEqual(a.form);
    expect(a.form).toMatchObject({ text: 'help', trigger_id: a.triggerId, response_url: a.responseUrl });
    // Nothing was sent; the response URL takes answers as a sent command's does.
    expect(fake.integrationRequests()).toHaveLength(requestsBefore);
    const answered = await fetch(a.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Usage: /ticket …' }),
    });
    expect(await answered.text()).toBe('ok');
    expect(fake.responses(a.responseUrl)).toEqual([{ text: 'Usage: /ticket …' }]);

    const card = await bot.createPost({
      channel_id: support.id,
      message: 'Ticket #43',
      props: {
        attachments: [
          {
            actions: [
              {
                id: 'take',
                name: 'Take it',
                type: 'button',
                integration: { url: `${base}/mattermost/action`, context: { ticket: 43 } },
              },
            ],
          },
        ],
      },
    } as any);
    const press = fake.prepareButtonPress({ postId: card.id, actionName: 'Take it', userId: ana.id });
    expect(press).toMatchObject({ url: `${base}/mattermost/action`, method: 'POST' });
    expect(JSON.parse(press.body)).toEqual({
      user_id: ana.id,
      user_name: 'ana',
      channel_id: support.id,
      channel_name: 'support',
      team_id: fake.teamId,
      team_domain: 'support-team',
      post_id: card.id,
      trigger_id: press.triggerId,
      type: 'button',
      data_source: '',
      context: { ticket: 43 },
    });
    expect(fake.prepareButtonPress({ postId: card.id, actionId: 'take', userId: ana.id }).triggerId).not.toBe(
      press.triggerId,
    );
    expect(fake.integrationRequests()).toHaveLength(requestsBefore);
  });
});
