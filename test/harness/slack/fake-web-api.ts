// A fake Slack on 127.0.0.1 that the official SDKs talk to unchanged: point Bolt's
// `clientOptions.slackApiUrl` (or a WebClient's `slackApiUrl`) at `fake.url`. It answers the way
// Slack does (HTTP 200 with `ok:false` for API errors, 429 + Retry-After for rate limits) so
// Relevo's error handling is exercised against the real wire behaviour, not a mock of the SDK.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Changes } from './changes.ts';

export interface FakeUser {
  id: string;
  name: string;
  email?: string;
  isBot?: boolean;
  realName?: string;
  tz?: string;
  deleted?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  isIm?: boolean;
  /** For an IM: the other person. */
  user?: string;
  isArchived?: boolean;
}

/** A message as Slack stores and returns it (conversations.replies, chat.postMessage `message`). */
export interface FakeMessage {
  type: 'message';
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  subtype?: string;
  blocks?: any[];
  [key: string]: any;
}

export interface FakeCall {
  method: string;
  /** Arguments as Slack sees them: form values, with JSON-valued fields (blocks, view...) decoded. */
  args: Record<string, any>;
  /** Time of the call (the fake's clock, ms). */
  at: number;
  /** 200, or 429 when rate-limited, or whatever `failNext` asked for. */
  status: number;
  response: Record<string, any>;
}

export interface FakeFileInput {
  name: string;
  content?: string | Buffer;
  mimetype?: string;
  title?: string;
  id?: string;
  user?: string;
}

/** Where apps.connections.open sends an app: see fake-socket-mode.ts. */
export interface SocketModeEndpoint {
  /** A fresh one-time WebSocket URL. */
  issueUrl(): string;
}

export interface FakeSlackOptions {
  botToken?: string;
  /** The app-level token (xapp-…) that apps.connections.open takes; one is made up unless given. */
  appToken?: string;
  /** Serves apps.connections.open (Socket Mode); `useSocketMode` can attach one later. */
  socketMode?: SocketModeEndpoint;
  botUserId?: string;
  botId?: string;
  appId?: string;
  teamId?: string;
  teamDomain?: string;
  /** Lifetime of issued trigger ids. Slack's is 3 s. */
  triggerTtlMs?: number;
  /** Automatic chat.postMessage limit per channel (off unless given; see `limitPostMessagePerChannel`). */
  postMessagePerChannel?: { perSecond: number; retryAfterSeconds?: number };
  /** Refuse chat.postMessage to channels never seeded nor seen (Slack: channel_not_found). */
  strictChannels?: boolean;
  users?: FakeUser[];
  channels?: FakeChannel[];
  /** Clock in ms, so tests can move time (trigger expiry, rate windows) without sleeping. */
  now?: () => number;
}

interface Trigger {
  issuedAt: number;
  ttlMs: number;
  usedAt?: number;
  viewId?: string;
  userId?: string;
}

interface StoredFile {
  meta: Record<string, any>;
  content: Buffer;
}

class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

// WebClient JSON-stringifies nested values in form bodies; these are the fields where a string
// value is really JSON. Decoding only known fields keeps a `text` of "[1]" a string.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks']);
// Methods that take the app-level token (xapp-…) instead of the bot token; Slack wants it in the
// Authorization header ("passing it as a POST parameter will result in an error").
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);
const BOOL_FIELDS = new Set([
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'as_user',
  'link_names',
  'include_locale',
  'inclusive',
  'include_all_metadata',
]);

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let s = prefix;
  for (const b of bytes) s += ID_CHARS[b % ID_CHARS.length];
  return s;
}

const isNonEmptyArray = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const clone = <T>(v: T): T => structuredClone(v);

export class FakeSlack {
  /** Every call, including rate-limited and refused ones, in arrival order. */
  readonly calls: FakeCall[] = [];
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly teamId: string;
  readonly teamDomain: string;
  /** `http://127.0.0.1:PORT/api/`: the value for `slackApiUrl`. */
  url = '';
  /** `http://127.0.0.1:PORT`: response URLs and file downloads live under it. */
  baseUrl = '';

