// Slow clients cannot hold connections open (security review finding 9: 500 slow connections held past
// 67 s). Each test waits for a state — the server closing the socket — under a generous ceiling, with the
// timeouts set small; the ceiling is far below Node's defaults, so without the settings the waits fail.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { Client, eventually } from '../harness/http.ts';

const CEILING_MS = 20_000;

/** Resolves with what the server said once it closes the connection. */
function untilClosed(socket: net.Socket): Promise<string> {
  let said = '';
  socket.on('data', (d) => {
    said += d.toString('latin1');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server kept the connection open')), CEILING_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(said);
    });
    socket.on('error', () => {});
  });
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Reads lines from an SMTP connection. */
function smtpLines(socket: net.Socket) {
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  socket.on('data', (d) => {
    buffer += d.toString('utf8');
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  return () =>
    new Promise<string>((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    });
}

describe('HTTP timeouts', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      env: { RELEVO_HTTP_HEADERS_TIMEOUT_MS: '300', RELEVO_HTTP_REQUEST_TIMEOUT_MS: '600' },
    });
    port = Number(new URL(t.url).port);
  });
  afterAll(async () => t?.stop());

  it('closes a connection that never finishes its headers', async () => {
    const socket = await connect(port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: relevo\r\nX-Slow: ');
    const said = await untilClosed(socket);
    expect(said).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose body never finishes, while a live stream opened before it stays open', async () => {
    const customer = new Client(t.url);
    expect(
      (await customer.post('/webchat/api/session', { name: 'Sol', email: 'sol@example.com' })).status,
    ).toBe(200);
    const stream = await fetch(`${t.url}/webchat/api/stream`, {
      headers: { cookie: customer.cookieHeader() },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();

    const socket = await connect(port);
    socket.write(
      'POST /webchat/api/messages HTTP/1.1\r\nHost: relevo\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te',
    );
    const said = await untilClosed(socket);
    expect(said).toMatch(/^HTTP\/1\.1 408/);

    // The stream outlived the request timeout: it still carries what happens next.
    const sent = await customer.post('/webchat/api/messages', {
      text: 'still there?',
      clientId: 'client-live-1',
    });
    expect(sent.status).toBe(202);
    let seen = '';
    while (!seen.includes('still there?')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
  });
});

describe('SMTP listener limits', () => {
  let quick: TestApp;
  let crowded: TestApp;
  const smtp = (env: Record<string, string>) =>
    startTestApp({
      env: { RELEVO_SUPPORT_ADDRESS: 'support@support.test', RELEVO_SMTP_LISTEN_PORT: '0', ...env },
    });
  beforeAll(async () => {
    quick = await smtp({ RELEVO_SMTP_TIMEOUT_MS: '300' });
    crowded = await smtp({ RELEVO_SMTP_MAX_CLIENTS: '2' });
  });
  afterAll(async () => {
    await quick?.stop();
    await crowded?.stop();
  });

  it('closes a silent connection', async () => {
    const socket = await connect(quick.app.smtpPort()!);
    const said = await untilClosed(socket);
    expect(said).toMatch(/^220 /);
    expect(said).toMatch(/421/);
  });

  it('refuses connections beyond the maximum with 421, and takes them again once one ends', async () => {
    const port = crowded.app.smtpPort()!;
    const held: net.Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await connect(port);
      const line = smtpLines(s);
      expect(await line()).toMatch(/^220 /);
      s.write('EHLO client.test\r\n');
      for (let l = await line(); !l.startsWith('250 '); l = await line());
      held.push(s);
    }
    const third = await connect(port);
    expect(await smtpLines(third)()).toMatch(/^421 /);
    third.destroy();
    held.pop()?.destroy();
    // The listener notices the closed connection on its own time: try until a greeting comes back.
    const greeting = await eventually(async () => {
      const s = await connect(port);
      const first = await smtpLines(s)();
      s.destroy();
      return first.startsWith('220 ') && first;
    }, 'a free connection slot');
    expect(greeting).toMatch(/^220 /);
    for (const s of held) s.destroy();
  });
});
