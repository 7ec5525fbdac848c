// The shape of a dictionary of words (English or Spanish), for the tests that check both languages hold the
// same keys: each key's path with what it holds, 'string' or 'function/<arity>'; an empty text fails.
import { expect } from 'vitest';

export type Dictionary = Record<string, unknown>;

export function dictionaryShape(dictionary: Dictionary, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(dictionary)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') out[path] = `function/${value.length}`;
    else if (typeof value === 'string') {
      expect(value.trim(), `${path} is empty`).not.toBe('');
      out[path] = 'string';
    } else Object.assign(out, dictionaryShape(value as Dictionary, `${path}.`));
  }
  return out;
}
