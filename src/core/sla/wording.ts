// How a person reads one SLA clock, in English and Spanish: `/ticket sla` prints it as a line, the triage
// card shows it as a field. Both come from here, so an agent reads the same words in both places.
import { formatMoment, shortDuration } from '../../i18n/durations.ts';
import { type Localized, pick } from '../../i18n/localized.ts';
import type { Field, Tone } from '../message.ts';
import type { ClockName } from './clocks.ts';
import type { ClockSummary } from './view.ts';

export const clockLabel: Record<ClockName, Localized> = {
  firstResponse: { en: 'First response', es: 'Primera respuesta' },
  nextUpdate: { en: 'Next update', es: 'Próxima actualización' },
  resolution: { en: 'Resolution', es: 'Resolución' },
};

/** A clock's tone: overdue is danger, past the warning share is warning. */
export function clockTone(c: ClockSummary): Tone | undefined {
  if (c.state === 'breached') return 'danger';
  return c.state === 'running' && c.atRisk ? 'warning' : undefined;
}

/**
 * The words for one clock. `{relative}` and `{moment}` are left in the templates for the platforms that
 * render times themselves (see Field.when); `line` fills both in as of `now`.
 */
interface Wording {
  /** The whole value as of `now`: "🟠 due in 30 min (2026-12-07 13:05 UTC)". */
  line: string;
  /** With the moment left open: "🟠 due in 30 min ({moment})". */
  absolute?: string;
  /** With the relative time left open too: "🟠 due {relative} ({moment})". */
  relative?: string;
}

function wording(c: ClockSummary, now: Date, language: string): Wording {
  const due = c.dueAt ? new Date(c.dueAt) : undefined;
  const l = (en: string, es: string) => pick({ en, es }, language);
  switch (c.state) {
    case 'met':
      return { line: l('✅ met', '✅ cumplida') };
    case 'paused':
      return {
        line:
          c.pausedBy === 'not_started'
            ? l('⏸ starts with the first response', '⏸ empieza con la primera respuesta')
            : l('⏸ paused: waiting on the customer', '⏸ en pausa: esperando al cliente'),
      };
    case 'breached': {
      if (!due) return { line: l('🔴 breached', '🔴 incumplida') };
      // Answered (or solved) late: the breach stands, but nothing is overdue any more, so no count grows.
      if (c.stoppedAt) {
        const absolute = l('🔴 missed (was due {moment})', '🔴 incumplida (vencía {moment})');
        return { line: absolute.replace('{moment}', formatMoment(due)), absolute, relative: absolute };
      }
      const late = shortDuration(now.getTime() - due.getTime(), language);
      const absolute = l(`🔴 overdue by ${late} (due {moment})`, `🔴 vencida hace ${late} (vencía {moment})`);
      return {
        line: absolute.replace('{moment}', formatMoment(due)),
        absolute,
        // A platform's own relative time reads "25 minutes ago" / "hace 25 minutos".
        relative: l('🔴 overdue: was due {relative} ({moment})', '🔴 vencida: vencía {relative} ({moment})'),
      };
    }
    case 'running': {
      const dot = c.atRisk ? '🟠' : '🟢';
      if (!due) return { line: l(`${dot} running`, `${dot} en curso`) };
      const left = shortDuration(due.getTime() - now.getTime(), language);
      const absolute = l(`${dot} due in ${left} ({moment})`, `${dot} vence en ${left} ({moment})`);
      return {
        line: absolute.replace('{moment}', formatMoment(due)),
        absolute,
        // "in 2 hours" / "dentro de 2 horas".
        relative: l(`${dot} due {relative} ({moment})`, `${dot} vence {relative} ({moment})`),
      };
    }
  }
}

/** One clock as a line agents read at a glance (`/ticket sla`). */
export function clockLine(c: ClockSummary, now: Date, language: string): string {
  return wording(c, now, language).line;
}

/** One clock as a card field: the line, its tone, and its due time for platforms that show times live. */
export function clockField(label: string, c: ClockSummary, now: Date, language: string): Field {
  const w = wording(c, now, language);
  const tone = clockTone(c);
  return {
    label,
    value: w.line,
    ...(tone ? { tone } : {}),
    ...(c.dueAt && w.absolute && w.relative
      ? { when: { at: c.dueAt, absolute: w.absolute, relative: w.relative, language } }
      : {}),
  };
}
