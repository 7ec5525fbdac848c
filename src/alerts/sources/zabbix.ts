// What Relevo's Zabbix media type (monitoring/zabbix/relevo-media-type.yaml) posts, version 1:
//   { "version": "1", "eventId": "{EVENT.ID}", "status": "problem" | "recovery" | "update",
//     "severity": "{EVENT.SEVERITY}", "name": "{EVENT.NAME}", "host": "{HOST.NAME}", "triggerId": "{TRIGGER.ID}",
//     "startedAt": unix seconds, "recoveredAt": unix seconds, "tags": [{ "tag", "value" }], "url": "…" }
// One group per trigger, one alert per problem event. An update (acknowledged or commented in Zabbix)
// changes no alert state: nothing is stored for it.
import type { AlertBatch } from '../../core/alerts/batch.ts';
import {
  array,
  link,
  links,
  object,
  optionalText,
  PayloadError,
  type ReadContext,
  type ReadResult,
  text,
} from '../read.ts';

/** Zabbix's severity names → Relevo's severity label (the original is kept as `zabbix_severity`). */
const SEVERITY: Record<string, string> = {
  'not classified': 'none',
  information: 'info',
  warning: 'warning',
  average: 'average',
  high: 'high',
  disaster: 'critical',
};

export function readZabbix(payload: unknown, ctx: ReadContext): ReadResult {
  const body = object(payload, 'body');
  if (body.version !== '1') {
    throw new PayloadError(
      `version: expected "1" (the JSON Relevo's Zabbix media type posts), got ${JSON.stringify(body.version ?? null).slice(0, 20)}`,
    );
  }
  const eventId = optionalText(body.eventId, 'eventId');
  if (!eventId) throw new PayloadError('eventId: missing ({EVENT.ID})');
  const kind = body.status;
  if (kind !== 'problem' && kind !== 'recovery' && kind !== 'update') {
    throw new PayloadError('status: expected "problem", "recovery" or "update"');
  }
  if (kind === 'update')
    return { ignored: 'update: an acknowledgement or comment in Zabbix changes no alert state' };
  const status = kind === 'problem' ? 'firing' : 'resolved';
  const name = optionalText(body.name, 'name') ?? `Zabbix event ${eventId}`;
  const host = optionalText(body.host, 'host');
  const triggerId = optionalText(body.triggerId, 'triggerId');
  const zabbixSeverity = optionalText(body.severity, 'severity');
  const labels: Record<string, string> = { alertname: name };
  if (host) labels.host = host;
  if (triggerId) labels.trigger_id = triggerId;
  if (zabbixSeverity) {
    labels.zabbix_severity = zabbixSeverity;
    labels.severity = SEVERITY[zabbixSeverity.toLowerCase()] ?? zabbixSeverity.toLowerCase();
  }
  array(body.tags ?? [], 'tags').forEach((t, i) => {
    const tag = object(t, `tags.${i}`);
    const key = text(tag.tag, `tags.${i}.tag`);
    if (key && !(key in labels)) labels[key] = optionalText(tag.value, `tags.${i}.value`) ?? '';
  });
  const startsAt = unixTime(body.startedAt, 'startedAt') ?? ctx.receivedAt;
  const recoveredAt = unixTime(body.recoveredAt, 'recoveredAt');
  const batch: AlertBatch = {
    source: 'zabbix',
    monitorId: ctx.monitorId,
    groupKey: triggerId ? `trigger:${triggerId}` : `event:${eventId}`,
    status,
    title: host ? `${name} on ${host}` : name,
    groupLabels: triggerId ? { trigger_id: triggerId } : {},
    commonLabels: labels,
    truncated: 0,
    alerts: [
      {
        fingerprint: eventId,
        status,
        labels,
        annotations: { summary: host ? `${name} on ${host}` : name },
        startsAt,
        endsAt: status === 'resolved' ? (recoveredAt ?? ctx.receivedAt) : null,
        links: links({ generator: link(body.url) }),
      },
    ],
  };
  // A problem event fires once and recovers once: its id and state name the delivery.
  return { batch, dedupe: JSON.stringify([eventId, kind]) };
}

/** Unix seconds, as a number or a string ({EVENT.TIMESTAMP}); absent or an unexpanded macro → null. */
function unixTime(value: unknown, where: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new PayloadError(`${where}: expected unix seconds`);
  return new Date(n * 1000);
}
