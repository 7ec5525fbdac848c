// An alert group as its message in a monitor channel, rendered from the database when the outbox
// delivers it (so however many changes queued up, the edit shows the latest). Everything an agent needs
// to act: status and how long, severity, counts, what the alerts say, where to look, the customer and
// their open tickets, who acknowledged, the silence, the ticket — and the buttons that change those.
import type { Db } from '../../db/index.ts';
import { alertTexts as x } from '../../i18n/alerts.ts';
import { formatMoment, shortDuration } from '../../i18n/durations.ts';
import { pick } from '../../i18n/localized.ts';
import type { Button, Field, OutMessage } from '../message.ts';
import { inert, safeUrl } from './inert.ts';

/** Alerts listed by name in the message; the rest are counted (a 10,000-alert group still posts). */
const SHOWN_ALERTS = 10;

const OPEN = ['new', 'open', 'waiting_on_customer', 'on_hold', 'awaiting_confirmation'] as const;

export const alertActions = {
  acknowledge: 'alert.acknowledge',
  silence: 'alert.silence',
  openTicket: 'alert.open_ticket',
} as const;

interface ItemLinks {
  generator?: string;
  dashboard?: string;
  runbook?: string;
  silence?: string;
}

export async function renderAlertGroup(
  db: Db,
  groupId: string,
  opts: { language: string; now: Date },
): Promise<OutMessage> {
  const { language: lang, now } = opts;
  const say = (t: { en: string; es: string }) => pick(t, lang);
  const group = await db.alertGroup.findUniqueOrThrow({
    where: { id: groupId },
    include: { alerts: { orderBy: [{ status: 'asc' }, { startsAt: 'asc' }] } },
  });
  const firing = group.alerts.filter((a) => a.status === 'firing');
  const resolved = group.alerts.length - firing.length;
  const isFiring = group.status === 'firing';

  const status = isFiring
    ? say(x.firingSince(formatMoment(group.firingSince)))
    : say(
        x.resolvedAfter(
          shortDuration((group.resolvedAt ?? now).getTime() - group.firingSince.getTime(), lang),
          formatMoment(group.resolvedAt ?? now),
        ),
      );

  const fields: Field[] = [];
  if (group.severity) fields.push({ label: say(x.severity), value: inert(group.severity, 40) });
  fields.push({
    label: say(x.alerts),
    value: [
      say(x.counts(firing.length, resolved)),
      ...(group.truncated > 0 ? [say(x.leftOut(group.truncated))] : []),
    ].join('\n'),
  });
  const lines = group.alerts.slice(0, SHOWN_ALERTS).map((a) => alertLine(a));
  if (group.alerts.length > SHOWN_ALERTS) lines.push(say(x.moreNotShown(group.alerts.length - SHOWN_ALERTS)));
  if (lines.length) fields.push({ label: inert(group.title, 100), value: lines.join('\n') });

  const links = linksOf(group.alerts.map((a) => a.links as ItemLinks));
  const linkLines = [
    links.generator && `${say(x.generator)}: ${links.generator}`,
    links.dashboard && `${say(x.dashboard)}: ${links.dashboard}`,
    links.runbook && `${say(x.runbook)}: ${links.runbook}`,
  ].filter((s): s is string => Boolean(s));
  if (linkLines.length) fields.push({ label: say(x.links), value: linkLines.join('\n') });

  fields.push({ label: say(x.organisation), value: await customerLine(db, group.organisationId, say) });
  if (group.acknowledgedAt) {
    const agent = group.acknowledgedById
      ? await db.agent.findUnique({ where: { id: group.acknowledgedById }, select: { name: true } })
      : null;
    fields.push({
      label: say(x.acknowledged),
      value: say(
        x.acknowledgedBy(agent?.name ?? group.acknowledgedById ?? '?', formatMoment(group.acknowledgedAt)),
      ),
    });
  }
  // A silence that ended no longer hides anything: not shown.
  if (group.silenceId && group.silencedUntil && group.silencedUntil > now) {
    fields.push({
      label: say(x.silence),
      value: say(x.silencedUntil(inert(group.silenceId, 60), formatMoment(group.silencedUntil))),
    });
  }
  if (group.ticketNumber) {
    const ticket = await db.ticket.findUnique({
      where: { number: group.ticketNumber },
      select: { subject: true, status: true },
    });
    fields.push({
      label: say(x.ticket),
      value: `#${group.ticketNumber}${ticket ? ` ${inert(ticket.subject, 80)} (${ticket.status})` : ''}`,
    });
  }

  const buttons: Button[] = [];
  const value = group.id;
  if (isFiring && !group.acknowledgedAt) {
    buttons.push({ action: alertActions.acknowledge, label: say(x.acknowledge), value, style: 'primary' });
  }
  if (isFiring) buttons.push({ action: alertActions.silence, label: say(x.silenceButton), value });
  if (!group.ticketNumber) buttons.push({ action: alertActions.openTicket, label: say(x.openTicket), value });

  return {
    title: `${isFiring ? '🔥' : '✅'} ${inert(group.title, 150)}`,
    text: status,
    fields,
    // Red for a critical group, orange for any other firing one; a resolved group takes no colour.
    ...(isFiring ? { tone: group.severity === 'critical' ? ('danger' as const) : ('warning' as const) } : {}),
    ...(buttons.length ? { buttons } : {}),
    context: inert(`${group.monitorId} · ${group.source}`, 100),
  };
}

/** One alert: its status, what it says (summary, else description), and the labels that tell it apart. */
function alertLine(a: { status: string; labels: unknown; annotations: unknown }): string {
  const labels = a.labels as Record<string, string>;
  const notes = a.annotations as Record<string, string>;
  const said = notes.summary ?? notes.description ?? labels.alertname ?? '';
  const where = labels.instance ?? labels.job ?? labels.host ?? '';
  const icon = a.status === 'firing' ? '🔥' : '✅';
  return `${icon} ${inert(said, 160)}${where ? ` (${inert(where, 60)})` : ''}`;
}

/** The first safe link of each kind among the alerts (they usually share the rule's and dashboard's). */
function linksOf(all: ItemLinks[]): ItemLinks {
  const first = (k: keyof ItemLinks) => all.map((l) => safeUrl(l?.[k])).find(Boolean);
  return { generator: first('generator'), dashboard: first('dashboard'), runbook: first('runbook') };
}

async function customerLine(
  db: Db,
  organisationId: string | null,
  say: (t: { en: string; es: string }) => string,
): Promise<string> {
  if (!organisationId) return say(x.unrouted);
  const org = await db.organisation.findUnique({ where: { id: organisationId }, select: { name: true } });
  const open = await db.ticket.findMany({
    where: { organisationId, status: { in: [...OPEN] } },
    orderBy: { number: 'desc' },
    take: 5,
    select: { number: true, subject: true },
  });
  const list = open.map((t) => `#${t.number} ${inert(t.subject, 60)}`).join(', ');
  return `${inert(org?.name ?? organisationId, 80)}\n${list ? say(x.openTickets(list)) : say(x.noOpenTickets)}`;
}

/** The silence page a source gave (Grafana's silenceURL), for sources whose silences Relevo cannot make. */
export function silenceLinkOf(alerts: { links: unknown }[]): string | undefined {
  return alerts.map((a) => safeUrl((a.links as ItemLinks)?.silence)).find(Boolean);
}
