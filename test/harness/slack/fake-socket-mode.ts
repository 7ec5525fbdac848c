// A fake Slack Socket Mode endpoint on 127.0.0.1, reached the way the real one is: the app calls the
// fake Web API's `apps.connections.open` with its app-level token (xapp-…, as a Bearer header) and
// gets a one-time `ws://…/link/?ticket=…` URL (Slack: `wss://wss-….slack.com/link/?ticket=…`).
// On connect the server sends `hello`; a test then pushes envelopes
//   { envelope_id, type: 'events_api' | 'slash_commands' | 'interactive', payload,
//     accepts_response_payload, retry_attempt?, retry_reason? }
// and gets back the ack the app sends, `{ envelope_id, payload? }`. No ack within 3 s means Slack would
// deliver the event again, with `retry_attempt` counting up and `retry_reason: 'timeout'` (the Socket
// Mode counterparts of X-Slack-Retry-Num / X-Slack-Retry-Reason, as bolt-java's EventContext notes).
// `disconnect` ({ type: 'disconnect', reason: 'refresh_requested' | 'warning' | … }) asks the app to
// reconnect through a fresh apps.connections.open.
//
// The `ws` package is not a dependency (@slack/socket-mode 3 connects with undici's WebSocket), so the
// server side of RFC 6455 is written out here: the handshake, masked client frames, fragments,
// ping/pong and the close handshake. That is all Slack's client uses.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Changes } from './changes.ts';
import type { FakeSlack } from './fake-web-api.ts';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** Bigger frames than this are refused (1009); Slack's own payloads stay far below. */
const MAX_FRAME = 16 * 1024 * 1024;
/** How long deliver() and ackOf() wait for an ack unless told: long enough for a loaded machine. */
const ACK_CEILING_MS = 15_000;

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface SocketEnvelope<P = any> {
  envelope_id: string;
  type: EnvelopeType;
  payload: P;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  /** What the app answered with (`{}` for a bare ack; a modal's `response_action`, a command's reply…). */
  payload?: any;
  /** The connection the ack came over. */
  connection: number;
  /** ms (Date.now) when the fake read it. */
  at: number;
  /**
   * ms between sending the envelope and reading its ack, as information (Slack waits 3 s). No test
   * asserts on it; bench/slack.ts measures the ack time.
   */
  ms: number;
  raw: string;
}

export interface DeliverOptions {
  /**
   * How long to wait for the ack before failing: a generous ceiling (ACK_CEILING_MS), since a test
   * checks the ack, not its time. Slack itself gives up (and retries) after 3 s; bench/slack.ts
   * measures Relevo against that.
   */
  timeoutMs?: number;
  /** Deliver on this connection instead of a random open one. */
  connection?: FakeSocketConnection;
  /** Wait up to this long for an open connection (while the app reconnects). Default: timeoutMs. */
  connectTimeoutMs?: number;
}

export interface FakeSocketModeOptions {
  appId?: string;
  /** Sends a ping every so many ms (Slack pings its clients); off unless given. */
  pingIntervalMs?: number;
  /** Tickets expire like Slack's (they are short-lived); default 30 s. */
  ticketTtlMs?: number;
}

/** One WebSocket connection, as the server sees it. */
export class FakeSocketConnection {
  readonly openedAt = Date.now();
  /** `hello` was sent: the app may now receive envelopes. */
  ready = false;
  closed = false;
  /** Who started the close: the app (close frame), the server, or neither (the TCP link just went). */
  closedBy?: 'client' | 'server' | 'network';
  closeCode?: number;
  closeReason?: string;
  /** Every text message the app sent, parsed when it was JSON. */
  readonly received: any[] = [];
  /** Every message the server sent. */
  readonly sent: any[] = [];
  pingsReceived = 0;
  pongsReceived = 0;

  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closeSent = false;
  private closeTimer?: NodeJS.Timeout;

