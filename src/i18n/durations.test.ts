import { describe, expect, it } from 'vitest';
import { percent, shortDuration } from './durations.ts';

const min = 60_000;
const h = 60 * min;
const d = 24 * h;

describe('short durations', () => {
  it.each([
    [80 * min, '1 h 20 min'],
    [2 * d + 3 * h, '2 d 3 h'],
    [2 * d + 3 * h + 40 * min, '2 d 3 h'],
    [4 * h, '4 h'],
    [5 * d, '5 d'],
    [1 * d, '1 d'],
    [45 * min, '45 min'],
    [59 * min + 40_000, '1 h'],
    [1 * min, '1 min'],
    [90_000, '2 min'],
  ])('%d ms reads "%s" in English and Spanish alike', (ms, text) => {
    expect(shortDuration(ms, 'en')).toBe(text);
    expect(shortDuration(ms, 'es')).toBe(text);
  });

  it('says "less than a minute" in each language, and never a negative time', () => {
    expect(shortDuration(20_000, 'en')).toBe('less than 1 min');
    expect(shortDuration(20_000, 'es')).toBe('menos de 1 min');
    expect(shortDuration(-5 * min, 'en')).toBe('less than 1 min');
  });

  it('writes a share as each language writes percentages', () => {
    expect(percent(0.75, 'en')).toBe('75%');
    expect(percent(0.75, 'es')).toBe('75 %');
    expect(percent(0.9, 'es')).toBe('90 %');
  });
});
