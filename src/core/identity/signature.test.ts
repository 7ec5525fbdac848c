import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identitySignature, verifyIdentitySignature } from './signature.ts';

const secret = 'site-secret-0123456789abcdef';

describe('signed web chat identities', () => {
  it('is hex HMAC-SHA256 of the lower-cased address, as the README tells embedding sites', () => {
    const byHand = createHmac('sha256', secret).update('alice@acme.com').digest('hex');
    expect(identitySignature(secret, 'Alice@Acme.com ')).toBe(byHand);
    expect(verifyIdentitySignature(secret, 'alice@acme.com', byHand)).toBe(true);
    expect(verifyIdentitySignature(secret, 'ALICE@acme.com', byHand.toUpperCase())).toBe(true);
  });

  it('refuses a signature of another address', () => {
    expect(
      verifyIdentitySignature(secret, 'mallory@acme.com', identitySignature(secret, 'alice@acme.com')),
    ).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    const other = identitySignature('another-secret-0123456789', 'alice@acme.com');
    expect(verifyIdentitySignature(secret, 'alice@acme.com', other)).toBe(false);
  });

  it('refuses malformed signatures without throwing', () => {
    const good = identitySignature(secret, 'alice@acme.com');
    for (const bad of ['', 'x', good.slice(0, 62), `${good}00`, `${good.slice(0, 63)}g`, ' '.repeat(64)]) {
      expect(verifyIdentitySignature(secret, 'alice@acme.com', bad)).toBe(false);
    }
  });
});
