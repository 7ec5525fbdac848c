// A fake Mattermost server on 127.0.0.1 that the official @mattermost/client (Client4 and
// WebSocketClient) talks to unchanged: point MATTERMOST_URL at `fake.url` and use `fake.botToken`.
// It answers with Mattermost's wire formats (AppError JSON, PostList, `posted` events whose
// data.post is a JSON string, throttled's 429) and plays the server toward the integration: slash
// commands, response URLs, button presses and dialog submissions. Parts: fake-store.ts (state and
// shapes), fake-rest.ts, fake-websocket.ts, fake-integration.ts.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ActionResult,
  type ButtonInput,
  Integration,
  type IntegrationRequest,
  type PreparedRequest,
  type PreparedSlashCommand,
  type SlashCommandInput,
  type SlashCommandResult,
  type SubmitInput,
} from './fake-integration.ts';
import { type CallMatch, matches, Rest, type RestCall } from './fake-rest.ts';
import type { WsEvent } from './fake-shapes.ts';
import {
  type ChannelInput,
  clone,
  type MmChannel,
  type MmCommand,
  type MmPost,
  type MmUser,
  type UserInput,
} from './fake-shapes.ts';
import { type DialogRecord, type EphemeralRecord, Store, type StoreOptions } from './fake-store.ts';
import { Hub, type SocketConnect } from './fake-websocket.ts';

export type {
  ActionResult,
  ButtonInput,
  CallMatch,
  ChannelInput,
  DialogRecord,
  EphemeralRecord,
  IntegrationRequest,
  MmChannel,
  MmCommand,
  MmPost,
  MmUser,
  PreparedRequest,
  PreparedSlashCommand,
  RestCall,
  SlashCommandInput,
  SlashCommandResult,
  SocketConnect,
  SubmitInput,
  UserInput,
};

export interface FakeMattermostOptions extends StoreOptions {
  /**
   * Refuse dialogs that Mattermost's Dialog.IsValid flags (title over 24 characters, bad elements...).
   * The real server only logs them and the web app may render them badly; default true.
   */
  strictDialogs?: boolean;
  /** Timeout for requests to the integration (OutgoingIntegrationRequestsTimeout, 30 s by default). */
  integrationTimeoutMs?: number;
}

export class FakeMattermost {
  /** `http://127.0.0.1:PORT`: what Relevo gets as MATTERMOST_URL. */
  url = '';
  readonly botToken: string;
  readonly botUserId: string;
  readonly teamId: string;
  readonly teamName: string;
  private readonly store: Store;
  private readonly rest: Rest;
  private readonly hub: Hub;
  private readonly integration: Integration;
  private readonly server: Server;

