// The triage card in every agents' channel follows its ticket: each change to a ticket enqueues a card
// sync in the change's own transaction, so the card is posted or edited once that change commits and
// never for one that rolled back. The card renders the ticket as it is when delivered, and the outbox
// keeps a single pending sync per card, so a method that makes several changes edits the card once.
import { agentChannels, type DeskConfig } from '../config.ts';
import type { Subscriber } from '../events.ts';
import { enqueueSyncs } from '../outbox.ts';

export function syncCards(config: Pick<DeskConfig, 'channels'>): Subscriber {
  const targets = agentChannels(config);
  const sync: Subscriber = (event) => sync.many?.([event]);
  // Tickets opened together (a run of mail): their cards in the statements of one.
  sync.many = async (events) => {
    const [first] = events;
    if (!first || !targets.length) return;
    await enqueueSyncs(
      first.tx,
      events.flatMap(({ ticketNumber }) =>
        targets.map((target) => ({ kind: 'card' as const, ticketNumber, ...target })),
      ),
    );
  };
  return sync;
}
