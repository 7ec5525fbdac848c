// Live pages (the agent console, the web chat) hear of every change to a ticket. The signal is sent in
// the change's transaction, so pages on every instance hear of it once it commits and never of a change
// that rolled back — whether the service committed it or an outer caller (the inbox) did. Several
// changes in one transaction are one notification: PostgreSQL folds identical NOTIFYs together.
import type { Subscriber } from '../events.ts';
import type { Notifier } from '../ports.ts';

export function tellLivePages(notifier: Pick<Notifier, 'ticketChanged'>): Subscriber {
  return ({ tx, ticketNumber }) => notifier.ticketChanged(ticketNumber, tx);
}
