// Live pages (the agent console, the web chat) hear of every change to a ticket. The signal is sent in
// the change's transaction, so pages on every instance hear of it once it commits and never of a change
// that rolled back — whether the service committed it or an outer caller (the inbox) did. Several
// changes in one transaction are one notification: PostgreSQL folds identical NOTIFYs together.
import type { Subscriber } from '../events.ts';
import type { Notifier } from '../ports.ts';

export function tellLivePages(notifier: Pick<Notifier, 'ticketChanged'>): Subscriber {
  const tell: Subscriber = ({ tx, ticketNumber }) => notifier.ticketChanged(ticketNumber, tx);
  // Tickets opened together: one statement for all their signals.
  tell.many = (events) => {
    const [first] = events;
    if (!first) return;
    return notifier.ticketChanged([...new Set(events.map((e) => e.ticketNumber))], first.tx);
  };
  return tell;
}
