import { z } from 'zod';
import { slaSummary } from '../src/core/sla/view.ts';
import { clockLabel, clockLine } from '../src/core/sla/wording.ts';
import { listTickets } from '../src/core/tickets/queries.ts';
import { pick } from '../src/i18n/localized.ts';
import { ticketNumber } from './args.ts';
import { defineCommand, say } from './command.ts';

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
      // Coloured like the cards: red while anything is breached, else orange.
      tone: breached.length ? 'danger' : 'warning',
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
