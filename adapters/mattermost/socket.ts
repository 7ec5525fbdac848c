// The bot's WebSocket (/api/v4/websocket) through the official WebSocketClient: people's posts and 🎫
// reactions arrive here and are stored in the inbox, keyed by post id, before anything else happens.
// A socket misses what was posted while it was down (a drop, a restart, a take-over by another instance,
// a gap in `seq` that makes the client reconnect), so every connection's `hello` starts a catch-up: each
// mapped channel's posts since the last one seen, over REST. Stored by the same key, a post the socket and
// the catch-up both bring is kept once.
import { inspect } from 'node:util';
import mm from '@mattermost/client';
import WebSocket from 'ws';
import './node-websocket.ts';
import { storeChatEvent } from '../../src/core/chat/inbox.ts';
import { yieldTurn } from '../../src/core/ingress.ts';
import type { Logger, Notifier } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { advanceCursor, readState } from '../kit/platform-state.ts';
import { type Client4, request } from './client.ts';
import {
  type MattermostPostData,
  type MattermostSocketEvent,
  messageEvent,
  PLATFORM,
  postOf,
  reactionEvent,
} from './translate.ts';

/**
 * Runs `fn` with console.log sent to the log at debug level. WebSocketClient writes what it does to the
 * console (each connection, close and error, and the whole error event with its request object once
 * per outage): on a server that is stdout, where Relevo's JSON log lines go. It does so synchronously,
 * from the calls Relevo makes and from the socket's event handlers, so those are the only places it
 * needs to be caught (and nothing else can run meanwhile).
 */
function quietly<A extends unknown[], R>(log: Logger, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    const original = console.log;
    console.log = (...parts: unknown[]) => {
      const said = parts.map(describe).join(' ');
      log.debug({ client: said }, 'Mattermost WebSocketClient');
    };
    try {
      return fn(...args);
    } finally {
      console.log = original;
    }
  };
}

/** What WebSocketClient logged, in a line: an error event as its type and message, not its request object. */
function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  if (part && typeof part === 'object' && 'type' in part) {
    const { type, message } = part as { type: unknown; message?: unknown };
    return message ? `${String(type)}: ${String(message)}` : String(type);
  }
  return inspect(part, { depth: 2, breakLength: Number.POSITIVE_INFINITY });
}

/** A `ws` socket whose handlers (set by WebSocketClient) run `quietly`. */
class QuietWebSocket extends WebSocket {
  constructor(
    url: string,
    readonly log: Logger,
  ) {
    super(url);
  }
}
for (const event of ['open', 'close', 'error', 'message'] as const) {
  const base = Object.getOwnPropertyDescriptor(WebSocket.prototype, `on${event}`);
  if (!base?.set || !base.get) continue;
  Object.defineProperty(QuietWebSocket.prototype, `on${event}`, {
    enumerable: true,
    get(this: QuietWebSocket) {
      return base.get!.call(this);
    },
    set(this: QuietWebSocket, handler: unknown) {
      base.set!.call(
        this,
        typeof handler === 'function' ? quietly(this.log, handler as () => void) : handler,
      );
    },
  });
}

/** The longest wait between reconnection attempts, in multiples of the shortest (SocketOptions.retryMs). */
const RETRY_CEILING = 10;

/**
 * How far before the newest post seen a catch-up starts: events can arrive out of order around a dropped
 * connection, and re-reading a few minutes costs one no-op insert per post.
 */
const CATCH_UP_OVERLAP_MS = 2 * 60_000;
/**
 * Mattermost answers `since` with at most this many changed posts, and when more changed it does not say
 * which it left out (its query takes any 1,000, then sorts them).
 */
const SINCE_LIMIT = 1000;
/** Posts per page when an answer to `since` was cut short (Mattermost's largest page). */
const PAGE = 200;

/** Posts a catch-up stores between two turns of the event loop (about 25 ms of work). */
const YIELD_EVERY = 50;

