// Relevo's own small JSON for any other sender (README "Monitoring alerts"):
//   { "group": "db-backups",            optional: alerts with one group share one chat message
//     "status": "firing" | "resolved",
//     "alerts": [{ "id": "nightly-dump",  unique within the group
//                  "status": "firing" | "resolved", "title": "Backup failed",
//                  "severity": "critical", "labels": {}, "annotations": {},
//                  "startsAt": "RFC 3339", "endsAt": "RFC 3339", "url": "https://…" }] }
// A new occurrence of an alert after it resolved needs a new startsAt (or a new id): without one, a second
// "firing" of the same id is taken for a retry of the first.
import type { AlertBatch, NormalizedAlert } from '../../core/alerts/batch.ts';
import {
  array,
  commonOf,
  link,
  links,
  object,
  optionalText,
  PayloadError,
  type ReadContext,
  type ReadResult,
  status,
  stringMap,
  text,
  time,
} from '../read.ts';

export function readGeneric(payload: unknown, ctx: ReadContext): ReadResult {
  const body = object(payload, 'body');
  const group = optionalText(body.group, 'group') ?? 'default';
  const raw = array(body.alerts, 'alerts');
  if (!raw.length) throw new PayloadError('alerts: expected at least one alert');
  const seen = new Set<string>();
  const keys: string[] = [];
  const alerts = raw.map((value, i): NormalizedAlert => {
    const where = `alerts.${i}`;
    const a = object(value, where);
    const id = optionalText(a.id, `${where}.id`);
    if (!id) throw new PayloadError(`${where}.id: missing`);
    if (seen.has(id)) throw new PayloadError(`${where}.id: "${id.slice(0, 40)}" appears twice`);
    seen.add(id);
    const title = text(a.title, `${where}.title`);
    const s = status(a.status, `${where}.status`);
    const labels: Record<string, string> = { alertname: title, ...stringMap(a.labels, `${where}.labels`) };
    const severity = optionalText(a.severity, `${where}.severity`);
    if (severity) labels.severity = severity;
    const annotations: Record<string, string> = {
      summary: title,
      ...stringMap(a.annotations, `${where}.annotations`),
    };
    const startsAt = time(a.startsAt, `${where}.startsAt`);
    keys.push(`${id}|${s}|${startsAt?.toISOString() ?? ''}`);
    return {
      fingerprint: id,
      status: s,
      labels,
      annotations,
      startsAt: startsAt ?? ctx.receivedAt,
      endsAt: s === 'resolved' ? (time(a.endsAt, `${where}.endsAt`) ?? ctx.receivedAt) : null,
      links: links({ generator: link(a.url), runbook: link(annotations.runbook_url) }),
    };
  });
  const labelSets = alerts.map((a) => a.labels);
  const batch: AlertBatch = {
    source: 'generic',
    monitorId: ctx.monitorId,
    groupKey: group,
    status: status(body.status, 'status'),
    title: body.group === undefined && alerts.length === 1 ? (alerts[0]?.labels.alertname ?? group) : group,
    groupLabels: { group },
    commonLabels: commonOf(labelSets),
    truncated: 0,
    alerts,
  };
  return { batch, dedupe: JSON.stringify([group, keys.sort()]) };
}
