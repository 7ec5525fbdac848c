// May we send an automatic reply ("we received your request, ticket #12") to this message?
// RFC 3834 §2 and §5, plus the de-facto headers Exchange and autoresponders use. Answering an
// auto-reply, a bounce or a list is how mail loops and list-wide spam start.
import type { ParsedEmail } from './parse.ts';
import { isOwnAddress } from './participants.ts';
import { cleanAddress } from './sanitize.ts';

export type LoopReason =
  | 'own-address'
  | 'delivery-report'
  | 'empty-return-path'
  | 'auto-submitted'
  | 'auto-reply-header'
  | 'auto-response-suppressed'
  | 'mailing-list'
  | 'precedence'
  | 'system-sender'
  /** Applied by the caller, which keeps the per-sender counts (RFC 3834 §2: not more than once per period). */
  | 'rate-limited';

export type AutoReplyVerdict = { allowed: true } | { allowed: false; reason: LoopReason };

export interface LoopGuardOptions {
  ownAddresses: readonly string[];
}

// RFC 3834 §2: no response to "owner-*", "*-request", MAILER-DAEMON and similar service addresses;
// the rest are the usual bounce and no-reply mailboxes (VERP/tagged forms are matched after the "+").
const SYSTEM_LOCAL_PART =
  /^(?:mailer-daemon|postmaster|listserv|majordomo|owner-.+|.+-(?:request|owner|bounces?)|bounces?|no[-_.]?reply|do[-_.]?not[-_.]?reply)$/i;
const AUTO_REPLY_HEADERS = ['x-autoreply', 'x-autorespond', 'x-autoresponder'];
// MS-OXOMSG 2.2.1.77 (PidTagAutoResponseSuppress): the sender asks for no out-of-office/auto replies.
const SUPPRESS_TOKENS = new Set(['all', 'oof', 'autoreply']);
const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk', 'auto_reply']);

function firstToken(value: string): string {
  return (
    value
      .replace(/\([^)]*\)/g, ' ')
      .split(/[;\s]/)
      .find((t) => t)
      ?.toLowerCase() ?? ''
  );
}

function isSystemAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const local = address.split('@')[0]?.split('+')[0] ?? '';
  return SYSTEM_LOCAL_PART.test(local);
}

function reasonFor(email: ParsedEmail, own: readonly string[]): LoopReason | null {
  const h = email.headers;
  // support+anything@ is ours too: mail to it reaches Relevo.
  if (email.from && isOwnAddress(email.from.address, own)) return 'own-address';
  if (email.returnPath && isOwnAddress(email.returnPath, own)) return 'own-address';
  if (email.isDeliveryReport) return 'delivery-report';
  const autoSubmitted = h['auto-submitted'];
  if (autoSubmitted !== undefined && firstToken(autoSubmitted) !== 'no') return 'auto-submitted';
  if (AUTO_REPLY_HEADERS.some((name) => Object.hasOwn(h, name))) return 'auto-reply-header';
  const suppress = (h['x-auto-response-suppress'] ?? '').toLowerCase().split(/[\s,;]+/);
  if (suppress.some((t) => SUPPRESS_TOKENS.has(t))) return 'auto-response-suppressed';
  if (Object.keys(h).some((name) => name.startsWith('list-') || name === 'mailing-list'))
    return 'mailing-list';
  if (BULK_PRECEDENCE.has(firstToken(h.precedence ?? ''))) return 'precedence';
  // RFC 3834 §2: a response to the null reverse-path could not be delivered anyway.
  if (email.returnPath === '') return 'empty-return-path';
  if (isSystemAddress(email.from?.address) || isSystemAddress(email.returnPath)) return 'system-sender';
  return null;
}

export function autoReplyVerdict(email: ParsedEmail, opts: LoopGuardOptions): AutoReplyVerdict {
  const own = opts.ownAddresses.map((a) => cleanAddress(a)).filter(Boolean);
  const reason = reasonFor(email, own);
  return reason ? { allowed: false, reason } : { allowed: true };
}
