// The bot's gateway connection, through discord.js: it identifies, keeps the heartbeat, and resumes a
// dropped session (Discord then replays what was missed). Relevo reads the raw dispatches — the same
// objects the REST API returns — and stores people's messages and 🎫 reactions in the inbox, keyed by
// Discord's id, one at a time in arrival order (a thread's first message before its replies). When a
// session could not be resumed (a new READY), the messages since the last one stored are fetched over
// REST, so an outage loses nothing; the keys make a message seen twice count once.
import {
  type APIChannel,
  type APIInteraction,
  type APIMessage,
  type APIThreadList,
  Client,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type GatewayMessageCreateDispatchData,
  type GatewayMessageReactionAddDispatchData,
  type REST,
  Routes,
  SnowflakeUtil,
} from 'discord.js';
import { storeChatEvent } from '../../src/core/chat/inbox.ts';
import type { Logger, Notifier } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { advanceCursor, readState, writeState } from '../kit/platform-state.ts';
import { GATEWAY_INTENTS } from './invite.ts';
import { PLATFORM } from './platform.ts';
import { messageEvent, type Placement, placementOf, reactionEvent } from './translate.ts';

export interface GatewayDeps {
  token: string;
  /** The one REST client (its rate-limit buckets are shared with the adapter's posts). */
  rest: REST;
  db: Db;
  notifier: Pick<Notifier, 'inboxWritten'>;
  log: Logger;
  /** The channels Relevo serves on Discord (relevo.yaml). */
  channels: () => string[];
  onInteraction(i: APIInteraction): void;
  /** Shortest wait before a failed login is tried again (DISCORD_GATEWAY_RETRY_MS). */
  retryMs: number;
}

const CURSOR = `${PLATFORM}:cursor`;
/** When Relevo's first session opened (ms): a catch-up never reaches back before it. */
const SINCE = `${PLATFORM}:since`;
/** A catch-up starts this long before the last message stored: clocks and arrival order differ a little. */
const OVERLAP_MS = 2 * 60_000;
/** Messages a catch-up stores between two turns of the event loop, so acks are not held up. */
const YIELD_EVERY = 50;

export class DiscordGateway {
  private client?: Client;
  private up = false;
  private closed = true;
  private failures = 0;
  /** The intents asked for: all Relevo uses, until Discord refuses Message Content (see withoutContent). */
  private intents = GATEWAY_INTENTS;
  /** The close code of the last session Discord ended for good. */
  private lastClose?: number;
  private retry?: NodeJS.Timeout;
  private turn: Promise<void> = Promise.resolve();
  private warnedEmpty = false;
  private readonly parents = new Map<string, string | null>();

  constructor(private readonly deps: GatewayDeps) {}

  /** Identified (or resumed) and receiving events. */
  get connected(): boolean {
    return this.up;
  }

