import { describe, expect, it } from 'vitest';
import { hideLongLines } from './long-lines.ts';

describe('hideLongLines', () => {
  it('shortens only the lines above the limit and puts their tails back', () => {
    const text = `short\n${'a'.repeat(12)}\nend`;
    const hidden = hideLongLines(text, 5);
    expect(hidden.text.split('\n').map((l) => l.replace(/\ue000\d+\ue000/, '…'))).toEqual([
      'short',
      'aaaaa…',
      'end',
    ]);
    expect(hidden.restore(hidden.text)).toBe(text);
    expect(hidden.restore(null)).toBe('');
  });

  it('cannot be fooled by markers already in the input', () => {
    const text = `x\ue0000\ue000 ${'b'.repeat(20)}`;
    const hidden = hideLongLines(text, 5);
    expect(hidden.restore(hidden.text)).toBe(`x0 ${'b'.repeat(20)}`);
  });
});
