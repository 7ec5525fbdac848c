import { z } from 'zod';
import { inert } from '../src/core/alerts/inert.ts';
import { formatMoment } from '../src/i18n/durations.ts';
import { defineCommand, say } from './command.ts';

/** More than this many firing groups is a storm: the command says how many more there are. */
const LISTED = 25;

export default defineCommand({
  name: 'alerts',
  args: [],
  schema: z.object({}),
  usage: '/ticket alerts',
  help: {
    en: 'Lists the alert groups firing now, worst first.',
    es: 'Enumera los grupos de alertas activos ahora, los más graves primero.',
  },
  audience: 'agent',
  async run(ctx) {
    const firing = await ctx.db.alertGroup.findMany({
      where: { status: 'firing' },
      orderBy: { firingSince: 'asc' },
      include: { alerts: { where: { status: 'firing' }, select: { fingerprint: true } } },
    });
    if (!firing.length) {
      return { text: say(ctx, { en: 'No alert is firing.', es: 'No hay ninguna alerta activa.' }) };
    }
    const rank = (s: string | null) => (s === 'critical' ? 0 : s ? 1 : 2);
    firing.sort((a, b) => rank(a.severity) - rank(b.severity));
    const lines = firing.slice(0, LISTED).map((g) => {
      const parts = [
        `🔥 ${inert(g.title, 100)}`,
        g.severity ? `[${inert(g.severity, 20)}]` : '',
        say(ctx, { en: `${g.alerts.length} firing`, es: `${g.alerts.length} activas` }),
        say(ctx, { en: `since ${formatMoment(g.firingSince)}`, es: `desde ${formatMoment(g.firingSince)}` }),
        g.organisationId ? `· ${g.organisationId}` : '',
        g.acknowledgedAt ? say(ctx, { en: '· acknowledged', es: '· reconocida' }) : '',
        g.silencedUntil ? say(ctx, { en: `· silenced`, es: '· silenciada' }) : '',
        g.ticketNumber ? `· #${g.ticketNumber}` : '',
      ];
      return parts.filter(Boolean).join(' ');
    });
    if (firing.length > LISTED) {
      const more = firing.length - LISTED;
      lines.push(say(ctx, { en: `…and ${more} more`, es: `…y ${more} más` }));
    }
    return {
      title: say(ctx, { en: 'Firing alerts', es: 'Alertas activas' }),
      text: lines.join('\n'),
      tone: firing.some((g) => g.severity === 'critical') ? 'danger' : 'warning',
    };
  },
});
