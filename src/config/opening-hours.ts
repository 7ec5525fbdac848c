// relevo.yaml's opening hours and holidays, read into what business calendars count with
// (src/core/sla/calendar.ts). Each function answers the ranges or the date, or what was wrong in words
// a person editing the file can act on.
import type { OpenRange } from '../core/sla/calendar.ts';

const time = /^(\d{1,2}):(\d{2})$/;

/** "09:00-13:00,14:00-18:00" → ranges in minutes, sorted; "" or "closed" → none. */
export function parseOpeningHours(text: string): { ranges: OpenRange[] } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'closed') return { ranges: [] };
  const ranges: OpenRange[] = [];
  for (const part of trimmed.split(',')) {
    const [from, to, extra] = part.trim().split('-');
    const start = minutes(from);
    const end = minutes(to);
    if (extra !== undefined || start === undefined || end === undefined || start === 24 * 60) {
      return {
        problem: `expected opening hours such as "09:00-18:00" or "09:00-13:00,14:00-18:00" (HH:MM from 00:00 to 24:00), or "closed" (got "${part.trim()}")`,
      };
    }
    if (end <= start) {
      return { problem: `expected a range that ends after it starts (got "${part.trim()}")` };
    }
    ranges.push({ from: start, to: end });
  }
  ranges.sort((a, b) => a.from - b.from);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.from < ranges[i - 1]!.to) {
      return {
        problem: `expected ranges that do not overlap (got "${text.trim()}": ${hhmm(ranges[i - 1]!)} and ${hhmm(ranges[i]!)})`,
      };
    }
  }
  return { ranges };
}

/** "HH:MM" → minutes after midnight, 00:00 to 24:00. */
function minutes(text: string | undefined): number | undefined {
  const match = time.exec(text?.trim() ?? '');
  if (!match) return undefined;
  const value = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && value <= 24 * 60 ? value : undefined;
}

function hhmm(range: OpenRange): string {
  const t = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${t(range.from)}-${t(range.to)}`;
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** The zone's canonical IANA name, or undefined when the runtime's tz database does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
