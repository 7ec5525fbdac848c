// A ticket for an alert group: opened by an agent's "Open ticket" or by itself (auto-ticket.ts), once per
// group, for the organisation relevo.yaml's routes map the group to, with the alert as its first message.
//
// Who asks: a contact of the organisation's own, "Monitoring" (id `monitor:<organisation>`), made on first
// use. The alert was not written by any of the customer's people, so none of them is made its requester:
// a reply on the ticket reaches no customer until an agent adds a real person (`/ticket cc`), and nobody
// is mailed about an alert they never raised.
import type { Tx } from '../../db/index.ts';
import { alertTexts } from '../../i18n/alerts.ts';
import { pick } from '../../i18n/localized.ts';
import type { Actor } from '../actor.ts';
import { UserError } from '../errors.ts';
import type { TicketService } from '../tickets/service.ts';
import { safeUrl } from './inert.ts';

export const monitoringContactId = (organisationId: string) => `monitor:${organisationId}`;

export interface AlertTicketDeps {
  tickets: Pick<TicketService, 'create' | 'note'>;
  /** Enqueues the group's message edits (message-sync.ts), in the same transaction. */
  syncMessages: (tx: Tx, groupId: string) => Promise<void>;
}

/**
 * The group's ticket: the one it has, or a new one. The group's row is locked first, so a button pressed
 * while a delivery opens the ticket by itself (or two instances) cannot open two.
 */
export async function openAlertTicket(
  tx: Tx,
  deps: AlertTicketDeps,
  groupId: string,
  actor: Actor,
): Promise<{ number: number; created: boolean }> {
  await tx.$queryRaw`SELECT id FROM "AlertGroup" WHERE id = ${groupId} FOR UPDATE`;
  const group = await tx.alertGroup.findUnique({
    where: { id: groupId },
    include: { alerts: { orderBy: { startsAt: 'asc' }, take: 20 } },
  });
  if (!group) {
    throw new UserError({
      en: 'That alert group no longer exists.',
      es: 'Ese grupo de alertas ya no existe.',
    });
  }
  if (group.ticketNumber) return { number: group.ticketNumber, created: false };
  if (!group.organisationId) {
    throw new UserError({
      en: 'This alert belongs to no customer: add a route for its labels to relevo.yaml (alerts.routes), or open a ticket by hand with /ticket new.',
      es: 'Esta alerta no pertenece a ningún cliente: añada una ruta para sus etiquetas en relevo.yaml (alerts.routes), o abra un ticket a mano con /ticket new.',
    });
  }
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: group.organisationId } });
  const requesterId = monitoringContactId(org.id);
  // ON CONFLICT DO NOTHING: two groups of one customer may open their first tickets at once (another
  // instance, another group's row lock), and Prisma's upsert would then fail on the unique id.
  await tx.contact.createMany({
    data: [{ id: requesterId, organisationId: org.id, name: 'Monitoring' }],
    skipDuplicates: true,
  });
  const number = await deps.tickets.create(
    {
      subject: `[${group.severity ?? 'alert'}] ${group.title}`.slice(0, 200),
      body: alertBody(group),
      requesterId,
      source: 'monitor',
      priority: group.severity === 'critical' ? 'urgent' : 'high',
    },
    actor,
    tx,
  );
  await tx.alertGroup.update({ where: { id: group.id }, data: { ticketNumber: number } });
  await deps.tickets.note(
    number,
    { kind: 'system' },
    pick(alertTexts.ticketNote(group.title, group.monitorId), org.language),
    tx,
  );
  await deps.syncMessages(tx, group.id);
  return { number, created: true };
}

/** The alert as the ticket's first message: what fired, where, what it says, where to look. */
function alertBody(group: {
  title: string;
  status: string;
  severity: string | null;
  firingSince: Date;
  groupLabels: unknown;
  alerts: { status: string; labels: unknown; annotations: unknown; links: unknown }[];
}): string {
  const labels = Object.entries(group.groupLabels as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [
    `${group.status === 'firing' ? '🔥' : '✅'} ${group.title}${group.severity ? ` (${group.severity})` : ''}`,
    `Firing since ${group.firingSince.toISOString()}${labels ? ` · ${labels}` : ''}`,
    '',
  ];
  for (const a of group.alerts) {
    const notes = a.annotations as Record<string, string>;
    const l = a.labels as Record<string, string>;
    const links = a.links as Record<string, string>;
    const said = notes.summary ?? notes.description ?? l.alertname ?? '';
    lines.push(`- [${a.status}] ${said}${l.instance ? ` (${l.instance})` : ''}`);
    if (notes.description && notes.description !== said) lines.push(`  ${notes.description}`);
    for (const k of ['generator', 'dashboard', 'runbook'] as const) {
      const url = safeUrl(links?.[k]);
      if (url) lines.push(`  ${k}: ${url}`);
    }
  }
  return lines.join('\n').slice(0, 4000);
}
