// Domain events: what happened to a ticket, told to whoever subscribed — the triage cards, live pages,
// and later SLA, monitors and reports — so they can follow tickets without editing the ticket service.
//
// Subscribers run inside the transaction that makes the change, one after another in the order they
// subscribed: what they write or enqueue commits with the change or rolls back with it, and a subscriber
// that throws rolls the change back (the caller sees its error). So a subscriber must be quick and must
// not reach outside the database; slow or external work goes to the outbox, which runs after the commit.
import type { Tx } from '../db/index.ts';
import type { Actor } from './actor.ts';
import type { Status, TransitionReason } from './tickets/lifecycle.ts';
import type { Priority } from './tickets/sla.ts';

/** Every event's type and what it carries besides the common fields. */
export interface DomainEventPayloads {
  /**
   * A ticket opened, from a customer's message or entered by an agent (console, API, `/ticket new`).
   * `eventId`: its first message.
   */
  'ticket.created': {
    source: string;
    requesterId: string;
    organisationId: string;
    priority: Priority;
    productId: string | null;
  };
  /** A public message: an agent's reply (or a note shared with the customer), or the customer's message. */
  'ticket.replied': { by: 'agent' | 'customer' };
  /** A private note, for agents and maintainers only. */
  'ticket.noted': Record<never, never>;
  /** Priority, category or product set, or someone put on the ticket (`participants`, `to` their contact). */
  'ticket.changed': {
    field: 'priority' | 'category' | 'product' | 'participants';
    from: string | null;
    to: string | null;
  };
  /** Assigned to an agent (`to`), or unassigned (`to` null). */
  'ticket.assigned': { from: string | null; to: string | null };
  /** Every status change, whatever its cause; the three below name the ones that matter most. */
  'ticket.status': { from: Status; to: Status; reason: TransitionReason };
  /** Sent to a product's maintainers. `eventId`: the note that says so. */
  'ticket.escalated': { escalationId: string; productId: string };
  /**
   * An agent proposed a solution; the ticket awaits the customer's confirmation (it is not resolved on an
   * agent's word). `eventId`: the message the customer reads.
   */
  'ticket.resolved': Record<never, never>;
  /** The solution stands: the customer said so, or the confirmation window passed. Status: resolved. */
  'ticket.confirmed': { reason: 'customer_confirmed' | 'confirmation_window_elapsed' };
  /** The customer answered the satisfaction survey (a rating, or a comment): `score` as it stands. */
  'ticket.rated': { score: number | null };
  /** Back to open from a proposed solution or a finished ticket (resolved, closed, spam, rejected). */
  'ticket.reopened': { from: Status; reason: TransitionReason };
}

export type DomainEventType = keyof DomainEventPayloads;

/** What every event carries. */
export interface DomainEventBase {
  ticketNumber: number;
  /** Who did it; `system` for Relevo itself (the confirmation window, a failed delivery). */
  actor: Actor;
  /** The ticket history's row (TicketEvent) that records it, when there is one. */
  eventId: string | null;
  /** The change's transaction: write through it, so the write commits or rolls back with the change. */
  tx: Tx;
}

export type EventOf<K extends DomainEventType> = { type: K } & DomainEventBase & DomainEventPayloads[K];
export type DomainEvent = { [K in DomainEventType]: EventOf<K> }[DomainEventType];

export type Subscriber<E = DomainEvent> = ((event: E) => void | Promise<void>) & {
  /**
   * The same for several events at once (emitAll), when the subscriber can do it in fewer statements
   * than one call per event: what it does must be what calling it for each event in turn would do.
   */
  many?: (events: E[]) => void | Promise<void>;
};

/**
 * The ticket service's events and their subscribers. The composition root creates one and subscribes
 * the side effects; the ticket service and escalations emit into it.
 *
 * @example
 *   events.on('ticket.replied', async ({ tx, ticketNumber, by }) => {
 *     if (by === 'agent') await tx.ticket.update({ where: { number: ticketNumber }, data: { … } });
 *   });
 */
export class DomainEvents {
  private readonly subscribers: { type?: DomainEventType; fn: Subscriber }[] = [];

  /** Hears every event. Returns a function that unsubscribes. */
  subscribe(fn: Subscriber): () => void {
    return this.add({ fn });
  }

  /** Hears events of one type. Returns a function that unsubscribes. */
  on<K extends DomainEventType>(type: K, fn: Subscriber<EventOf<K>>): () => void {
    return this.add({ type, fn: fn as Subscriber });
  }

  /** Runs the subscribers in order, inside `event.tx`; the first to throw stops the rest and the change. */
  async emit(event: DomainEvent): Promise<void> {
    // A copy: a subscriber that unsubscribes (or subscribes another) does not change this event's list.
    for (const s of [...this.subscribers]) {
      if (!s.type || s.type === event.type) await s.fn(event);
    }
  }

  /**
   * Several events of one change (tickets opened together from a run of messages): each subscriber in turn
   * hears all of them, through its batch form when it has one, else one event at a time in their order.
   */
  async emitAll(events: readonly DomainEvent[]): Promise<void> {
    for (const s of [...this.subscribers]) {
      const heard = events.filter((e) => !s.type || s.type === e.type);
      if (!heard.length) continue;
      if (s.fn.many) await s.fn.many(heard);
      else for (const event of heard) await s.fn(event);
    }
  }

  private add(entry: { type?: DomainEventType; fn: Subscriber }): () => void {
    this.subscribers.push(entry);
    return () => {
      const i = this.subscribers.indexOf(entry);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }
}
