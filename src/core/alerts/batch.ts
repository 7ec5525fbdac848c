// Alerts in Relevo's own words, whatever sent them (seed 000: the team watches its customers'
// infrastructure and acts on warning and critical states). Each source's webhook payload is read into an
// AlertBatch (src/alerts/sources/*), and one path applies a batch to the database (apply.ts): the chat
// messages, buttons, tickets and API all read what that path kept.

/** The monitoring systems Relevo reads (relevo.yaml `monitors[].source`). */
export const alertSources = ['alertmanager', 'grafana', 'uptime-kuma', 'zabbix', 'generic'] as const;
export type AlertSource = (typeof alertSources)[number];

export type AlertStatus = 'firing' | 'resolved';

/** One alert as a source reports it now. */
export interface NormalizedAlert {
  /**
   * Stable identity within its group: Alertmanager's and Grafana's `fingerprint` (derived from the sorted
   * labels when an older Alertmanager sends none), an Uptime Kuma monitor id, a Zabbix event id.
   */
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** When it resolved; a firing alert's `endsAt` is a guess of the sender's and is never compared. */
  endsAt: Date | null;
  /** Where to look: the rule's graph, the dashboard, the runbook, the source's silence page. */
  links: { generator?: string; dashboard?: string; runbook?: string; silence?: string };
}

/** What one webhook delivery says about one group of alerts. */
export interface AlertBatch {
  source: AlertSource;
  /** relevo.yaml `monitors[].id`: which configured sender delivered it. */
  monitorId: string;
  /** The source's group: Alertmanager's `groupKey`, a Grafana group, an Uptime Kuma monitor, a Zabbix trigger. */
  groupKey: string;
  /** The group's own status as the sender states it (a Grafana group may say firing with some alerts resolved). */
  status: AlertStatus;
  /** A short human title: the alert name or the monitor's name. */
  title: string;
  /** The labels every alert of the group shares: Alertmanager's `groupLabels`, the silence's matchers. */
  groupLabels: Record<string, string>;
  /** The labels common to all its alerts (routes to organisations read these, then each alert's). */
  commonLabels: Record<string, string>;
  /** The sender's own address (Alertmanager's `externalURL`): where its API and pages are. */
  externalUrl?: string;
  /** Alerts the sender or Relevo left out of this delivery (Alertmanager's `truncatedAlerts`, Relevo's cap). */
  truncated: number;
  alerts: NormalizedAlert[];
}

/** A group's severity, the worst of its firing alerts' `severity` labels, in this order. */
export const severities = ['critical', 'error', 'high', 'warning', 'average', 'info', 'none'] as const;
