// `relevo email inspect <file.eml>`: every decision the email pipeline would take about one message,
// as plain JSON, so "why did this mail land there?" is answered without a debugger. No attachment bytes.
import { readForward } from './forward.ts';
import { autoReplyVerdict } from './loop-guard.ts';
import { type Address, parseEmail } from './parse.ts';
import { ticketNumberInSubject } from './reference.ts';
import { visibleText } from './visible-text.ts';

export interface EmailInspection {
  messageId: string | null;
  dedupeKey: string;
  sender: Address | null;
  subject: string;
  date: string | null;
  forwarded: null | {
    originalSender: Address;
    originalSubject: string;
    forwarder: Address | null;
    note: string;
  };
  ticketReference: { subjectNumber: number | null; inReplyTo: string | null; references: string[] };
  visibleText: string;
  quotedHistoryRemoved: boolean;
  signature: string | null;
  attachments: { filename: string; contentType: string; size: number; oversized: boolean }[];
  loopGuard: { autoReplyAllowed: boolean; reason: string | null };
}

export interface InspectOptions {
  ownAddresses: readonly string[];
  maxAttachmentBytes?: number;
}

export async function inspectEmail(raw: Buffer | string, opts: InspectOptions): Promise<EmailInspection> {
  const email = await parseEmail(raw, { maxAttachmentBytes: opts.maxAttachmentBytes });
  const forward = readForward(email);
  const shown = visibleText(email.text);
  const verdict = autoReplyVerdict(email, { ownAddresses: opts.ownAddresses });
  return {
    messageId: email.messageId,
    dedupeKey: email.dedupeKey,
    sender: email.from,
    subject: email.subject,
    date: email.date ? email.date.toISOString() : null,
    forwarded: forward
      ? {
          originalSender: forward.originalFrom,
          originalSubject: forward.originalSubject,
          forwarder: email.from,
          note: forward.forwarderNote,
        }
      : null,
    ticketReference: {
      subjectNumber: ticketNumberInSubject(email.subject),
      inReplyTo: email.inReplyTo,
      references: email.references,
    },
    visibleText: shown.visible,
    quotedHistoryRemoved: shown.quotedHistory,
    signature: shown.signature,
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      oversized: a.oversized,
    })),
    loopGuard: verdict.allowed
      ? { autoReplyAllowed: true, reason: null }
      : { autoReplyAllowed: false, reason: verdict.reason },
  };
}
