// The notification shape Alertmanager's webhook receiver defined (version 4) and Grafana's unified
// alerting kept (version 1, with a few fields more): both readers share this; each names its version and
// reads its own extra fields per alert.
import type { AlertBatch, AlertSource, NormalizedAlert } from '../../core/alerts/batch.ts';
import { labelsFingerprint } from '../fingerprint.ts';
import {
  array,
  type Json,
  link,
  links,
  object,
  optionalText,
  PayloadError,
  type ReadContext,
  type ReadResult,
  sourceName,
  status,
  stringMap,
  text,
  time,
} from '../read.ts';

export interface WebhookV4Options {
  source: Extends<AlertSource, 'alertmanager' | 'grafana'>;
  version: string;
  /** Which endpoint a payload of the other version belongs to, for the 422's message. */
  otherVersions: Record<string, string>;
  /** The source's own links and values of one alert. */
  extra(alert: Json, annotations: Record<string, string>): Partial<NormalizedAlert['links']>;
}

type Extends<T, U extends T> = U;

export function readWebhookV4(payload: unknown, ctx: ReadContext, o: WebhookV4Options): ReadResult {
  const body = object(payload, 'body');
  const version = body.version;
  if (version !== o.version) {
    const elsewhere = typeof version === 'string' ? o.otherVersions[version] : undefined;
    throw new PayloadError(
      version === undefined
        ? `version: missing; ${sourceName[o.source]} webhooks say "version": "${o.version}"`
        : `version: "${String(version).slice(0, 20)}" is not a webhook version Relevo reads from ${sourceName[o.source]} (it reads "${o.version}")${elsewhere ? `; this looks like ${elsewhere}` : ''}`,
    );
  }
  const groupKey = text(body.groupKey, 'groupKey');
  if (!groupKey) throw new PayloadError('groupKey: expected a non-empty string');
  const alerts = array(body.alerts, 'alerts').map((a, i) => readAlert(a, `alerts.${i}`, o));
  const truncated = body.truncatedAlerts ?? 0;
  if (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0) {
    throw new PayloadError('truncatedAlerts: expected a whole number');
  }
  const groupLabels = stringMap(body.groupLabels, 'groupLabels');
  const commonLabels = stringMap(body.commonLabels, 'commonLabels');
  const batch: AlertBatch = {
    source: o.source,
    monitorId: ctx.monitorId,
    groupKey,
    status: status(body.status, 'status'),
    title:
      commonLabels.alertname ??
      groupLabels.alertname ??
      alerts[0]?.labels.alertname ??
      (Object.values(groupLabels).join(', ') || groupKey),
    groupLabels,
    commonLabels,
    externalUrl: link(body.externalURL),
    truncated,
    alerts,
  };
  return { batch, dedupe: dedupeOf(batch) };
}

function readAlert(value: unknown, where: string, o: WebhookV4Options): NormalizedAlert {
  const a = object(value, where);
  const labels = stringMap(a.labels, `${where}.labels`);
  const annotations = stringMap(a.annotations, `${where}.annotations`);
  const s = status(a.status, `${where}.status`);
  return {
    // Alertmanager before 0.20 sends none: derived from the labels as Prometheus does.
    fingerprint: optionalText(a.fingerprint, `${where}.fingerprint`) ?? labelsFingerprint(labels),
    status: s,
    labels,
    annotations,
    startsAt: time(a.startsAt, `${where}.startsAt`) ?? new Date(0),
    endsAt: s === 'resolved' ? time(a.endsAt, `${where}.endsAt`) : null,
    links: links({
      generator: link(a.generatorURL),
      runbook: link(annotations.runbook_url),
      ...o.extra(a, annotations),
    }),
  };
}

/**
 * What makes a delivery new: the group, Relevo's count of what was left out, and each alert's
 * fingerprint, status and start — never `endsAt`, which a firing alert's repeats move forward. A re-fire
 * of a resolved alert is a new start, so it is a new delivery, not a repeat of the first firing.
 */
export function dedupeOf(batch: AlertBatch): string {
  const alerts = batch.alerts.map((a) => `${a.fingerprint}|${a.status}|${a.startsAt.toISOString()}`).sort();
  return JSON.stringify([batch.groupKey, batch.truncated, alerts]);
}
