// Who originally wrote a forwarded message, so an agent forwarding a customer's mail opens the ticket
// for the customer. email-forward-parser reads the inline forms; a forward sent as a message/rfc822
// attachment comes from ParsedEmail.embeddedMessages.
import EmailForwardParser, { type EmailForwardResult } from 'email-forward-parser';
import { hideLongLines } from '../../src/email/long-lines.ts';
import type { Address, EmbeddedMessage, ParsedEmail } from '../../src/email/parse.ts';
import { baseSubject } from '../../src/email/reference.ts';
import { cleanAddress, cleanDisplayName, cleanHeaderText } from '../../src/email/sanitize.ts';
import { normaliseText, visibleText } from './visible-text.ts';

export interface ForwardInfo {
  originalFrom: Address;
  originalSubject: string;
  /** As the forwarding client wrote it ("lunes, 3 de marzo de 2025 10:15"), not parsed. */
  originalDate: string | null;
  originalBody: string;
  forwarderNote: string;
}

const LEADING_TAGS = /^\s*(?:\[[^\]]*\]\s*)*/;
const FORWARD_PREFIX = /^(?:fwd?|rv|tr|enc|wg)\s*:/i;
const REPLY_PREFIX = /^(?:re|aw|sv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*:/i;
// The library only knows IONOS's 10-dash "Original Message" line; Outlook's 5-dash one (English and
// Spanish) introduces the same From/Sent/To/Subject block as Outlook Live's line of 32 underscores,
// which the library does read, so the one is rewritten into the other.
const OUTLOOK_ORIGINAL =
  /^[ \t]*>?[ \t]*-{2,}[ \t]*(?:original message|mensaje original)[ \t]*-{2,}[ \t]*$/gim;
const OUTLOOK_LIVE_RULE = '_'.repeat(32);
// Outlook desktop in Spanish writes "Enviado el:"; the library's date labels stop at "Enviado:".
const SENT_ON = /^([ \t]*)Enviado el[ \t]*:/gim;
// The library's ^\s* separators are quadratic over blank runs (16 KB of newlines: 7.5 s), which
// normaliseText collapses, and its unanchored \s* over any long run of whitespace (lines of 500
// ideographic spaces: 4 s in 32 KB), which WIDE_SPACE shortens; long lines are cut by hideLongLines.
// With all three, and at most 32,000 characters, the worst crafted input measured here took 0.2 s.
// bench/email-hostile.ts measures it; src/email/forward.test.ts checks what the library is given.
const LIBRARY_LIMIT = 32_000;
const LINE_LIMIT = 500;
// Any whitespace but the line break: spaces, tabs, ideographic and other Unicode spaces.
const WIDE_SPACE = /[^\S\n]{16,}/g;

function prefixOf(subject: string): 'forward' | 'reply' | null {
  const bare = subject.replace(LEADING_TAGS, '');
  if (FORWARD_PREFIX.test(bare)) return 'forward';
  if (REPLY_PREFIX.test(bare)) return 'reply';
  return null;
}

function tidy(text: string): string {
  return (
    text
      // Only from the first space of a run: /[ \t]+$/gm retries from every space of a long run inside a
      // line, which is quadratic (40,000 spaces in an attached message: 5 s).
      .replace(/(?<![ \t])[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** The forwarder's own words: no trailing rule line, no signature. */
function noteOf(message: string | null): string {
  const withoutRule = tidy(message ?? '').replace(/\n\s*(?:_{10,}|-{10,})\s*$/, '');
  return withoutRule ? visibleText(withoutRule).visible : '';
}

function readInline(text: string, subject: string, forwardLike: boolean): ForwardInfo | null {
  let body = normaliseText(text).replace(WIDE_SPACE, '    ');
  if (forwardLike) body = body.replace(OUTLOOK_ORIGINAL, OUTLOOK_LIVE_RULE).replace(SENT_ON, '$1Enviado:');
  const { text: head, restore } = hideLongLines(body.slice(0, LIBRARY_LIMIT), LINE_LIMIT);
  const rest = body.slice(LIBRARY_LIMIT);
  const parser = new EmailForwardParser();
  let result: EmailForwardResult = parser.read(head);
  // Without a separator line (new Outlook) the library splits on the From line, but only once the
  // subject says "forward"; it knows "Fwd:"/"FW:"/"RV:" but not "Rv:"/"Tr:"/"Fwd :", so ours decides.
  if (!result.forwarded && forwardLike) result = parser.read(head, `Fwd: ${baseSubject(subject)}`);
  const from = result.email.from;
  if (!result.forwarded || (!from.address && !from.name)) return null;
  return {
    originalFrom: {
      address: cleanAddress(restore(from.address)),
      name: cleanDisplayName(restore(from.name)),
    },
    originalSubject: cleanHeaderText(restore(result.email.subject)) || baseSubject(subject),
    originalDate: cleanHeaderText(restore(result.email.date)) || null,
    originalBody: tidy(restore(result.email.body) + rest),
    forwarderNote: noteOf(restore(result.message)),
  };
}

function fromEmbedded(email: ParsedEmail, message: EmbeddedMessage): ForwardInfo {
  return {
    originalFrom: message.from ?? { address: '', name: '' },
    originalSubject: message.subject,
    originalDate: message.date,
    originalBody: tidy(normaliseText(message.text)),
    forwarderNote: visibleText(email.text).visible,
  };
}

function safely(read: () => ForwardInfo | null): ForwardInfo | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * The forwarded message inside `email`, or null. Replies ("RE: FW: ...") are not forwards even though
 * they quote one, and neither are bounces, which carry the bounced message as an attachment.
 * `originalFrom.address` is '' when the forwarding client showed only a display name.
 */
export function readForward(email: ParsedEmail): ForwardInfo | null {
  if (email.isDeliveryReport) return null;
  const prefix = prefixOf(email.subject);
  if (prefix === 'reply') return null;
  const inline = safely(() => readInline(email.text, email.subject, prefix === 'forward'));
  if (inline) return inline;
  const embedded = email.embeddedMessages[0];
  return embedded ? fromEmbedded(email, embedded) : null;
}
