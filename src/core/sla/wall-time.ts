// Local wall time ↔ instant in one time zone, from nothing but the zone's UTC offset at any instant.
//
// A wall time means "the first moment the clocks read that time or later". So:
// - in a DST gap (02:30 on 2026-03-29 in Madrid, which never shows) it moves forward to the moment the
//   clocks jump (03:00 CEST): an office opening at 02:30 that night opens when the clock first reads
//   02:30 or later, as cron runs a job of a skipped hour right after the jump;
// - in a DST overlap (02:30 on 2026-10-25 in Madrid, which shows twice) it is the earlier instant.
// Unlike Temporal's "compatible" rule (02:30 → 03:30), this never maps a later wall time to an earlier
// instant, so a day's opening ranges can neither turn inside out nor overlap each other on a DST night.
//
// Wall times are written as epoch-like milliseconds: the instant the same reading has in UTC
// (Date.UTC(year, month, day, hour, minute)), which makes local days plain integer arithmetic.

/** Milliseconds to add to an instant (epoch ms) to get its local wall time in the zone. */
export type OffsetAt = (epochMs: number) => number;

export const DAY_MS = 86_400_000;

export function instantToWall(offsetAt: OffsetAt, epochMs: number): number {
  return epochMs + offsetAt(epochMs);
}

/**
 * The instant of a wall time, by the rule above. Assumes at most one offset change within a day either
 * side of it, true of every zone in the tz database since the 1950s.
 */
export function wallToInstant(offsetAt: OffsetAt, wall: number): number {
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const withBefore = wall - before;
  const withAfter = wall - after;
  const beforeFits = offsetAt(withBefore) === before;
  const afterFits = offsetAt(withAfter) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter);
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  // In a gap the clocks moved forward (after > before): the jump lies between the two readings.
  return firstInstantWithOffset(offsetAt, withAfter, withBefore, after);
}

/** The first instant in (lo, hi] whose offset is `offset`, knowing lo's is not and hi's is. */
function firstInstantWithOffset(offsetAt: OffsetAt, lo: number, hi: number, offset: number): number {
  let low = lo;
  let high = hi;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid) === offset) high = mid;
    else low = mid;
  }
  return high;
}
