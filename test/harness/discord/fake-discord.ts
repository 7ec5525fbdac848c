// A fake Discord (gateway + REST API v10, one port on 127.0.0.1) that the real discord.js talks to
// unchanged: `new Client({ rest: { api: fake.apiUrl } })` and `client.login(fake.botToken)`. It answers
// with Discord's payloads (discord-api-types/v10 shapes, snowflake ids, error codes, rate-limit
// headers), dispatches what Discord would dispatch, plays the people (messages, forum posts,
// reactions, slash commands, buttons, selects, modals) and records what the bot did. Parts:
// fake-store.ts (state and Discord's behaviour), fake-gateway.ts, fake-rest.ts + fake-routes.ts,
// fake-interactions.ts, fake-rate-limits.ts, fake-signing.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIApplicationCommand,
  APIChannel,
  APIMessage,
  APIThreadChannel,
  APIUser,
} from 'discord-api-types/v10';
import { Attachments, type FileInput } from './fake-attachments.ts';
import { Gateway } from './fake-gateway.ts';
import type {
  ButtonInput,
  InteractionKind,
  MessageCommandInput,
  ModalInput,
  SelectInput,
  SlashCommandInput,
} from './fake-interaction-payloads.ts';
import {
  type InitialResponse,
  Interactions,
  type PendingInteraction,
  type ResponseRecord,
} from './fake-interactions.ts';
import { type RateLimitOpts, RateLimits } from './fake-rate-limits.ts';
import { Rest, type RestCall } from './fake-rest.ts';
import { botRoutes } from './fake-routes.ts';
import { type ChannelInput, clone, type UserInput } from './fake-shapes.ts';
import { Signer } from './fake-signing.ts';
import { Store, type StoreOptions } from './fake-store.ts';

export type {
  ButtonInput,
  ChannelInput,
  FileInput,
  InitialResponse,
  ModalInput,
  PendingInteraction,
  RateLimitOpts,
  ResponseRecord,
  RestCall,
  SelectInput,
  SlashCommandInput,
  UserInput,
};

export interface FakeDiscordOptions extends StoreOptions {
  /** HELLO's heartbeat_interval (Discord sends 41250). */
  heartbeatIntervalMs?: number;
}

export class FakeDiscord {
  readonly botToken: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  /** Hex Ed25519 public key of the application (for a signed HTTP interactions endpoint). */
  readonly publicKey: string;
  /** `http://127.0.0.1:PORT/api`: discord.js's `rest.api` option. */
  apiUrl = '';
  /** `ws://127.0.0.1:PORT`: what GET /gateway/bot answers. */
  gatewayUrl = '';
  private port = 0;
  private readonly store: Store;
  private readonly gateway: Gateway;
  private readonly rest: Rest;
  private readonly attachments: Attachments;
  private readonly interactions: Interactions;
  private readonly limits = new RateLimits();
  private readonly signer = new Signer();
  private readonly server: Server;

