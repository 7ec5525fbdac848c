// `relevo email inspect <file.eml>`: every decision the email pipeline would take about one message,
// as plain JSON, so "why did this mail land there?" is answered without a debugger. No attachment bytes.
import { trustedAuthenticationResults, vouchesFor } from './authentication-results.ts';
import { readForward } from './forward.ts';
import { autoReplyVerdict } from './loop-guard.ts';
import { type Address, parseEmail } from './parse.ts';
import { ticketNumberInSubject } from './reference.ts';
import { tokensReferenced } from './reply-token.ts';
import { readVisible } from './visible-text.ts';

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
  /**
   * What could authenticate the sender as an agent: the verdict of the topmost Authentication-Results
   * header from a trusted server (RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS), and whether the message answers
   * something shaped like a personal copy's reply token (the token itself is a secret: never printed).
   */
  senderAuthentication: {
    trustedServer: string | null;
    results: string[];
    vouches: 'dmarc' | 'dkim' | null;
    repliesToPersonalCopy: boolean;
  };
}

export interface InspectOptions {
  ownAddresses: readonly string[];
  trustedAuthservIds?: readonly string[];
  maxAttachmentBytes?: number;
}

export async function inspectEmail(raw: Buffer | string, opts: InspectOptions): Promise<EmailInspection> {
  const email = await parseEmail(raw, { maxAttachmentBytes: opts.maxAttachmentBytes });
  const forward = readForward(email);
  const shown = readVisible(email);
  const verdict = autoReplyVerdict(email, { ownAddresses: opts.ownAddresses });
  const server = trustedAuthenticationResults(email.fields, opts.trustedAuthservIds ?? []);
  const fromDomain = email.from?.address.split('@')[1] ?? '';
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
    senderAuthentication: {
      trustedServer: server?.authservId ?? null,
      results: (server?.results ?? []).map((r) =>
        [`${r.method}=${r.result}`, ...Object.entries(r.props).map(([k, v]) => `${k}=${v}`)].join(' '),
      ),
      vouches: vouchesFor(server, fromDomain),
      repliesToPersonalCopy: tokensReferenced([email.inReplyTo, ...email.references]).length > 0,
    },
  };
}
