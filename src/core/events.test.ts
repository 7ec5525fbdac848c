// The bus on its own: who hears what, in which order, and what a throwing subscriber does to the rest.
import { describe, expect, it } from 'vitest';
import type { Tx } from '../db/index.ts';
import { type DomainEvent, DomainEvents, type Subscriber } from './events.ts';

const tx = {} as Tx;
const noted: DomainEvent = {
  type: 'ticket.noted',
  ticketNumber: 7,
  actor: { kind: 'system' },
  eventId: 'e1',
  tx,
};
const replied: DomainEvent = {
  type: 'ticket.replied',
  ticketNumber: 7,
  actor: { kind: 'agent', agentId: 'ana' },
  eventId: 'e2',
  tx,
  by: 'agent',
};

describe('domain events', () => {
  it('runs subscribers in the order they subscribed, each hearing what it asked for', async () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.subscribe((e) => void heard.push(`all:${e.type}`));
    events.on('ticket.replied', (e) => void heard.push(`replies:${e.by}`));
    events.subscribe(async (e) => {
      await Promise.resolve();
      heard.push(`later:${e.type}`);
    });
    await events.emit(noted);
    await events.emit(replied);
    expect(heard).toEqual([
      'all:ticket.noted',
      'later:ticket.noted',
      'all:ticket.replied',
      'replies:agent',
      'later:ticket.replied',
    ]);
  });

  it('passes the change’s transaction to every subscriber', async () => {
    const events = new DomainEvents();
    const seen: Tx[] = [];
    events.subscribe((e) => void seen.push(e.tx));
    await events.emit(noted);
    expect(seen[0]).toBe(tx);
  });

  it('stops at a subscriber that throws and hands its error to the emitter', async () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.subscribe(() => void heard.push('first'));
    events.subscribe(() => {
      throw new Error('card sync failed');
    });
    events.subscribe(() => void heard.push('third'));
    await expect(events.emit(noted)).rejects.toThrow('card sync failed');
    expect(heard).toEqual(['first']);
  });

  it('forgets a subscriber that unsubscribed, also from inside an event', async () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    const stop = events.subscribe(() => {
      heard.push('once');
      stop();
    });
    events.subscribe(() => void heard.push('always'));
    await events.emit(noted);
    await events.emit(noted);
    expect(heard).toEqual(['once', 'always', 'always']);
  });

  it('tells several events at once: each subscriber in turn, through its batch form when it has one', async () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.subscribe((e) => void heard.push(`one:${e.type}`));
    const batched: Subscriber = (e) => void heard.push(`batched alone:${e.type}`);
    batched.many = (all) => void heard.push(`batched:${all.map((e) => e.type).join('+')}`);
    events.subscribe(batched);
    events.on('ticket.replied', (e) => void heard.push(`replies:${e.by}`));
    await events.emitAll([noted, replied]);
    expect(heard).toEqual([
      'one:ticket.noted',
      'one:ticket.replied',
      'batched:ticket.noted+ticket.replied',
      'replies:agent',
    ]);
  });
});
