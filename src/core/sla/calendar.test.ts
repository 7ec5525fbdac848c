import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  type BusinessCalendar,
  businessCalendar,
  businessTimeBetween,
  type CalendarSettings,
  isOpen,
  NeverOpenError,
  nextOpening,
  type Weekday,
  weekdays,
} from './calendar.ts';

const H = 3_600_000;
const M = 60_000;

/** "09:00-13:00,14:00-18:00" → ranges in minutes (the config parser is tested in src/config). */
const ranges = (text: string) =>
  text.split(',').map((range) => {
    const [from, to] = range.split('-').map((t) => {
      const [h, m] = t.split(':').map(Number);
      return h! * 60 + m!;
    });
    return { from: from!, to: to! };
  });

const calendar = (
  timezone: string,
  hours: Partial<Record<Weekday, string>>,
  holidays: string[] = [],
): BusinessCalendar =>
  businessCalendar({
    timezone,
    hours: Object.fromEntries(Object.entries(hours).map(([day, text]) => [day, ranges(text!)])),
    holidays,
  });

const office = (hours = '09:00-18:00', friday = '09:00-15:00') => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: friday,
});
/** seed 001's team in Madrid: Monday to Thursday 9-18, Friday 9-15, two December holidays. */
const madrid = calendar('Europe/Madrid', office(), ['2026-12-08', '2026-12-25']);
const santiago = calendar('America/Santiago', office('09:00-18:00', '09:00-18:00'));
/** Every local day open all day: business time is the real length of local days. */
const allDay = (timezone: string) =>
  calendar(timezone, Object.fromEntries(weekdays.map((d) => [d, '00:00-24:00'])));

const at = (iso: string) => new Date(iso);
const add = (cal: BusinessCalendar | undefined, from: string, ms: number) =>
  addBusinessTime(cal, at(from), ms).toISOString();
const between = (cal: BusinessCalendar | undefined, from: string, to: string) =>
  businessTimeBetween(cal, at(from), at(to));

describe('business time on a Madrid office calendar', () => {
  it('starts a ticket created on Friday evening at Monday 09:00', () => {
    // Friday 2026-11-20 20:00 CET: closed until Monday 23rd 09:00 CET (08:00Z).
    expect(isOpen(madrid, at('2026-11-20T20:00:00+01:00'))).toBe(false);
    expect(nextOpening(madrid, at('2026-11-20T20:00:00+01:00')).toISOString()).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(add(madrid, '2026-11-20T20:00:00+01:00', 0)).toBe('2026-11-23T08:00:00.000Z');
    expect(add(madrid, '2026-11-20T20:00:00+01:00', 8 * H)).toBe('2026-11-23T16:00:00.000Z'); // Mon 17:00
    expect(between(madrid, '2026-11-20T20:00:00+01:00', '2026-11-23T09:00:00+01:00')).toBe(0);
  });

  it('carries what is left on Friday over the weekend', () => {
    // Friday 14:00: one hour until 15:00, then two more from Monday 09:00 → Monday 11:00 CET.
    expect(add(madrid, '2026-11-20T14:00:00+01:00', 3 * H)).toBe('2026-11-23T10:00:00.000Z');
    expect(between(madrid, '2026-11-20T14:00:00+01:00', '2026-11-23T11:00:00+01:00')).toBe(3 * H);
    expect(between(madrid, '2026-11-20T00:00:00+01:00', '2026-11-23T00:00:00+01:00')).toBe(6 * H);
  });

  it('skips a holiday whole', () => {
    // Monday 7 December 17:00: one hour, Tuesday 8th is a holiday, Wednesday 9th 09:00 + 1 h.
    expect(add(madrid, '2026-12-07T17:00:00+01:00', 2 * H)).toBe('2026-12-09T09:00:00.000Z');
    expect(isOpen(madrid, at('2026-12-08T11:00:00+01:00'))).toBe(false);
    expect(between(madrid, '2026-12-07T00:00:00+01:00', '2026-12-10T00:00:00+01:00')).toBe(18 * H);
    // Christmas is a Friday: Thursday 24th 17:00 + 2 h ends on Monday 28th at 10:00.
    expect(add(madrid, '2026-12-24T17:00:00+01:00', 2 * H)).toBe('2026-12-28T09:00:00.000Z');
  });

  it('ends at the closing time when the time runs out exactly there', () => {
    expect(add(madrid, '2026-11-23T09:00:00+01:00', 9 * H)).toBe('2026-11-23T17:00:00.000Z'); // Mon 18:00
    expect(add(madrid, '2026-11-27T09:00:00+01:00', 6 * H)).toBe('2026-11-27T14:00:00.000Z'); // Fri 15:00
    expect(isOpen(madrid, at('2026-11-23T18:00:00+01:00'))).toBe(false);
    expect(isOpen(madrid, at('2026-11-23T17:59:59.999+01:00'))).toBe(true);
    // Zero from a closing time is the next opening; from an opening, the opening itself.
    expect(add(madrid, '2026-11-23T18:00:00+01:00', 0)).toBe('2026-11-24T08:00:00.000Z');
    expect(add(madrid, '2026-11-23T09:00:00+01:00', 0)).toBe('2026-11-23T08:00:00.000Z');
    expect(add(madrid, '2026-11-23T10:17:00+01:00', 0)).toBe('2026-11-23T09:17:00.000Z');
  });

  it('counts 20 business days day by day: four weeks of 42 hours end on the fourth Friday at 15:00', () => {
    expect(add(madrid, '2026-01-05T09:00:00+01:00', 4 * 42 * H)).toBe('2026-01-30T14:00:00.000Z');
    expect(between(madrid, '2026-01-05T00:00:00+01:00', '2026-02-02T00:00:00+01:00')).toBe(4 * 42 * H);
  });

  it('follows Madrid to summer time: the same 09:00 opening is an hour earlier in UTC', () => {
    // Friday 27 March 14:00 CET (13:00Z): 1 h; Monday 30th opens 09:00 CEST (07:00Z) + 1 h.
    expect(add(madrid, '2026-03-27T14:00:00+01:00', 2 * H)).toBe('2026-03-30T08:00:00.000Z');
    expect(between(madrid, '2026-03-27T13:00:00Z', '2026-03-30T08:00:00Z')).toBe(2 * H);
    // And back on 25 October: Friday 23rd 14:00 CEST (12:00Z) + 2 h → Monday 26th 10:00 CET (09:00Z).
    expect(add(madrid, '2026-10-23T14:00:00+02:00', 2 * H)).toBe('2026-10-26T09:00:00.000Z');
  });
});

