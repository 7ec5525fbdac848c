// Business calendars (relevo.yaml `calendars:`) and the business-time arithmetic SLA clocks count with.
//
// Time zones come from @date-fns/tz (1.5.0), chosen by bench/tz.ts over temporal-polyfill 1.0.9 and
// Luxon 3.7.2: all three read the same tz database (Node's ICU), and the calendar needs only a zone's UTC
// offset at an instant. @date-fns/tz gave that fastest (≈110,000 wall-time round trips/s on the
// calendar's path against ≈15,000 and ≈30,000), is 228 KiB with no dependencies (against 1.3 MiB and
// 4.5 MiB), and none of the three resolves DST gaps the way a calendar must (see wall-time.ts), so that
// rule is ours either way.
//
// What "open" means: each weekday has ranges of local wall time; a holiday closes its whole local day.
// A range is the real span between the instants its two ends stand for (wall-time.ts: a time the clocks
// skip means the moment they jump; a time they show twice means its first pass). So 09:00-18:00 is 9 h
// on a DST day too, unless the change falls inside the range: then it is the elapsed time, 8 h when the
// clocks go forward and 10 h when they go back. Durations are counted in real milliseconds of open time.
import { tzOffset } from '@date-fns/tz';
import { DAY_MS, instantToWall, type OffsetAt, wallToInstant } from './wall-time.ts';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** Open from `from` to `to`, in minutes after local midnight: 0 ≤ from < to ≤ 1440. */
export interface OpenRange {
  readonly from: number;
  readonly to: number;
}

/** A calendar as relevo.yaml describes it (validated there). */
export interface CalendarSettings {
  /** An IANA time zone, e.g. Europe/Madrid. */
  readonly timezone: string;
  /** A day left out (or with no ranges) is closed. */
  readonly hours: Readonly<Partial<Record<Weekday, readonly OpenRange[]>>>;
  /** Local dates (YYYY-MM-DD) closed all day. */
  readonly holidays: readonly string[];
}

export interface BusinessCalendar {
  readonly timezone: string;
  /** Sorted, merged open ranges per weekday; index 0 is Monday, 6 is Sunday. */
  readonly week: readonly (readonly OpenRange[])[];
  readonly holidays: ReadonlySet<string>;
}

export class NeverOpenError extends Error {
  constructor(timezone: string) {
    super(`a business calendar (${timezone}) has no opening hours on any day: business time never passes`);
    this.name = 'NeverOpenError';
  }
}

export function businessCalendar(settings: CalendarSettings): BusinessCalendar {
  const week = weekdays.map((day) => merged(settings.hours[day] ?? []));
  const cal = { timezone: settings.timezone, week, holidays: new Set(settings.holidays) };
  neverOpen(cal);
  return cal;
}

/**
 * The instant when `ms` of open time has passed since `from`. Counting starts at `from` if open, else at
 * the next opening; a duration that ends exactly at a closing time ends there. No calendar: around the
 * clock.
 */
export function addBusinessTime(cal: BusinessCalendar | undefined, from: Date, ms: number): Date {
  if (!(ms >= 0 && Number.isFinite(ms))) {
    throw new RangeError(
      `a business duration must be a finite number of milliseconds, 0 or more (got ${ms})`,
    );
  }
  if (!cal) return new Date(from.getTime() + ms);
  const start = from.getTime();
  let remaining = ms;
  for (const [open, close] of openSpans(cal, start)) {
    if (close <= start) continue;
    const counted = Math.max(open, start);
    if (remaining <= close - counted) return new Date(counted + remaining);
    remaining -= close - counted;
  }
  throw new NeverOpenError(cal.timezone); // unreachable: openSpans never ends
}

/** Milliseconds of open time in [from, to); 0 when `to` is not after `from`. */
export function businessTimeBetween(cal: BusinessCalendar | undefined, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (!cal) return end - start;
  let total = 0;
  for (const [open, close] of openSpans(cal, start)) {
    if (open >= end) break;
    total += Math.max(0, Math.min(close, end) - Math.max(open, start));
  }
  return total;
}

/** The first open instant at or after `at`: `at` itself when open. */
export function nextOpening(cal: BusinessCalendar | undefined, at: Date): Date {
  return addBusinessTime(cal, at, 0);
}

export function isOpen(cal: BusinessCalendar | undefined, at: Date): boolean {
  return nextOpening(cal, at).getTime() === at.getTime();
}

/**
 * The open spans [open, close) in epoch ms, in order, from `from`'s local day onwards, without end. No
 * earlier day's span reaches `from`: a day's spans end by the next day's start, the first instant whose
 * clock reads its 00:00, and `from`'s clock already reads its day's 00:00 or later.
 */
function* openSpans(cal: BusinessCalendar, from: number): Generator<[number, number]> {
  neverOpen(cal);
  if (!Number.isFinite(from)) throw new RangeError('not a valid instant (an Invalid Date)');
  const offsetAt: OffsetAt = (ms) => tzOffset(cal.timezone, new Date(ms)) * 60_000;
  // tzOffset answers NaN for a zone it does not know: every span would be empty, and the walk endless.
  if (Number.isNaN(offsetAt(from))) throw new RangeError(`unknown time zone "${cal.timezone}"`);
  let day = Math.floor(instantToWall(offsetAt, from) / DAY_MS);
  let dayStart = wallToInstant(offsetAt, day * DAY_MS);
  for (; ; day++) {
    const nextStart = wallToInstant(offsetAt, (day + 1) * DAY_MS);
    const ranges = cal.week[(((day + 3) % 7) + 7) % 7] ?? []; // day 0, 1970-01-01, was a Thursday
    if (ranges.length > 0 && !cal.holidays.has(new Date(day * DAY_MS).toISOString().slice(0, 10))) {
      // Most days keep one offset throughout: their wall times are the day's start plus the minutes.
      const steady = nextStart - dayStart === DAY_MS;
      const at = (minutes: number) =>
        steady ? dayStart + minutes * 60_000 : wallToInstant(offsetAt, day * DAY_MS + minutes * 60_000);
      for (const range of ranges) {
        const open = at(range.from);
        const close = at(range.to);
        if (close > open) yield [open, close]; // a range inside a DST gap has no real time
      }
    }
    dayStart = nextStart;
  }
}

/** Checked on every walk too, since a BusinessCalendar can be made by hand: the walk would never end. */
function neverOpen(cal: BusinessCalendar): void {
  if (!cal.week.some((ranges) => ranges.some((r) => r.to > r.from))) throw new NeverOpenError(cal.timezone);
}

/** Ranges kept within the day and sorted, empty ones dropped, touching or overlapping ones joined. */
function merged(ranges: readonly OpenRange[]): OpenRange[] {
  const out: OpenRange[] = [];
  const within = ranges.map((r) => ({ from: Math.max(0, r.from), to: Math.min(24 * 60, r.to) }));
  for (const r of within.filter((x) => x.to > x.from).sort((a, b) => a.from - b.from)) {
    const last = out.at(-1);
    if (last && r.from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, r.to) };
    else out.push(r);
  }
  return out;
}
