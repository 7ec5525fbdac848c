// GET /api/v1/alerts: alert groups as agents see them — with their alerts, where they came from, whose
// they are, and what was done about them — most recently changed first, paged like the ticket list.
import type { Db, Prisma } from '../db/index.ts';

export type AlertListStatus = 'firing' | 'resolved' | 'all';

export interface AlertListFilters {
  status: AlertListStatus;
  limit?: number;
  cursor?: AlertCursor;
}

export interface AlertCursor {
  updatedAt: Date;
  id: string;
}

/** Alerts listed per group: the firing ones first; the group's `alertCount` says how many it has. */
const ALERTS_PER_GROUP = 100;

export function parseAlertCursor(cursor: string): AlertCursor | undefined {
  const at = cursor.lastIndexOf('_');
  if (at < 0) return undefined;
  const updatedAt = new Date(cursor.slice(0, at));
  const id = cursor.slice(at + 1);
  if (Number.isNaN(updatedAt.getTime()) || !/^[\w-]{1,100}$/.test(id)) return undefined;
  return { updatedAt, id };
}

export async function listAlertGroups(db: Db, filters: AlertListFilters) {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
  const where: Prisma.AlertGroupWhereInput = {};
  if (filters.status !== 'all') where.status = filters.status;
  if (filters.cursor) {
    const { updatedAt, id } = filters.cursor;
    where.OR = [{ updatedAt: { lt: updatedAt } }, { updatedAt, id: { lt: id } }];
  }
  const rows = await db.alertGroup.findMany({
    where,
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    include: {
      alerts: { orderBy: [{ status: 'asc' }, { fingerprint: 'asc' }], take: ALERTS_PER_GROUP },
      _count: { select: { alerts: true } },
    },
  });
  const page = rows.slice(0, limit);
  const orgIds = [...new Set(page.map((g) => g.organisationId).filter((o): o is string => Boolean(o)))];
  const orgs = orgIds.length
    ? await db.organisation.findMany({ where: { id: { in: orgIds } }, select: { id: true, name: true } })
    : [];
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const last = page.at(-1);
  return {
    groups: page.map((g) => ({
      id: g.id,
      source: g.source,
      monitor: g.monitorId,
      groupKey: g.groupKey,
      status: g.status,
      title: g.title,
      severity: g.severity,
      organisation: g.organisationId
        ? { id: g.organisationId, name: orgName.get(g.organisationId) ?? null }
        : null,
      groupLabels: g.groupLabels,
      commonLabels: g.commonLabels,
      externalUrl: g.externalUrl,
      firingSince: g.firingSince,
      resolvedAt: g.resolvedAt,
      acknowledged: g.acknowledgedAt ? { by: g.acknowledgedById, at: g.acknowledgedAt } : null,
      silence: g.silenceId || g.silencedUntil ? { id: g.silenceId, until: g.silencedUntil } : null,
      ticket: g.ticketNumber,
      truncated: g.truncated,
      alertCount: g._count.alerts,
      updatedAt: g.updatedAt,
      alerts: g.alerts.map((a) => ({
        fingerprint: a.fingerprint,
        status: a.status,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        links: a.links,
      })),
    })),
    nextCursor: rows.length > limit && last ? `${last.updatedAt.toISOString()}_${last.id}` : null,
  };
}