  constructor(opts: FakeDiscordOptions = {}) {
    this.store = new Store(opts);
    this.botToken = this.store.botToken;
    this.applicationId = this.store.applicationId;
    this.botUserId = this.store.botUser.id;
    this.guildId = this.store.guildId;
    this.publicKey = this.signer.publicKey;
    this.gateway = new Gateway(this.store, opts.heartbeatIntervalMs ?? 41_250);
    this.attachments = new Attachments(this.store.ids);
    this.interactions = new Interactions(this.store, this.attachments);
    this.rest = new Rest(this.botToken, this.limits, this.attachments, () => this.store.changes.notify());
    this.rest.use(this.interactions.routes());
    this.rest.use(botRoutes(this.store, this.attachments, () => this.gatewayUrl));
    this.server = createServer((req, res) => {
      readBody(req)
        .then((raw) => this.rest.handle(req, res, raw))
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        });
    });
    this.gateway.attach(this.server);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.apiUrl = `http://127.0.0.1:${this.port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${this.port}`;
    this.gateway.url = this.gatewayUrl;
    this.attachments.baseUrl = `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.gateway.closeAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the guild ------------------------------------------------------------------------------

  addChannel(input: ChannelInput): APIChannel {
    return this.store.addChannel(input);
  }

  addRole(input: { id?: string; name: string }): string {
    return this.store.addRole(input);
  }

  /** A person, also a member of the guild with the given roles. */
  addUser(input: UserInput): APIUser {
    return this.store.addUser(input);
  }

  // ---- people acting --------------------------------------------------------------------------

  /** MESSAGE_CREATE with guild_id, member and author. */
  userMessage(
    channelId: string,
    userId: string,
    content: string,
    opts: { attachments?: FileInput[] } = {},
  ): APIMessage {
    const attachments = this.attachments.save(channelId, opts.attachments ?? []);
    return this.store.createMessage(channelId, userId, { content }, { attachments });
  }

  /** Someone deletes a message (a moderator, its author). */
  deleteMessage(channelId: string, messageId: string): void {
    this.store.deleteMessage(channelId, messageId);
  }

  /** What the bot sent `userId` in direct messages, oldest first. */
  directMessages(userId: string): APIMessage[] {
    return [...this.store.dms.values()].filter((d) => d.recipient === userId).flatMap((d) => d.messages);
  }

  /** A person's "Create Thread" on a message: a public thread with the message's id (THREAD_CREATE). */
  userStartsThread(channelId: string, messageId: string, userId: string, name: string): APIThreadChannel {
    return this.store.threadFromMessage(channelId, messageId, { name }, userId);
  }

  /** THREAD_CREATE (newly_created, type 11, parent_id the forum), then the starter message with the thread's id. */
  forumPost(
    forumId: string,
    userId: string,
    title: string,
    content: string,
  ): { thread: APIThreadChannel; message: APIMessage } {
    return this.store.forumPost(forumId, userId, { name: title }, { content });
  }

  /** MESSAGE_REACTION_ADD (a Unicode emoji by name). */
  reaction(channelId: string, messageId: string, userId: string, emojiName: string): void {
    this.store.addReaction(channelId, messageId, userId, emojiName);
  }

  slashCommand(input: SlashCommandInput): PendingInteraction {
    return this.interactions.create(['slash', input], true);
  }

  /** A message command on a message (right-click → Apps → `name`). */
  messageCommand(input: MessageCommandInput): PendingInteraction {
    return this.interactions.create(['message', input], true);
  }

  pressButton(input: ButtonInput): PendingInteraction {
    return this.interactions.create(['button', input], true);
  }

  selectOption(input: SelectInput): PendingInteraction {
    return this.interactions.create(['select', input], true);
  }

  submitModal(input: ModalInput): PendingInteraction {
    return this.interactions.create(['modal', input], true);
  }

  /**
   * An interaction's object without sending it over the gateway, for a test that POSTs it signed to an
   * HTTP interactions endpoint. It is registered: its token works for callbacks and follow-ups, and
   * `respondedOverHttp` applies the endpoint's answer as its initial response.
   */
  interactionPayload(...kind: InteractionKind): Record<string, any> {
    return this.interactions.create(kind, false).payload;
  }

  /** The endpoint's HTTP answer to a signed interaction, applied as its initial response. */
  respondedOverHttp(interactionId: string, body: InitialResponse): void {
    this.interactions.respondHttp(interactionId, body);
  }

  /**
   * Sends an interaction to an Interactions Endpoint URL as Discord does: signed, and its HTTP answer
   * applied as the initial response (edits with its token wait until then).
   */
  async deliverOverHttp(
    url: string,
    ...kind: InteractionKind
  ): Promise<{ id: string; status: number; body: any }> {
    const payload = this.interactionPayload(...kind);
    const raw = JSON.stringify(payload);
    const release = this.interactions.holdWebhooks(payload.token);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.signInteraction(raw) },
        body: raw,
      });
      const text = await res.text();
      const body = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
      if (res.ok) this.respondedOverHttp(payload.id, body);
      return { id: payload.id, status: res.status, body };
    } finally {
      release();
    }
  }

  /** Headers Discord would sign `body` with. */
  signInteraction(body: string, timestamp?: string): Record<string, string> {
    return this.signer.sign(body, timestamp);
  }

  /** Moves the clock interaction deadlines are measured by (3 s to acknowledge, 15 min of token). */
  advanceInteractionClock(ms: number): void {
    this.interactions.skewMs += ms;
  }

  // ---- gateway control ------------------------------------------------------------------------

  /** To every session: sequenced and buffered for RESUME. */
  dispatch(t: string, d: unknown): void {
    this.store.dispatch(t, d);
  }

  /** Closes gateway sockets with `code` (4000: reconnect needed); the client should RESUME. */
  dropConnections(code = 4000): void {
    this.gateway.drop(code);
  }

  /** op 7 Reconnect. */
  sendReconnect(): void {
    this.gateway.sendReconnect();
  }

  /** op 9 Invalid Session; not resumable → the client must IDENTIFY again. */
  invalidateSessions(resumable: boolean): void {
    this.gateway.invalidate(resumable);
  }

  /**
   * Discord unreachable: REST connections are reset, gateway upgrades get 503 and open sockets die.
   * Sessions keep buffering; the client gets the events on RESUME after `goOnline`.
   */
  /**
   * The application's privileged intents as switched in the Developer Portal: `false` withholds Message
   * Content (IDENTIFY asking for it is closed with 4014 Disallowed intents), `true` grants it again.
   */
  grantMessageContent(granted: boolean): void {
    this.gateway.withheldIntents = granted ? 0 : 1 << 15;
  }

  goOffline(): void {
    this.rest.offline = true;
    this.gateway.offline = true;
    this.gateway.terminate();
  }

  goOnline(): void {
    this.rest.offline = false;
    this.gateway.offline = false;
  }

  identifies(): number {
    return this.gateway.identifies;
  }

  resumes(): number {
    return this.gateway.resumes;
  }

  gatewayConnected(): boolean {
    return this.gateway.connected();
  }

  /** What the last IDENTIFY asked for. */
  intents(): number | undefined {
    return this.gateway.lastIntents;
  }

  // ---- records --------------------------------------------------------------------------------

  /** Every REST call in arrival order (errors, 429s and unknown routes included). */
  get calls(): RestCall[] {
    return this.rest.calls;
  }

  callsTo(method: string, path: RegExp): RestCall[] {
    return this.rest.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /** A channel's (or thread's) messages, oldest first, edits applied. */
  messages(channelId: string): APIMessage[] {
    return clone(this.store.messages.get(channelId) ?? []);
  }

  message(channelId: string, messageId: string): APIMessage | undefined {
    const m = this.store.messages.get(channelId)?.find((x) => x.id === messageId);
    return m && clone(m);
  }

  /** Guild channels and threads. */
  channel(id: string): APIChannel | undefined {
    const c = this.store.channels.get(id);
    return c && (clone(c) as APIChannel);
  }

  threadMembers(threadId: string): string[] {
    return [...(this.store.threadMembers.get(threadId)?.keys() ?? [])];
  }

  /** The `allowed_mentions` a bot message was sent or last edited with. */
  allowedMentions(messageId: string): unknown {
    return clone(this.store.allowedMentions.get(messageId));
  }

  /** The initial callback, then follow-ups, edits and deletions, in order. */
  interactionResponses(id: string): ResponseRecord[] {
    return this.interactions.responses(id);
  }

  /** Ephemeral messages of an interaction (never in a channel's messages). */
  ephemeralMessages(interactionId: string): APIMessage[] {
    return this.interactions.ephemerals(interactionId);
  }

  /** Registered application commands: global without an argument, else the guild's. */
  commands(guildId?: string): APIApplicationCommand[] {
    return clone(this.store.commands.get(guildId ?? '') ?? []);
  }

  /** The next `times` requests whose path (without /api/v10) matches get a 429. */
  rateLimit(routeRegex: RegExp, opts: RateLimitOpts): void {
    this.rest.rateLimit(routeRegex, opts);
  }

  rateLimitedCount(): number {
    return this.limits.limited;
  }

  /** Resolves once `check` returns something other than undefined (re-checked on every change). */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return this.store.changes.waitUntil(check, timeoutMs, what);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
