import { describe, expect, it } from 'vitest';
import { isOwnAddress } from './participants.ts';

describe('isOwnAddress', () => {
  const own = ['soporte@acme.example', 'Support@Acme.example'];

  it('recognises Relevo’s addresses, in any case and with a +tag', () => {
    expect(isOwnAddress('soporte@acme.example', own)).toBe(true);
    expect(isOwnAddress('SOPORTE@acme.example', own)).toBe(true);
    expect(isOwnAddress('soporte+r-123@acme.example', own)).toBe(true);
    expect(isOwnAddress('support+x+y@acme.example', own)).toBe(true);
  });

  it('does not take look-alikes for them', () => {
    expect(isOwnAddress('soporte@acme.example.evil.test', own)).toBe(false);
    expect(isOwnAddress('soporte-team@acme.example', own)).toBe(false);
    expect(isOwnAddress('x+soporte@acme.example', own)).toBe(false);
    expect(isOwnAddress('soporte', own)).toBe(false);
    expect(isOwnAddress('@acme.example', own)).toBe(false);
  });
});