  /**
   * Logs in. A refused token rejects (the start fails, naming DISCORD_BOT_TOKEN); Discord out of reach
   * does not: the login is retried in the background while Relevo serves.
   */
  async connect(): Promise<void> {
    this.closed = false;
    await this.login(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.up = false;
    await client?.destroy().catch(() => undefined);
    await this.turn;
  }

  /** A thread's parent channel: discord.js's cache (filled by GUILD_CREATE and THREAD_CREATE), else REST. */
  async parentOf(channel: string): Promise<string | undefined> {
    const cached = this.client?.channels.cache.get(channel);
    if (cached) return ('parentId' in cached ? cached.parentId : null) ?? undefined;
    if (this.parents.has(channel)) return this.parents.get(channel) ?? undefined;
    const c = (await this.deps.rest.get(Routes.channel(channel))) as APIChannel & {
      parent_id?: string | null;
    };
    this.parents.set(channel, c.parent_id ?? null);
    return c.parent_id ?? undefined;
  }

  private async login(first: boolean): Promise<void> {
    if (this.closed) return;
    const client = new Client({ intents: this.intents });
    // One REST client for everything, so Discord's buckets are counted once.
    client.rest = this.deps.rest;
    this.listen(client);
    this.client = client;
    try {
      await client.login(this.deps.token);
      this.failures = 0;
    } catch (err) {
      this.client = undefined;
      await client.destroy().catch(() => undefined);
      if (this.withoutContent()) return this.login(first);
      if ((err as { code?: string }).code === 'TokenInvalid') {
        const refused = new Error(
          'Discord refused DISCORD_BOT_TOKEN: copy the bot’s token again (Developer Portal → Bot → Reset Token) and restart Relevo.',
        );
        if (first) throw refused;
        this.deps.log.error({ err: refused.message }, 'Discord gateway: login refused');
        return;
      }
      this.failures += 1;
      const wait = Math.min(this.deps.retryMs * this.failures, this.deps.retryMs * 10);
      this.deps.log.warn(
        { err: (err as Error).message, retryInMs: wait },
        'Discord is out of reach: Relevo serves meanwhile and connects when it is back',
      );
      this.retry = setTimeout(() => void this.login(false), wait);
      this.retry.unref();
    }
  }

  private listen(client: Client): void {
    const { log } = this.deps;
    const ws = client.ws;
    ws.on(GatewayDispatchEvents.MessageCreate, (d: GatewayMessageCreateDispatchData) =>
      this.inTurn('message', () => this.storeMessage(d)),
    );
    ws.on(GatewayDispatchEvents.MessageReactionAdd, (d: GatewayMessageReactionAddDispatchData) =>
      this.inTurn('reaction', () => this.storeReaction(d)),
    );
    // Interactions are answered at once, never queued behind stored messages: Discord waits 3 s only.
    ws.on(GatewayDispatchEvents.InteractionCreate, (d: APIInteraction) => this.deps.onInteraction(d));
    ws.on(GatewayDispatchEvents.Ready, () => {
      this.up = true;
      log.info('Discord gateway: new session');
      this.inTurn('catch-up', () => this.catchUp());
    });
    ws.on(GatewayDispatchEvents.Resumed, () => {
      this.up = true;
      log.info('Discord gateway: session resumed');
    });
    // discord.js reports a disconnection only when Discord closed for good (it resumes the others itself):
    // say what to fix, and try again now and then, so the fix in the Developer Portal needs no restart.
    client.on('shardDisconnect', (event) => {
      this.up = false;
      this.lastClose = event.code;
      log.error({ code: event.code }, `Discord closed the gateway: ${closeAdvice(event.code)}`);
      // A login in progress handles it (login's catch); a running session is replaced.
      if (this.client === client && client.isReady())
        this.relogin(client, this.withoutContent() ? 0 : undefined);
    });
    client.on('shardReconnecting', () => {
      this.up = false;
      log.info('Discord gateway: reconnecting');
    });
    client.on('error', (err) => log.error({ err }, 'Discord gateway error'));
  }

  /**
   * Discord refused the Message Content intent (4014: not switched on in the Developer Portal): Relevo
   * connects without it, so commands, buttons, the ticket panel and its forms keep working; customers'
   * plain messages arrive empty and cannot become tickets (said once more when one arrives). True when
   * it just dropped the intent, so the caller logs in again at once.
   */
  private withoutContent(): boolean {
    if (this.lastClose !== 4014 || !(this.intents & GatewayIntentBits.MessageContent)) return false;
    this.intents &= ~GatewayIntentBits.MessageContent;
    this.lastClose = undefined;
    this.deps.log.error(
      'Discord refused the Message Content intent: Relevo connects without it (commands, buttons and the ticket panel work; messages in support channels cannot become tickets). Switch it on (Developer Portal → Bot → Privileged Gateway Intents) and restart Relevo.',
    );
    return true;
  }

  /** Logs in again with a new client after `wait` (the longest retry wait), unless closed meanwhile. */
  private relogin(old: Client, wait = this.deps.retryMs * 10): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.closed || this.client !== old) return;
      this.client = undefined;
      void old
        .destroy()
        .catch(() => undefined)
        .then(() => this.login(false));
    }, wait);
    this.retry.unref();
  }

  private inTurn(what: string, fn: () => Promise<void>): void {
    this.turn = this.turn.then(fn).catch((err: unknown) => {
      // Not stored: a catch-up after the next new session brings it again.
      this.deps.log.error({ err, what }, 'Discord event not stored');
    });
  }

  private served = (id: string) => this.deps.channels().includes(id);

  private place(channel: string): Promise<Placement> {
    return placementOf(channel, this.served, (id) => this.parentOf(id));
  }

  private async storeMessage(m: GatewayMessageCreateDispatchData | APIMessage): Promise<void> {
    const at = await this.place(m.channel_id);
    if (!at) return;
    const event = messageEvent(m as GatewayMessageCreateDispatchData, at);
    if (!event) return;
    if (event.kind === 'message' && !event.text && !this.warnedEmpty) {
      this.warnedEmpty = true;
      this.deps.log.warn(
        'Discord sent a message without its content: switch on the Message Content intent (Developer Portal → Bot → Privileged Gateway Intents), else customers’ messages cannot become tickets',
      );
    }
    await storeChatEvent(this.deps.db, this.deps.notifier, `${PLATFORM}:message:${m.id}`, event);
    await advanceCursor(this.deps.db, CURSOR, SnowflakeUtil.timestampFrom(m.id));
  }

  private async storeReaction(r: GatewayMessageReactionAddDispatchData): Promise<void> {
    const at = await this.place(r.channel_id);
    const found = at && reactionEvent(r, at);
    if (found) await storeChatEvent(this.deps.db, this.deps.notifier, found.key, found.event);
  }

  /**
   * Messages posted while no session was open (Relevo down, a session Discord would not resume): those
   * after the last one stored, in each served channel and each active thread under one, oldest first.
   * Nothing from before Relevo's first session is fetched: an old message would open a ticket for the past.
   */
  private async catchUp(): Promise<void> {
    const cursor = await readState(this.deps.db, CURSOR);
    let since = await readState(this.deps.db, SINCE);
    if (!since) {
      // The first session ever, unless a cursor says otherwise (kept by a Relevo that did not mark it).
      since = String(cursor ? Number(cursor) - OVERLAP_MS : Date.now());
      await writeState(this.deps.db, SINCE, since);
      if (!cursor) return;
    }
    if (!this.client) return;
    // Without a cursor (no message stored yet) everything since the first session is fetched. The overlap
    // re-reads messages already stored (their keys make them count once) but stops at the first session:
    // else the minutes before it would be fetched too.
    const start = Math.max(cursor ? Number(cursor) - OVERLAP_MS : 0, Number(since));
    const from = SnowflakeUtil.generate({ timestamp: start }).toString();
    const channels = new Set(this.deps.channels());
    for (const guild of this.client.guilds.cache.keys()) {
      // Without the thread list the served channels are still caught up (their threads at the next one).
      const active = (await this.deps.rest.get(Routes.guildActiveThreads(guild)).catch((err: unknown) => {
        this.deps.log.warn({ err, guild }, 'Discord catch-up: active threads not readable');
        return { threads: [] };
      })) as APIThreadList;
      for (const t of active.threads) {
        const parent = (t as { parent_id?: string | null }).parent_id;
        if (parent && channels.has(parent)) {
          this.parents.set(t.id, parent);
          channels.add(t.id);
        }
      }
    }
    let stored = 0;
    for (const channel of channels) {
      let after = from;
      for (;;) {
        const page = (await this.deps.rest
          .get(Routes.channelMessages(channel), { query: new URLSearchParams({ after, limit: '100' }) })
          .catch((err: unknown) => {
            this.deps.log.warn({ err, channel }, 'Discord catch-up: channel not readable');
            return [];
          })) as APIMessage[];
        const oldestFirst = [...page].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        for (const m of oldestFirst) {
          await this.storeMessage(m);
          if (++stored % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        }
        const last = oldestFirst.at(-1);
        if (!last || page.length < 100) break;
        after = last.id;
      }
    }
    if (stored) this.deps.log.info({ stored }, 'Discord catch-up: messages from while no session was open');
  }
}

/** What to do about a gateway close discord.js will not recover from (Discord's close codes). */
function closeAdvice(code: number): string {
  switch (code) {
    case 4004:
      return 'DISCORD_BOT_TOKEN was refused (reset in the Developer Portal?): set the current token and restart Relevo';
    case 4014:
      return 'the Message Content intent is not switched on: Developer Portal → Bot → Privileged Gateway Intents → Message Content';
    case 4013:
      return 'Discord refused the intents Relevo asks for; report it with the log around it';
    default:
      return `code ${code}; Relevo tries again in a while`;
  }
}
