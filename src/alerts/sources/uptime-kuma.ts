// Uptime Kuma's webhook notification (server/notification-providers/webhook.js posts
// `{ heartbeat, monitor, msg }` as JSON). Each Kuma monitor is one group with one alert:
//   status 0 DOWN        → firing (severity "critical" unless a tag says otherwise)
//   status 1 UP          → resolved
//   status 3 MAINTENANCE → resolved: a planned stop needs no one to act
//   status 2 PENDING     → nothing stored: Kuma is retrying before it calls the monitor down
// The test button and certificate notices send no heartbeat: answered 2xx, nothing stored.
// A monitor's tags become labels (`customer: acme` routes it to Acme through alerts.routes).
import type { AlertBatch, AlertStatus } from '../../core/alerts/batch.ts';
import { object, optionalText, PayloadError, type ReadContext, type ReadResult, text } from '../read.ts';

const STATUS: Record<number, AlertStatus | 'pending'> = {
  0: 'firing',
  1: 'resolved',
  2: 'pending',
  3: 'resolved',
};

export function readUptimeKuma(payload: unknown, ctx: ReadContext): ReadResult {
  const body = object(payload, 'body');
  if (!('heartbeat' in body) && !('monitor' in body)) {
    throw new PayloadError(
      'heartbeat, monitor: missing; Uptime Kuma webhooks post { heartbeat, monitor, msg }',
    );
  }
  if (body.heartbeat === null || body.heartbeat === undefined) {
    return { ignored: 'no heartbeat: a test or a notice without a monitor state' };
  }
  const heartbeat = object(body.heartbeat, 'heartbeat');
  const monitor = object(body.monitor, 'monitor');
  const id = optionalText(monitor.id ?? heartbeat.monitorID, 'monitor.id');
  if (!id) throw new PayloadError('monitor.id: missing');
  const code = heartbeat.status;
  const mapped = typeof code === 'number' ? STATUS[code] : undefined;
  if (!mapped)
    throw new PayloadError('heartbeat.status: expected 0 (down), 1 (up), 2 (pending) or 3 (maintenance)');
  if (mapped === 'pending')
    return { ignored: 'pending: Uptime Kuma is retrying before it calls the monitor down' };
  const beatAt = kumaTime(heartbeat.time);
  const at = beatAt ?? ctx.receivedAt;
  const name = optionalText(monitor.name, 'monitor.name') ?? `monitor ${id}`;
  const labels: Record<string, string> = { alertname: name, monitor: name, monitor_id: id };
  const type = optionalText(monitor.type, 'monitor.type');
  if (type) labels.monitor_type = type;
  const target =
    optionalText(monitor.url, 'monitor.url') ?? optionalText(monitor.hostname, 'monitor.hostname');
  if (target && target !== 'https://') labels.target = target;
  for (const tag of Array.isArray(monitor.tags) ? monitor.tags : []) {
    const t = tag as { name?: unknown; value?: unknown };
    if (typeof t.name === 'string' && t.name && !(t.name in labels)) {
      labels[t.name] = typeof t.value === 'string' ? t.value : '';
    }
  }
  if (mapped === 'firing' && !labels.severity) labels.severity = 'critical';
  const message = optionalText(heartbeat.msg, 'heartbeat.msg') ?? '';
  const annotations: Record<string, string> = {
    summary: optionalText(body.msg, 'msg') ?? `${name} is ${mapped === 'firing' ? 'down' : 'up'}`,
  };
  if (message) annotations.description = message;
  if (code === 3) annotations.maintenance = 'true';
  const batch: AlertBatch = {
    source: 'uptime-kuma',
    monitorId: ctx.monitorId,
    groupKey: `monitor:${id}`,
    status: mapped,
    title: name,
    groupLabels: { monitor_id: id },
    commonLabels: labels,
    truncated: 0,
    alerts: [
      {
        fingerprint: id,
        status: mapped,
        labels,
        annotations,
        startsAt: at,
        endsAt: mapped === 'resolved' ? at : null,
        links: {},
      },
    ],
  };
  // Kuma has no group key or fingerprint of its own: monitor, status and the beat's time name a delivery.
  return { batch, dedupe: JSON.stringify([id, code, text(heartbeat.time ?? '', 'heartbeat.time')]) };
}

/** Kuma's `time` is UTC written "2024-09-24 23:51:35.527" (no zone); ISO times are read as they are. */
function kumaTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !value) return null;
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()))
    throw new PayloadError(`heartbeat.time: expected "YYYY-MM-DD HH:MM:SS", got "${value.slice(0, 40)}"`);
  return d;
}
