// "An alert group changed", told inside the transaction that applied the delivery (apply.ts), so what
// follows from it — the chat messages' edits, a ticket opened by itself — commits or rolls back with it.
// The composition root subscribes the side effects; the webhook's inbox handler emits.
import type { Tx } from '../../db/index.ts';
import type { AppliedBatch } from './apply.ts';
import type { AlertBatch } from './batch.ts';

export interface AlertGroupChanged {
  tx: Tx;
  batch: AlertBatch;
  applied: AppliedBatch;
  now: Date;
}

export type AlertSubscriber = (event: AlertGroupChanged) => Promise<void>;

export class AlertEvents {
  private readonly subscribers: AlertSubscriber[] = [];

  subscribe(fn: AlertSubscriber): void {
    this.subscribers.push(fn);
  }

  /** In order, in the event's transaction; the first to throw stops the rest and the delivery's application. */
  async emit(event: AlertGroupChanged): Promise<void> {
    for (const fn of this.subscribers) await fn(event);
  }
}
