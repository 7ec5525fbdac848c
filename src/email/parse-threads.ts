// Parsing mail off the main thread. Parsing a message and reading its visible text (mailparser, then a DOM
// over its HTML) was a tenth of the main thread's work per message, where it competes with the SMTP
// listener and the database (the embedded one runs on that thread too). A parsing thread does it on
// another core; a message accepted now is parsed at once (`ahead`), so that by the time the inbox takes
// it the parse is done or under way. The thread starts with the first message and ends after a quiet
// minute, so an idle help desk holds no second JavaScript heap.

import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/ports.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';
import type { ParseRequest } from './parse-thread.ts';
import { rememberReading, type VisibleText } from './visible-text.ts';

type Answer = { id: number; email: ParsedEmail; reading: VisibleText } | { id: number; error: string };

export interface ParseThreadsOptions {
  maxAttachmentBytes: number;
  log: Logger;
  /** The thread ends after this long without a message (default a minute). */
  idleMs?: number;
  /**
   * Parses started ahead and not yet taken, bounded by their messages' bytes: a parsed message holds two
   * to three times its bytes (text, HTML, attachments), so 16 MiB by default.
   */
  maxAheadBytes?: number;
}

// The compiled thread beside the compiled module. From the TypeScript sources (tests, benches, `npm run
// dev`) the thread first registers tsx, which compiles them as it does for the main thread (a worker
// does not take `--import` loaders from its options).
const fromSources = extname(fileURLToPath(import.meta.url)) === '.ts';
const threadFile = new URL(`./parse-thread${fromSources ? '.ts' : '.js'}`, import.meta.url);

function startThread(): Worker {
  if (!fromSources) return new Worker(threadFile);
  // The ESM entry (`import` condition) beside the one require() resolves.
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(threadFile.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class ParseThreads {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (e: ParsedEmail) => void; reject: (e: Error) => void }
  >();
  private idle: NodeJS.Timeout | undefined;
  private readonly early = new Map<string, { parsed: Promise<ParsedEmail>; bytes: number }>();
  private earlyBytes = 0;
  private closed = false;

  constructor(private readonly options: ParseThreadsOptions) {}

  /**
   * The message parsed, with its reading remembered (readVisible does not read it again). Once stopped, or
   * when the thread fails, on this thread as before.
   */
  parse(raw: Buffer): Promise<ParsedEmail> {
    if (this.closed) return parseEmail(raw, { maxAttachmentBytes: this.options.maxAttachmentBytes });
    return this.inThread(raw).catch((err: unknown) => {
      if (!this.closed)
        this.options.log.warn({ err }, 'the email parsing thread failed: parsed on the main thread');
      return parseEmail(raw, { maxAttachmentBytes: this.options.maxAttachmentBytes });
    });
  }

  private inThread(raw: Buffer): Promise<ParsedEmail> {
    const worker = this.started();
    const id = this.next++;
    return new Promise<ParsedEmail>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: ParseRequest = { id, raw, maxAttachmentBytes: this.options.maxAttachmentBytes };
      worker.postMessage(request);
    });
  }

  /**
   * Starts parsing a message just stored under `key`, for `take` to pick up — unless the parses waiting
   * to be taken already hold the bound: the inbox takes the oldest first, so those are kept, and a message
   * past the bound is parsed when its turn comes.
   */
  ahead(key: string, raw: Buffer): void {
    const maxBytes = this.options.maxAheadBytes ?? 16 * 1024 * 1024;
    if (this.early.has(key) || this.earlyBytes + raw.length > maxBytes) return;
    this.early.set(key, { parsed: this.parse(raw), bytes: raw.length });
    this.earlyBytes += raw.length;
  }

  /**
   * Resolves once the oldest `count` parses started ahead are done (or failed): the inbox waits for this
   * before it opens a transaction for them (InboundHandler.ready), which then finds them parsed instead of
   * holding the transaction — on the embedded database, every sender's "250" — while they are.
   */
  async oldestParsed(count: number): Promise<void> {
    const oldest: Promise<unknown>[] = [];
    for (const { parsed } of this.early.values()) {
      if (oldest.length >= count) break;
      oldest.push(parsed.catch(() => undefined));
    }
    await Promise.all(oldest);
  }

  /** A parsing thread is up (it starts with a message and ends after a quiet spell). */
  get threadRunning(): boolean {
    return this.worker !== undefined;
  }

  /** The parse started ahead for `key`, if this process started one. */
  take(key: string): Promise<ParsedEmail> | undefined {
    const found = this.early.get(key);
    this.drop(key);
    return found?.parsed;
  }

  /** Ends the thread; what it still held, and whatever comes later, is parsed on this thread. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.reject(new Error('the email parsing thread was stopped'));
    }
    await worker?.terminate();
  }

  /** A quiet spell: the thread ends, and the next message starts a new one. */
  private async rest() {
    const worker = this.worker;
    if (!worker || this.waiting.size) return;
    this.worker = undefined;
    await worker.terminate();
  }

  private drop(key: string) {
    const found = this.early.get(key);
    if (!found) return;
    this.early.delete(key);
    this.earlyBytes -= found.bytes;
  }

  private started(): Worker {
    clearTimeout(this.idle);
    if (this.worker) return this.worker;
    const worker = startThread();
    worker.on('message', (answer: Answer) => this.answered(answer));
    // A thread that dies (out of memory on a hostile message, say) fails what it held, which `parse` then
    // parses on the main thread; the next message starts a new thread.
    const stopped = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, w] of this.waiting) {
        this.waiting.delete(id);
        w.reject(err);
      }
    };
    worker.on('error', (err) => {
      this.options.log.error({ err }, 'the email parsing thread failed');
      stopped(err);
    });
    worker.on('exit', (code) => stopped(new Error(`the email parsing thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private answered(answer: Answer) {
    const w = this.waiting.get(answer.id);
    if (!w) return;
    this.waiting.delete(answer.id);
    if ('error' in answer) w.reject(new Error(answer.error));
    else w.resolve(revived(answer.email, answer.reading));
    if (this.waiting.size === 0) {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => void this.rest(), this.options.idleMs ?? 60_000);
      this.idle.unref();
    }
  }
}

/** Buffers arrive as plain byte arrays; the rest of the message (text, dates, arrays) as it was. */
function revived(email: ParsedEmail, reading: VisibleText): ParsedEmail {
  for (const a of email.attachments)
    if (a.content) a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
  rememberReading(email, reading);
  return email;
}
