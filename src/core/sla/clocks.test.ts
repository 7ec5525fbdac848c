import { describe, expect, it } from 'vitest';
import { aroundTheClock, computeClocks, nextWarningAt, type TicketHistory } from './clocks.ts';

const H = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 11, 7, 0, 0) + hours * H);
const targets = { firstResponse: 4 * H, nextUpdate: 8 * H, resolution: 24 * H };
const clocks = (h: Partial<TicketHistory>, now: number) =>
  computeClocks({ createdAt: at(0), statuses: [], replies: [], ...h }, targets, aroundTheClock, at(now));

describe('SLA clocks', () => {
  it('run from creation: first response and resolution due at their targets, next update not started', () => {
    const c = clocks({}, 1);
    expect(c.firstResponse).toMatchObject({ state: 'running', dueAt: at(4), elapsedMs: 1 * H });
    expect(c.resolution).toMatchObject({ state: 'running', dueAt: at(24) });
    expect(c.nextUpdate).toMatchObject({ state: 'paused', pausedBy: 'not_started', dueAt: null });
  });

  it('the first public reply meets the first response and starts the next update', () => {
    const c = clocks({ statuses: [{ at: at(3), to: 'open' }], replies: [at(3)] }, 5);
    expect(c.firstResponse).toMatchObject({ state: 'met', dueAt: null, elapsedMs: 3 * H });
    expect(c.nextUpdate).toMatchObject({ state: 'running', dueAt: at(11), cycleStart: at(3) });
  });

  it('a first response after the target is breached, at the moment the target passed', () => {
    const late = clocks({ replies: [at(6)] }, 7);
    expect(late.firstResponse).toMatchObject({ state: 'breached', dueAt: at(4) });
    const overdue = clocks({}, 5);
    expect(overdue.firstResponse).toMatchObject({ state: 'breached', dueAt: at(4) });
    // Exactly at the target is in time.
    expect(clocks({ replies: [at(4)] }, 5).firstResponse.state).toBe('met');
  });

  it('waiting on the customer pauses every clock, and the time waited does not count', () => {
    const h = {
      statuses: [
        { at: at(1), to: 'open' },
        { at: at(2), to: 'waiting_on_customer' },
        { at: at(12), to: 'open' },
      ],
      replies: [at(2)],
    };
    const waiting = clocks(h, 6);
    expect(waiting.resolution).toMatchObject({
      state: 'paused',
      pausedBy: 'customer',
      dueAt: null,
      elapsedMs: 2 * H,
    });
    expect(waiting.nextUpdate.state).toBe('paused');
    // Back: 2 h spent before the wait, so resolution is due 22 h after the customer answered.
    const back = clocks(h, 13);
    expect(back.resolution).toMatchObject({ state: 'running', dueAt: at(34), elapsedMs: 3 * H });
    // The update cycle started at the reply (2 h), paused 10 h: due at 2 + 8 + 10.
    expect(back.nextUpdate).toMatchObject({ state: 'running', dueAt: at(20) });
  });

  it('each public reply restarts the next update; a missed one is breached until the next reply', () => {
    const h = { statuses: [{ at: at(1), to: 'open' }], replies: [at(1), at(5)] };
    expect(clocks(h, 6).nextUpdate).toMatchObject({ state: 'running', dueAt: at(13), cycleStart: at(5) });
    expect(clocks(h, 14).nextUpdate).toMatchObject({ state: 'breached', dueAt: at(13) });
    expect(clocks({ ...h, replies: [...h.replies, at(15)] }, 16).nextUpdate).toMatchObject({
      state: 'running',
      dueAt: at(23),
    });
  });

  it('a proposed solution stops resolution and next update; a reopening resumes resolution with the time spent', () => {
    const proposed = {
      statuses: [
        { at: at(1), to: 'open' },
        { at: at(10), to: 'awaiting_confirmation' },
      ],
      replies: [at(1), at(10)],
    };
    const stopped = clocks(proposed, 30);
    expect(stopped.resolution).toMatchObject({ state: 'met', dueAt: null, elapsedMs: 10 * H });
    expect(stopped.nextUpdate.state).toBe('met');
    const reopened = clocks(
      { ...proposed, statuses: [...proposed.statuses, { at: at(40), to: 'open' }] },
      41,
    );
    // 10 h spent before the proposal + 1 h since the reopening; 14 h left.
    expect(reopened.resolution).toMatchObject({ state: 'running', elapsedMs: 11 * H, dueAt: at(54) });
    // The reopening starts a new update cycle.
    expect(reopened.nextUpdate).toMatchObject({ state: 'running', cycleStart: at(40), dueAt: at(48) });
  });

  it('a ticket finished late keeps its breach; one finished in time is met', () => {
    const late = clocks({ statuses: [{ at: at(30), to: 'resolved' }], replies: [at(1)] }, 40);
    expect(late.resolution).toMatchObject({ state: 'breached', dueAt: at(24) });
    const spam = clocks({ statuses: [{ at: at(1), to: 'spam' }] }, 40);
    expect(spam.firstResponse.state).toBe('met');
    expect(spam.resolution.state).toBe('met');
  });

  it('other targets (a priority change) apply to the same history', () => {
    const h: TicketHistory = { createdAt: at(0), statuses: [], replies: [] };
    const urgent = computeClocks(
      h,
      { firstResponse: 1 * H, nextUpdate: 2 * H, resolution: 8 * H },
      aroundTheClock,
      at(2),
    );
    expect(urgent.firstResponse).toMatchObject({ state: 'breached', dueAt: at(1) });
    expect(urgent.resolution).toMatchObject({ state: 'running', dueAt: at(8) });
  });

  it('the next warning is the earliest unreached share of a running clock', () => {
    const c = clocks({}, 1);
    // First response: 75% of 4 h = 3 h; resolution: 75% of 24 h = 18 h.
    expect(nextWarningAt(c, aroundTheClock, at(1), [0.75, 1])).toEqual(at(3));
    const later = clocks({}, 3.5);
    expect(nextWarningAt(later, aroundTheClock, at(3.5), [0.75, 1])).toEqual(at(4));
    const paused = clocks({ statuses: [{ at: at(1), to: 'waiting_on_customer' }], replies: [at(1)] }, 2);
    expect(nextWarningAt(paused, aroundTheClock, at(2), [0.75, 1])).toBeNull();
  });
});
