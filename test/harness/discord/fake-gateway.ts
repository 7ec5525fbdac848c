// The gateway side of the fake Discord (JSON encoding, no compression), as discord.js's
// @discordjs/ws expects it: HELLO on connect, heartbeat ACKs, IDENTIFY → READY then GUILD_CREATE,
// RESUME → the session's missed dispatches in order then RESUMED. A session outlives its socket (a
// drop, a RECONNECT, the server going offline) and keeps buffering, as Discord's sessions do; only a
// client closing with 1000/1001 ends it, because Discord invalidates such sessions.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { clone } from './fake-shapes.ts';
import type { Store } from './fake-store.ts';

/** Discord keeps a bounded backlog per session; a client gone longer than that must re-IDENTIFY. */
const BUFFER_CAP = 10_000;

interface Dispatch {
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  buffer: Dispatch[];
  socket?: WebSocket;
}

/** Intents a dispatch needs; events not listed (READY, INTERACTION_CREATE...) always go out. */
const NEEDS: Record<string, number> = {
  [GatewayDispatchEvents.ThreadCreate]: 1 << 0,
  [GatewayDispatchEvents.ThreadUpdate]: 1 << 0,
  [GatewayDispatchEvents.ChannelUpdate]: 1 << 0,
  [GatewayDispatchEvents.ThreadMembersUpdate]: 1 << 1,
  [GatewayDispatchEvents.MessageCreate]: 1 << 9,
  [GatewayDispatchEvents.MessageUpdate]: 1 << 9,
  [GatewayDispatchEvents.MessageReactionAdd]: 1 << 10,
};
const MESSAGE_CONTENT = 1 << 15;

export class Gateway {
  identifies = 0;
  resumes = 0;
  offline = false;
  /** What the last IDENTIFY asked for. */
  lastIntents: number | undefined;
  /** Privileged intents the application was not granted in the Developer Portal (asking closes 4014). */
  withheldIntents = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  /** Sockets the fake itself closed: their close codes must not end the session. */
  private readonly closedByServer = new WeakSet<WebSocket>();
  url = '';

