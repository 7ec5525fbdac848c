// Signed button context, for platforms that do not sign their callbacks (Mattermost posts an
// interactive button's `context` back to the URL Relevo gave, unsigned): Relevo signs what it hands out
// and accepts back only what it signed, so a forged click cannot name another ticket or action.
import { createHmac, timingSafeEqual } from 'node:crypto';

const encode = (data: unknown) => Buffer.from(JSON.stringify(data)).toString('base64url');

function mac(secret: string, purpose: string, body: string): string {
  // The purpose is signed too: a token handed out for one use (a button) is refused for another (a form).
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('base64url');
}

/**
 * "<base64url JSON>.<HMAC-SHA256>" of `data`, bound to `purpose`.
 *
 * @example const token = signContext(secret, 'button', { action: 'ticket.take', value: '12' });
 */
export function signContext(secret: string, purpose: string, data: unknown): string {
  if (!secret) throw new Error('signContext needs a secret');
  const body = encode(data);
  return `${body}.${mac(secret, purpose, body)}`;
}

/** The data `signContext` signed with this secret and purpose; undefined for anything else. */
export function readContext<T = unknown>(secret: string, purpose: string, token: unknown): T | undefined {
  if (typeof token !== 'string' || !secret) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, purpose, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
