// The alert group's message in every monitor channel follows the group: each change enqueues one sync
// per monitor channel in the transaction that applied the delivery (or the button's), and the sync
// renders the group as it is when delivered. The outbox keeps one untouched pending sync per message,
// and its lane delivers one at a time through the platform's pacer: a group flapping every second
// becomes a few edits, never a flood (bench/alerts-flap.ts measures it).
import type { Tx } from '../../db/index.ts';
import { type DeskConfig, monitorChannels } from '../config.ts';
import { enqueue } from '../outbox.ts';
import type { AlertSubscriber } from './events.ts';

export function syncAlertMessages(config: Pick<DeskConfig, 'channels'>): AlertSubscriber {
  const sync = alertMessageSync(config);
  return async ({ tx, applied }) => {
    // A repeat notification (Alertmanager's repeat_interval) changes nothing: no edit, no ping.
    if (applied.changed) await sync(tx, applied.groupId);
  };
}

/** Enqueues the group's message sync in every monitor channel (also after an ack, a silence, a ticket). */
export function alertMessageSync(config: Pick<DeskConfig, 'channels'>) {
  const targets = monitorChannels(config);
  return async (tx: Tx, groupId: string) => {
    for (const target of targets) await enqueue(tx, { kind: 'alert_message', groupId, ...target });
  };
}
