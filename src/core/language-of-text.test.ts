import { describe, expect, it } from 'vitest';
import { languageOfText, proseOf } from './language-of-text.ts';

describe('the language a customer wrote in', () => {
  it.each([
    'La exportación a PDF falla desde ayer',
    'Hola, no puedo entrar',
    'Buenas tardes, el informe mensual no se genera',
    'Ya lo probé y sigue sin funcionar',
    'La factura de marzo llegó dos veces.',
  ])('Spanish: %s', (text) => {
    expect(languageOfText(text)).toBe('es');
  });

  it.each([
    'The invoice export fails with error 500.',
    'I am not getting the alert emails',
    'I tried it and it still does not work',
    'Thanks a lot for the help, it works now',
    'Search finds nothing since Monday.',
  ])('English: %s', (text) => {
    expect(languageOfText(text)).toBe('en');
  });

  it.each([
    'ok',
    'gracias!',
    'ok, gracias 🙏',
    'thanks a lot',
    'Sigue fallando',
    'Still broken',
    '👍👍👍',
    // Three words once the acronym is left out (franc read it as Spanish).
    'Can we get SSO?',
  ])('says nothing of a short text: %s', (text) => {
    expect(languageOfText(text)).toBeUndefined();
  });

  it.each(['My password reset link expired', 'Please reset my password', 'Hello, can you help me?'])(
    'says nothing when the two languages are too close to call: %s',
    (text) => {
      // franc ranks Spanish first for the first two: a guess, not a judgement.
      expect(languageOfText(text)).toBeUndefined();
    },
  );

  it('judges the customer’s words, not the log, addresses or codes they paste', () => {
    const text = [
      'Hola,',
      '',
      'Desde esta mañana la exportación a PDF falla. Adjunto el error:',
      '',
      "Error: ENOENT: no such file or directory, open '/var/app/tmp/export.pdf'",
      '    at Object.openSync (node:fs:596:3)',
      '    at exportPdf (/var/app/src/export.js:42:10)',
      '',
      'Gracias,',
      'Juan',
    ].join('\n');
    expect(proseOf(text)).not.toMatch(/ENOENT|directory|openSync/);
    expect(languageOfText(text)).toBe('es');
    // Only English-looking machine text besides three Spanish words: not enough to judge.
    expect(
      languageOfText('Falla: https://app.example.com/login ```\nTypeError: x is undefined\n``` ayer'),
    ).toBeUndefined();
  });
});
