// A ticket's three SLA clocks (seed 001: response and resolution times per plan and priority; seeds 003 and
// 004: updates until resolution), computed from the ticket's history — never kept as running counters, so
// a priority or plan change, a reopen or a late-arriving event gives the same answer as if it had always
// been so. Time is business time when the plan has a calendar (`BusinessTime`), else plain time.
//
// - firstResponse runs from creation until the first public reply by an agent;
// - nextUpdate starts at that reply, and again at each later one (and at a reopening): each cycle owes the
//   customer an update within the target, until a solution is proposed or the ticket is finished;
// - resolution runs from creation until a solution is proposed (awaiting confirmation) or the ticket is
//   finished; a reopening resumes it (the time already spent still counts).
// Waiting on the customer (waiting_on_customer, which is also how Relevo waits for required information)
// pauses all three.

/** Plain or business-time arithmetic: what the calendar module provides for a plan. */
export interface BusinessTime {
  /** The instant `ms` of counted time after `from`. */
  add(from: Date, ms: number): Date;
  /** Counted time in [from, to). */
  between(from: Date, to: Date): number;
}

export const aroundTheClock: BusinessTime = {
  add: (from, ms) => new Date(from.getTime() + ms),
  between: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};

export const clockNames = ['firstResponse', 'nextUpdate', 'resolution'] as const;
export type ClockName = (typeof clockNames)[number];
export type ClockState = 'running' | 'paused' | 'met' | 'breached';

export interface ClockView {
  state: ClockState;
  /**
   * When the target is (or was) reached: in the future for a running clock, the breach for a breached one;
   * null while paused, before the clock starts, or once it stopped in time.
   */
  dueAt: Date | null;
  /** The target, and the counted time so far (in this cycle, for nextUpdate), in ms. */
  targetMs: number;
  elapsedMs: number;
  /** The cycle this view is about (nextUpdate: its latest reply or reopening; else the ticket's creation). */
  cycleStart: Date | null;
  /** Why a paused clock is not running: the customer owes an answer, or the clock has not started. */
  pausedBy?: 'customer' | 'not_started';
  /**
   * When the clock stopped for good in this cycle (the first reply, a proposed solution, the end of the
   * ticket): a breached clock that stopped was answered late, and nobody needs warning about it any more.
   */
  stoppedAt?: Date;
}

export type SlaClocks = Record<ClockName, ClockView>;

export type Targets = Record<ClockName, number>;

/** What the clocks are computed from: the ticket's creation, its status changes and agents' public replies. */
export interface TicketHistory {
  createdAt: Date;
  /** Every status change, oldest first (the ticket starts `new`). */
  statuses: { at: Date; to: string }[];
  /** Agents' public replies (the customer reads them), oldest first. */
  replies: Date[];
}

const PAUSED = new Set(['waiting_on_customer']);
/** A solution proposed, or the ticket finished: nothing more is owed. */
const STOPPED = new Set(['awaiting_confirmation', 'resolved', 'closed', 'spam', 'rejected']);

type Segment = [Date, Date];

/** The intervals in [from, until) during which the ticket's clocks run (not paused, not stopped). */
function runningSegments(h: TicketHistory, from: Date, until: Date): Segment[] {
  const out: Segment[] = [];
  let status = 'new';
  let since = h.createdAt;
  const close = (to: Date) => {
    const a = since < from ? from : since;
    const b = to > until ? until : to;
    if (!PAUSED.has(status) && !STOPPED.has(status) && a < b) out.push([a, b]);
  };
  for (const change of h.statuses) {
    if (change.at >= until) break;
    close(change.at);
    status = change.to;
    since = change.at;
  }
  close(until);
  return out;
}

function statusAt(h: TicketHistory, at: Date): string {
  let status = 'new';
  for (const c of h.statuses) if (c.at <= at) status = c.to;
  return status;
}

/**
 * One clock over its running segments: counted time, and the instant the target is reached — inside the
 * segments if it was (a breach), projected from `now` if the clock is running now.
 */
