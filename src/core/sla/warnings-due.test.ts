// Which warnings a ticket's clocks owe, from hand-built histories: the sweep posts exactly these.
import { describe, expect, it } from 'vitest';
import { aroundTheClock, computeClocks, type TicketHistory } from './clocks.ts';
import { warningsDue } from './refresh.ts';

const H = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 11, 7, 0, 0) + hours * H);
const targets = { firstResponse: 4 * H, nextUpdate: 8 * H, resolution: 24 * H };
const shares = [0.75, 1];
const due = (h: Partial<TicketHistory>, now: number) =>
  warningsDue(
    computeClocks({ createdAt: at(0), statuses: [], replies: [], ...h }, targets, aroundTheClock, at(now)),
    shares,
  ).map((w) => `${w.clock}@${w.share}`);

describe('the warnings SLA clocks owe', () => {
  it('owe nothing before a share, the share once reached, and only the breach once breached', () => {
    expect(due({}, 2.9)).toEqual([]);
    expect(due({}, 3)).toEqual(['firstResponse@0.75']);
    expect(due({}, 5)).toEqual(['firstResponse@1']);
  });

  it('owe the breach at the very instant the target is reached, so the sweep then posts it', () => {
    // computeClocks calls the clock running at exactly its target; nothing later would look at it.
    expect(due({}, 4)).toEqual(['firstResponse@0.75', 'firstResponse@1']);
  });

  it('owe nothing for a clock that stopped late: the answer came, and "overdue" would be false', () => {
    expect(due({ replies: [at(4.5)] }, 4.6)).toEqual([]);
    expect(due({ statuses: [{ at: at(25), to: 'awaiting_confirmation' }] }, 26)).toEqual([]);
  });

  it('key each next-update cycle by its start, so a later reply warns again', () => {
    const first = computeClocks(
      { createdAt: at(0), statuses: [], replies: [at(1)] },
      targets,
      aroundTheClock,
      at(7),
    );
    const second = computeClocks(
      { createdAt: at(0), statuses: [], replies: [at(1), at(8)] },
      targets,
      aroundTheClock,
      at(14),
    );
    const [a] = warningsDue(first, shares);
    const [b] = warningsDue(second, shares);
    expect(a).toMatchObject({ clock: 'nextUpdate', share: 0.75 });
    expect(b).toMatchObject({ clock: 'nextUpdate', share: 0.75 });
    expect(a?.cycle).not.toBe(b?.cycle);
  });

  it('owe nothing while the customer owes an answer', () => {
    const waiting = { replies: [at(1)], statuses: [{ at: at(1), to: 'waiting_on_customer' }] };
    expect(due(waiting, 100)).toEqual([]);
  });
});
