import { z } from 'zod';
import type { ClockName } from '../src/core/sla/clocks.ts';
import { type ClockSummary, slaSummary } from '../src/core/sla/view.ts';
import { listTickets } from '../src/core/tickets/queries.ts';
import { formatMoment, shortDuration } from '../src/i18n/durations.ts';
import { type Localized, pick } from '../src/i18n/localized.ts';
import { ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

const clockLabel: Record<ClockName, Localized> = {
  firstResponse: { en: 'First response', es: 'Primera respuesta' },
  nextUpdate: { en: 'Next update', es: 'Próxima actualización' },
  resolution: { en: 'Resolution', es: 'Resolución' },
};

/** One clock as a line agents read at a glance. */
function clockLine(c: ClockSummary, now: Date, language: string): string {
  const due = c.dueAt ? new Date(c.dueAt) : undefined;
  const l = (en: string, es: string) => pick({ en, es }, language);
  switch (c.state) {
    case 'met':
      return l('✅ met', '✅ cumplida');
    case 'paused':
      return c.pausedBy === 'not_started'
        ? l('⏸ starts with the first response', '⏸ empieza con la primera respuesta')
        : l('⏸ paused: waiting on the customer', '⏸ en pausa: esperando al cliente');
    case 'breached':
      return due
        ? l(
            `🔴 overdue by ${shortDuration(now.getTime() - due.getTime(), language)} (due ${formatMoment(due)})`,
            `🔴 vencida hace ${shortDuration(now.getTime() - due.getTime(), language)} (vencía ${formatMoment(due)})`,
          )
        : l('🔴 breached', '🔴 incumplida');
    case 'running':
      return due
        ? l(
            `${c.atRisk ? '🟠' : '🟢'} due in ${shortDuration(due.getTime() - now.getTime(), language)} (${formatMoment(due)})`,
            `${c.atRisk ? '🟠' : '🟢'} vence en ${shortDuration(due.getTime() - now.getTime(), language)} (${formatMoment(due)})`,
          )
        : l('🟢 running', '🟢 en curso');
  }
}

export default defineCommand({
  name: 'sla',
  args: ['ticket'],
  schema: z.object({ ticket: ticketNumber.optional() }),
  usage: '/ticket sla [#number]',
  help: {
    en: 'Shows a ticket’s SLA clocks, or the tickets at risk and breached.',
    es: 'Muestra los plazos del SLA de un ticket, o los tickets en riesgo e incumplidos.',
  },
  audience: 'agent',
  async run(ctx, { ticket: n }) {
    const language = ctx.language ?? 'en';
    const now = ctx.tickets.now();
    if (n) {
      const sla = await slaSummary(ctx.db, ctx.config, n, now);
      if (!sla) {
        return {
          text: say(ctx, {
            en: `Ticket #${n}'s plan promises no times.`,
            es: `El plan del ticket #${n} no fija plazos.`,
          }),
        };
      }
      return {
        title: say(ctx, { en: `SLA of ticket #${n}`, es: `SLA del ticket #${n}` }),
        text: '',
        fields: (['firstResponse', 'nextUpdate', 'resolution'] as const).map((name) => ({
          label: pick(clockLabel[name], language),
          value: clockLine(sla[name], now, language),
        })),
      };
    }
    const open = ['new', 'open', 'waiting_on_customer', 'on_hold'] as const;
    const list = async (state: 'breached' | 'at_risk') =>
      (await listTickets(ctx.db, { status: [...open], sla: { state, now }, limit: 20 }, { kind: 'agent' }))
        .tickets;
    const [breached, atRisk] = await Promise.all([list('breached'), list('at_risk')]);
    const lines = (ts: { number: number; subject: string }[]) =>
      ts.map((t) => `#${t.number} ${t.subject}`).join('\n');
    if (!breached.length && !atRisk.length) {
      return {
        text: say(ctx, {
          en: 'No open ticket is at risk or breached.',
          es: 'Ningún ticket abierto está en riesgo ni incumplido.',
        }),
      };
    }
    return {
      title: say(ctx, { en: 'SLA: tickets needing attention', es: 'SLA: tickets que requieren atención' }),
      text: '',
      fields: [
        ...(breached.length
          ? [{ label: say(ctx, { en: '🔴 Breached', es: '🔴 Incumplidos' }), value: lines(breached) }]
          : []),
        ...(atRisk.length
          ? [{ label: say(ctx, { en: '🟠 At risk', es: '🟠 En riesgo' }), value: lines(atRisk) }]
          : []),
      ],
    };
  },
});
