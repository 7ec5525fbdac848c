import { afterEach, describe, expect, it, vi } from 'vitest';
import { sortableId } from './sortable-id.ts';

describe('sortableId', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sorts in the order made, within one millisecond and across them', () => {
    const ids = Array.from({ length: 2000 }, () => sortableId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A fixed length: compared as text, they compare as the numbers they hold.
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([24]));
  });

  it('keeps sorting after the clock steps back', () => {
    const before = sortableId();
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() - 60_000);
    const after = sortableId();
    expect(after > before).toBe(true);
  });
});
