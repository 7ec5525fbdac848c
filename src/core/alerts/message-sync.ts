// The alert group's message in every monitor channel follows the group: each change enqueues one sync
// per monitor channel in the transaction that applied the delivery (or the button's), and the sync
// renders the group as it is when delivered. The outbox keeps one untouched pending sync per message,
// and its lane delivers one at a time through the platform's pacer. On top of that, one message is edited
// at most once per `minEditGapMs` (10 s by default): the sync after an edit waits out the gap, and every
// change meanwhile folds into it — a group flapping every second becomes a few edits showing its latest
// state, never a flood (bench/alerts-flap.ts measures it). The first post is never delayed.
import type { Tx } from '../../db/index.ts';
import { type DeskConfig, monitorChannels } from '../config.ts';
import { liveSubject } from '../live-messages/subjects.ts';
import { enqueue } from '../outbox.ts';
import type { AlertSubscriber } from './events.ts';

/** The shortest time between two edits of one alert group's message on one channel, by default. */
export const ALERT_EDIT_GAP_MS = 10_000;

export interface AlertSyncOptions {
  /** 0: edit as soon as the pacer allows (tests); default ALERT_EDIT_GAP_MS. */
  minEditGapMs?: number;
}

export function syncAlertMessages(
  config: Pick<DeskConfig, 'channels'>,
  options: AlertSyncOptions = {},
): AlertSubscriber {
  const sync = alertMessageSync(config, options);
  return async ({ tx, applied }) => {
    // A repeat notification (Alertmanager's repeat_interval) changes nothing: no edit, no ping.
    if (applied.changed) await sync(tx, applied.groupId);
  };
}

/** Enqueues the group's message sync in every monitor channel (also after an ack, a silence, a ticket). */
export function alertMessageSync(config: Pick<DeskConfig, 'channels'>, options: AlertSyncOptions = {}) {
  const targets = monitorChannels(config);
  const gap = options.minEditGapMs ?? ALERT_EDIT_GAP_MS;
  return async (tx: Tx, groupId: string) => {
    const shown = gap
      ? await tx.liveMessage.findMany({
          where: { subject: liveSubject.alert(groupId) },
          select: { platform: true, channel: true, updatedAt: true },
        })
      : [];
    for (const target of targets) {
      // Wall-clock time, as the platforms' rate limits are: the message's last edit plus the gap.
      const last = shown.find((s) => s.platform === target.platform && s.channel === target.channel);
      const notBefore = last ? new Date(last.updatedAt.getTime() + gap) : undefined;
      await enqueue(
        tx,
        { kind: 'alert_message', groupId, ...target },
        notBefore && notBefore.getTime() > Date.now() ? { notBefore } : {},
      );
    }
  };
}