type PostList = { order?: string[]; posts?: Record<string, MattermostPostData> };

export interface SocketOptions {
  url: string;
  token: string;
  client: Client4;
  db: Db;
  notifier: Pick<Notifier, 'inboxWritten'>;
  log: Logger;
  /** The channels Relevo serves on Mattermost (relevo.yaml): only their posts are stored. */
  channels(): string[];
  /** The bot's own user id, so its posts are not taken for a person's. */
  botUserId(): Promise<string | undefined>;
  /** Shortest wait before reconnecting (WebSocketClient's own back-off grows from it). */
  retryMs?: number;
}

export class MattermostSocket {
  private ws?: InstanceType<typeof mm.WebSocketClient>;
  /** The connection the client made last (it makes a new one for each attempt). */
  private raw?: WebSocket;
  private hello = false;
  /**
   * Events and catch-ups are handled one at a time, in arrival order: a thread's root is stored before
   * its replies, and a catch-up finishes before the events that follow its hello.
   */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SocketOptions) {}

  /** Connected and greeted by the server. */
  get connected(): boolean {
    return this.hello;
  }

  /** Starts connecting and returns; the client keeps reconnecting until `close`. */
  async connect(): Promise<void> {
    if (this.ws) return;
    const retryMs = this.opts.retryMs ?? 3000;
    const ws = new mm.WebSocketClient({
      newWebSocketFn: (url: string) => {
        this.raw = new QuietWebSocket(url, this.opts.log);
        return this.raw as unknown as globalThis.WebSocket;
      },
      minWebSocketRetryTime: retryMs,
      reconnectJitterRange: Math.min(2000, retryMs),
      // After 7 failed attempts in a row the client waits retryMs × failures², up to 5 minutes by default:
      // right for thousands of browsers coming back at once, but one bot would stay away for minutes after
      // a short outage (Mattermost down for 40 s: back about 3 minutes later). Ten times the shortest wait at most.
      maxWebSocketRetryTime: RETRY_CEILING * retryMs,
    });
    ws.addMessageListener((msg) => {
      this.turn = this.turn.then(() => this.onEvent(msg as unknown as MattermostSocketEvent));
    });
    // A new connection id after a reconnect means the server kept nothing for us: the client resets its
    // sequence only when someone listens for this (else it reconnects forever). The hello that follows
    // starts the catch-up.
    ws.addMissedMessageListener(() => {
      this.opts.log.info('Mattermost WebSocket: a new session, catching up over REST');
    });
    ws.addCloseListener((fails) => {
      if (this.hello) this.opts.log.warn({ fails }, 'Mattermost WebSocket closed: reconnecting');
      this.hello = false;
    });
    this.ws = ws;
    const wsUrl = `${this.opts.url.replace(/^http/, 'ws').replace(/\/+$/, '')}/api/v4/websocket`;
    quietly(this.opts.log, () => ws.initialize(wsUrl, this.opts.token))();
  }

  async close(): Promise<void> {
    // The client closes only an open connection; one still being made would open later and live on
    // (a standby instance holding a second socket). Cut it loose from the client and end it here.
    const raw = this.raw;
    if (raw && raw.readyState !== WebSocket.OPEN) {
      raw.onopen = raw.onclose = raw.onmessage = raw.onerror = null;
      raw.on('error', () => undefined); // ending a connection being made reports an error; nobody waits for it
      raw.terminate();
    }
    const ws = this.ws;
    if (ws) quietly(this.opts.log, () => ws.close())();
    this.ws = undefined;
    this.raw = undefined;
    this.hello = false;
    await this.turn;
  }

  private async onEvent(e: MattermostSocketEvent): Promise<void> {
    try {
      if (e.event === 'hello') {
        this.hello = true;
        this.opts.log.info('Mattermost WebSocket connected');
        await this.catchUp();
        return;
      }
      const post = postOf(e);
      if (post) {
        await this.storePost(post);
        return;
      }
      const reaction = reactionEvent(e);
      if (reaction && this.opts.channels().includes(reaction.event.channel)) {
        await storeChatEvent(this.opts.db, this.opts.notifier, reaction.key, reaction.event);
      }
    } catch (err) {
      // Not stored: the next catch-up (at the latest after a reconnect) brings the post again.
      this.opts.log.error({ err, event: e.event }, 'Mattermost event not stored');
    }
  }

  /** Stores a person's post in a served channel (by its id: a second delivery is a no-op). */
  private async storePost(post: MattermostPostData, advance = true): Promise<void> {
    if (!this.opts.channels().includes(post.channel_id)) return;
    const event = messageEvent(post, await this.opts.botUserId(), this.opts.url);
    if (event) await storeChatEvent(this.opts.db, this.opts.notifier, `${PLATFORM}:post:${post.id}`, event);
    if (advance && post.create_at)
      await advanceCursor(this.opts.db, cursorKey(post.channel_id), post.create_at);
  }

  /** Each served channel's posts since the last one seen (none on the very first connection). */
  private async catchUp(): Promise<void> {
    for (const channel of this.opts.channels()) {
      try {
        const last = await readState(this.opts.db, cursorKey(channel));
        if (last === undefined) {
          // First connection ever: start from now, not from the channel's whole history.
          await advanceCursor(this.opts.db, cursorKey(channel), Date.now());
          continue;
        }
        const posts = await this.postsSince(channel, Math.max(0, Number(last) - CATCH_UP_OVERLAP_MS));
        for (const [i, post] of posts.entries()) {
          await this.storePost(post, false);
          // The embedded database answers through promise callbacks alone: without a turn of the event
          // loop now and then, a catch-up of 1,000 posts held every HTTP request for over half a second.
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldTurn();
        }
        // Once, at the end: a catch-up cut short by an error is done again from where it was.
        const newest = posts.at(-1)?.create_at;
        if (newest) await advanceCursor(this.opts.db, cursorKey(channel), newest);
        if (posts.length)
          this.opts.log.debug({ channel, posts: posts.length }, 'Mattermost catch-up read posts');
      } catch (err) {
        this.opts.log.warn({ err, channel }, 'Mattermost catch-up failed: the next connection tries again');
      }
    }
  }

  /**
   * The channel's posts created after `since`, oldest first (a thread's root before its replies). Only
   * those: an older post comes back when it was edited or replied to, and the socket would not have
   * brought it either (an old root stored now would open a ticket for a message from before Relevo).
   */
  private async postsSince(channel: string, since: number): Promise<MattermostPostData[]> {
    const path = `/channels/${encodeURIComponent(channel)}/posts`;
    const get = (query: string) => request<PostList>(this.opts.client, 'get', `${path}?${query}`);
    const found = new Map<string, MattermostPostData>();
    const keep = (list: PostList) => {
      for (const post of Object.values(list.posts ?? {})) {
        if ((post.create_at ?? 0) > since) found.set(post.id, post);
      }
    };
    const changed = await get(`since=${since}`);
    keep(changed);
    if ((changed.order?.length ?? 0) >= SINCE_LIMIT) {
      // Cut short, and not at a known end: read the channel's pages instead, newest first, back to `since`.
      for (let page = 0; ; page++) {
        const list = await get(`page=${page}&per_page=${PAGE}`);
        keep(list);
        const order = list.order ?? [];
        const oldest = list.posts?.[order.at(-1) ?? '']?.create_at ?? 0;
        if (order.length < PAGE || oldest <= since) break;
      }
      this.opts.log.info(
        { channel, posts: found.size },
        'Mattermost catch-up: more than 1,000 posts since the last one seen, read page by page',
      );
    }
    return [...found.values()].sort(
      (a, b) =>
        (a.create_at ?? 0) - (b.create_at ?? 0) || Number(Boolean(a.root_id)) - Number(Boolean(b.root_id)),
    );
  }
}

export const cursorKey = (channel: string) => `${PLATFORM}:cursor:${channel}`;
