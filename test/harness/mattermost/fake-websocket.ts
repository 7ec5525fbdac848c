// The WebSocket side of the fake Mattermost (/api/v4/websocket), as platform/web_conn.go,
// web_hub.go and websocket_router.go behave: token in the upgrade request or an
// `authentication_challenge`, then `hello` with seq 0 and a fresh connection_id, events with seq +1
// per connection, each only to sockets whose user may see it. A reconnect is always treated like
// Mattermost treats an unknown connection_id (after a restart or a long absence): new id, seq back
// to 0, nothing replayed, so a client must catch up over REST.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { mmId, SERVER_VERSION, sortKeys, VERSION_STRING, type WsEvent, wsEvent } from './fake-shapes.ts';
import type { Store } from './fake-store.ts';

export interface SocketConnect {
  connectionId: string;
  /** What the client asked to resume (`connection_id`, `sequence_number` query parameters). */
  askedConnectionId: string;
  askedSequence: string;
  userId?: string;
  at: number;
}

interface Conn {
  ws: WebSocket;
  connectionId: string;
  userId?: string;
  seq: number;
  skip: boolean;
}

/** Mattermost closes a socket that has not authenticated within 5 s (authCheckInterval). */
const AUTH_WINDOW_MS = 5000;

export class Hub {
  readonly connects: SocketConnect[] = [];
  /** Every event sent to any socket, with the socket's user and the seq it got. */
  readonly sent: { userId: string; connectionId: string; message: Record<string, unknown> }[] = [];
  refusing = false;
  /** WebSocket upgrades answered 503 while `refusing`. */
  refused = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();

  constructor(private readonly store: Store) {
    store.publish = (ev) => this.broadcast(ev);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/api/v4/websocket' || this.refusing) {
        if (this.refusing) {
          this.refused++;
          this.store.changes.notify();
        }
        const status = this.refusing ? '503 Service Unavailable' : '404 Not Found';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, url));
    });
  }

  /** Authenticated sockets still open. */
  count(): number {
    return [...this.conns].filter((c) => c.userId && c.ws.readyState === c.ws.OPEN).length;
  }

  /** 'abnormal': the TCP connection just ends (clients see 1006); 'going-away': a 1001 close frame. */
  drop(how: 'abnormal' | 'going-away' = 'abnormal'): void {
    for (const c of this.conns) {
      if (how === 'abnormal') c.ws.terminate();
      else c.ws.close(1001, 'going away');
    }
  }

  /** The next event to each open socket skips one sequence number (WebSocketClient then reconnects). */
  skipSeq(): void {
    for (const c of this.conns) c.skip = true;
  }

  close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL): void {
    const conn: Conn = { ws, connectionId: mmId(), seq: 0, skip: false };
    this.conns.add(conn);
    this.connects.push({
      connectionId: conn.connectionId,
      askedConnectionId: url.searchParams.get('connection_id') ?? '',
      askedSequence: url.searchParams.get('sequence_number') ?? '',
      at: this.store.now(),
    });
    const header = /^(?:Bearer|Token)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const user = this.store.userForToken(header ?? url.searchParams.get('access_token') ?? undefined);
    if (user) this.authenticate(conn, user.id);
    const timer = setTimeout(() => {
      if (!conn.userId) ws.close();
    }, AUTH_WINDOW_MS);
    timer.unref();
    ws.on('close', () => {
      clearTimeout(timer);
      this.conns.delete(conn);
      this.store.changes.notify();
    });
    ws.on('message', (data) => this.receive(conn, data.toString()));
    this.store.changes.notify();
  }

  private authenticate(conn: Conn, userId: string): void {
    conn.userId = userId;
    this.connects.find((c) => c.connectionId === conn.connectionId)!.userId = userId;
    const hello = wsEvent(
      'hello',
      {
        connection_id: conn.connectionId,
        server_hostname: 'fake-mattermost',
        server_version: VERSION_STRING,
      },
      { user_id: userId },
    );
    this.deliver(conn, hello);
    this.store.changes.notify();
  }

  private receive(conn: Conn, text: string): void {
    let req: { seq?: unknown; action?: unknown; data?: any };
    try {
      req = JSON.parse(text);
    } catch {
      conn.ws.close(); // readPump stops on a frame it cannot decode
      return;
    }
    const seq = typeof req.seq === 'number' ? req.seq : 0;
    if (!conn.userId) {
      if (req.action !== 'authentication_challenge' || seq <= 0) return;
      // Any problem with the token closes the socket, without an answer.
      const user = this.store.userForToken(typeof req.data?.token === 'string' ? req.data.token : undefined);
      if (!user) {
        conn.ws.close();
        return;
      }
      this.authenticate(conn, user.id);
      this.reply(conn, { status: 'OK', seq_reply: seq });
      return;
    }
    const answer = this.answer(req.action, seq);
    if (answer) this.reply(conn, answer);
  }

  /** The WebSocketResponse for an authenticated socket's request (undefined: none). */
  private answer(action: unknown, seq: number): Record<string, unknown> | undefined {
    const fail = (id: string, status: number) => ({
      status: 'FAIL',
      seq_reply: seq,
      error: { id, message: id, detailed_error: '', status_code: status },
    });
    if (!action) return fail('api.web_socket_router.no_action.app_error', 400);
    if (seq <= 0) return fail('api.web_socket_router.bad_seq.app_error', 400);
    switch (action) {
      case 'authentication_challenge':
        return undefined; // already authenticated: Mattermost ignores it
      case 'ping':
        return {
          status: 'OK',
          seq_reply: seq,
          data: sortKeys({
            node_id: '',
            server_time: this.store.now(),
            text: 'pong',
            version: SERVER_VERSION,
          }),
        };
      case 'user_typing':
      case 'presence':
      case 'user_update_active_status':
      case 'posted_notify_ack':
        return { status: 'OK', seq_reply: seq };
      default:
        return fail('api.web_socket_router.bad_action.app_error', 500);
    }
  }

  private reply(conn: Conn, response: Record<string, unknown>): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(response));
  }

  private broadcast(ev: WsEvent): void {
    for (const c of this.conns) if (this.shouldSend(c, ev)) this.deliver(c, ev);
    this.store.changes.notify();
  }

  /** WebConn.ShouldSendEvent, for what the fake models. */
  private shouldSend(c: Conn, ev: WsEvent): boolean {
    const b = ev.broadcast;
    if (!c.userId || c.ws.readyState !== c.ws.OPEN) return false;
    if (b.connection_id) return b.connection_id === c.connectionId;
    if (b.omit_connection_id === c.connectionId) return false;
    if (b.user_id) return b.user_id === c.userId;
    if (b.omit_users?.[c.userId]) return false;
    if (b.channel_id) return this.store.isMember(b.channel_id, c.userId);
    return true;
  }

  private deliver(c: Conn, ev: WsEvent): void {
    if (c.skip) {
      c.seq++;
      c.skip = false;
    }
    const message = { event: ev.event, data: ev.data, broadcast: ev.broadcast, seq: c.seq++ };
    this.sent.push({ userId: c.userId ?? '', connectionId: c.connectionId, message });
    c.ws.send(JSON.stringify(message));
  }
}
