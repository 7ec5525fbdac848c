// Reply tokens: how an agent's mail proves it answers a mail Relevo sent that agent personally.
//
// Relevo mails an agent a personal copy of a customer's message (adapters/email/mailer.ts) whose
// Message-ID carries 128 random bits, stored with the agent and the ticket. Every mail client puts the
// Message-ID it answers in In-Reply-To/References, so the reply brings the token back; a forger who never
// saw that mail cannot. The token is bound to one agent and one ticket: it authenticates nobody else and
// nowhere else. It travels in the Message-ID rather than in a plus-address (support+token@) because
// In-Reply-To survives every mailbox, while some providers refuse plus-addressed recipients.
import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/index.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN_CHARS = 26; // 26 × 5 bits ≥ 128 random bits
const TOKEN_MESSAGE_ID = /^<relevo\.a\.([a-z2-7]{26})@[^<>\s@]+>$/i;
// A reply references its parent and a few ancestors; an attacker listing thousands of guesses gains
// nothing from more lookups.
const MAX_REFERENCES_CHECKED = 30;

/** 128 random bits in lower-case base32, safe in a Message-ID and through case-folding relays. */
export function newReplyToken(): string {
  const bytes = randomBytes(TOKEN_CHARS);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** The Message-ID of a personal mail carrying `token`. */
export function tokenMessageId(token: string, domain: string): string {
  return `<relevo.a.${token}@${domain}>`;
}

/** Tokens named by the Message-IDs a message answers (In-Reply-To first, then References). */
export function tokensReferenced(ids: readonly (string | null)[]): string[] {
  const out: string[] = [];
  for (const id of ids.slice(0, MAX_REFERENCES_CHECKED)) {
    const token = id ? TOKEN_MESSAGE_ID.exec(id)?.[1]?.toLowerCase() : undefined;
    if (token && !out.includes(token)) out.push(token);
  }
  return out;
}

export type ReplyTokenRow = NonNullable<Awaited<ReturnType<Db['emailReplyToken']['findUnique']>>>;

/**
 * The stored tokens among `tokens`, in the order given, revoked ones included (the caller decides what
 * they still prove).
 */
export async function findReplyTokens(tx: Tx | Db, tokens: readonly string[]): Promise<ReplyTokenRow[]> {
  if (tokens.length === 0) return [];
  const rows = await tx.emailReplyToken.findMany({ where: { token: { in: [...tokens] } } });
  return rows.sort((a, b) => tokens.indexOf(a.token) - tokens.indexOf(b.token));
}

/**
 * The token of the personal mail an outbox item sends, created on its first attempt: a retry reuses it,
 * so the mail keeps one Message-ID however often it is sent.
 */
export async function replyTokenFor(
  db: Db,
  outboxKey: string,
  agentId: string,
  ticketNumber: number,
): Promise<ReplyTokenRow> {
  const existing = await db.emailReplyToken.findUnique({ where: { outboxKey } });
  if (existing) return existing;
  return db.emailReplyToken.create({
    data: { token: newReplyToken(), outboxKey, agentId, ticketNumber },
  });
}
