// The one path by which a delivery of alerts changes what Relevo keeps (batch.ts): the group, found or
// created, and each alert, changed only when its status changes — fingerprint + status, never `endsAt`,
// so the repeats Alertmanager sends every repeat_interval, and a retried delivery, change nothing.
import type { Prisma } from '../../db/generated/client.ts';
import type { Tx } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import { type AlertBatch, type AlertStatus, type NormalizedAlert, severities } from './batch.ts';

export interface AppliedBatch {
  groupId: string;
  /** Anything an agent would see differently: an alert's status, a new alert, the group's status or count. */
  changed: boolean;
  /** The group's status before (null: the group is new) and after. */
  from: AlertStatus | null;
  to: AlertStatus;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** The organisation relevo.yaml's routes give these labels: the first route all of whose labels match. */
export function routeOf(config: Pick<DeskConfig, 'alerts'>, labels: Record<string, string>[]): string | null {
  for (const route of config.alerts.routes) {
    const wanted = Object.entries(route.match);
    if (labels.some((l) => wanted.every(([k, v]) => l[k] === v))) return route.organisation;
  }
  return null;
}

/** The worst `severity` label among the alerts, in `severities`' order; an unknown one counts as itself. */
export function worstSeverity(alerts: { labels: Record<string, string> }[]): string | null {
  const found = alerts.map((a) => a.labels.severity).filter((s): s is string => Boolean(s));
  if (!found.length) return null;
  const rank = (s: string) => {
    const i = (severities as readonly string[]).indexOf(s.toLowerCase());
    return i < 0 ? severities.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * Applies one delivery in the caller's transaction. The group's row is locked first, so two instances
 * applying deliveries of one group take turns and each sees the other's alerts.
 */
export async function applyAlertBatch(
  tx: Tx,
  config: Pick<DeskConfig, 'alerts'>,
  batch: AlertBatch,
  now: Date,
): Promise<AppliedBatch> {
  const { count: created } = await tx.alertGroup.createMany({
    data: [
      {
        monitorId: batch.monitorId,
        source: batch.source,
        groupKey: batch.groupKey,
        status: batch.status,
        title: batch.title,
        groupLabels: json(batch.groupLabels),
        commonLabels: json(batch.commonLabels),
        firingSince: now,
      },
    ],
    skipDuplicates: true,
  });
  const [locked] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "AlertGroup"
    WHERE "monitorId" = ${batch.monitorId} AND "groupKey" = ${batch.groupKey} FOR UPDATE`;
  if (!locked) throw new Error(`alert group ${batch.monitorId}/${batch.groupKey} vanished`);
  const group = await tx.alertGroup.findUniqueOrThrow({
    where: { id: locked.id },
    include: { alerts: true },
  });
  const isNew = created === 1;

  let changed = isNew;
  // Each alert's status and labels after this delivery: what the group's status, severity and route follow.
  const current = new Map(
    group.alerts.map((a) => [
      a.fingerprint,
      { status: a.status, labels: a.labels as Record<string, string> },
    ]),
  );
  // Alerts the group has never had are inserted in one statement (a new 100-alert group was 100 round
  // trips, holding the embedded database's one connection for ~200 ms); known ones whose status changed are
  // updated one by one — few per delivery. The group's row lock makes "never had" exact.
  const added = new Map<string, NormalizedAlert>();
  for (const alert of batch.alerts) {
    const known = current.get(alert.fingerprint);
    if (known?.status === alert.status) continue;
    changed = true;
    if (known && !added.has(alert.fingerprint)) {
      await tx.alertItem.update({
        where: { groupId_fingerprint: { groupId: group.id, fingerprint: alert.fingerprint } },
        data: alertFields(alert),
      });
    } else {
      // New to the group (a fingerprint repeated in one delivery: its last status wins).
      added.set(alert.fingerprint, alert);
    }
    current.set(alert.fingerprint, { status: alert.status, labels: alert.labels });
  }
  if (added.size) {
    await tx.alertItem.createMany({
      data: [...added.values()].map((a) => ({
        groupId: group.id,
        fingerprint: a.fingerprint,
        ...alertFields(a),
      })),
    });
  }

  const all = [...current.values()];
  const firing = all.filter((a) => a.status === 'firing');
  const to: AlertStatus = firing.length > 0 ? 'firing' : 'resolved';
  const from = isNew ? null : (group.status as AlertStatus);
  if (from !== to || group.truncated !== batch.truncated) changed = true;
  const reopened = from === 'resolved' && to === 'firing';
  await tx.alertGroup.update({
    where: { id: group.id },
    data: {
      status: to,
      title: batch.title,
      groupLabels: json(batch.groupLabels),
      commonLabels: json(batch.commonLabels),
      severity: worstSeverity(firing.length ? firing : all),
      organisationId: routeOf(config, [batch.commonLabels, ...all.map((a) => a.labels)]),
      externalUrl: batch.externalUrl ?? group.externalUrl,
      truncated: batch.truncated,
      ...(reopened
        ? { firingSince: now, resolvedAt: null, acknowledgedById: null, acknowledgedAt: null }
        : {}),
      ...(from === 'firing' && to === 'resolved' ? { resolvedAt: now } : {}),
    },
  });
  return { groupId: group.id, changed, from, to };
}

function alertFields(a: NormalizedAlert) {
  return {
    status: a.status,
    labels: json(a.labels),
    annotations: json(a.annotations),
    startsAt: a.startsAt,
    endsAt: a.status === 'resolved' ? a.endsAt : null,
    links: json(a.links),
  };
}
