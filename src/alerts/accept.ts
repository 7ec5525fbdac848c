// Accepting one webhook delivery, before the sender is answered: read it with its source's reader (a
// wrong shape is refused, nothing stored), cap it, and store it in the inbox under a key made of the
// monitor and a hash of what the delivery says — so a retry, or the same group delivered to three
// instances at once, is stored once. The inbox handler (inbox.ts) applies it afterwards.
import { createHash } from 'node:crypto';
import type { AlertSource } from '../core/alerts/batch.ts';
import { acceptInbound } from '../core/inbox.ts';
import type { IngressGate } from '../core/ingress.ts';
import type { Notifier } from '../core/ports.ts';
import type { Db } from '../db/index.ts';
import { capBatch } from './cap.ts';
import type { ReadResult } from './read.ts';
import { readers } from './sources/index.ts';
import { ALERTS_INBOX_SOURCE, type StoredDelivery } from './stored.ts';

export type Accepted =
  | { stored: boolean; key: string; groupKey: string; alerts: number; truncated: number }
  | { ignored: string };

/** Reads the payload (throws PayloadError for a wrong shape): pure, so it can be tried without a database. */
export function readDelivery(
  source: AlertSource,
  monitorId: string,
  payload: unknown,
  receivedAt: Date,
): ReadResult {
  return readers[source](payload, { monitorId, receivedAt });
}

export function deliveryKey(source: AlertSource, monitorId: string, dedupe: string): string {
  const hash = createHash('sha256').update(dedupe).digest('base64url');
  return `alert:${source}:${monitorId}:${hash}`;
}

export async function acceptDelivery(
  deps: { db: Db; ingress: IngressGate; notifier: Pick<Notifier, 'inboxWritten'> },
  source: AlertSource,
  monitorId: string,
  payload: unknown,
  receivedAt: Date,
): Promise<Accepted> {
  const read = readDelivery(source, monitorId, payload, receivedAt);
  if ('ignored' in read) return read;
  const batch = capBatch(read.batch);
  const key = deliveryKey(source, monitorId, read.dedupe);
  const stored: StoredDelivery = { batch };
  const isNew = await deps.ingress.run(() =>
    // One monitor's deliveries are applied in the order they came (a resolve after its firing).
    acceptInbound(deps.db, {
      key,
      source: ALERTS_INBOX_SOURCE,
      payload: stored as never,
      thread: `alert:${source}:${monitorId}`,
    }),
  );
  if (isNew) deps.notifier.inboxWritten();
  return {
    stored: isNew,
    key,
    groupKey: batch.groupKey,
    alerts: batch.alerts.length,
    truncated: batch.truncated,
  };
}
