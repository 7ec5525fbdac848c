// An email's attachment is not copied when its message is taken in (apply.ts attach): it is read from the
// received original, kept once in its inbox row, when someone downloads it.
import { storedBytes } from '../core/inbox.ts';
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
  const raw = await storedBytes(db, a.inboundKey);
  if (!raw) return null;
  const email = await parseEmail(raw, { maxAttachmentBytes: a.size });
  const found = email.attachments[a.part];
  // The same bytes parse to the same files in the same order; anything else is not this file.
  if (!found?.content || found.filename !== a.filename || found.size !== a.size) return null;
  return found.content;
}
