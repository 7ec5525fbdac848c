// Grafana unified alerting's webhook contact point (payload version 1): Alertmanager's shape plus orgId,
// and per alert silenceURL, dashboardURL, panelURL and the query values. A group may say "firing" while
// some of its alerts are resolved: each alert's own status is what is applied.
import type { Json, ReadContext, ReadResult } from '../read.ts';
import { link } from '../read.ts';
import { readWebhookV4 } from './webhook-v4.ts';

export function readGrafana(payload: unknown, ctx: ReadContext): ReadResult {
  return readWebhookV4(payload, ctx, {
    source: 'grafana',
    version: '1',
    otherVersions: { '4': 'an Alertmanager notification: send it to /hooks/alertmanager' },
    extra(alert, annotations) {
      // The evaluated values, shown beside the summary: kept as an annotation unless the rule set one.
      const value = valueText(alert);
      if (value && annotations.value === undefined) annotations.value = value;
      return {
        dashboard: link(alert.panelURL) ?? link(alert.dashboardURL),
        silence: link(alert.silenceURL),
      };
    },
  });
}

/** `values` ({"B": 44.2, "C": 1}, Grafana 9+) as "B=44.2, C=1", else the older `valueString`. */
function valueText(alert: Json): string | undefined {
  const values = alert.values;
  if (values && typeof values === 'object' && !Array.isArray(values)) {
    const parts = Object.entries(values as Json)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
      .map(([k, v]) => `${k}=${v}`);
    if (parts.length) return parts.join(', ');
  }
  return typeof alert.valueString === 'string' && alert.valueString ? alert.valueString : undefined;
}
