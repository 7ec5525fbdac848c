import { describe, expect, it } from 'vitest';
import { ChannelPacer } from './pacer.ts';

/** A pacer on a fake clock: sleeping moves time, so the schedule it keeps is exact and instant to test. */
function fakePacer(burst: number, perSecond: number) {
  let now = 0;
  const sent: { channel: string; at: number }[] = [];
  const pacer = new ChannelPacer({
    burst,
    perSecond,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  const send = async (channel: string) => {
    await pacer.take(channel);
    sent.push({ channel, at: now });
  };
  return { send, sent, pacer, advance: (ms: number) => (now += ms) };
}

describe('ChannelPacer', () => {
  it('lets a burst through at once, then one message per second per channel', async () => {
    const p = fakePacer(3, 1);
    await Promise.all(Array.from({ length: 6 }, () => p.send('C1')));
    expect(p.sent.map((s) => s.at)).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('paces each channel on its own', async () => {
    const p = fakePacer(1, 1);
    await p.send('C1');
    await p.send('C2'); // C1 has used its token; C2 has its own
    await p.send('C1');
    expect(p.sent.map((x) => [x.channel, x.at])).toEqual([
      ['C1', 0],
      ['C2', 0],
      ['C1', 1000],
    ]);
  });

  it('serves one channel in the order messages were handed to it', async () => {
    const p = fakePacer(1, 2);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => p.send('C').then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(p.sent.map((s) => s.at)).toEqual([0, 500, 1000]);
  });

  it('a Retry-After pauses that channel only, then pacing resumes', async () => {
    const p = fakePacer(3, 1);
    await p.send('C1');
    p.pacer.pause('C1', 30_000);
    await p.send('C2'); // another channel is not held up
    await p.send('C1');
    expect(p.sent.map((x) => [x.channel, x.at])).toEqual([
      ['C1', 0],
      ['C2', 0],
      ['C1', 30_000],
    ]);
  });

  it('a shorter pause never cuts a longer one short', async () => {
    const p = fakePacer(3, 1);
    p.pacer.pause('C1', 10_000);
    p.pacer.pause('C1', 2_000);
    await p.send('C1');
    expect(p.sent.map((x) => x.at)).toEqual([10_000]);
  });
});
