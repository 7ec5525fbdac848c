// Short human durations for agents' eyes ("1 h 20 min", "2 d 3 h"): how long until an SLA clock is due,
// how late it is, what its target is. Rounded to the minute; a duration of days drops its minutes, which
// nobody acts on at that distance.
import type { Language } from './index.ts';

const MINUTE = 60_000;

/** `ms` as "2 d 3 h", "1 h 20 min", "5 min"; under half a minute reads as less than a minute. */
export function shortDuration(ms: number, language: Language | string): string {
  const minutes = Math.round(Math.max(0, ms) / MINUTE);
  if (minutes < 1) return language === 'es' ? 'menos de 1 min' : 'less than 1 min';
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const mins = minutes % 60;
  if (days) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** A share of a target as a percentage, the way each language writes it: "75%", "75 %". */
export function percent(share: number, language: Language | string): string {
  const n = Math.round(share * 100);
  return language === 'es' ? `${n} %` : `${n}%`;
}

/** A moment as "2026-12-07 13:05 UTC": unambiguous wherever the reader is (the console shows local time). */
export function formatMoment(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
