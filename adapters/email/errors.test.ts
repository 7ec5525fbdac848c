// SMTP errors as the outbox sees them, from real nodemailer errors: a real SMTP server (smtp-server) on
// loopback refusing at each step of the exchange, a port nobody listens on, and a server that never greets.
import { createServer, type Server, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import { smtpCall, smtpFailure } from './errors.ts';

type Refusal = { step: 'auth' | 'mail' | 'rcpt' | 'data'; code: number; text: string };

/** A real SMTP server that refuses at the step, with the reply code, that `next` sets (once set, every time). */
async function refusingServer(): Promise<{
  port: number;
  close: () => Promise<void>;
  next: (r: Refusal) => void;
}> {
  let refusal: Refusal | undefined;
  const fail = (step: Refusal['step']) => {
    if (refusal?.step !== step) return null;
    const err = new Error(refusal.text) as Error & { responseCode: number };
    err.responseCode = refusal.code;
    return err;
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth: (_auth, _session, cb) => cb(fail('auth') ?? null, { user: 'relevo' }),
    onMailFrom: (_a, _s, cb) => cb(fail('mail') ?? undefined),
    onRcptTo: (_a, _s, cb) => cb(fail('rcpt') ?? undefined),
    onData: (stream, _s, cb) => {
      stream.resume();
      stream.on('end', () => cb(fail('data') ?? null));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('error', () => {});
  return {
    port: (server.server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    next: (r) => {
      refusal = r;
    },
  };
}

/** A TCP server that takes connections and says nothing, or says `line` and hangs up. */
async function rawServer(line?: string): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    if (line) socket.end(`${line}\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function failureOf(
  port: number,
  options: Record<string, unknown> = {},
  to = 'carla@example.com',
): Promise<DeliveryFailure> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ...options });
  try {
    const err = await smtpCall(() =>
      transport.sendMail({ from: 'support@support.test', to, subject: 'Ticket #1', text: 'Hello' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryFailure);
    return err as DeliveryFailure;
  } finally {
    transport.close();
  }
}

describe('SMTP errors as delivery failures', () => {
  let server: Awaited<ReturnType<typeof refusingServer>>;
  beforeAll(async () => {
    server = await refusingServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('a recipient refused with 550 is permanent: check the address', async () => {
    server.next({ step: 'rcpt', code: 550, text: '5.1.1 No such user' });
    const failure = await failureOf(server.port);
    expect(failure).toMatchObject({ platform: 'email', code: 'recipient_refused', retryable: false });
    expect(failure.message).toContain('No such user');
    expect(failure.message).toMatch(/check the address/);
  });

  it('a sender refused with 553 is permanent, naming RELEVO_SUPPORT_ADDRESS', async () => {
    server.next({ step: 'mail', code: 553, text: '5.7.1 Sender not allowed' });
    const failure = await failureOf(server.port);
    expect(failure).toMatchObject({ code: 'refused', retryable: false });
    expect(failure.message).toContain('RELEVO_SUPPORT_ADDRESS');
  });

  it('a message refused at DATA with 554 is permanent', async () => {
    server.next({ step: 'data', code: 554, text: '5.6.0 Message rejected as spam' });
    expect(await failureOf(server.port)).toMatchObject({ code: 'refused', retryable: false, outage: false });
  });

  it('a 451 (greylisting, a full queue) is retried, for this message only', async () => {
    server.next({ step: 'data', code: 451, text: '4.7.1 Try again later' });
    expect(await failureOf(server.port)).toMatchObject({ code: 'temporary', retryable: true, outage: false });
  });

  it('a refused login is permanent, naming RELEVO_SMTP_URL', async () => {
    server.next({ step: 'auth', code: 535, text: '5.7.8 Authentication credentials invalid' });
    const failure = await failureOf(server.port, { auth: { user: 'relevo', pass: 'wrong' } });
    expect(failure).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(failure.message).toContain('RELEVO_SMTP_URL');
  });

  it('a refused connection is retried, as an outage', async () => {
    const raw = await rawServer();
    await raw.close();
    const failure = await failureOf(raw.port);
    expect(failure).toMatchObject({ code: 'unreachable', retryable: true, outage: true });
    expect(failure.message).toMatch(/RELEVO_SMTP_URL/);
  });

  it('a server that is not taking mail now (421) is retried, as an outage', async () => {
    const raw = await rawServer('421 4.3.2 Service not available, closing transmission channel');
    try {
      expect(await failureOf(raw.port)).toMatchObject({
        code: 'server_error',
        retryable: true,
        outage: true,
      });
    } finally {
      await raw.close();
    }
  });

  it('a server that never greets ends at the greeting timeout: retried, as an outage', async () => {
    const raw = await rawServer();
    try {
      const failure = await failureOf(raw.port, { greetingTimeout: 50 });
      expect(failure).toMatchObject({ code: 'timeout', retryable: true, outage: true });
    } finally {
      await raw.close();
    }
  });

  it('leaves a DeliveryFailure as it is and treats anything unknown as worth retrying', () => {
    const typed = new DeliveryFailure('x', { platform: 'email', code: 'refused', retryable: false });
    expect(smtpFailure(typed)).toBe(typed);
    expect(smtpFailure(new Error('boom'))).toMatchObject({ code: 'unexpected', retryable: true });
  });
});