  constructor(
    private readonly store: Store,
    private readonly heartbeatIntervalMs: number,
  ) {
    store.dispatch = (t, d) => this.dispatch(t, d);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (this.offline) {
        // What Cloudflare answers while Discord's gateway is down: an HTTP error, not a reset, so
        // discord.js keeps its session and RESUMEs once it gets through.
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (url.pathname !== '/' && url.pathname !== '/gateway') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url));
    });
  }

  private accept(ws: WebSocket, url: URL): void {
    this.sockets.add(ws);
    ws.on('close', (code) => this.onClose(ws, code));
    ws.on('error', () => {});
    if (url.searchParams.get('v') !== '10') {
      this.close(ws, GatewayCloseCodes.InvalidAPIVersion);
      return;
    }
    if (url.searchParams.has('compress')) {
      this.close(ws, GatewayCloseCodes.DecodeError);
      return;
    }
    this.send(ws, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.heartbeatIntervalMs },
      s: null,
      t: null,
    });
    ws.on('message', (raw) => this.onMessage(ws, raw.toString()));
  }

  private onClose(ws: WebSocket, code: number): void {
    this.sockets.delete(ws);
    const session = this.sessionOf(ws);
    if (!session) return;
    session.socket = undefined;
    if (!this.closedByServer.has(ws) && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
    this.store.changes.notify();
  }

  private onMessage(ws: WebSocket, raw: string): void {
    let payload: { op?: number; d?: any };
    try {
      payload = JSON.parse(raw);
    } catch {
      this.close(ws, GatewayCloseCodes.DecodeError);
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.send(ws, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.identify(ws, payload.d ?? {});
        return;
      case GatewayOpcodes.Resume:
        this.resume(ws, payload.d ?? {});
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        // Accepted and ignored once identified: the fake has no presences or voice.
        if (!this.sessionOf(ws)) this.close(ws, GatewayCloseCodes.NotAuthenticated);
        return;
      default:
        this.close(ws, GatewayCloseCodes.UnknownOpcode);
        return;
    }
  }

  private identify(ws: WebSocket, d: { token?: string; intents?: number }): void {
    if (this.sessionOf(ws)) {
      this.close(ws, GatewayCloseCodes.AlreadyAuthenticated);
      return;
    }
    if (d.token !== this.store.botToken && d.token !== `Bot ${this.store.botToken}`) {
      this.close(ws, GatewayCloseCodes.AuthenticationFailed);
      return;
    }
    if ((d.intents ?? 0) & this.withheldIntents) {
      this.close(ws, GatewayCloseCodes.DisallowedIntents);
      return;
    }
    this.identifies++;
    this.lastIntents = d.intents;
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents: d.intents ?? 0,
      buffer: [],
    };
    this.sessions.set(session.id, session);
    session.socket = ws;
    this.toSession(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user_settings: {},
      user: clone(this.store.botUser),
      guilds: [{ id: this.store.guildId, unavailable: true }],
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      session_type: 'normal',
      session_id: session.id,
      resume_gateway_url: this.url,
      shard: [0, 1],
      application: { id: this.store.applicationId, flags: 0 },
    });
    this.toSession(session, GatewayDispatchEvents.GuildCreate, this.store.guildCreate());
    this.store.changes.notify();
  }

  private resume(ws: WebSocket, d: { token?: string; session_id?: string; seq?: number }): void {
    const session = d.session_id ? this.sessions.get(d.session_id) : undefined;
    if (!session || d.token !== this.store.botToken) {
      this.send(ws, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const oldest = session.buffer[0]?.s ?? session.seq + 1;
    if ((d.seq ?? 0) + 1 < oldest) {
      // The backlog no longer reaches back to what the client last saw.
      this.sessions.delete(session.id);
      this.send(ws, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== ws) {
      // One socket per session: an older one still attached is cut off.
      this.closedByServer.add(session.socket);
      session.socket.terminate();
    }
    session.socket = ws;
    this.resumes++;
    for (const p of session.buffer) if (p.s > (d.seq ?? 0)) this.send(ws, { op: 0, ...p });
    session.seq++;
    this.send(ws, { op: 0, s: session.seq, t: GatewayDispatchEvents.Resumed, d: null });
    this.store.changes.notify();
  }

  /** To every session (sockets or not), filtered by its intents, sequenced and buffered for RESUME. */
  dispatch(t: string, d: unknown): void {
    for (const session of this.sessions.values()) this.toSession(session, t, d);
  }

  private toSession(session: Session, t: string, d: unknown): void {
    const needs = NEEDS[t];
    if (needs !== undefined && (session.intents & needs) === 0) return;
    const data = clone(this.withoutContent(session, t, d));
    const p: Dispatch = { s: ++session.seq, t, d: data };
    session.buffer.push(p);
    if (session.buffer.length > BUFFER_CAP) session.buffer.shift();
    if (session.socket && !this.offline) this.send(session.socket, { op: 0, ...p });
  }

  /** Without MESSAGE_CONTENT a bot gets messages blank, unless it wrote them or is mentioned. */
  private withoutContent(session: Session, t: string, d: any): unknown {
    if (t !== GatewayDispatchEvents.MessageCreate && t !== GatewayDispatchEvents.MessageUpdate) return d;
    if (session.intents & MESSAGE_CONTENT) return d;
    const bot = this.store.botUser.id;
    if (d.author?.id === bot || d.mentions?.some((u: { id: string }) => u.id === bot)) return d;
    return { ...d, content: '', embeds: [], attachments: [], components: [] };
  }

  private sessionOf(ws: WebSocket): Session | undefined {
    for (const s of this.sessions.values()) if (s.socket === ws) return s;
    return undefined;
  }

  private send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private close(ws: WebSocket, code: number): void {
    this.closedByServer.add(ws);
    ws.close(code);
  }

  // ---- controls -------------------------------------------------------------------------------

  connected(): boolean {
    return [...this.sessions.values()].some((s) => s.socket?.readyState === 1);
  }

  /** Closes every socket with `code` (4000: Discord's "unknown error, reconnect"); sessions stay. */
  drop(code = 4000): void {
    for (const ws of this.sockets) this.close(ws, code);
  }

  /** The ends of the sockets without a close frame (clients see 1006), as a dead network does. */
  terminate(): void {
    for (const ws of this.sockets) {
      this.closedByServer.add(ws);
      ws.terminate();
    }
  }

  /** op 7: the client should reconnect and RESUME. */
  sendReconnect(): void {
    for (const s of this.sessions.values())
      if (s.socket) this.send(s.socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
  }

  /** op 9; not resumable → the sessions are gone and the client must IDENTIFY again. */
  invalidate(resumable: boolean): void {
    for (const s of [...this.sessions.values()]) {
      if (s.socket)
        this.send(s.socket, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
      if (!resumable) this.sessions.delete(s.id);
    }
  }

  async closeAll(): Promise<void> {
    this.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
