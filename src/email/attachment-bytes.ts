// An email's attachment is not copied when its message is taken in (apply.ts attach): it is read from the
// received original, kept once in its inbox row, when someone downloads it.
import type { Db } from '../db/index.ts';
import { parseEmail } from './parse.ts';

export interface AttachmentInOriginal {
  inboundKey: string;
  part: number;
  filename: string;
  size: number;
}

/** Its bytes, or null when the original is not kept (never expected) or parses to another file. */
export async function attachmentFromOriginal(db: Db, a: AttachmentInOriginal): Promise<Buffer | null> {
  // base64 text: the embedded database's driver decodes a bytea result one byte at a time in JavaScript.
  const [row] = await db.$queryRaw<{ raw: string | null }[]>`
    SELECT encode(blob, 'base64') AS raw FROM "InboundEvent" WHERE key = ${a.inboundKey}`;
  if (!row?.raw) return null;
  const email = await parseEmail(Buffer.from(row.raw, 'base64'), { maxAttachmentBytes: a.size });
  const found = email.attachments[a.part];
  // The same bytes parse to the same files in the same order; anything else is not this file.
  if (!found?.content || found.filename !== a.filename || found.size !== a.size) return null;
  return found.content;
}
