import { describe, expect, it } from 'vitest';
import { readContext, signContext } from './signed-context.ts';

const secret = 'a-long-secret-for-button-contexts';

describe('signed button context', () => {
  it('reads back exactly what it signed', () => {
    const token = signContext(secret, 'button', { action: 'ticket.take', value: '12' });
    expect(readContext(secret, 'button', token)).toEqual({ action: 'ticket.take', value: '12' });
  });

  it('refuses a changed body, a changed signature, another secret and another purpose', () => {
    const token = signContext(secret, 'button', { action: 'ticket.take', value: '12' });
    const [body, sig] = token.split('.') as [string, string];
    const forgedBody = Buffer.from(JSON.stringify({ action: 'ticket.take', value: '13' })).toString(
      'base64url',
    );
    expect(readContext(secret, 'button', `${forgedBody}.${sig}`)).toBeUndefined();
    expect(readContext(secret, 'button', `${body}.${sig.slice(0, -1)}A`)).toBeUndefined();
    expect(readContext('another-secret-entirely', 'button', token)).toBeUndefined();
    expect(readContext(secret, 'form', token)).toBeUndefined();
  });

  it('refuses what is not a token at all', () => {
    for (const junk of [undefined, null, 42, '', '.', 'abc', 'abc.', '.abc', { a: 1 }]) {
      expect(readContext(secret, 'button', junk)).toBeUndefined();
    }
  });

  it('will not sign without a secret', () => {
    expect(() => signContext('', 'button', {})).toThrow(/secret/);
  });
});
