import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { languageFromHeader, refusals } from '../i18n/refusals.ts';
import { cleanName, isBlank, stripControls, stripControlsDeep, textProblem } from './text.ts';

describe('text Relevo can store and show', () => {
  it('names the first control character, keeping tab, line feed and carriage return', () => {
    expect(textProblem('line one\r\nline two\tand a tab')).toBeUndefined();
    expect(textProblem('ñandú 🦤 中文 עברית')).toBeUndefined();
    expect(textProblem('nul\u0000here')).toEqual({ problem: 'control', codePoint: 0 });
    expect(textProblem('escape \u001b[31m')).toEqual({ problem: 'control', codePoint: 0x1b });
    expect(textProblem('delete \u007f')).toEqual({ problem: 'control', codePoint: 0x7f });
    expect(textProblem('next line \u0085')).toEqual({ problem: 'control', codePoint: 0x85 });
    expect(textProblem('form feed \f')).toEqual({ problem: 'control', codePoint: 0x0c });
  });

  it('refuses half of a surrogate pair, never a whole one', () => {
    expect(textProblem('\ud83e\udda4')).toBeUndefined();
    expect(textProblem('a\ud800b')).toEqual({ problem: 'malformed', codePoint: 0xd800 });
    expect(textProblem('\udc00')).toEqual({ problem: 'malformed', codePoint: 0xdc00 });
  });

  it('counts text made of invisible characters as blank', () => {
    for (const invisible of [
      '',
      '   \n\t',
      '\u200b'.repeat(9_999), // zero-width space, as in the review
      '\u200c\u200d\u2060\ufeff', // joiners, word joiner, BOM
      '\u202e\u2066\u200f', // bidi override, isolate, mark
      '\u00ad\u3164\u115f\uffa0', // soft hyphen, Hangul fillers
      '\ufe0f\u{e0041}', // variation selector, tag
      '\u2800\u3000\u00a0', // blank braille cell, ideographic and no-break spaces
    ]) {
      expect(isBlank(invisible), JSON.stringify(invisible)).toBe(true);
    }
    for (const visible of ['.', '\u200bhi\u200b', 'ok', '🦤', 'ـ', '\u0301a']) {
      expect(isBlank(visible), JSON.stringify(visible)).toBe(false);
    }
  });

  it('cleans a name to one visible line without bidi overrides', () => {
    expect(cleanName('Carla \u202egnp.exe')).toBe('Carla gnp.exe');
    expect(cleanName('  Ana\r\n\tMaría \u2066x\u2069  ')).toBe('Ana María x');
    expect(cleanName('bell\u0007 boy\u0000')).toBe('bell boy');
    expect(cleanName('\u200b\u200b')).toBe('');
    expect(cleanName('עברית')).toBe('עברית');
  });

  it('strips controls from every string of a platform payload, keys included', () => {
    expect(
      stripControlsDeep({ text: 'a\u0000b', 'k\u0001': ['\u0007x', 1, null, { y: 'z\u007f' }], n: 2 }),
    ).toEqual({ text: 'ab', k: ['x', 1, null, { y: 'z' }], n: 2 });
    expect(stripControls('a\ud800b\nc')).toBe('a\ufffdb\nc');
  });

  it('leaves nothing that cannot be stored, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(textProblem(stripControls(s))).toBeUndefined();
        const name = cleanName(s);
        expect(textProblem(name)).toBeUndefined();
        expect(name).not.toMatch(/[\u202a-\u202e\u2066-\u2069\r\n]/u);
        expect(name === '' || !isBlank(name)).toBe(true);
      }),
    );
  });
});

describe('refusals', () => {
  it('speak the language the page asks for', () => {
    expect(languageFromHeader('es')).toBe('es');
    expect(languageFromHeader('es-AR,es;q=0.9,en;q=0.8')).toBe('es');
    expect(languageFromHeader('en-GB,es;q=0.5')).toBe('en');
    expect(languageFromHeader('fr-FR,es;q=0.7,en;q=0.3')).toBe('es');
    expect(languageFromHeader('de')).toBe('en');
    expect(languageFromHeader(undefined)).toBe('en');
    expect(languageFromHeader('es;q=0,en')).toBe('en');
  });

  it('word the wait in each language', () => {
    expect(refusals('en').wait(1)).toBe('1 second');
    expect(refusals('en').wait(45)).toBe('45 seconds');
    expect(refusals('es').wait(61)).toBe('2 minutos');
    expect(refusals('es').wait(3600)).toBe('1 hora');
    expect(refusals('en').wait(3601)).toBe('61 minutes');
    expect(refusals('en').wait(3 * 3600 - 10)).toBe('3 hours');
  });

  it('exist in Spanish and English for every limit', () => {
    const en = refusals('en').limited;
    const es = refusals('es').limited;
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const name of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[name]('5 minutos', 3)).not.toBe(en[name]('5 minutos', 3));
    }
  });
});
