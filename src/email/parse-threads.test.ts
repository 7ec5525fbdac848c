import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/harness/http.ts';
import { parseEmail } from './parse.ts';
import { ParseThreads } from './parse-threads.ts';
import { readVisible } from './visible-text.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;
const dir = path.resolve('test/fixtures/email');
const fixtures = async () => (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();

/** A message with a 3 MB attachment: tens of milliseconds to parse. */
function largeMessage(): Buffer {
  const attachment = Buffer.alloc(3_000_000, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    'From: a@example.com\r\nSubject: large\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n' +
      `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--b--\r\n`,
  );
}

describe('parsing mail on a thread of its own', () => {
  let threads: ParseThreads | undefined;
  afterEach(() => threads?.close());

  it('gives every fixture exactly as the main thread parses and reads it, attachments as buffers', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 100_000, log: silent });
    for (const file of await fixtures()) {
      const raw = await readFile(path.join(dir, file));
      const here = await parseEmail(raw, { maxAttachmentBytes: 100_000 });
      const there = await threads.parse(raw);
      expect(threads.threadRunning, file).toBe(true);
      expect(there, file).toEqual(here);
      for (const a of there.attachments) if (a.content) expect(Buffer.isBuffer(a.content), file).toBe(true);
      expect(readVisible(there), file).toEqual(readVisible(here));
    }
  });

  it('hands a message parsed ahead to whoever takes it, once', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 100_000, log: silent });
    const raw = await readFile(path.join(dir, 'gmail-reply-es.eml'));
    threads.ahead('k1', raw);
    const taken = threads.take('k1');
    expect(taken).toBeDefined();
    expect(threads.take('k1')).toBeUndefined();
    expect(await taken).toEqual(await parseEmail(raw, { maxAttachmentBytes: 100_000 }));
  });

  it('answers in the order asked: a storm’s first message is not held up by the hundreds sent after it', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 10_000_000, log: silent });
    const large = largeMessage();
    const small = Buffer.from('From: b@example.com\r\nSubject: small\r\n\r\nhi\r\n');
    const order: number[] = [];
    await Promise.all(
      [large, ...Array(20).fill(small)].map((raw, i) => threads?.parse(raw).then(() => order.push(i))),
    );
    // Parsed side by side, the small ones came back first.
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('says when the oldest parses started ahead are done, for the inbox to wait outside its transaction', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 10_000_000, log: silent });
    const large = largeMessage();
    threads.ahead('big', large);
    threads.ahead('small', Buffer.from('From: b@example.com\r\nSubject: small\r\n\r\nhi\r\n'));
    await threads.oldestParsed(2);
    // Settled already: a callback on a settled promise runs before the next turn of the event loop.
    const settled = (p: Promise<unknown> | undefined) =>
      Promise.race([p?.then(() => true), new Promise((r) => setImmediate(() => r(false)))]);
    expect(await settled(threads.take('big'))).toBe(true);
    expect(await settled(threads.take('small'))).toBe(true);
    // Nothing started ahead: nothing to wait for.
    await threads.oldestParsed(25);
  });

  it('keeps parses ahead within their byte bound: the oldest, which the inbox takes first', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 100_000, log: silent, maxAheadBytes: 2500 });
    const raw = Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\n'.padEnd(1000, 'x'));
    for (const key of ['a', 'b', 'c']) threads.ahead(key, raw);
    expect(threads.take('a')).toBeDefined();
    expect(threads.take('b')).toBeDefined();
    expect(threads.take('c')).toBeUndefined();
    // Taking frees room for the next.
    threads.ahead('d', raw);
    expect(threads.take('d')).toBeDefined();
  });

  it('ends the thread after a quiet spell and starts one again for the next message', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 100_000, log: silent, idleMs: 1 });
    const raw = await readFile(path.join(dir, 'gmail-new-en.eml'));
    await threads.parse(raw);
    await eventually(async () => !threads?.threadRunning, 'the idle thread to end', 30_000);
    const again = threads.parse(raw);
    expect(threads.threadRunning).toBe(true);
    expect((await again).subject).toBe((await parseEmail(raw)).subject);
  });

  it('once stopped, parses on the main thread', async () => {
    threads = new ParseThreads({ maxAttachmentBytes: 100_000, log: silent });
    const raw = await readFile(path.join(dir, 'gmail-new-en.eml'));
    const pending = threads.parse(raw);
    await threads.close();
    expect(await pending).toEqual(await parseEmail(raw, { maxAttachmentBytes: 100_000 }));
    expect(await threads.parse(raw)).toEqual(await parseEmail(raw, { maxAttachmentBytes: 100_000 }));
    expect(threads.threadRunning).toBe(false);
  });
});
