// An SMTP server for tests that accepts every message on 127.0.0.1 and keeps it in memory, byte for
// byte, so tests can assert on what Relevo actually put on the wire. It can also be told to refuse
// the next few messages, to exercise retry paths.
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type ParsedEmail, parseEmail } from '../../../src/email/parse.ts';

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** The DATA payload as received (headers and body, dot-unstuffed). */
  raw: Buffer;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT`, usable as a nodemailer transport URL. */
  url: string;
  host: string;
  port: number;
  /** Every accepted message, in arrival order (refused ones are not recorded). */
  messages: SinkMessage[];
  /** Resolves with `messages` once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Makes the next `n` messages fail at the end of DATA with `code` (a temporary 451 by default). */
  failNext(n: number, code?: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: { failNext?: number } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  let failing = opts.failNext ?? 0;
  let failCode = 451;

  const server = new SMTPServer({
    authOptional: true,
    // Nodemailer upgrades to TLS whenever STARTTLS is offered, and the sink has no certificate worth
    // trusting; hiding the command keeps the whole exchange in plain text.
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'relevo test sink',
    // A client that keeps a pooled connection open would otherwise hold close() for 30 s.
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      // The reply has to wait for the end of the stream: smtp-server answers DATA only then.
      stream.on('end', () => {
        if (failing > 0) {
          failing--;
          const err = new Error(`Temporary failure (smtp-sink failNext)`) as Error & { responseCode: number };
          err.responseCode = failCode;
          callback(err);
          return;
        }
        const { mailFrom, rcptTo } = session.envelope;
        messages.push({
          envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) },
          raw: Buffer.concat(chunks),
        });
        for (const w of waiters) w();
        callback(null, 'Queued by relevo test sink');
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client vanishing mid-session must not become an unhandled 'error' that fails the test run.
  server.on('error', () => {});
  const port = (server.server.address() as net.AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    messages,
    waitFor(count, timeoutMs = 5_000) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`smtp sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    failNext(n, code = 451) {
      failing = n;
      failCode = code;
    },
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}

/** Everything a sink has received so far, parsed; each message is parsed once however often this is asked. */
export function parsedMail(sink: () => SmtpSink): () => Promise<(SinkMessage & { mail: ParsedEmail })[]> {
  const parsed = new Map<SinkMessage, ParsedEmail>();
  return async () => {
    const out: (SinkMessage & { mail: ParsedEmail })[] = [];
    for (const m of sink().messages) {
      let mail = parsed.get(m);
      if (!mail) {
        mail = await parseEmail(m.raw);
        parsed.set(m, mail);
      }
      out.push({ ...m, mail });
    }
    return out;
  };
}
