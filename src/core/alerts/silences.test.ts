import { describe, expect, it } from 'vitest';
import { silenceForm } from './actions.ts';
import { inert, safeUrl } from './inert.ts';
import { parseSilenceDuration } from './silences.ts';

describe('silence durations', () => {
  it('reads the form’s choices and typed combinations', () => {
    expect(parseSilenceDuration('1h')).toBe(3_600_000);
    expect(parseSilenceDuration('1w')).toBe(7 * 86_400_000);
    expect(parseSilenceDuration(' 2h 30m ')).toBe(9_000_000);
    expect(parseSilenceDuration('90m')).toBe(5_400_000);
  });

  it('refuses what is not one', () => {
    for (const bad of ['', 'soon', '2', '0h', '-1h', '1y', '1.5h'])
      expect(parseSilenceDuration(bad)).toBeUndefined();
  });
});

describe('the Silence… form', () => {
  it('speaks the agent’s language', () => {
    expect(silenceForm('en').title).toBe('Silence alerts');
    expect(silenceForm('es').title).toBe('Silenciar alertas');
    expect(silenceForm('es').fields.map((f) => f.label)).toEqual([
      'Durante cuánto tiempo',
      'O escriba otra (2h30m)',
      'Motivo',
    ]);
  });
});

describe('inert text', () => {
  it('keeps mentions and Markdown links visible but powerless, on one line', () => {
    expect(inert('@everyone [x](javascript:y)\nnext')).toBe('@\u200beveryone [x]\u200b(javascript:y) next');
    expect(inert('a'.repeat(300), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it('lets only http(s) links through', () => {
    expect(safeUrl('https://runbooks.test/x')).toBe('https://runbooks.test/x');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
  });
});