describe('ranges on days when the clocks change', () => {
  it('Madrid, 29 March 2026 (02:00 → 03:00): a range holding the change is an hour shorter', () => {
    const sunday = (hours: string) => calendar('Europe/Madrid', { sun: hours });
    const day = (cal: BusinessCalendar) =>
      between(cal, '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00');
    expect(day(allDay('Europe/Madrid'))).toBe(23 * H);
    expect(day(sunday('09:00-18:00'))).toBe(9 * H); // after the change: as on any Sunday
    expect(day(sunday('01:00-04:00'))).toBe(2 * H); // 01:00 CET to 04:00 CEST
    // 02:30 never shows: the range opens when the clocks jump, 03:00 CEST (01:00Z).
    expect(day(sunday('02:30-05:00'))).toBe(2 * H);
    expect(nextOpening(sunday('02:30-05:00'), at('2026-03-29T00:00:00Z')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(day(sunday('02:00-03:00'))).toBe(0); // wholly skipped; an hour on other Sundays
    expect(between(sunday('02:00-03:00'), '2026-03-22T00:00:00Z', '2026-03-23T00:00:00Z')).toBe(H);
    // A duration across the change counts elapsed time: 01:30 CET + 1 h = 03:30 CEST.
    expect(add(sunday('01:00-04:00'), '2026-03-29T01:30:00+01:00', H)).toBe('2026-03-29T01:30:00.000Z');
  });

  it('Madrid, 25 October 2026 (03:00 → 02:00): a range holding the change is an hour longer', () => {
    const sunday = (hours: string) => calendar('Europe/Madrid', { sun: hours });
    const day = (cal: BusinessCalendar) =>
      between(cal, '2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00');
    expect(day(allDay('Europe/Madrid'))).toBe(25 * H);
    expect(day(sunday('09:00-18:00'))).toBe(9 * H);
    expect(day(sunday('01:00-04:00'))).toBe(4 * H);
    // 02:30 shows twice: the range opens at its first pass, 02:30 CEST (00:30Z), and runs to 05:00 CET.
    expect(day(sunday('02:30-05:00'))).toBe(3.5 * H);
    // …and closes at the first pass of its end: 00:00 CEST to 02:30 CEST, the second pass stays closed.
    expect(day(sunday('00:00-02:30'))).toBe(2.5 * H);
    expect(isOpen(sunday('00:00-02:30'), at('2026-10-25T02:15:00+01:00'))).toBe(false);
    expect(isOpen(sunday('00:00-02:30'), at('2026-10-25T02:15:00+02:00'))).toBe(true);
    expect(add(sunday('01:00-04:00'), '2026-10-25T01:30:00+02:00', 2 * H)).toBe('2026-10-25T01:30:00.000Z'); // 02:30 CET
  });

  it('Santiago, 4-5 April 2026 (00:00 → 23:00 the day before): Saturday is 25 hours long', () => {
    const saturday = (hours: string) => calendar('America/Santiago', { sat: hours });
    const day = (cal: BusinessCalendar) =>
      between(cal, '2026-04-04T00:00:00-03:00', '2026-04-05T00:00:00-04:00');
    expect(day(allDay('America/Santiago'))).toBe(25 * H);
    // A range ending at 24:00 ends when Sunday begins, 00:00 -04 (04:00Z): 20:00 -03 to then is 5 h.
    expect(day(saturday('20:00-24:00'))).toBe(5 * H);
    expect(add(saturday('20:00-24:00'), '2026-04-04T20:00:00-03:00', 5 * H)).toBe('2026-04-05T04:00:00.000Z');
    expect(day(saturday('22:00-23:30'))).toBe(1.5 * H); // closes at the first 23:30, -03
    // Office hours on both sides: Friday 3rd 17:00 -03 + 2 h → Monday 6th 10:00 -04 (14:00Z).
    expect(add(santiago, '2026-04-03T17:00:00-03:00', 2 * H)).toBe('2026-04-06T14:00:00.000Z');
  });

  it('Santiago, 6 September 2026 (00:00 → 01:00): Sunday starts at 01:00 and is 23 hours long', () => {
    const cal = (hours: Partial<Record<Weekday, string>>) => calendar('America/Santiago', hours);
    expect(
      between(allDay('America/Santiago'), '2026-09-06T01:00:00-03:00', '2026-09-07T00:00:00-03:00'),
    ).toBe(23 * H);
    // Saturday's 24:00 is Sunday's first instant, 01:00 -03 (04:00Z): 20:00 -04 to then is 4 h.
    expect(between(cal({ sat: '20:00-24:00' }), '2026-09-05T00:00:00Z', '2026-09-07T00:00:00Z')).toBe(4 * H);
    // Sunday 00:00-02:00 opens at 01:00 -03 and lasts an hour.
    expect(nextOpening(cal({ sun: '00:00-02:00' }), at('2026-09-05T12:00:00Z')).toISOString()).toBe(
      '2026-09-06T04:00:00.000Z',
    );
    expect(between(cal({ sun: '00:00-02:00' }), '2026-09-05T00:00:00Z', '2026-09-07T00:00:00Z')).toBe(H);
    // Office hours on both sides: Friday 4th 17:00 -04 + 2 h → Monday 7th 10:00 -03 (13:00Z).
    expect(add(santiago, '2026-09-04T17:00:00-04:00', 2 * H)).toBe('2026-09-07T13:00:00.000Z');
  });
});

describe('ranges and days', () => {
  const split = calendar('Europe/Madrid', office('09:00-13:00,14:00-18:00', '09:00-13:00,14:00-18:00'));

  it('skips the break of a split day', () => {
    expect(add(split, '2026-11-23T12:00:00+01:00', 2 * H)).toBe('2026-11-23T14:00:00.000Z'); // 15:00
    expect(add(split, '2026-11-23T13:30:00+01:00', 0)).toBe('2026-11-23T13:00:00.000Z'); // 14:00
    expect(add(split, '2026-11-23T09:00:00+01:00', 4 * H)).toBe('2026-11-23T12:00:00.000Z'); // at 13:00
    expect(isOpen(split, at('2026-11-23T13:30:00+01:00'))).toBe(false);
    expect(between(split, '2026-11-23T00:00:00+01:00', '2026-11-24T00:00:00+01:00')).toBe(8 * H);
  });

  it('runs on through midnight when a range ends at 24:00 and the next day opens at 00:00', () => {
    const nights = calendar('Europe/Madrid', { mon: '18:00-24:00', tue: '00:00-06:00' });
    expect(add(nights, '2026-11-23T23:00:00+01:00', 2 * H)).toBe('2026-11-24T00:00:00.000Z'); // Tue 01:00
    expect(between(nights, '2026-11-23T23:00:00+01:00', '2026-11-24T01:00:00+01:00')).toBe(2 * H);
    expect(isOpen(nights, at('2026-11-24T00:00:00+01:00'))).toBe(true);
    expect(isOpen(nights, at('2026-11-24T06:00:00+01:00'))).toBe(false);
    // 12 h a week: Monday 18:00 + 12 h ends on Tuesday at 06:00, not next Monday.
    expect(add(nights, '2026-11-23T18:00:00+01:00', 12 * H)).toBe('2026-11-24T05:00:00.000Z');
    // A range ending at 24:00 with the next day closed ends at midnight.
    const late = calendar('Europe/Madrid', { fri: '20:00-24:00' });
    expect(add(late, '2026-11-20T23:00:00+01:00', H)).toBe('2026-11-20T23:00:00.000Z'); // Sat 00:00
    expect(add(late, '2026-11-20T23:00:00+01:00', H + M)).toBe('2026-11-27T19:01:00.000Z');
  });

  it('joins ranges that touch and opens for seconds and milliseconds too', () => {
    const touching = calendar('UTC', { mon: '09:00-12:00,12:00-18:00' });
    expect(touching.week[0]).toEqual([{ from: 540, to: 1080 }]);
    expect(add(touching, '2026-11-23T09:00:00.250Z', 1)).toBe('2026-11-23T09:00:00.251Z');
  });

  it('is around the clock with no calendar', () => {
    expect(add(undefined, '2026-11-20T20:00:00Z', 8 * H)).toBe('2026-11-21T04:00:00.000Z');
    expect(between(undefined, '2026-11-20T20:00:00Z', '2026-11-21T04:00:00Z')).toBe(8 * H);
    expect(between(undefined, '2026-11-21T04:00:00Z', '2026-11-20T20:00:00Z')).toBe(0);
    expect(isOpen(undefined, at('2026-11-22T03:00:00Z'))).toBe(true);
    expect(nextOpening(undefined, at('2026-11-22T03:00:00Z')).toISOString()).toBe('2026-11-22T03:00:00.000Z');
  });

  it('gives 0 when the end is not after the start', () => {
    expect(between(madrid, '2026-11-23T12:00:00Z', '2026-11-23T12:00:00Z')).toBe(0);
    expect(between(madrid, '2026-11-23T12:00:00Z', '2026-11-23T10:00:00Z')).toBe(0);
  });

  it('walks a year of holidays to the one open day without trouble', () => {
    const holidays = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const rare = calendar('Europe/Madrid', office(), holidays.slice(0, -1)); // 31 December 2026 is a Thursday
    expect(add(rare, '2026-01-01T00:00:00+01:00', H)).toBe('2026-12-31T09:00:00.000Z');
    expect(between(rare, '2026-01-01T00:00:00+01:00', '2027-01-01T00:00:00+01:00')).toBe(9 * H);
  });

  it('refuses a calendar that is never open, a negative or endless duration and an unknown zone', () => {
    expect(() => businessCalendar({ timezone: 'Europe/Madrid', hours: { mon: [] }, holidays: [] })).toThrow(
      NeverOpenError,
    );
    expect(() =>
      businessCalendar({
        timezone: 'UTC',
        hours: {
          mon: [
            { from: 600, to: 600 },
            { from: 1500, to: 1600 },
          ],
        },
        holidays: [],
      }),
    ).toThrow(NeverOpenError);
    const handMade: BusinessCalendar = {
      timezone: 'UTC',
      week: weekdays.map(() => [{ from: 600, to: 500 }]),
      holidays: new Set(),
    };
    expect(() => addBusinessTime(handMade, at('2026-11-23T12:00:00Z'), H)).toThrow(/no opening hours/);
    expect(() =>
      businessTimeBetween(handMade, at('2026-11-23T12:00:00Z'), at('2026-11-24T12:00:00Z')),
    ).toThrow(/no opening hours/);
    expect(() => addBusinessTime(madrid, at('2026-11-23T12:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(madrid, at('2026-11-23T12:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(
      RangeError,
    );
    expect(() => addBusinessTime(madrid, new Date(Number.NaN), H)).toThrow(/Invalid Date/);
    const mars = calendar('Mars/Olympus_Mons', office());
    expect(() => isOpen(mars, at('2026-11-23T12:00:00Z'))).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
  });
});

describe('business-time properties', () => {
  const zones = [
    'Europe/Madrid',
    'America/Santiago',
    'UTC',
    'America/New_York',
    'Australia/Lord_Howe', // half-hour DST
    'Asia/Kolkata',
    'Pacific/Chatham',
  ];
  const range = fc
    .tuple(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 0, max: 1440 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
  const settings: fc.Arbitrary<CalendarSettings> = fc
    .record({
      timezone: fc.constantFrom(...zones),
      days: fc.array(fc.array(range, { maxLength: 3 }), { minLength: 7, maxLength: 7 }),
      holidays: fc.array(fc.integer({ min: 0, max: 2 * 366 }), { maxLength: 40 }),
    })
    .filter(({ days }) => days.some((d) => d.length > 0))
    .map(({ timezone, days, holidays }) => ({
      timezone,
      // Overlapping random ranges are joined by businessCalendar (the config refuses them).
      hours: Object.fromEntries(weekdays.map((day, i) => [day, days[i]!])),
      holidays: holidays.map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10)),
    }));
  // Instants over 2026-2027, half of them within a day of a DST change in Madrid or Santiago.
  const changes = [
    '2026-03-29T01:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-04-05T03:00:00Z',
    '2026-09-06T04:00:00Z',
  ];
  const instant = fc.oneof(
    fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
    fc
      .tuple(fc.constantFrom(...changes.map(Date.parse)), fc.integer({ min: -26 * H, max: 26 * H }))
      .map(([t, d]) => t + d),
  );
  const duration = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 3 * H }),
    fc.integer({ min: 1, max: 30 * 24 * H }),
  );
  const runs = { numRuns: 300 };

  it('measures back what it added, and never lands just after closed time', () => {
    fc.assert(
      fc.property(settings, instant, duration, (s, from, d) => {
        const cal = businessCalendar(s);
        const due = addBusinessTime(cal, new Date(from), d);
        expect(businessTimeBetween(cal, new Date(from), due)).toBe(d);
        expect(due.getTime()).toBeGreaterThanOrEqual(from);
        // d > 0: the instant just before the result is open (the result itself may be a closing time);
        // d = 0: the result is open, the first open instant at or after `from`.
        if (d > 0) expect(isOpen(cal, new Date(due.getTime() - 1))).toBe(true);
        else expect(isOpen(cal, due)).toBe(true);
      }),
      runs,
    );
  });

  it('adds up: a → b plus b → c is a → c', () => {
    fc.assert(
      fc.property(settings, instant, instant, instant, (s, x, y, z) => {
        const cal = businessCalendar(s);
        const [a, b, c] = [x, y, z].sort((p, q) => p - q).map((t) => new Date(t)) as [Date, Date, Date];
        expect(businessTimeBetween(cal, a, b) + businessTimeBetween(cal, b, c)).toBe(
          businessTimeBetween(cal, a, c),
        );
      }),
      runs,
    );
  });

  it('opens and closes by the local wall clock away from DST changes', () => {
    const clock = new Map(
      zones.map((zone) => [
        zone,
        new Intl.DateTimeFormat('en-CA', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          weekday: 'short',
        }),
      ]),
    );
    fc.assert(
      fc.property(settings, instant, (s, t) => {
        const cal = businessCalendar(s);
        const read = (ms: number) =>
          Object.fromEntries(
            clock
              .get(s.timezone)!
              .formatToParts(new Date(ms))
              .map((p) => [p.type, p.value]),
          );
        const local = read(t);
        const offset = (ms: number) => {
          const r = read(ms);
          return Date.UTC(+r.year!, +r.month! - 1, +r.day!, +r.hour!, +r.minute!) - Math.floor(ms / M) * M;
        };
        fc.pre(offset(t - 26 * H) === offset(t + 26 * H)); // no change near t: wall time is unambiguous
        const minute = +local.hour! * 60 + +local.minute! + +local.second! / 60;
        const day = local.weekday!.toLowerCase() as Weekday;
        const holiday = s.holidays.includes(`${local.year}-${local.month}-${local.day}`);
        const open = !holiday && (s.hours[day] ?? []).some((r) => r.from <= minute && minute < r.to);
        expect(isOpen(cal, new Date(t))).toBe(open);
      }),
      runs,
    );
  });

  it('is plain arithmetic around the clock', () => {
    fc.assert(
      fc.property(instant, instant, duration, (a, b, d) => {
        expect(addBusinessTime(undefined, new Date(a), d).getTime()).toBe(a + d);
        expect(businessTimeBetween(undefined, new Date(a), new Date(b))).toBe(Math.max(0, b - a));
      }),
    );
  });
});
