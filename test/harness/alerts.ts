// Alerts reaching a test's Relevo: a batch (what a webhook reader makes of a payload) applied the one
// way deliveries are (core/alerts/apply.ts) and its event emitted in the same transaction, as the
// webhook's inbox handler does. When the webhook endpoints land, `deliverAlerts` can post the payload
// over HTTP instead and every test here keeps its meaning.
import type { App } from '../../src/app.ts';
import { applyAlertBatch } from '../../src/core/alerts/apply.ts';
import type { AlertBatch, AlertStatus, NormalizedAlert } from '../../src/core/alerts/batch.ts';

export async function deliverAlerts(app: App, batch: AlertBatch, now = new Date()) {
  const applied = await app.db.prisma.$transaction(async (tx) => {
    const applied = await applyAlertBatch(tx, app.actions.config, batch, now);
    await app.alertEvents.emit({ tx, batch, applied, now });
    return applied;
  });
  return applied;
}

export interface TestAlert {
  fingerprint: string;
  status?: AlertStatus;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  links?: NormalizedAlert['links'];
}

/**
 * An Alertmanager-shaped batch: `HighCPU` for Acme (customer=acme), critical, one alert firing unless
 * told. The group's status follows its alerts, as Alertmanager's does.
 */
export function alertBatch(
  opts: {
    groupKey?: string;
    title?: string;
    groupLabels?: Record<string, string>;
    alerts?: TestAlert[];
    externalUrl?: string;
    at?: Date;
    truncated?: number;
  } = {},
): AlertBatch {
  const groupLabels = opts.groupLabels ?? { alertname: 'HighCPU', customer: 'acme' };
  const at = opts.at ?? new Date('2026-03-02T09:00:00Z');
  const alerts: NormalizedAlert[] = (opts.alerts ?? [{ fingerprint: 'f1' }]).map((a) => ({
    fingerprint: a.fingerprint,
    status: a.status ?? 'firing',
    labels: { ...groupLabels, severity: 'critical', instance: `${a.fingerprint}:9100`, ...a.labels },
    annotations: a.annotations ?? { summary: `CPU above 90% on ${a.fingerprint}` },
    startsAt: at,
    endsAt: (a.status ?? 'firing') === 'resolved' ? at : null,
    links: a.links ?? {
      generator: 'http://prometheus.test/graph?g0.expr=cpu',
      runbook: 'https://runbooks.test/high-cpu',
    },
  }));
  return {
    source: 'alertmanager',
    monitorId: 'prometheus',
    groupKey: opts.groupKey ?? '{}:{alertname="HighCPU", customer="acme"}',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    title: opts.title ?? groupLabels.alertname ?? 'alert',
    groupLabels,
    commonLabels: groupLabels,
    ...(opts.externalUrl ? { externalUrl: opts.externalUrl } : {}),
    truncated: opts.truncated ?? 0,
    alerts,
  };
}

/** relevo.yaml's monitoring part for tests: one Alertmanager, Acme's and Globex's routes, critical auto tickets. */
export const alertsYaml = `
monitors:
  - { id: prometheus, source: alertmanager, token: "a-long-test-secret-0123" }
  - { id: grafana, source: grafana, token: "another-long-test-secret" }
alerts:
  routes:
    - { match: { customer: acme }, organisation: acme }
    - { match: { customer: globex }, organisation: globex }
  autoTicket: { severities: [critical], plans: [production] }
`;