  constructor(
    readonly id: number,
    readonly ticket: string,
    private readonly socket: Socket,
    private readonly onMessage: (conn: FakeSocketConnection, text: string) => void,
    private readonly onClosed: (conn: FakeSocketConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {});
    // The HTTP server allows half-open sockets: when the peer goes away, finish the close ourselves.
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.closedBy ??= 'network';
      clearTimeout(this.closeTimer);
      this.onClosed(this);
    });
  }

  /** Sends a JSON message (an envelope, hello, disconnect). */
  sendJson(message: unknown): void {
    this.sent.push(structuredClone(message));
    this.write(OP_TEXT, Buffer.from(JSON.stringify(message)));
  }

  ping(data = `ping ${Date.now()}`): void {
    this.write(OP_PING, Buffer.from(data));
  }

  /** Starts the close handshake from the server side; the TCP link goes when the app answers (or after 1 s). */
  close(code = 1000, reason = ''): void {
    if (this.closed || this.closeSent) return;
    this.closedBy ??= 'server';
    this.closeCode ??= code;
    this.closeReason ??= reason;
    this.sendClose(code, reason);
    this.closeTimer = setTimeout(() => this.socket.destroy(), 1000);
  }

  /** Cuts the TCP link without a close frame: a network failure. */
  drop(): void {
    this.closedBy ??= 'network';
    this.socket.destroy();
  }

  /** @internal the upgrade request's remaining bytes */
  feed(head: Buffer): void {
    if (head.length) this.read(head);
  }

  private write(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || this.closeSent) return;
    // Server frames are never masked (RFC 6455 §5.1).
    let header: Buffer;
    if (payload.length < 126) {
      header = Buffer.from([0x80 | opcode, payload.length]);
    } else if (payload.length < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  private sendClose(code: number, reason: string): void {
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    this.write(OP_CLOSE, body);
    this.closeSent = true;
  }

  private fail(code: number, reason: string): void {
    this.close(code, reason);
    this.socket.end();
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const frame = this.nextFrame();
      if (!frame) return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
      if (this.socket.destroyed) return;
    }
  }

  private nextFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const fin = (b[0]! & 0x80) !== 0;
    const rsv = b[0]! & 0x70;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_FRAME)) {
        this.fail(1009, 'frame too big');
        return undefined;
      }
      length = Number(big);
      offset = 10;
    }
    if (rsv !== 0) {
      // No extension was negotiated (the fake never accepts permessage-deflate).
      this.fail(1002, 'reserved bits set');
      return undefined;
    }
    if (!masked) {
      // RFC 6455 §5.1: a server must close on an unmasked client frame.
      this.fail(1002, 'client frames must be masked');
      return undefined;
    }
    if (b.length < offset + 4 + length) return undefined;
    const mask = b.subarray(offset, offset + 4);
    const payload = Buffer.from(b.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
    this.buffer = b.subarray(offset + 4 + length);
    return { fin, opcode, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.pingsReceived++;
        this.write(OP_PONG, payload);
        return;
      case OP_PONG:
        this.pongsReceived++;
        return;
      case OP_CLOSE: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : '';
        if (!this.closeSent) {
          this.closedBy ??= 'client';
          this.closeCode ??= code;
          this.closeReason ??= reason;
          // Echo the close, then the server ends the TCP connection (RFC 6455 §7.1.1).
          this.sendClose(code === 1005 ? 1000 : code, '');
        }
        this.socket.end();
        return;
      }
      case OP_TEXT:
      case OP_BINARY:
        this.fragmentOpcode = opcode;
        this.fragments = [payload];
        break;
      case OP_CONTINUATION:
        this.fragments.push(payload);
        break;
      default:
        this.fail(1002, `unknown opcode ${opcode}`);
        return;
    }
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.fragmentOpcode !== OP_TEXT) return; // Slack's client only sends JSON text.
    this.onMessage(this, message.toString('utf8'));
  }
}

export class FakeSocketMode {
  /** `ws://127.0.0.1:PORT` */
  baseUrl = '';
  readonly appId: string;
  /** Every connection ever opened, oldest first. */
  readonly connections: FakeSocketConnection[] = [];
  /** Every ack read, in arrival order. */
  readonly acks: SocketAck[] = [];
  /** Every envelope sent, in order (retries included). */
  readonly delivered: SocketEnvelope[] = [];
  /** Upgrade attempts refused (unknown, used or expired ticket). */
  refused = 0;

  private readonly server: Server;
  private readonly tickets = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly sentAt = new Map<string, number>();
  private readonly changes = new Changes((what, ms) => `fake Socket Mode: no ${what} within ${ms} ms`);
  private readonly ticketTtlMs: number;
  private pingTimer?: NodeJS.Timeout;
  private nextId = 1;