  constructor(opts: FakeMattermostOptions = {}) {
    this.store = new Store(opts);
    this.integration = new Integration(this.store, opts.integrationTimeoutMs ?? 30_000);
    this.rest = new Rest(this.store, this.integration, { strictDialogs: opts.strictDialogs ?? true });
    this.hub = new Hub(this.store);
    this.botToken = this.store.botToken;
    this.botUserId = this.store.botUserId;
    this.teamId = this.store.team.id;
    this.teamName = this.store.team.name;
    this.server = createServer((req, res) => {
      readBody(req)
        .then((raw) => this.rest.handle(req, res, raw))
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        });
    });
    this.hub.attach(this.server);
  }

  /** @internal used by startFakeMattermost */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.integration.baseUrl = this.url;
  }

  /** The server goes away (connections refused), keeping everything it holds, until `goOnline`. */
  async goOffline(): Promise<void> {
    this.dropSockets();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back on the same address. */
  async goOnline(): Promise<void> {
    await this.listen(Number(new URL(this.url).port));
  }

  async stop(): Promise<void> {
    this.rest.resume();
    await this.hub.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- people, team, channels -----------------------------------------------------------------

  addUser(input: UserInput): MmUser {
    return this.store.addUser(input);
  }

  /** A personal access token for the user (for driving the fake as that person). */
  tokenFor(userId: string): string {
    return this.store.addToken(userId);
  }

  addChannel(input: ChannelInput): MmChannel {
    return this.store.addChannel(input);
  }

  addMember(channelId: string, userId: string): void {
    this.store.addMember(channelId, userId);
  }

  removeMember(channelId: string, userId: string): void {
    this.store.removeMember(channelId, userId);
  }

  // ---- REST faults and records ----------------------------------------------------------------

  /** The next `n` REST calls get 429 `limit exceeded` with X-Ratelimit-* and Retry-After headers. */
  rateLimitNext(n: number, resetSeconds = 1): void {
    this.rest.rateLimitNext(n, resetSeconds);
  }

  /** The next `times` calls matching (a path or prefix, a RegExp or a predicate) answer `status`. */
  failNext(match: CallMatch, status = 500, opts: { times?: number; body?: unknown } = {}): void {
    this.rest.failNext(match, status, opts);
  }

  /** Matching REST calls (or all) are held unanswered until `resume()`. */
  hang(match?: CallMatch): void {
    this.rest.hang(match);
  }

  resume(): void {
    this.rest.resume();
  }

  /** Calls being held by `hang()` right now. */
  hangingCalls(): number {
    return this.rest.hanging;
  }

  /** REST calls in arrival order (429s and failures included), optionally filtered. */
  calls(filter?: CallMatch | { method?: string; path?: CallMatch }): RestCall[] {
    return this.rest.calls.filter((c) => {
      if (filter === undefined) return true;
      if (typeof filter === 'object' && !(filter instanceof RegExp)) {
        return (
          (!filter.method || filter.method === c.method) &&
          (!filter.path || matches(filter.path, c.method, c.path))
        );
      }
      return matches(filter, c.method, c.path);
    });
  }

  /**
   * Requests to `publicUrl…` go to `actualUrl…` instead, as a reverse proxy in front of the integration
   * would: Relevo learns its public address before its test server has a port.
   */
  route(publicUrl: string, actualUrl: string): void {
    this.integration.routes.set(publicUrl.replace(/\/+$/, ''), actualUrl.replace(/\/+$/, ''));
  }

  /** Requests the fake sent to the integration (slash commands, button presses, dialog submissions). */
  integrationRequests(kind?: IntegrationRequest['kind']): IntegrationRequest[] {
    return this.integration.requests.filter((r) => !kind || r.kind === kind);
  }

  // ---- WebSocket controls ---------------------------------------------------------------------

  /** Closes every socket: 'abnormal' (default) ends the TCP connection, 'going-away' sends 1001. */
  dropSockets(how: 'abnormal' | 'going-away' = 'abnormal'): void {
    this.hub.drop(how);
  }

  /** While true, WebSocket upgrades get HTTP 503, so events of that time reach no client. */
  refuseSockets(refuse: boolean): void {
    this.hub.refusing = refuse;
  }

  /** How many WebSocket upgrades were refused (by `refuseSockets`) so far: a client's attempts. */
  refusedSockets(): number {
    return this.hub.refused;
  }

  /** Authenticated sockets open now. */
  socketCount(): number {
    return this.hub.count();
  }

  waitForSockets(count: number, timeoutMs = 10_000): Promise<number> {
    return this.waitFor(
      () => (this.hub.count() === count ? count : undefined),
      `${count} open socket(s)`,
      timeoutMs,
    );
  }

  /** The next event to each open socket skips a sequence number. */
  skipSeq(): void {
    this.hub.skipSeq();
  }

  /** Every socket connection made, with the connection_id it was given and what it asked to resume. */
  socketConnects(): SocketConnect[] {
    return clone(this.hub.connects);
  }

  /** Events as sent, in order (with each socket's seq). */
  sentEvents(event?: string): { userId: string; connectionId: string; message: Record<string, any> }[] {
    return this.hub.sent.filter((s) => !event || s.message.event === event);
  }

  // ---- people acting --------------------------------------------------------------------------

  /** A person posts (joining the channel if needed); broadcast as `posted`. */
  userPosts(userId: string, channelId: string, message: string, rootId?: string): MmPost {
    this.store.addMember(channelId, userId);
    return clone(this.store.createPost(userId, { channel_id: channelId, message, root_id: rootId }));
  }

  /**
   * Sends a post's `posted` event again, as a server replaying its queue to a reconnecting client does:
   * the same post, delivered twice.
   */
  redeliver(postId: string): void {
    const first = this.hub.sent.find(
      (s) =>
        s.message.event === 'posted' &&
        JSON.parse((s.message as unknown as WsEvent).data.post as string).id === postId,
    );
    if (!first) throw new Error(`fake Mattermost: post ${postId} was never delivered`);
    const { event, data, broadcast } = first.message as unknown as WsEvent;
    this.store.publish({ event, data, broadcast });
  }

  /** A person reacts; broadcast as `reaction_added`. */
  react(userId: string, postId: string, emojiName: string): void {
    this.store.addReaction(userId, postId, emojiName);
  }

  slashCommand(input: SlashCommandInput): Promise<SlashCommandResult> {
    return this.integration.slashCommand(input);
  }

  pressButton(input: ButtonInput): Promise<ActionResult> {
    return this.integration.pressButton(input);
  }

  /**
   * A slash command's request as `slashCommand` would send it (trigger id issued, response URL open for
   * answers), not sent: for a load generator. Its URL is the public one (see `route`).
   */
  prepareSlashCommand(input: SlashCommandInput): PreparedSlashCommand {
    return this.integration.prepareSlashCommand(input);
  }

  /** A button press's request as `pressButton` would send it (trigger id issued), not sent. */
  prepareButtonPress(input: ButtonInput): PreparedRequest & { body: string } {
    const { url, method, headers, body, triggerId } = this.integration.prepareButtonPress(input);
    return { url, method, headers, body, triggerId };
  }

  submitDialog(input: SubmitInput): Promise<{ status: number; body: unknown; error?: string }> {
    return this.integration.submitDialog(input);
  }

  /** Bodies posted to a slash command's response_url. */
  responses(responseUrl: string): unknown[] {
    return this.integration.responses(responseUrl);
  }

  waitForResponse(responseUrl: string, predicate: (body: any) => boolean = () => true, timeoutMs = 10_000) {
    return this.waitFor(
      () => this.responses(responseUrl).find(predicate),
      `an answer at response URL ${responseUrl}`,
      timeoutMs,
    );
  }

  // ---- readers (as stored: actions keep their `integration`) -----------------------------------

  /** A channel's posts oldest first, or one thread (root first) when `rootId` is given. */
  posts(channelId: string, rootId?: string): MmPost[] {
    const all = this.store
      .channelPosts(channelId)
      .reverse()
      .filter((p) => rootId === undefined || p.id === rootId || p.root_id === rootId);
    return clone(all);
  }

  post(id: string): MmPost | undefined {
    const p = this.store.posts.get(id);
    return p && clone(p);
  }

  ephemerals(filter: { userId?: string; channelId?: string } = {}): EphemeralRecord[] {
    return clone(
      this.store.ephemerals.filter(
        (e) =>
          (!filter.userId || e.userId === filter.userId) &&
          (!filter.channelId || e.post.channel_id === filter.channelId),
      ),
    );
  }

  dialogs(): DialogRecord[] {
    return clone(this.store.dialogs);
  }

  commands(): MmCommand[] {
    return clone([...this.store.commands.values()]);
  }

  /** Resolves once `check` returns something other than undefined (re-checked on every change). */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return this.store.changes.waitUntil(check, timeoutMs, what);
  }
}

export async function startFakeMattermost(opts: FakeMattermostOptions = {}): Promise<FakeMattermost> {
  const fake = new FakeMattermost(opts);
  await fake.listen();
  return fake;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
