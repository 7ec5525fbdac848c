// An accepted delivery as the inbox keeps it: the batch already read (and capped), not the sender's raw
// body — a 10,000-alert group would otherwise keep megabytes per repeat — with its times as ISO text.
import type { AlertBatch, NormalizedAlert } from '../core/alerts/batch.ts';

export const ALERTS_INBOX_SOURCE = 'alerts';

export interface StoredDelivery {
  batch: AlertBatch;
}

/** The stored JSON back into a batch with real dates. */
export function batchFromStored(payload: unknown): AlertBatch {
  const { batch } = payload as {
    batch: AlertBatch & { alerts: (NormalizedAlert & { startsAt: string; endsAt: string | null })[] };
  };
  return {
    ...batch,
    alerts: batch.alerts.map((a) => ({
      ...a,
      startsAt: new Date(a.startsAt),
      endsAt: a.endsAt === null || a.endsAt === undefined ? null : new Date(a.endsAt),
    })),
  };
}
