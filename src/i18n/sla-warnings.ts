// What agents read when an SLA clock nears its target or passes it (core/sla/warnings.ts), in the reader's
// language: the assignee's, or the team's when nobody holds the ticket. Warnings about the next-update
// clock are the update reminders: the customer is owed news, not an answer.
import type { ClockName } from '../core/sla/clocks.ts';
import { percent, shortDuration } from './durations.ts';
import type { Language } from './index.ts';

export interface SlaWarning {
  ticketNumber: number;
  clock: ClockName;
  /** The share of the target reached: below 1 is at risk, 1 is the breach. */
  share: number;
  targetMs: number;
  /** The target minus the time counted so far, when the warning was raised: negative once overdue. */
  leftMs: number;
  /** Nobody holds the ticket: the whole team reads the warning. */
  unassigned: boolean;
}

interface Parts {
  n: number;
  left: string;
  used: string;
  target: string;
  /** How late, once at least a minute late. */
  late?: string;
}

interface SlaWarningTexts {
  atRisk: Record<ClockName, (p: Parts) => string>;
  breached: Record<ClockName, (p: Parts) => string>;
  unassigned: string;
}

const en: SlaWarningTexts = {
  atRisk: {
    firstResponse: (p) =>
      `⏰ Ticket #${p.n}: first response due in ${p.left} (${p.used} of ${p.target} used).`,
    nextUpdate: (p) =>
      `⏰ Ticket #${p.n}: the customer is owed an update within ${p.left} (${p.used} of ${p.target} used).`,
    resolution: (p) => `⏰ Ticket #${p.n}: resolution due in ${p.left} (${p.used} of ${p.target} used).`,
  },
  breached: {
    firstResponse: (p) =>
      `🚨 Ticket #${p.n}: the first response is overdue${p.late ? ` by ${p.late}` : ''} (target ${p.target}).`,
    nextUpdate: (p) =>
      `🚨 Ticket #${p.n}: the update to the customer is overdue${p.late ? ` by ${p.late}` : ''} (one every ${p.target}).`,
    resolution: (p) =>
      `🚨 Ticket #${p.n}: the resolution is overdue${p.late ? ` by ${p.late}` : ''} (target ${p.target}).`,
  },
  unassigned: 'Nobody has taken it yet.',
};

const es: SlaWarningTexts = {
  atRisk: {
    firstResponse: (p) =>
      `⏰ Ticket #${p.n}: la primera respuesta vence en ${p.left} (consumido el ${p.used} de ${p.target}).`,
    nextUpdate: (p) =>
      `⏰ Ticket #${p.n}: el cliente debe recibir una actualización dentro de ${p.left} (consumido el ${p.used} de ${p.target}).`,
    resolution: (p) =>
      `⏰ Ticket #${p.n}: la resolución vence en ${p.left} (consumido el ${p.used} de ${p.target}).`,
  },
  breached: {
    firstResponse: (p) =>
      `🚨 Ticket #${p.n}: la primera respuesta está vencida${p.late ? ` desde hace ${p.late}` : ''} (objetivo: ${p.target}).`,
    nextUpdate: (p) =>
      `🚨 Ticket #${p.n}: la actualización al cliente está vencida${p.late ? ` desde hace ${p.late}` : ''} (una cada ${p.target}).`,
    resolution: (p) =>
      `🚨 Ticket #${p.n}: la resolución está vencida${p.late ? ` desde hace ${p.late}` : ''} (objetivo: ${p.target}).`,
  },
  unassigned: 'Nadie lo ha tomado aún.',
};

/** The warning's sentence, e.g. "⏰ Ticket #12: first response due in 1 h (75% of 4 h used)." */
export function slaWarningText(w: SlaWarning, language: Language | string): string {
  const texts = language === 'es' ? es : en;
  const parts: Parts = {
    n: w.ticketNumber,
    left: shortDuration(w.leftMs, language),
    used: percent(w.share, language),
    target: shortDuration(w.targetMs, language),
    ...(w.leftMs <= -60_000 ? { late: shortDuration(-w.leftMs, language) } : {}),
  };
  const sentence = (w.share < 1 ? texts.atRisk : texts.breached)[w.clock](parts);
  return w.unassigned ? `${sentence} ${texts.unassigned}` : sentence;
}
