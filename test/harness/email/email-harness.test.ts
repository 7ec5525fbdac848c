// Proves the email test harness itself: the SMTP sink records what nodemailer sends and can refuse
// on demand, and the throw-away Dovecot behaves like the IMAP server the email channel will poll.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plainMessage } from '../../fixtures/email/plain-message.ts';
import { eventually } from '../http.ts';
import { type Dovecot, startDovecot } from './dovecot.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

const rawMessage = (subject: string, body = 'Hello from the harness test.') =>
  plainMessage(subject, body, 'example.test').toString();

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

describe('smtp sink', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('records what nodemailer sends, envelope and raw headers intact', async () => {
    const transport = nodemailer.createTransport(sink.url);
    await transport.sendMail({
      from: 'Relevo <support@relevo.test>',
      to: 'customer@example.test',
      cc: 'boss@example.test',
      subject: 'Re: [#42] Printer on fire',
      messageId: '<reply-42@relevo.test>',
      inReplyTo: '<original-42@example.test>',
      references: ['<original-42@example.test>'],
      headers: { 'X-Relevo-Ticket': '42' },
      text: 'We are on it.',
    });
    transport.close();

    const [msg] = await sink.waitFor(1);
    expect(msg!.envelope).toEqual({
      from: 'support@relevo.test',
      to: ['customer@example.test', 'boss@example.test'],
    });
    const text = msg!.raw.toString('utf8');
    expect(text).toMatch(/^Message-ID: <reply-42@relevo\.test>\r$/m);
    expect(text).toMatch(/^X-Relevo-Ticket: 42\r$/m);
    expect(text).toMatch(/^In-Reply-To: <original-42@example\.test>\r$/m);
    const parsed = await simpleParser(msg!.raw);
    expect(parsed.subject).toBe('Re: [#42] Printer on fire');
    expect(parsed.references).toBe('<original-42@example.test>');
    expect(parsed.text?.trim()).toBe('We are on it.');
  });

  it('failNext makes the next sends reject with a temporary error, then accepts again', async () => {
    const before = sink.messages.length;
    sink.failNext(1);
    const transport = nodemailer.createTransport(sink.url);
    const mail = { from: 'support@relevo.test', to: 'customer@example.test', subject: 'retry me', text: 'x' };
    await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    await transport.sendMail(mail);
    transport.close();
    expect(sink.messages.length).toBe(before + 1);

    sink.failNext(1, 550);
    const again = nodemailer.createTransport(sink.url);
    await expect(again.sendMail(mail)).rejects.toMatchObject({ responseCode: 550 });
    again.close();
    expect(sink.messages.length).toBe(before + 1);
  });

  it('startSmtpSink({ failNext }) refuses from the first message', async () => {
    const s = await startSmtpSink({ failNext: 2 });
    const transport = nodemailer.createTransport(s.url);
    const mail = { from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't' };
    await expect(transport.sendMail(mail)).rejects.toThrow();
    await expect(transport.sendMail(mail)).rejects.toThrow();
    await transport.sendMail(mail);
    transport.close();
    expect(s.messages).toHaveLength(1);
    await expect(s.waitFor(2, 50)).rejects.toThrow(/1 of 2 messages/);
    await s.close();
    await s.close();
  });
});