  constructor(private readonly opts: FakeSocketModeOptions = {}) {
    this.appId = opts.appId ?? 'A0RELEVO01';
    this.ticketTtlMs = opts.ticketTtlMs ?? 30_000;
    this.server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('WebSocket only');
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
  }

  /** @internal used by startFakeSocketMode */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `ws://127.0.0.1:${port}`;
    if (this.opts.pingIntervalMs) {
      this.pingTimer = setInterval(() => {
        for (const c of this.open()) c.ping();
      }, this.opts.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const c of this.connections) if (!c.closed) c.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What apps.connections.open answers: a fresh one-time URL. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { issuedAt: Date.now(), used: false });
    return `${this.baseUrl}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  // ---- connections ----------------------------------------------------------------------------

  /** Connections that said hello and are still open. */
  open(): FakeSocketConnection[] {
    return this.connections.filter((c) => c.ready && !c.closed);
  }

  /** The newest connection, open or not. */
  latest(): FakeSocketConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  /** Resolves with an open connection newer than `after` (a connection or its id), e.g. after a reconnect. */
  connected(
    opts: { after?: FakeSocketConnection | number; timeoutMs?: number } = {},
  ): Promise<FakeSocketConnection> {
    const after = typeof opts.after === 'number' ? opts.after : (opts.after?.id ?? 0);
    return this.changes.waitUntil(
      () => this.open().find((c) => c.id > after),
      opts.timeoutMs ?? 10_000,
      `a Socket Mode connection${after ? ` newer than #${after}` : ''}`,
    );
  }

  /** Resolves once `conn` is closed (by either side or the network). */
  closedConnection(conn: FakeSocketConnection, timeoutMs = 5000): Promise<FakeSocketConnection> {
    return this.changes.waitUntil(
      () => (conn.closed ? conn : undefined),
      timeoutMs,
      `close of connection #${conn.id}`,
    );
  }

  /**
   * Sends `{ type: 'disconnect', reason }` as Slack does before recycling a connection
   * (`refresh_requested`), ahead of a shutdown (`warning`), or when too many are open
   * (`too_many_websockets`). The app is expected to close it and connect again.
   */
  disconnect(conn = this.open()[0], reason = 'refresh_requested'): FakeSocketConnection {
    if (!conn) throw new Error('fake Socket Mode: no open connection to disconnect');
    conn.sendJson({ type: 'disconnect', reason, debug_info: { host: `applink-fake-${conn.id}` } });
    return conn;
  }

  // ---- envelopes ------------------------------------------------------------------------------

  /** An Events API envelope around an `event_callback` body (e.g. `SlackClient.buildMessage(...).payload`). */
  eventsApi(payload: any): SocketEnvelope {
    return {
      envelope_id: randomUUID(),
      payload,
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
    };
  }

  /** A slash command envelope: the payload is the command's form fields as a JSON object. */
  slashCommand(payload: Record<string, string>): SocketEnvelope {
    return { envelope_id: randomUUID(), payload, type: 'slash_commands', accepts_response_payload: true };
  }

  /** An interactivity envelope (block_actions, view_submission, shortcut…). */
  interactive(payload: any): SocketEnvelope {
    // A modal submission and a block_suggestion can be answered in the ack; a click cannot.
    const answers = payload?.type === 'view_submission' || payload?.type === 'block_suggestion';
    return { envelope_id: randomUUID(), payload, type: 'interactive', accepts_response_payload: answers };
  }

  /** Slack's next attempt at an envelope: a new envelope_id, the same payload (same event_id). */
  retryOf(envelope: SocketEnvelope, opts: { attempt?: number; reason?: string } = {}): SocketEnvelope {
    return {
      ...structuredClone(envelope),
      envelope_id: randomUUID(),
      retry_attempt: opts.attempt ?? (envelope.retry_attempt ?? 0) + 1,
      retry_reason: opts.reason ?? 'timeout',
    };
  }

  /**
   * Sends an envelope to one open connection (Slack picks one at random) and resolves with its ack.
   * Rejects when no ack comes within `timeoutMs` (a generous ceiling unless told).
   */
  async deliver(envelope: SocketEnvelope, opts: DeliverOptions = {}): Promise<SocketAck> {
    const timeoutMs = opts.timeoutMs ?? ACK_CEILING_MS;
    await this.send(envelope, opts);
    return this.ackOf(envelope, timeoutMs);
  }

  /** Sends an envelope as deliver() does, without waiting for its ack; resolves with the connection. */
  async send(envelope: SocketEnvelope, opts: DeliverOptions = {}): Promise<FakeSocketConnection> {
    let conn = opts.connection;
    if (!conn) {
      await this.connected({ timeoutMs: opts.connectTimeoutMs ?? opts.timeoutMs ?? ACK_CEILING_MS });
      const open = this.open();
      conn = open[Math.floor(Math.random() * open.length)]!;
    }
    if (conn.closed) throw new Error(`fake Socket Mode: connection #${conn.id} is closed`);
    this.delivered.push(structuredClone(envelope));
    this.sentAt.set(envelope.envelope_id, Date.now());
    conn.sendJson(envelope);
    return conn;
  }

  /** Delivers Slack's retry of `envelope` (retry_attempt + 1, reason `timeout`). */
  redeliver(
    envelope: SocketEnvelope,
    opts: DeliverOptions & { attempt?: number; reason?: string } = {},
  ): Promise<SocketAck> {
    return this.deliver(this.retryOf(envelope, opts), opts);
  }

  /** The ack for an envelope already sent (or to come). */
  ackOf(envelope: SocketEnvelope | string, timeoutMs = ACK_CEILING_MS): Promise<SocketAck> {
    const id = typeof envelope === 'string' ? envelope : envelope.envelope_id;
    return this.changes.waitUntil(
      () => this.acks.find((a) => a.envelope_id === id),
      timeoutMs,
      `ack of envelope ${id} (Slack would deliver it again)`,
    );
  }

  // ---- internals ------------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const key = req.headers['sec-websocket-key'];
    const ticket = url.searchParams.get('ticket') ?? '';
    const issued = this.tickets.get(ticket);
    const valid =
      url.pathname === '/link/' &&
      issued !== undefined &&
      !issued.used &&
      Date.now() - issued.issuedAt <= this.ticketTtlMs;
    if (
      !valid ||
      typeof key !== 'string' ||
      String(req.headers.upgrade).toLowerCase() !== 'websocket' ||
      req.headers['sec-websocket-version'] !== '13'
    ) {
      this.refused++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      this.changes.notify();
      return;
    }
    issued.used = true;
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    // No Sec-WebSocket-Extensions in the answer: permessage-deflate is declined, frames stay plain.
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn = new FakeSocketConnection(
      this.nextId++,
      ticket,
      socket,
      (c, text) => this.received(c, text),
      () => this.changes.notify(),
    );
    this.connections.push(conn);
    conn.feed(head);
    conn.sendJson({
      type: 'hello',
      num_connections: this.open().length + 1,
      debug_info: {
        host: `applink-fake-${conn.id}`,
        build_number: 1,
        approximate_connection_time: 18060,
      },
      connection_info: { app_id: this.appId },
    });
    conn.ready = true;
    this.changes.notify();
  }

  private received(conn: FakeSocketConnection, text: string): void {
    let message: any;
    try {
      message = JSON.parse(text);
    } catch {
      conn.received.push(text);
      this.changes.notify();
      return;
    }
    conn.received.push(message);
    if (message && typeof message.envelope_id === 'string') {
      const sent = this.sentAt.get(message.envelope_id);
      this.acks.push({
        envelope_id: message.envelope_id,
        ...('payload' in message ? { payload: message.payload } : {}),
        connection: conn.id,
        at: Date.now(),
        ms: sent === undefined ? Number.NaN : Date.now() - sent,
        raw: text,
      });
    }
    this.changes.notify();
  }
}

/**
 * Starts a fake Socket Mode endpoint. With `slack`, the fake Web API's apps.connections.open hands
 * out its URLs (and its app id is used).
 */
export async function startFakeSocketMode(
  opts: FakeSocketModeOptions & { slack?: FakeSlack } = {},
): Promise<FakeSocketMode> {
  const { slack, ...rest } = opts;
  const fake = new FakeSocketMode({ ...rest, appId: rest.appId ?? slack?.appId });
  await fake.listen();
  slack?.useSocketMode(fake);
  return fake;
}