function measure(t: BusinessTime, segments: Segment[], targetMs: number, now: Date, runningNow: boolean) {
  let elapsed = 0;
  let breachAt: Date | null = null;
  for (const [a, b] of segments) {
    const span = t.between(a, b);
    if (!breachAt && elapsed + span >= targetMs && targetMs >= 0) {
      breachAt = t.add(a, targetMs - elapsed);
      // The target reached exactly at the end of a segment that ends now is not a breach yet.
      if (breachAt >= now) breachAt = null;
    }
    elapsed += span;
  }
  const dueAt = breachAt ?? (runningNow ? t.add(now, Math.max(0, targetMs - elapsed)) : null);
  return { elapsed, breachAt, dueAt };
}

/** The three clocks of a ticket at `now`. */
export function computeClocks(h: TicketHistory, targets: Targets, t: BusinessTime, now: Date): SlaClocks {
  const status = statusAt(h, now);
  const stopped = STOPPED.has(status);
  const paused = PAUSED.has(status);
  const runningNow = !stopped && !paused;
  const replies = h.replies.filter((r) => r <= now);
  const firstReply = replies.find((r) => r >= h.createdAt) ?? null;

  const view = (
    targetMs: number,
    segments: Segment[],
    stoppedAt: Date | null,
    cycleStart: Date | null,
  ): ClockView => {
    const running = !stoppedAt && runningNow;
    const m = measure(t, segments, targetMs, stoppedAt ?? now, running);
    let state: ClockState;
    if (stoppedAt) state = m.breachAt ? 'breached' : 'met';
    else if (m.breachAt) state = 'breached';
    else state = running ? 'running' : 'paused';
    return {
      state,
      dueAt: state === 'met' || state === 'paused' ? null : m.dueAt,
      targetMs,
      elapsedMs: m.elapsed,
      cycleStart,
      ...(state === 'paused' ? { pausedBy: 'customer' as const } : {}),
      ...(stoppedAt ? { stoppedAt } : {}),
    };
  };

  // First response: until the first agent reply (or the end of the ticket without one).
  const firstStop = firstReply ?? (stopped ? lastChangeAt(h, now) : null);
  const firstResponse = view(
    targets.firstResponse,
    runningSegments(h, h.createdAt, firstStop ?? now),
    firstStop,
    h.createdAt,
  );

  // Resolution: every running segment from creation; stopped while a solution is proposed or finished.
  const resolution = view(
    targets.resolution,
    runningSegments(h, h.createdAt, now),
    stopped ? lastChangeAt(h, now) : null,
    h.createdAt,
  );

  // Next update: the current cycle, from the latest agent reply or reopening after the first response.
  let nextUpdate: ClockView;
  if (!firstReply) {
    nextUpdate = {
      state: 'paused',
      dueAt: null,
      targetMs: targets.nextUpdate,
      elapsedMs: 0,
      cycleStart: null,
      pausedBy: 'not_started',
    };
  } else {
    const reopenings = h.statuses
      .filter(
        (c, i) => c.at <= now && !STOPPED.has(c.to) && i > 0 && STOPPED.has(h.statuses[i - 1]?.to ?? ''),
      )
      .map((c) => c.at);
    const starts = [...replies.filter((r) => r >= firstReply), ...reopenings].sort(
      (a, b) => a.getTime() - b.getTime(),
    );
    const cycleStart = starts.at(-1) ?? firstReply;
    nextUpdate = view(
      targets.nextUpdate,
      runningSegments(h, cycleStart, now),
      stopped ? lastChangeAt(h, now) : null,
      cycleStart,
    );
  }
  return { firstResponse, nextUpdate, resolution };
}

function lastChangeAt(h: TicketHistory, now: Date): Date {
  return h.statuses.filter((c) => c.at <= now).at(-1)?.at ?? h.createdAt;
}

/**
 * When the next warning for these clocks falls due: the earliest share of a running clock's target not
 * yet reached (by default 75%, then 100%), in business time. Null when nothing runs.
 */
export function nextWarningAt(
  clocks: SlaClocks,
  t: BusinessTime,
  now: Date,
  shares: readonly number[],
): Date | null {
  let next: Date | null = null;
  for (const name of clockNames) {
    const c = clocks[name];
    if (c.state !== 'running') continue;
    for (const share of shares) {
      const at = c.targetMs * share;
      if (c.elapsedMs >= at) continue;
      const when = t.add(now, at - c.elapsedMs);
      if (!next || when < next) next = when;
      break;
    }
  }
  return next;
}