  private readonly server: Server;
  private readonly now: () => number;
  private readonly triggerTtlMs: number;
  private readonly strictChannels: boolean;
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly store = new Map<string, FakeMessage[]>();
  private readonly views = new Map<string, any>();
  private readonly stacks = new Map<string, string[]>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly manualLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  private readonly failures = new Map<string, { remaining: number; error?: string; status?: number }>();
  private channelLimit: { perSecond: number; retryAfterSeconds: number } | null = null;
  private readonly postTimes = new Map<string, number[]>();
  private readonly responseUrls = new Map<string, { createdAt: number; bodies: unknown[] }>();
  private readonly files = new Map<string, StoredFile>();
  private readonly changes = new Changes(
    (what, ms) => `fake Slack: timed out after ${ms} ms waiting for ${what}`,
  );
  private lastMicros = 0;
  private socketMode?: SocketModeEndpoint;
  /** While set, Web API calls (to these methods, or all) wait unanswered until `resume()`. */
  private hung: { methods?: Set<string> } | undefined;
  private readonly waiting: { release: () => void; callerWaits: boolean }[] = [];

  constructor(opts: FakeSlackOptions = {}) {
    this.botToken = opts.botToken ?? `xoxb-1-${randomBytes(12).toString('hex')}`;
    this.botUserId = opts.botUserId ?? 'U0RELEVOBOT';
    this.botId = opts.botId ?? 'B0RELEVO01';
    this.appId = opts.appId ?? 'A0RELEVO01';
    this.appToken =
      opts.appToken ?? `xapp-1-${this.appId}-${randomDigits(13)}-${randomBytes(32).toString('hex')}`;
    this.socketMode = opts.socketMode;
    this.teamId = opts.teamId ?? 'T0RELEVO01';
    this.teamDomain = opts.teamDomain ?? 'relevo-test';
    this.now = opts.now ?? Date.now;
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.strictChannels = opts.strictChannels ?? false;
    if (opts.postMessagePerChannel) this.limitPostMessagePerChannel(opts.postMessagePerChannel);
    this.addUser({ id: this.botUserId, name: 'relevo', isBot: true, realName: 'Relevo' });
    for (const u of opts.users ?? []) this.addUser(u);
    for (const c of opts.channels ?? []) this.addChannel(c);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  }

