import { describe, expect, it } from 'vitest';
import { RecentInboxBytes } from './inbox-bytes.ts';

describe('RecentInboxBytes', () => {
  it('hands bytes over once', () => {
    const recent = new RecentInboxBytes(100);
    recent.keep('a', Buffer.from('abc'));
    expect(recent.take('a')?.toString()).toBe('abc');
    expect(recent.take('a')).toBeUndefined();
  });

  it('drops the oldest beyond its bound, and keeps nothing bigger than the bound', () => {
    const recent = new RecentInboxBytes(10);
    recent.keep('a', Buffer.alloc(4));
    recent.keep('b', Buffer.alloc(4));
    recent.keep('c', Buffer.alloc(4));
    recent.keep('huge', Buffer.alloc(11));
    expect(recent.take('a')).toBeUndefined();
    expect(recent.take('b')?.length).toBe(4);
    expect(recent.take('c')?.length).toBe(4);
    expect(recent.take('huge')).toBeUndefined();
  });
});
