import { z } from 'zod';
import { reportSummary } from '../src/core/reports/summary.ts';
import { type Category, categoryLabel } from '../src/core/tickets/categories.ts';
import type { Localized } from '../src/i18n/localized.ts';
import { defineCommand, say } from './command.ts';

const DAY = 86_400_000;

/** `7d`, `4w`, `today`, or a month `2026-11`: the period it names, ending now for the relative ones. */
export function periodOf(text: string, now: Date): { from: Date; to: Date } | undefined {
  const relative = /^(\d{1,3})([dw])$/.exec(text);
  if (relative) {
    const days = Number(relative[1]) * (relative[2] === 'w' ? 7 : 1);
    return days > 0 && days <= 800 ? { from: new Date(now.getTime() - days * DAY), to: now } : undefined;
  }
  if (text === 'today') {
    return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())), to: now };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    if (m < 1 || m > 12) return undefined;
    return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
  }
  return undefined;
}

const minutes = (n: number | null): string => {
  if (n === null) return '–';
  if (n < 90) return `${Math.round(n)} min`;
  if (n < 48 * 60) return `${(n / 60).toFixed(1)} h`;
  return `${(n / 1440).toFixed(1)} d`;
};
const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);

export default defineCommand({
  name: 'stats',
  args: ['period'],
  schema: z.object({
    period: z
      .string()
      .regex(/^(\d{1,3}[dw]|today|\d{4}-\d{2})$/, {
        error: 'expected a period: 7d, 4w, today or a month like 2026-11',
      })
      .default('7d'),
  }),
  usage: '/ticket stats [7d|4w|today|2026-11]',
  help: {
    en: 'A summary of the desk: tickets now, created and resolved, response and resolution times, SLA met, top categories.',
    es: 'Un resumen del soporte: tickets ahora, creados y resueltos, tiempos de respuesta y resolución, SLA cumplido, categorías principales.',
  },
  argHelp: {
    period: {
      en: 'The period: 7d (default), 4w, today, or a month like 2026-11',
      es: 'El periodo: 7d (por defecto), 4w, today o un mes como 2026-11',
    },
  },
  audience: 'agent',
  async run(ctx, { period }) {
    const span = periodOf(period, ctx.tickets.now());
    if (!span) {
      return {
        text: say(ctx, {
          en: `${period} is not a period I can read.`,
          es: `No sé leer el periodo ${period}.`,
        }),
      };
    }
    const r = await reportSummary(ctx.db, span);
    const l = (text: Localized) => say(ctx, text);
    // The words the card and its form use, not the stored key; a key the list lacks still shows, as it is.
    const categoryName = (key: string) => {
      const label: Localized | undefined = categoryLabel[key as Category];
      return label ? l(label) : key;
    };
    const fields = [
      {
        label: l({ en: 'Now', es: 'Ahora' }),
        value: l({
          en: `${r.now.unresolved} unresolved · ${r.now.open} open · ${r.now.waiting} waiting on the customer · ${r.now.unassigned} unassigned · ${r.now.awaitingConfirmation} awaiting confirmation`,
          es: `${r.now.unresolved} sin resolver · ${r.now.open} abiertos · ${r.now.waiting} esperando al cliente · ${r.now.unassigned} sin asignar · ${r.now.awaitingConfirmation} esperando confirmación`,
        }),
      },
      {
        label: l({ en: 'Created / resolved', es: 'Creados / resueltos' }),
        value: `${r.created} / ${r.resolved}`,
      },
      {
        label: l({ en: 'First response (median · p90)', es: 'Primera respuesta (mediana · p90)' }),
        value: `${minutes(r.firstResponse.medianMinutes)} · ${minutes(r.firstResponse.p90Minutes)}`,
      },
      {
        label: l({ en: 'Resolution (median · p90)', es: 'Resolución (mediana · p90)' }),
        value: `${minutes(r.resolution.medianMinutes)} · ${minutes(r.resolution.p90Minutes)}`,
      },
      {
        label: l({ en: 'SLA met', es: 'SLA cumplido' }),
        value: l({
          en: `first response ${percent(r.sla.firstResponse.rate)} · next update ${percent(r.sla.nextUpdate.rate)} · resolution ${percent(r.sla.resolution.rate)}`,
          es: `primera respuesta ${percent(r.sla.firstResponse.rate)} · próxima actualización ${percent(r.sla.nextUpdate.rate)} · resolución ${percent(r.sla.resolution.rate)}`,
        }),
      },
    ];
    if (r.top.categories.length) {
      fields.push({
        label: l({ en: 'Top categories', es: 'Categorías principales' }),
        value: r.top.categories.map((c) => `${categoryName(c.key)} ${c.count}`).join(' · '),
      });
    }
    const csat = r.satisfaction;
    if (csat.asked) {
      fields.push({
        label: l({ en: 'Satisfaction', es: 'Satisfacción' }),
        value: l({
          en: `${csat.average === null ? '–' : csat.average.toFixed(1)}/5 · ${percent(csat.satisfied)} rated 4–5 · ${csat.answered} of ${csat.asked} answered`,
          es: `${csat.average === null ? '–' : csat.average.toFixed(1)}/5 · ${percent(csat.satisfied)} con 4–5 · ${csat.answered} de ${csat.asked} respondidas`,
        }),
      });
    }
    if (r.top.organisations.length) {
      fields.push({
        label: l({ en: 'Top organisations', es: 'Organizaciones principales' }),
        value: r.top.organisations.map((o) => `${o.name} ${o.count}`).join(' · '),
      });
    }
    return {
      title: l({ en: `Support, ${period}`, es: `Soporte, ${period}` }),
      text: l({
        en: `From ${r.from.slice(0, 16).replace('T', ' ')} to ${r.to.slice(0, 16).replace('T', ' ')} UTC.`,
        es: `Del ${r.from.slice(0, 16).replace('T', ' ')} al ${r.to.slice(0, 16).replace('T', ' ')} UTC.`,
      }),
      fields,
    };
  },
});
