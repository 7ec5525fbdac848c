// Accepting a raw message from the SMTP listener or the IMAP mailbox: stored in the inbox under its
// Message-ID (or a hash of its bytes) before the sender is told "250 OK" / the IMAP copy is moved, so a
// crash loses nothing and a second delivery of the same message is a no-op.
import { acceptInboundBatch } from '../core/inbox.ts';
import type { IngressGate } from '../core/ingress.ts';
import type { Db, DirectSql } from '../db/index.ts';
import { firstMessageId } from './headers.ts';
import { contentHash, splitRaw } from './raw-mime.ts';

export const EMAIL_INBOX_SOURCE = 'email.message';

/** An unfolded header field's value, read from the raw header block (no parsing before "250 OK"). */
function rawField(header: string, name: string): string | undefined {
  const m = new RegExp(`^${name}[ \\t]*:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)`, 'im').exec(header);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ');
}

export function emailInboxKey(raw: Buffer): string {
  const id = firstMessageId(rawField(splitRaw(raw).header, 'message-id'));
  return `email:${id ?? contentHash(raw)}`;
}

/**
 * The conversation a message belongs to, for the inbox's order: its thread's root — the first Message-ID
 * of References, else In-Reply-To's — or, for a message that answers nothing, its own Message-ID. So a
 * reply is never handled before the message it answers when both wait in the inbox.
 */
export function emailInboxThread(raw: Buffer): string | undefined {
  const { header } = splitRaw(raw);
  const root =
    firstMessageId(rawField(header, 'references')) ??
    firstMessageId(rawField(header, 'in-reply-to')) ??
    firstMessageId(rawField(header, 'message-id'));
  return root ? `email:${root}` : undefined;
}

/** Returns true when the message was new (false: the same message was accepted before). */
export async function acceptEmail(
  db: Db | DirectSql,
  raw: Buffer,
  via: 'smtp' | 'imap',
  ingress: IngressGate,
): Promise<boolean> {
  return new EmailAcceptor(db, ingress).accept(raw, via);
}

interface Waiting {
  key: string;
  thread?: string;
  raw: Buffer;
  via: 'smtp' | 'imap';
  done: (fresh: boolean) => void;
  fail: (err: unknown) => void;
}

/**
 * Group commit: messages arriving while a write is in flight are stored together in the next one, one
 * statement and one commit for all of them, and each sender is answered only after that commit. An
 * idle listener writes a lone message at once (no timer, no added latency); under a storm the cost of a
 * commit is shared by every message that arrived meanwhile.
 */
export class EmailAcceptor {
  private waiting: Waiting[] = [];
  private writing = false;

  private readonly limits: { messages: number; bytes: number };
  /** Told of each new message once it has committed (its bytes kept for the inbox worker, its parse begun). */
  private readonly stored?: (key: string, raw: Buffer) => void;

  constructor(
    /** The database's direct statements in Relevo (a 50 KB message skips Prisma's serialising), or Prisma. */
    private readonly db: Db | DirectSql,
    private readonly ingress: IngressGate,
    options: {
      limits?: { messages: number; bytes: number };
      stored?: (key: string, raw: Buffer) => void;
    } = {},
  ) {
    this.limits = options.limits ?? { messages: 100, bytes: 16 * 1024 * 1024 };
    this.stored = options.stored;
  }

  /** Resolves once stored: true when the message was new, false for a message accepted before. */
  accept(raw: Buffer, via: 'smtp' | 'imap'): Promise<boolean> {
    return new Promise((done, fail) => {
      this.waiting.push({ key: emailInboxKey(raw), thread: emailInboxThread(raw), raw, via, done, fail });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll() {
    this.writing = true;
    try {
      while (this.waiting.length) await this.writeBatch(this.takeBatch());
    } finally {
      this.writing = false;
    }
  }

  private takeBatch(): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length && n < this.limits.messages) {
      bytes += this.waiting[n]?.raw.length ?? 0;
      if (n > 0 && bytes > this.limits.bytes) break;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async writeBatch(batch: Waiting[]) {
    try {
      const fresh = await this.ingress.run(() =>
        acceptInboundBatch(
          this.db,
          batch.map((m) => ({
            key: m.key,
            source: EMAIL_INBOX_SOURCE,
            payload: { via: m.via },
            blob: m.raw,
            thread: m.thread,
          })),
        ),
      );
      // The same message twice in one batch: the first is new, the second a duplicate.
      for (const m of batch) {
        const isNew = fresh.delete(m.key);
        if (isNew) this.stored?.(m.key, m.raw);
        m.done(isNew);
      }
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.fail(err);
        return;
      }
      // One bad message (say, a Message-ID too long to index) must not refuse the others with it.
      for (const m of batch) await this.writeBatch([m]);
    }
  }
}

export function rawFromPayload(payload: unknown, blob: Buffer | null): Buffer {
  if (blob) return blob;
  // Stored before raw bytes had a column of their own.
  const raw = (payload as { raw?: unknown }).raw;
  if (typeof raw !== 'string') throw new Error('email inbox event has no raw message');
  return Buffer.from(raw, 'base64');
}