  /** @internal used by startFakeSlack */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.url = `${this.baseUrl}/api/`;
  }

  async close(): Promise<void> {
    // WebClient keeps connections alive; without this close() waits for them to idle out.
    this.server.closeAllConnections();
    this.resume(); // held calls find their sockets closed and end unanswered
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- seeding and inspection ---------------------------------------------------------------

  addUser(user: FakeUser): void {
    this.users.set(user.id, { ...user });
  }

  user(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  addChannel(channel: FakeChannel): void {
    this.channels.set(channel.id, { ...channel });
  }

  channel(id: string): FakeChannel | undefined {
    return this.channels.get(id);
  }

  /** Puts a message into Slack's history as if a person posted it (SlackClient.message does this). */
  addMessage(channel: string, message: Partial<FakeMessage> & { ts: string }): FakeMessage {
    this.ensureChannel(channel);
    const msg: FakeMessage = { type: 'message', ...clone(message) };
    this.storeMessage(channel, msg);
    return clone(msg);
  }

  /** Top-level messages of a channel, or a whole thread (parent first) when `thread` is given. */
  messages(channel: string, thread?: string): FakeMessage[] {
    const all = this.store.get(channel) ?? [];
    const picked =
      thread === undefined
        ? all.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
        : all.filter((m) => m.ts === thread || m.thread_ts === thread);
    return picked.map(clone);
  }

  findMessage(channel: string, ts: string): FakeMessage | undefined {
    const m = this.store.get(channel)?.find((x) => x.ts === ts);
    return m && clone(m);
  }

  view(id: string): any {
    const v = this.views.get(id);
    return v && clone(v);
  }

  /** Calls Slack processed (not the 429s; those are in `calls` with status 429). */
  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.status !== 429);
  }

  /** Resolves with the first processed call (already made or future) to `method` matching `predicate`. */
  waitForCall(
    method: string,
    predicate: (call: FakeCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FakeCall> {
    return this.changes.waitUntil(
      () => this.callsTo(method).find(predicate),
      timeoutMs,
      `a ${method} call${predicate.length ? ' matching the predicate' : ''}`,
    );
  }

  /** Lets apps.connections.open hand out this endpoint's URLs (Socket Mode). */
  useSocketMode(endpoint: SocketModeEndpoint | undefined): void {
    this.socketMode = endpoint;
  }

  /** Forgets recorded calls (messages, views and users stay). */
  clearCalls(): void {
    this.calls.length = 0;
  }

  // ---- behaviour switches ---------------------------------------------------------------------

  /**
   * Plays a Web API that takes connections and never answers (an outage behind a load balancer): from now
   * on, calls to `methods` (or to every method) wait until `resume()`. Then each one whose caller is still
   * waiting is answered as usual; one its caller gave up on (a timeout) is dropped unprocessed.
   */
  hang(opts: { methods?: string[] } = {}): void {
    this.hung = { methods: opts.methods && new Set(opts.methods) };
  }

  /** Ends `hang()`: the calls held so far are answered, later ones are at once. */
  resume(): void {
    this.hung = undefined;
    for (const held of this.waiting.splice(0)) held.release();
  }

  /** Calls being held by `hang()` right now (their callers still waiting or not). */
  get hanging(): number {
    return this.waiting.length;
  }

  /** Of the calls held by `hang()`, those whose caller is still waiting for the answer (not timed out). */
  get hangingWithCaller(): number {
    return this.waiting.filter((held) => held.callerWaits).length;
  }

  /** Resolves once at least `count` calls are being held by `hang()`. */
  waitForHanging(count = 1, timeoutMs = 5000): Promise<number> {
    return this.changes.waitUntil(
      () => (this.waiting.length >= count ? this.waiting.length : undefined),
      timeoutMs,
      `${count} call(s) held unanswered`,
    );
  }

  /** The next `times` calls to `method` get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(
    method: string,
    { times = 1, retryAfterSeconds = 1 }: { times?: number; retryAfterSeconds?: number } = {},
  ) {
    this.manualLimits.set(method, { remaining: times, retryAfterSeconds });
  }

  /**
   * Slack's "about one message per second per channel": more than `perSecond` chat.postMessage
   * calls to one channel within a rolling second get a 429. Pass null to switch it off.
   */
  limitPostMessagePerChannel(limit: { perSecond: number; retryAfterSeconds?: number } | null): void {
    this.channelLimit = limit && {
      perSecond: limit.perSecond,
      retryAfterSeconds: limit.retryAfterSeconds ?? 1,
    };
    this.postTimes.clear();
  }

  /**
   * The next `times` calls to `method` fail: with `{ok:false, error}` (HTTP 200, as Slack does), or
   * with a bare HTTP `status` to play an outage.
   */
  failNext(
    method: string,
    { error, status, times = 1 }: { error?: string; status?: number; times?: number },
  ): void {
    this.failures.set(method, { remaining: times, error, status });
  }

  /** A trigger id as Slack puts in slash commands and interactions: one views.open/push, within 3 s. */
  issueTriggerId(opts: { ttlMs?: number; viewId?: string; userId?: string } = {}): string {
    const id = `${Math.floor(this.now() / 1000)}${String(this.now() % 1000).padStart(3, '0')}.${randomDigits(10)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, {
      issuedAt: this.now(),
      ttlMs: opts.ttlMs ?? this.triggerTtlMs,
      viewId: opts.viewId,
      userId: opts.userId,
    });
    return id;
  }

  /** A response_url on this server (`POST /response/<id>`); what is posted there is kept. */
  responseUrl(): string {
    const id = `${randomDigits(12)}-${randomBytes(12).toString('hex')}`;
    this.responseUrls.set(id, { createdAt: this.now(), bodies: [] });
    return `${this.baseUrl}/response/${id}`;
  }

  /** Bodies posted to a response URL (pass the id or the whole URL). */
  responses(idOrUrl: string): any[] {
    return clone(this.responseUrls.get(responseId(idOrUrl))?.bodies ?? []);
  }

  waitForResponse(
    idOrUrl: string,
    predicate: (body: any) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<any> {
    return this.changes.waitUntil(
      () => this.responses(idOrUrl).find(predicate),
      timeoutMs,
      `a post to response URL ${idOrUrl}`,
    );
  }

  /** Hosts a file as Slack does (`url_private` needs the bot token) and returns Slack's file object. */
  addFile(input: FakeFileInput): Record<string, any> {
    const id = input.id ?? slackId('F');
    const content = Buffer.from(input.content ?? `contents of ${input.name}`);
    const mimetype = input.mimetype ?? 'text/plain';
    const filetype = input.name.includes('.') ? input.name.split('.').pop()!.toLowerCase() : 'text';
    const url = `${this.baseUrl}/files-pri/${this.teamId}-${id}/${encodeURIComponent(input.name)}`;
    const created = Math.floor(this.now() / 1000);
    const meta = {
      id,
      created,
      timestamp: created,
      name: input.name,
      title: input.title ?? input.name,
      mimetype,
      filetype,
      pretty_type: filetype.toUpperCase(),
      user: input.user ?? '',
      user_team: this.teamId,
      editable: false,
      size: content.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: true,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: url,
      url_private_download: `${url}?download=1`,
      permalink: `https://${this.teamDomain}.slack.com/files/${input.user ?? 'U0'}/${id}/${input.name}`,
      permalink_public: `https://slack-files.com/${this.teamId}-${id}-${randomBytes(5).toString('hex')}`,
      is_starred: false,
      has_rich_preview: false,
      file_access: 'visible',
    };
    this.files.set(id, { meta, content });
    return clone(meta);
  }

  /** A fresh message timestamp, strictly increasing: `1700000000.000100`. */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(url, req, raw, res);
    if (url.pathname.startsWith('/files-pri/')) return this.handleFile(url, req, res);
    const m = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!m || (req.method !== 'POST' && req.method !== 'GET')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const method = m[1]!;
    if (this.hung && (!this.hung.methods || this.hung.methods.has(method))) {
      await new Promise<void>((release) => {
        const held = { release, callerWaits: true };
        this.waiting.push(held);
        req.socket.once('close', () => {
          held.callerWaits = false;
          this.changes.notify();
        });
        this.changes.notify();
      });
      if (res.destroyed || req.socket.destroyed) return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

    let args: Record<string, any>;
    try {
      args = { ...parseForm(url.searchParams), ...parseBody(contentType, raw) };
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'invalid_form_data';
      return this.answer(res, method, {}, 200, { ok: false, error: code });
    }

    // Slack takes the token from the Authorization header, or from a form field; never from a
    // JSON body (its docs require the header there).
    const auth = req.headers.authorization;
    let token: string | undefined;
    const fromHeader = auth?.startsWith('Bearer ') ?? false;
    if (fromHeader) token = auth!.slice('Bearer '.length).trim();
    else if (contentType !== 'application/json') token = str(args.token);
    delete args.token;

    const handler = this.handlers[method];
    if (!handler)
      return this.answer(res, method, args, 200, { ok: false, error: 'unknown_method', req_method: method });
    if (!token) return this.answer(res, method, args, 200, { ok: false, error: 'not_authed' });
    if (APP_TOKEN_METHODS.has(method)) {
      // The app-level token, in the header only; a bot token is the wrong kind of token.
      if (token === this.botToken)
        return this.answer(res, method, args, 200, { ok: false, error: 'not_allowed_token_type' });
      if (token !== this.appToken)
        return this.answer(res, method, args, 200, { ok: false, error: 'invalid_auth' });
      if (!fromHeader) return this.answer(res, method, args, 200, { ok: false, error: 'not_authed' });
    } else if (token === this.appToken) {
      return this.answer(res, method, args, 200, { ok: false, error: 'not_allowed_token_type' });
    } else if (token !== this.botToken) {
      return this.answer(res, method, args, 200, { ok: false, error: 'invalid_auth' });
    }

    const limited = this.takeRateLimit(method, args);
    if (limited !== undefined) {
      return this.answer(
        res,
        method,
        args,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(limited) },
      );
    }
    const failure = this.failures.get(method);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      if (failure.status && failure.status !== 200) {
        return this.answer(res, method, args, failure.status, {
          ok: false,
          error: failure.error ?? 'fatal_error',
        });
      }
      return this.answer(res, method, args, 200, { ok: false, error: failure.error ?? 'fatal_error' });
    }

    try {
      const result = handler(args);
      return this.answer(res, method, args, 200, { ok: true, ...result });
    } catch (err) {
      if (err instanceof ApiError) return this.answer(res, method, args, 200, { ok: false, error: err.code });
      throw err;
    }
  }

  private answer(
    res: ServerResponse,
    method: string,
    args: Record<string, any>,
    status: number,
    body: Record<string, any>,
    headers: Record<string, string> = {},
  ): void {
    this.calls.push({ method, args, at: this.now(), status, response: clone(body) });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
    this.changes.notify();
  }

  /** Seconds to wait when this call is rate-limited, else undefined. */
  private takeRateLimit(method: string, args: Record<string, any>): number | undefined {
    const manual = this.manualLimits.get(method);
    if (manual && manual.remaining > 0) {
      manual.remaining--;
      return manual.retryAfterSeconds;
    }
    if (method === 'chat.postMessage' && this.channelLimit) {
      const channel = str(args.channel) ?? '';
      const since = this.now() - 1000;
      const recent = (this.postTimes.get(channel) ?? []).filter((t) => t > since);
      if (recent.length >= this.channelLimit.perSecond) {
        this.postTimes.set(channel, recent);
        return this.channelLimit.retryAfterSeconds;
      }
      recent.push(this.now());
      this.postTimes.set(channel, recent);
    }
    return undefined;
  }

  private handleResponseUrl(url: URL, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const [status, body] = this.acceptResponse(url, req, raw);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
    this.changes.notify();
  }

  private acceptResponse(url: URL, req: IncomingMessage, raw: string): [number, object] {
    const entry = this.responseUrls.get(responseId(url.pathname));
    if (req.method !== 'POST' || !entry) return [404, { ok: false, error: 'invalid_url' }];
    // Slack: a response_url takes up to 5 responses within 30 minutes.
    if (this.now() - entry.createdAt > 30 * 60_000) return [404, { ok: false, error: 'expired_url' }];
    if (entry.bodies.length >= 5) return [404, { ok: false, error: 'used_url' }];
    try {
      entry.bodies.push(JSON.parse(raw));
    } catch {
      return [400, { ok: false, error: 'invalid_payload' }];
    }
    return [200, { ok: true }];
  }

  private handleFile(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const id = /^\/files-pri\/[^-/]+-([^/]+)\//.exec(url.pathname)?.[1];
    const file = id ? this.files.get(id) : undefined;
    // Without the bot token Slack answers a file URL with its sign-in page (HTTP 200, HTML), a
    // classic way to store a login page as an attachment; the fake does the same.
    if (req.headers.authorization !== `Bearer ${this.botToken}`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>');
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('file not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.meta.mimetype, 'content-length': String(file.content.length) });
    res.end(file.content);
  }

  // ---- Web API methods ------------------------------------------------------------------------

  private readonly handlers: Record<string, (a: Record<string, any>) => Record<string, any>> = {
    'auth.test': () => ({
      url: `https://${this.teamDomain}.slack.com/`,
      team: 'Relevo Test',
      user: 'relevo',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    }),

    'apps.connections.open': () => {
      // "Generate a temporary Socket Mode WebSocket URL": { ok, url: 'wss://…/link/?ticket=…' }.
      // Without an endpoint attached the fake answers with an error of its own naming.
      if (!this.socketMode) throw new ApiError('socket_mode_not_enabled');
      return { url: this.socketMode.issueUrl() };
    },

    'chat.postMessage': (a) => {
      const channel = this.resolveChannel(str(a.channel), this.strictChannels);
      requireContent(a);
      const msg = this.botMessage(a);
      const threadTs = str(a.thread_ts);
      if (threadTs) {
        msg.thread_ts = threadTs;
        const parent = this.store.get(channel)?.find((m) => m.ts === threadTs);
        if (parent?.user) msg.parent_user_id = parent.user;
        if (a.reply_broadcast === true) msg.subtype = 'thread_broadcast';
      }
      this.storeMessage(channel, msg);
      return { channel, ts: msg.ts, message: clone(msg) };
    },

    'chat.update': (a) => {
      const channel = this.resolveChannel(str(a.channel), true);
      const msg = this.store.get(channel)?.find((m) => m.ts === str(a.ts));
      if (!msg) throw new ApiError('message_not_found');
      if (msg.user !== this.botUserId && msg.bot_id !== this.botId) throw new ApiError('cant_update_message');
      if (a.text !== undefined) msg.text = str(a.text) ?? '';
      if (a.blocks !== undefined) msg.blocks = a.blocks;
      if (a.attachments !== undefined) msg.attachments = a.attachments;
      if (a.metadata !== undefined) msg.metadata = a.metadata;
      msg.edited = { user: this.botUserId, ts: this.nextTs() };
      return { channel, ts: msg.ts, text: msg.text ?? '', message: clone(msg) };
    },

    'chat.postEphemeral': (a) => {
      this.resolveChannel(str(a.channel), true);
      if (!str(a.user)) throw new ApiError('user_not_in_channel');
      requireContent(a);
      return { message_ts: this.nextTs() };
    },

    'chat.getPermalink': (a) => {
      const channel = this.resolveChannel(str(a.channel), true);
      const msg = this.store.get(channel)?.find((m) => m.ts === str(a.message_ts));
      if (!msg) throw new ApiError('message_not_found');
      let permalink = `https://${this.teamDomain}.slack.com/archives/${channel}/p${msg.ts.replace('.', '')}`;
      if (msg.thread_ts && msg.thread_ts !== msg.ts)
        permalink += `?thread_ts=${msg.thread_ts}&cid=${channel}`;
      return { channel, permalink };
    },

    'views.open': (a) => {
      const input = viewInput(a.view);
      const trigger = this.consumeTrigger(str(a.trigger_id));
      const view = this.makeView(input);
      if (trigger.userId) view.user_id = trigger.userId;
      this.views.set(view.id, view);
      this.stacks.set(view.id, [view.id]);
      return { view: clone(view) };
    },

    'views.push': (a) => {
      const input = viewInput(a.view);
      const trigger = this.consumeTrigger(str(a.trigger_id));
      const from = trigger.viewId ? this.views.get(trigger.viewId) : undefined;
      const rootId: string | undefined = from?.root_view_id;
      const stack = rootId ? (this.stacks.get(rootId) ?? []) : [];
      // Slack keeps at most three views in a modal's stack, the root included.
      if (stack.length >= 3) throw new ApiError('push_limit_reached');
      const view = this.makeView(input);
      if (rootId) {
        view.root_view_id = rootId;
        view.previous_view_id = stack[stack.length - 1] ?? null;
        stack.push(view.id);
      } else {
        this.stacks.set(view.id, [view.id]);
      }
      this.views.set(view.id, view);
      return { view: clone(view) };
    },

    'views.update': (a) => {
      const input = viewInput(a.view);
      const externalId = str(a.external_id);
      const current = str(a.view_id)
        ? this.views.get(str(a.view_id)!)
        : [...this.views.values()].find((v) => externalId && v.external_id === externalId);
      if (!current) throw new ApiError('not_found');
      if (str(a.hash) && str(a.hash) !== current.hash) throw new ApiError('hash_conflict');
      const next = this.makeView(input);
      next.id = current.id;
      next.root_view_id = current.root_view_id;
      next.previous_view_id = current.previous_view_id;
      if (current.user_id) next.user_id = current.user_id;
      this.views.set(next.id, next);
      return { view: clone(next) };
    },

    'reactions.add': (a) => {
      const channel = this.resolveChannel(str(a.channel), true);
      const name = str(a.name)?.replace(/^:|:$/g, '');
      if (!name) throw new ApiError('invalid_name');
      const msg = this.store.get(channel)?.find((m) => m.ts === str(a.timestamp));
      if (!msg) throw new ApiError('message_not_found');
      msg.reactions ??= [];
      let r = msg.reactions.find((x: any) => x.name === name);
      if (!r) {
        r = { name, users: [], count: 0 };
        msg.reactions.push(r);
      }
      if (r.users.includes(this.botUserId)) throw new ApiError('already_reacted');
      r.users.push(this.botUserId);
      r.count++;
      return {};
    },

    'users.info': (a) => {
      const u = this.users.get(str(a.user) ?? '');
      if (!u) throw new ApiError('user_not_found');
      const realName = u.realName ?? u.name;
      return {
        user: {
          id: u.id,
          team_id: this.teamId,
          name: u.name,
          deleted: u.deleted ?? false,
          real_name: realName,
          tz: u.tz ?? 'Europe/Madrid',
          tz_offset: 3600,
          is_admin: false,
          is_owner: false,
          is_bot: u.isBot ?? false,
          is_app_user: false,
          updated: Math.floor(this.now() / 1000),
          profile: {
            real_name: realName,
            display_name: u.name,
            real_name_normalized: realName,
            display_name_normalized: u.name,
            ...(u.email ? { email: u.email } : {}),
            ...(u.isBot && u.id === this.botUserId ? { bot_id: this.botId, api_app_id: this.appId } : {}),
            team: this.teamId,
          },
        },
      };
    },

    'conversations.info': (a) => {
      const c = this.channels.get(str(a.channel) ?? '');
      if (!c) throw new ApiError('channel_not_found');
      const created = 1_600_000_000;
      if (c.isIm)
        return {
          channel: { id: c.id, created, is_im: true, is_org_shared: false, user: c.user, is_archived: false },
        };
      return {
        channel: {
          id: c.id,
          name: c.name,
          name_normalized: c.name,
          is_channel: !c.isPrivate,
          is_group: false,
          is_im: false,
          is_mpim: false,
          is_private: c.isPrivate ?? false,
          created,
          is_archived: c.isArchived ?? false,
          is_general: false,
          is_shared: false,
          is_ext_shared: false,
          is_org_shared: false,
          is_member: true,
          topic: { value: '', creator: '', last_set: 0 },
          purpose: { value: '', creator: '', last_set: 0 },
        },
      };
    },

    'conversations.replies': (a) => {
      const channel = str(a.channel) ?? '';
      if (!this.channels.has(channel)) throw new ApiError('channel_not_found');
      const ts = str(a.ts) ?? '';
      if (!this.store.get(channel)?.some((m) => m.ts === ts)) throw new ApiError('thread_not_found');
      const all = this.messages(channel, ts).sort((x, y) => Number(x.ts) - Number(y.ts));
      const limit = Math.max(1, Number(str(a.limit) ?? 1000));
      const offset = Number(str(a.cursor) ?? 0) || 0;
      const page = all.slice(offset, offset + limit);
      const more = offset + limit < all.length;
      return {
        messages: page,
        has_more: more,
        ...(more ? { response_metadata: { next_cursor: String(offset + limit) } } : {}),
      };
    },
  };

  // ---- helpers --------------------------------------------------------------------------------

  private botMessage(a: Record<string, any>): FakeMessage {
    const msg: FakeMessage = {
      user: this.botUserId,
      type: 'message',
      ts: this.nextTs(),
      bot_id: this.botId,
      app_id: this.appId,
      text: str(a.text) ?? '',
      team: this.teamId,
      bot_profile: {
        id: this.botId,
        app_id: this.appId,
        name: 'Relevo',
        deleted: false,
        team_id: this.teamId,
        updated: 1_700_000_000,
      },
    };
    if (a.blocks !== undefined) msg.blocks = a.blocks;
    if (a.attachments !== undefined) msg.attachments = a.attachments;
    if (a.metadata !== undefined) msg.metadata = a.metadata;
    return msg;
  }

  private storeMessage(channel: string, msg: FakeMessage): void {
    const list = this.store.get(channel) ?? [];
    list.push(msg);
    this.store.set(channel, list);
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      const parent = list.find((m) => m.ts === msg.thread_ts);
      if (parent) {
        const replies = list.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
        const users = [...new Set(replies.map((m) => m.user).filter((u): u is string => !!u))];
        Object.assign(parent, {
          thread_ts: parent.ts,
          reply_count: replies.length,
          reply_users_count: users.length,
          reply_users: users,
          latest_reply: replies[replies.length - 1]!.ts,
        });
      }
    }
    this.changes.notify();
  }

  private ensureChannel(id: string): void {
    if (!this.channels.has(id)) {
      this.channels.set(id, {
        id,
        name: `channel-${id.toLowerCase()}`,
        isIm: id.startsWith('D'),
        isPrivate: id.startsWith('G'),
      });
    }
  }

  /** Accepts an id or a `#name`; unknown ids are learnt unless `strict`. */
  private resolveChannel(channel: string | undefined, strict: boolean): string {
    if (!channel) throw new ApiError('channel_not_found');
    if (this.channels.has(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const byName = [...this.channels.values()].find((c) => c.name === name);
    if (byName) return byName.id;
    if (strict || channel.startsWith('#')) throw new ApiError('channel_not_found');
    this.ensureChannel(channel);
    return channel;
  }

  private consumeTrigger(id: string | undefined): Trigger {
    if (!id) throw new ApiError('invalid_arguments');
    const t = this.triggers.get(id);
    if (!t) throw new ApiError('invalid_trigger_id');
    if (t.usedAt !== undefined) throw new ApiError('exchanged_trigger_id');
    if (this.now() - t.issuedAt > t.ttlMs) throw new ApiError('expired_trigger_id');
    t.usedAt = this.now();
    return t;
  }

  private makeView(input: Record<string, any>): any {
    const id = slackId('V');
    return {
      id,
      team_id: this.teamId,
      type: input.type,
      blocks: input.blocks,
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: input.title,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: null,
      root_view_id: id,
      app_id: this.appId,
      external_id: input.external_id ?? '',
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(opts);
  await fake.listen();
  return fake;
}

function requireContent(a: Record<string, any>): void {
  if (!str(a.text) && !isNonEmptyArray(a.blocks) && !isNonEmptyArray(a.attachments))
    throw new ApiError('no_text');
}

function viewInput(v: unknown): Record<string, any> {
  let view = v;
  if (typeof view === 'string') {
    try {
      view = JSON.parse(view);
    } catch {
      throw new ApiError('invalid_arguments');
    }
  }
  if (!view || typeof view !== 'object') throw new ApiError('invalid_arguments');
  const o = view as Record<string, any>;
  // Slack refuses a modal without a type, a title or a blocks array.
  if (o.type !== 'modal' || !o.title || !Array.isArray(o.blocks)) throw new ApiError('invalid_arguments');
  return o;
}

function responseId(idOrUrl: string): string {
  return idOrUrl.split('/').filter(Boolean).pop() ?? '';
}

function randomDigits(n: number): string {
  let s = '';
  for (const b of randomBytes(n)) s += String(b % 10);
  return s.replace(/^0/, '1');
}

function parseForm(params: URLSearchParams): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of params) {
    if (JSON_FIELDS.has(k) && /^\s*[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // Slack would answer invalid_blocks & co.; keeping the raw string lets a test see what was sent.
      }
    }
    out[k] = BOOL_FIELDS.has(k) && (v === 'true' || v === 'false') ? v === 'true' : v;
  }
  return out;
}

function parseBody(contentType: string, raw: string): Record<string, any> {
  if (raw === '') return {};
  if (contentType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ApiError('invalid_json');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError('invalid_json');
    return parsed as Record<string, any>;
  }
  if (contentType === 'application/x-www-form-urlencoded' || contentType === '') {
    return parseForm(new URLSearchParams(raw));
  }
  throw new ApiError('invalid_form_data');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
