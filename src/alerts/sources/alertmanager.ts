// Prometheus Alertmanager's webhook (webhook_configs, payload version 4): the whole group on every
// notification. Alertmanager has a silence API, so no per-alert silence link is made here (the chat side
// creates silences through monitors[].url or the payload's externalURL).
import type { ReadContext, ReadResult } from '../read.ts';
import { readWebhookV4 } from './webhook-v4.ts';

export function readAlertmanager(payload: unknown, ctx: ReadContext): ReadResult {
  return readWebhookV4(payload, ctx, {
    source: 'alertmanager',
    version: '4',
    otherVersions: { '1': 'a Grafana alert: send it to /hooks/grafana' },
    extra: () => ({}),
  });
}
