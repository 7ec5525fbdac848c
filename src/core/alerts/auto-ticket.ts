// A firing group of a configured severity (alerts.autoTicket.severities) for a customer on a configured
// plan (alerts.autoTicket.plans) opens its ticket by itself, once per group: the delivery's transaction
// holds the group's row lock (apply.ts) and openAlertTicket checks the group's ticket under it, so several
// instances and repeat deliveries open one. Once the group resolves, the ticket gets a private note saying
// so and how long it lasted; firing again is noted too.
import { alertTexts } from '../../i18n/alerts.ts';
import { shortDuration } from '../../i18n/durations.ts';
import { pick } from '../../i18n/localized.ts';
import type { DeskConfig } from '../config.ts';
import type { AlertSubscriber } from './events.ts';
import { type AlertTicketDeps, openAlertTicket } from './tickets.ts';

export function autoTickets(
  config: Pick<DeskConfig, 'alerts' | 'organisations'>,
  deps: AlertTicketDeps,
): AlertSubscriber {
  const { severities, plans } = config.alerts.autoTicket;
  return async ({ tx, applied }) => {
    if (!applied.changed) return;
    const group = await tx.alertGroup.findUniqueOrThrow({ where: { id: applied.groupId } });
    const org = config.organisations.find((o) => o.id === group.organisationId);
    if (applied.to === 'firing') {
      const wanted =
        org && plans.includes(org.plan) && group.severity !== null && severities.includes(group.severity);
      if (wanted && !group.ticketNumber) {
        await openAlertTicket(tx, deps, group.id, { kind: 'system' });
        return;
      }
      if (applied.from === 'resolved' && group.ticketNumber) {
        await deps.tickets.note(
          group.ticketNumber,
          { kind: 'system' },
          pick(alertTexts.firingAgainNote(group.title), org?.language ?? 'en'),
          tx,
        );
      }
      return;
    }
    if (applied.from === 'firing' && group.ticketNumber) {
      const lasted = (group.resolvedAt ?? new Date()).getTime() - group.firingSince.getTime();
      const language = org?.language ?? 'en';
      await deps.tickets.note(
        group.ticketNumber,
        { kind: 'system' },
        pick(alertTexts.resolvedNote(group.title, shortDuration(lasted, language)), language),
        tx,
      );
    }
  };
}
