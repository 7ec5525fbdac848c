// Durations and moments as agents read them: "1 h 20 min", "2 d 3 h" — the same abbreviations in Spanish
// and English (h, min, d for días/days).

const MIN = 60_000;

/**
 * A duration to the minute, its two largest units: days and hours, or hours and minutes. Under a minute
 * reads "<1 min".
 *
 * @example formatDuration(80 * 60_000) // '1 h 20 min'; formatDuration(51 * 3_600_000) // '2 d 3 h'
 */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / MIN);
  if (total < 1) return '<1 min';
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  const parts = d ? [`${d} d`, h ? `${h} h` : ''] : [h ? `${h} h` : '', m ? `${m} min` : ''];
  return parts.filter(Boolean).join(' ');
}

/** A moment as "2026-12-07 13:05 UTC": unambiguous wherever the reader is (the console shows local time). */
export function formatMoment(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
