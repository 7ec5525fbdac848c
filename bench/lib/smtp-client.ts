// bench:email's SMTP client: the load generator's side of RFC 5321, lean enough that its CPU stays small
// beside Relevo's on the same two cores (a sending MTA is on another machine in service). nodemailer,
// which it replaced here, escaped every message byte by byte in JavaScript while sending: ~0.9–1.8
// CPU-seconds a storm, taken from the server under test. Here each message is made ready before the
// clock starts (CRLF line ends, leading dots doubled, as nodemailer sends them), and sending is writing
// those bytes. The exchange per message is nodemailer's: MAIL FROM, RCPT TO, DATA, each awaiting its reply.
import { connect, type Socket } from 'node:net';

/** A message as sent on the wire after DATA: CRLF line ends, dot-stuffed, ended by CRLF.CRLF. */
export function wireData(raw: Buffer): Buffer {
  const text = raw
    .toString('latin1')
    .replace(/\r?\n|\r/g, '\r\n')
    .replace(/^\./gm, '..');
  return Buffer.from(`${text}${text.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** One SMTP session: replies are read in order, each a (possibly multi-line) reply ending "ddd ". */
class Session {
  private buffered = '';
  private readonly waiting: ((reply: string) => void)[] = [];
  private readonly replies: string[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (;;) {
        const end = this.buffered.search(/^\d{3} .*\r\n/m);
        if (end < 0) break;
        const lineEnd = this.buffered.indexOf('\r\n', end) + 2;
        const reply = this.buffered.slice(0, lineEnd);
        this.buffered = this.buffered.slice(lineEnd);
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    });
  }

  static async open(port: number): Promise<Session> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new Session(socket);
    await session.expect('220');
    await session.command('EHLO bench.relevo.test', '250');
    return session;
  }

  private next(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async expect(code: string): Promise<string> {
    const reply = await this.next();
    if (!reply.startsWith(code)) throw new Error(`SMTP: expected ${code}, got ${reply.trim()}`);
    return reply;
  }

  command(line: string, code: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.expect(code);
  }

  /** One message: true when answered 250, false when refused (any other final reply). */
  async send(from: string, to: string, data: Buffer): Promise<boolean> {
    await this.command(`MAIL FROM:<${from}>`, '250');
    await this.command(`RCPT TO:<${to}>`, '250');
    await this.command('DATA', '354');
    this.socket.write(data);
    return (await this.next()).startsWith('250');
  }

  async close(): Promise<void> {
    await this.command('QUIT', '221').catch(() => undefined);
    this.socket.end();
  }
}

/** Sends every message over `connections` sessions at once, each taking the next unsent message. */
export async function sendAll(
  port: number,
  envelope: { from: string; to: string },
  messages: readonly Buffer[],
  connections: number,
): Promise<{ accepted: number; refused: number }> {
  let next = 0;
  let accepted = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const session = await Session.open(port);
      for (let i = next++; i < messages.length; i = next++) {
        if (await session.send(envelope.from, envelope.to, messages[i] as Buffer)) accepted++;
        else refused++;
      }
      await session.close();
    }),
  );
  return { accepted, refused };
}
