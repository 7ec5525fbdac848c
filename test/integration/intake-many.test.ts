// The ticket service's intakeMany: several conversations' messages in one call end as `intake` one at a
// time would (new tickets numbered in order, each with its message then its acknowledgement, links,
// outbox rows), with subscribers told once for all; and the cases that are not independent fall back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/events.ts';
import { syncCards } from '../../src/core/tickets/card-sync.ts';
import { tellLivePages } from '../../src/core/tickets/live-pages.ts';
import type { CustomerMessage } from '../../src/core/tickets/service.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { databaseKinds } from '../harness/databases.ts';
import { openDesk } from '../harness/desk.ts';
import { countStatements } from '../harness/statements.ts';

for (const kind of databaseKinds) {
  describe(`intakeMany on ${kind}`, () => {
    let desk: Awaited<ReturnType<typeof openDesk>>;
    let contactId: string;
    const told: (number | readonly number[])[] = [];
    const created: DomainEvent[] = [];
    beforeAll(async () => {
      // Two agents' channels: each new ticket gets a card in both.
      desk = await openDesk(
        kind,
        `${testConfigYaml}channels:\n  - { platform: chat, id: A1, kind: agents }\n  - { platform: chat, id: A2, kind: agents }\n`,
      );
      desk.events.subscribe(syncCards(desk.desk));
      desk.events.subscribe(tellLivePages({ ticketChanged: async (n) => void told.push(n) }));
      desk.events.on('ticket.created', (e) => void created.push(e));
      contactId = (await desk.db.contact.create({ data: { name: 'Carla', organisationId: 'acme' } })).id;
    });
    afterAll(() => desk?.close());

    const message = (thread: string, text: string): CustomerMessage => ({
      platform: 'chat',
      channel: 'C1',
      thread,
      contactId,
      text,
      channelRef: `chat:C1:${thread}:${text.length}`,
    });

    it('opens tickets for several conversations at once, numbered in order, each acknowledged', async () => {
      told.length = 0;
      created.length = 0;
      const outcomes = await desk.tickets.intakeMany([
        { msg: message('t1', 'The export fails.') },
        { msg: message('t2', 'Login is slow.'), options: { silent: true } },
        { msg: message('t3', 'Reports are empty.'), options: { subject: 'Empty reports' } },
      ]);
      const numbers = outcomes.map((o) => (o.kind === 'created' ? o.ticketNumber : 0));
      expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      const tickets = await desk.db.ticket.findMany({
        where: { number: { in: numbers } },
        orderBy: { number: 'asc' },
      });
      expect(tickets.map((t) => t.subject)).toEqual(['The export fails.', 'Login is slow.', 'Empty reports']);
      for (const [i, n] of numbers.entries()) {
        const events = await desk.db.ticketEvent.findMany({
          where: { ticketNumber: n },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        });
        // The silent one is not acknowledged.
        expect(events.map((e) => e.type)).toEqual(
          i === 1 ? ['customer_message'] : ['customer_message', 'system'],
        );
        const link = await desk.db.conversationLink.findFirstOrThrow({ where: { thread: `t${i + 1}` } });
        expect(link.ticketNumber).toBe(n);
      }
      const acks = await desk.db.outboxItem.findMany({
        where: { kind: 'customer_event' },
        orderBy: { id: 'asc' },
      });
      expect(acks.map((a) => a.lane)).toEqual([`customer:${numbers[0]}`, `customer:${numbers[2]}`]);
      // Subscribers heard each ticket; live pages were told once, of all three.
      expect(created.map((e) => e.ticketNumber)).toEqual(numbers);
      expect(told).toEqual([numbers]);
    });

    it('adds to an open ticket, opens a new one for a finished ticket, and leaves a greeting alone', async () => {
      const [open] = await desk.tickets.intakeMany([{ msg: message('t4', 'First words.') }]);
      const [finished] = await desk.tickets.intakeMany([{ msg: message('t5', 'Old problem.') }]);
      const n4 = open?.kind === 'created' ? open.ticketNumber : 0;
      const n5 = finished?.kind === 'created' ? finished.ticketNumber : 0;
      await desk.db.ticket.update({ where: { number: n5 }, data: { status: 'closed' } });
      const outcomes = await desk.tickets.intakeMany([
        { msg: message('t4', 'More words.') },
        { msg: message('t5', 'A new problem.') },
        { msg: message('t6', 'thanks!') },
        { msg: message('t7', 'hola'), options: { force: true } },
      ]);
      expect(outcomes.slice(0, 3)).toEqual([
        { kind: 'appended', ticketNumber: n4 },
        { kind: 'created', ticketNumber: expect.any(Number) },
        { kind: 'ignored_greeting' },
      ]);
      expect(outcomes[3]?.kind).toBe('created');
      const moved = await desk.db.conversationLink.findFirstOrThrow({ where: { thread: 't5' } });
      expect(moved.ticketNumber).toBe((outcomes[1] as { ticketNumber: number }).ticketNumber);
      expect(await desk.db.conversationLink.count({ where: { thread: 't6' } })).toBe(0);
    });

    it('takes one conversation twice in turn: the second message joins the ticket the first opened', async () => {
      const outcomes = await desk.tickets.intakeMany([
        { msg: message('t8', 'It broke.') },
        { msg: message('t8', 'Still broken.') },
      ]);
      const n = outcomes[0]?.kind === 'created' ? outcomes[0].ticketNumber : 0;
      expect(outcomes).toEqual([
        { kind: 'created', ticketNumber: n },
        { kind: 'appended', ticketNumber: n },
      ]);
    });

    it('opens four tickets in the statements of one: tickets, messages, links, acknowledgements, cards, signals', async () => {
      const statements = async (threads: string[]) => {
        const counter = countStatements();
        try {
          const outcomes = await desk.tickets.intakeMany(
            threads.map((t) => ({ msg: message(t, `Problem in ${t}.`) })),
          );
          expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
          return counter.read();
        } finally {
          counter.stop();
        }
      };
      expect(await statements(['s1', 's2', 's3', 's4'])).toBe(await statements(['s5']));
      // A card already waiting to be posted is not queued twice.
      const n = (await desk.db.ticket.findFirstOrThrow({ orderBy: { number: 'desc' } })).number;
      await desk.db.$transaction((tx) =>
        desk.events.emitAll([
          { type: 'ticket.noted', ticketNumber: n, actor: { kind: 'system' }, eventId: null, tx },
          { type: 'ticket.noted', ticketNumber: n, actor: { kind: 'system' }, eventId: null, tx },
        ]),
      );
      expect(
        await desk.db.outboxItem.count({ where: { kind: 'card', lane: { startsWith: `card:${n}:` } } }),
      ).toBe(2);
    });
  });
}
