// An identity signed by the site that embeds the web chat (as Intercom's and Crisp's widgets do): the
// site's server computes HMAC-SHA256 of the visitor's email with a secret only it and Relevo know, and
// the page passes email and signature to the chat. A valid signature proves the site vouches for the
// address; without the secret nobody can make one.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Addresses are compared lower-cased and trimmed; the site must sign the same form. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The signature the embedding site computes: hex HMAC-SHA256 of the lower-cased address. */
export function identitySignature(secret: string, email: string): string {
  return createHmac('sha256', secret).update(normaliseEmail(email)).digest('hex');
}

/** Constant-time check of a signature; anything but 64 hex digits is simply not valid. */
export function verifyIdentitySignature(secret: string, email: string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(identitySignature(secret, email), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
