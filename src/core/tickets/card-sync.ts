// The triage card in every agents' channel follows its ticket: each change to a ticket enqueues a card
// sync in the change's own transaction, so the card is posted or edited once that change commits and
// never for one that rolled back. The card renders the ticket as it is when delivered, and the outbox
// keeps a single pending sync per card, so a method that makes several changes edits the card once.
import { agentChannels, type DeskConfig } from '../config.ts';
import type { Subscriber } from '../events.ts';
import { enqueue } from '../outbox.ts';

export function syncCards(config: Pick<DeskConfig, 'channels'>): Subscriber {
  const targets = agentChannels(config);
  return async ({ tx, ticketNumber }) => {
    for (const target of targets) await enqueue(tx, { kind: 'card', ticketNumber, ...target });
  };
}
