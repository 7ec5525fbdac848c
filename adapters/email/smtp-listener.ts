// The built-in SMTP listener: Relevo's embedded way to receive mail, meant to sit behind the team's MX or
// a relay on a loopback port. A message is answered "250" only once it is stored in the inbox, so the
// sending server keeps (and retries) anything Relevo did not take; refusals say why.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Logger, Metrics } from '../../src/core/ports.ts';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** A connection silent this long is closed. */
  timeoutMs: number;
  /** Connections at once; the next ones are refused with 421 until one ends. */
  maxClients: number;
  /** Recipient domains accepted (lower case); mail for others is refused at RCPT TO. */
  domains: string[];
  /** Stores the message; resolves once it is safe. */
  accept: (raw: Buffer) => Promise<void>;
  log: Logger;
  /** Ack latency: from the DATA command to the 250 (receiving the message included). */
  metrics?: Metrics;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

class SmtpReply extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const domains = new Set(opts.domains.map((d) => d.toLowerCase()));
  const server = new SMTPServer({
    name: 'relevo',
    banner: 'Relevo help desk',
    // Loopback behind the team's MX or relay: no AUTH, no STARTTLS (TLS ends at the relay).
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxBytes,
    socketTimeout: opts.timeoutMs,
    maxClients: opts.maxClients,
    logger: false,
    onRcptTo(address, _session, callback) {
      const domain = address.address.split('@')[1]?.toLowerCase() ?? '';
      if (!domains.has(domain)) {
        opts.log.info({ to: address.address }, 'SMTP: refused a recipient outside the support domains');
        return callback(
          new SmtpReply(
            `5.1.1 <${address.address}>: this server only takes mail for ${[...domains].join(', ')}`,
            550,
          ),
        );
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const arrived = performance.now();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          opts.log.info({ remote: session.remoteAddress }, 'SMTP: refused a message over the size limit');
          callback(new SmtpReply(`5.3.4 Message too big: the limit is ${opts.maxBytes} bytes`, 552));
          return;
        }
        opts
          .accept(Buffer.concat(chunks))
          .then(() => {
            opts.metrics?.ackLatency('email', 'smtp', (performance.now() - arrived) / 1000);
            callback();
          })
          .catch((err: unknown) => {
            opts.log.error({ err }, 'SMTP: could not store a message; the sender will retry');
            callback(new SmtpReply('4.3.0 Temporary problem storing the message, try again later', 451));
          });
      });
    },
  });
  server.on('error', (err) => opts.log.error({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port, domains: [...domains] }, 'SMTP listener ready');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
