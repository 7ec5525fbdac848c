import { describe, expect, it } from 'vitest';
import type { Decision, KnownIdentity } from './decide.ts';
import type { FirstFacts, ReadFacts } from './facts.ts';
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
const first = { duplicate: false, identity: null, autoReplies: 0 } as FirstFacts;
const made: KnownIdentity = {
  agentId: null,
  agentActive: false,
  contact: { id: 'c1', organisationId: 'acme' },
};
/** Whether the message must read its own first facts again. */
const rereads = (earlier: EarlierInRun, email: Awaited<ReturnType<typeof mail>>) =>
  earlier.firstFactsOf(email, first) === undefined;

describe('what a run’s earlier messages may have changed in a later one’s first facts', () => {
  it('touches nothing at first, nor a message from another sender on another thread', async () => {
    const earlier = new EarlierInRun();
    expect(rereads(earlier, await mail('a', 'ana@example.com'))).toBe(false);
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), opens);
    expect(rereads(earlier, await mail('b', 'bo@example.com'))).toBe(false);
  });

  it('touches the same message again and a reply to it, whoever sends them', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), kept);
    expect(rereads(earlier, await mail('a', 'ana@example.com'))).toBe(true);
    expect(rereads(earlier, await mail('b', 'bo@example.com', 'In-Reply-To: <a@example.com>\r\n'))).toBe(
      true,
    );
    expect(
      rereads(earlier, await mail('c', 'cy@example.com', 'References: <x@example.com> <a@example.com>\r\n')),
    ).toBe(true);
  });

  it('touches a message from its sender or from the requester of its forward', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('f', 'agent@relevo.test'), read('customer@example.com'), opens);
    expect(rereads(earlier, await mail('g', 'agent@relevo.test'))).toBe(true);
    expect(rereads(earlier, await mail('h', 'customer@example.com'))).toBe(true);
  });

  it('after a message that changed an existing ticket, touches every later one', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), appended);
    expect(rereads(earlier, await mail('b', 'bo@example.com'))).toBe(true);
  });

  it('keeps a sender’s first facts while its earlier messages only opened tickets not written yet, with the contact made for it', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), opens, made);
    expect(earlier.firstFactsOf(await mail('b', 'ana@example.com'), first)).toEqual({
      ...first,
      identity: made,
    });
    earlier.add(await mail('b', 'ana@example.com'), read('ana@example.com'), opens, made);
    // Written: their acknowledgements now count against her automatic replies.
    earlier.heldWritten();
    expect(rereads(earlier, await mail('c', 'ana@example.com'))).toBe(true);
    earlier.add(await mail('c', 'ana@example.com'), read('ana@example.com'), opens, made);
    expect(rereads(earlier, await mail('d', 'ana@example.com'))).toBe(true);
  });

  it('reads again for a sender whose earlier message did anything else, or forwarded someone’s', async () => {
    const earlier = new EarlierInRun();
    earlier.add(await mail('a', 'ana@example.com'), read('ana@example.com'), kept);
    earlier.add(await mail('b', 'ana@example.com'), read('ana@example.com'), opens, made);
    expect(rereads(earlier, await mail('c', 'ana@example.com'))).toBe(true);
    earlier.add(await mail('f', 'agent@relevo.test'), read('customer@example.com'), opens, made);
    expect(rereads(earlier, await mail('g', 'agent@relevo.test'))).toBe(true);
    expect(rereads(earlier, await mail('h', 'customer@example.com'))).toBe(true);
  });
});
