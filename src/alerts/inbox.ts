// The inbox handler of accepted deliveries: the stored batch applied through the one path (applyAlertBatch)
// and told to AlertEvents' subscribers (chat messages, tickets) in the same transaction as the inbox row's
// "processed" mark — a crash between them applies it again, which changes nothing the second time.

import { applyAlertBatch } from '../core/alerts/apply.ts';
import type { AlertEvents } from '../core/alerts/events.ts';
import type { DeskConfig } from '../core/config.ts';
import type { InboundHandler } from '../core/inbox.ts';
import type { Clock } from '../core/ports.ts';
import { ALERTS_INBOX_SOURCE, batchFromStored } from './stored.ts';

export function alertsInbox(deps: {
  config: Pick<DeskConfig, 'alerts'>;
  events: AlertEvents;
  clock: Clock;
}): Record<string, InboundHandler> {
  return {
    [ALERTS_INBOX_SOURCE]: async (tx, payload) => {
      const batch = batchFromStored(payload);
      const now = deps.clock.now();
      const applied = await applyAlertBatch(tx, deps.config, batch, now);
      await deps.events.emit({ tx, batch, applied, now });
    },
  };
}