describe('dovecot', () => {
  let dv: Dovecot;
  const clients: ImapFlow[] = [];
  const connect = async (opts: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}) => {
    const c = new ImapFlow({ ...dv.imapOptions(), ...opts });
    // A client dropped by stop() at the end of the file must not surface as an unhandled error.
    c.on('error', () => {});
    clients.push(c);
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    // startDovecot resolves once the server has greeted on its port (within a generous ceiling); how
    // long that took is information, not a test.
    const t0 = performance.now();
    dv = await startDovecot();
    console.log(`dovecot started in ${(performance.now() - t0).toFixed(0)} ms on port ${dv.port}`);
    expect(await canConnect(dv.port)).toBe(true);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.logout().catch(() => c.close());
  });
  afterAll(async () => {
    await dv?.stop();
  });

  it('appends a message that ImapFlow fetches back byte for byte', async () => {
    const raw = rawMessage('fetch-back');
    const uid = await dv.append('INBOX', raw);
    expect(uid).toBeGreaterThan(0);

    const client = await connect();
    const box = await client.mailboxOpen('INBOX');
    expect(box.exists).toBe(1);
    const msg = await client.fetchOne(
      String(uid),
      { uid: true, envelope: true, source: true },
      { uid: true },
    );
    if (!msg) throw new Error('message not fetched');
    expect(msg.envelope?.subject).toBe('fetch-back');
    expect(msg.source?.toString()).toBe(raw);

    const listed = await dv.list('INBOX');
    expect(listed.map((m) => m.uid)).toEqual([uid]);
    expect(listed[0]!.raw.toString()).toBe(raw);
  });

  it('IDLE reports a message appended by another connection', async () => {
    const client = await connect({ autoIdleDelay: 50 });
    await client.mailboxOpen('INBOX');
    const before = client.mailbox ? client.mailbox.exists : 0;
    const seen = new Promise<{ count: number; at: number }>((resolve) => {
      client.on('exists', (ev: { count: number }) => resolve({ count: ev.count, at: performance.now() }));
    });
    // Append only once IDLE is really running, so the event cannot come from a later NOOP or SELECT.
    await eventually(async () => client.idling, 'the client to enter IDLE');

    const appendedAt = performance.now();
    await dv.append('INBOX', rawMessage('idle-push'));
    const ev = await seen;
    console.log(`IDLE saw the new message ${(ev.at - appendedAt).toFixed(0)} ms after the append began`);
    expect(ev.count).toBe(before + 1);
  });

  it('flags \\Seen and moves a message to another mailbox', async () => {
    const uid = await dv.append('INBOX', rawMessage('to-archive'));
    const client = await connect();
    await client.mailboxCreate('Archive');
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    const moved = await client.messageMove(String(uid), 'Archive', { uid: true });
    expect(moved).toMatchObject({ destination: 'Archive' });

    expect((await dv.list('INBOX')).map((m) => m.uid)).not.toContain(uid);
    const archived = await dv.list('Archive');
    expect(archived).toHaveLength(1);
    expect(archived[0]!.flags).toContain('\\Seen');
    expect(archived[0]!.raw.toString()).toContain('Subject: to-archive');
  });

  it('append creates a missing mailbox and keeps the given flags', async () => {
    const uid = await dv.append('Spam', rawMessage('flagged'), ['\\Flagged']);
    const [msg] = await dv.list('Spam');
    expect(msg).toMatchObject({ uid, flags: ['\\Flagged'] });
  });

  it('rejects wrong passwords every time, without holding a penalty against the address', async () => {
    // Dovecot's anvil would delay each further failed login from an IP, longer each time up to 15 s, and
    // every test connection comes from 127.0.0.1; the harness's config keeps anvil from recording any.
    // Asked after each failure, anvil holds none (with the penalty on, it lists 127.0.0.1 at once).
    for (let i = 0; i < 3; i++) {
      const bad = new ImapFlow({ ...dv.imapOptions(), auth: { user: dv.user, pass: 'wrong' } });
      bad.on('error', () => {});
      await expect(bad.connect()).rejects.toMatchObject({ authenticationFailed: true });
      bad.close();
      expect(await dv.authPenalties()).toEqual([]);
    }
    // The right password still gets in straight after.
    const client = await connect();
    expect((await client.mailboxOpen('INBOX')).path).toBe('INBOX');
  });

  it('runs two instances at once, with their own users and mail, and stops cleanly', async () => {
    const [a, b] = await Promise.all([
      startDovecot({ users: [{ user: 'alice@example.test', password: 'a-secret' }] }),
      startDovecot({
        users: [
          { user: 'bob@example.test', password: 'b-secret' },
          { user: 'carol@example.test', password: 'c-secret' },
        ],
      }),
    ]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.user).toBe('alice@example.test');
      expect(b.imapOptions('carol@example.test').auth).toEqual({
        user: 'carol@example.test',
        pass: 'c-secret',
      });
      await a.append('INBOX', rawMessage('only-in-a'));
      expect(await a.list('INBOX')).toHaveLength(1);
      expect(await b.list('INBOX')).toHaveLength(0);

      const carol = new ImapFlow(b.imapOptions('carol@example.test'));
      await carol.connect();
      expect((await carol.mailboxOpen('INBOX')).exists).toBe(0);
      await carol.logout();
    } finally {
      const t0 = performance.now();
      await Promise.all([a.stop(), b.stop()]);
      console.log(`two dovecots stopped in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    // Twice is harmless, and nothing is left behind.
    await a.stop();
    expect(await canConnect(a.port)).toBe(false);
    expect(existsSync(a.dir)).toBe(false);
    expect(existsSync(b.dir)).toBe(false);
  });
});
