// A group of 10,000 alerts is accepted, but what is kept of one delivery is capped: a chat message, an
// API answer and one transaction stay small. The rest is counted in `truncated`, beside what the sender
// itself left out. Firing alerts are kept first, then by fingerprint, so every repeat of a huge group
// keeps the same ones and changes nothing.
import type { AlertBatch } from '../core/alerts/batch.ts';

export const MAX_ALERTS_PER_DELIVERY = 500;

export function capBatch(batch: AlertBatch, max = MAX_ALERTS_PER_DELIVERY): AlertBatch {
  if (batch.alerts.length <= max) return batch;
  const kept = [...batch.alerts]
    .sort(
      (a, b) =>
        (a.status === 'firing' ? 0 : 1) - (b.status === 'firing' ? 0 : 1) ||
        (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
    )
    .slice(0, max);
  return { ...batch, alerts: kept, truncated: batch.truncated + batch.alerts.length - max };
}
