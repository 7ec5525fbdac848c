// Accepting a raw message from the SMTP listener or the IMAP mailbox: stored in the inbox under its
// Message-ID (or a hash of its bytes) before the sender is told "250 OK" / the IMAP copy is moved, so a
// crash loses nothing and a second delivery of the same message is a no-op.
import { acceptInbound } from '../core/inbox.ts';
import type { IngressGate } from '../core/ingress.ts';
import type { Db } from '../db/index.ts';
import { firstMessageId } from './headers.ts';
import { contentHash, splitRaw } from './raw-mime.ts';

export const EMAIL_INBOX_SOURCE = 'email.message';

export function emailInboxKey(raw: Buffer): string {
  const { header } = splitRaw(raw);
  const m = /^message-id[ \t]*:([^\n]*(?:\r?\n[ \t][^\n]*)*)/im.exec(header);
  const id = m?.[1] ? firstMessageId(m[1].replace(/\r?\n[ \t]+/g, ' ')) : null;
  return `email:${id ?? contentHash(raw)}`;
}

/** Returns true when the message was new (false: the same message was accepted before). */
export async function acceptEmail(
  db: Db,
  raw: Buffer,
  via: 'smtp' | 'imap',
  ingress: IngressGate,
): Promise<boolean> {
  return ingress.run(() =>
    acceptInbound(db, {
      key: emailInboxKey(raw),
      source: EMAIL_INBOX_SOURCE,
      payload: { via },
      blob: raw,
    }),
  );
}

export function rawFromPayload(payload: unknown, blob: Buffer | null): Buffer {
  if (blob) return blob;
  // Stored before raw bytes had a column of their own.
  const raw = (payload as { raw?: unknown }).raw;
  if (typeof raw !== 'string') throw new Error('email inbox event has no raw message');
  return Buffer.from(raw, 'base64');
}
