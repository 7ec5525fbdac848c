import { describe, expect, it } from 'vitest';
import type { Decision } from './decide.ts';
import type { ReadFacts } from './facts.ts';
import { parseEmail } from './parse.ts';
import { EarlierInRun } from './run-facts.ts';

const mail = (id: string, from: string, extra = '') =>
  parseEmail(
    Buffer.from(
      `From: ${from}\r\nTo: support@relevo.test\r\nSubject: s\r\nMessage-ID: <${id}@example.com>\r\n${extra}\r\nhi\r\n`,
    ),
  );
const read = (requesterAddress: string | null) => ({ requesterAddress }) as ReadFacts;
const opens = { kind: 'intake', ticket: null } as unknown as Decision;
const kept = { kind: 'keep', reason: 'r', record: {} } as unknown as Decision;
const appended = { kind: 'intake', ticket: { number: 7 } } as unknown as Decision;

describe('what a run’s earlier messages may have changed in a later one’s first facts', () => {
  it('touches nothing at first, nor a message from another sender on another thread', async () => {
    const earlier = new EarlierInRun();
    expect(earlier.touches(await mail('a', 'ana@example.com'))).toBe(false);
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), opens);
    expect(earlier.touches(await mail('b', 'bo@example.com'))).toBe(false);
  });

  it('touches the same message again and a reply to it, whoever sends them', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), kept);
    expect(earlier.touches(await mail('a', 'ana@example.com'))).toBe(true);
    expect(earlier.touches(await mail('b', 'bo@example.com', 'In-Reply-To: <a@example.com>\r\n'))).toBe(true);
    expect(
      earlier.touches(await mail('c', 'cy@example.com', 'References: <x@example.com> <a@example.com>\r\n')),
    ).toBe(true);
  });

  it('touches a message from its sender or from the requester of its forward', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('f', 'agent@relevo.test'), read('customer@example.com'), opens);
    expect(earlier.touches(await mail('g', 'agent@relevo.test'))).toBe(true);
    expect(earlier.touches(await mail('h', 'customer@example.com'))).toBe(true);
  });

  it('after a message that changed an existing ticket, touches every later one', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), appended);
    expect(earlier.touches(await mail('b', 'bo@example.com'))).toBe(true);
  });
});
