// The ticket service's domain events on a real database (PGlite and PostgreSQL): a subscriber hears a
// ticket's whole life in order, with the right payloads and history rows, inside the change's
// transaction; a subscriber that throws takes the change back with it, and live pages never hear of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/core/events.ts';
import { productionPlanYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { MemoryChatAdapter } from '../harness/memory-adapter.ts';
import { type EventStream, openEventStream } from '../harness/sse.ts';

const config = `
${productionPlanYaml.trimStart()}products:
  - { id: platform, name: Platform, maintainersChannel: maint-platform }
organisations:
  - { id: acme, name: Acme, plan: production, language: en, products: [platform], emailDomains: [example.com] }
agents:
  - { id: ana, name: Ana, role: admin }
  - { id: ben, name: Ben, role: agent }
channels:
  - { platform: slack, id: maint-platform, kind: maintainers }
`;

const day = 24 * 3600_000;
const ana = { kind: 'agent', agentId: 'ana' } as const;

/** An event as a test compares it: everything but the transaction. */
type Heard = Omit<DomainEvent, 'tx'> & { statusInTx: string };

/** The history row type each event's `eventId` points at. */
const recordedAs: Record<DomainEvent['type'], string[]> = {
  'ticket.created': ['customer_message'],
  'ticket.replied': ['public_reply', 'customer_message'],
  'ticket.noted': ['private_note'],
  'ticket.changed': ['field_change'],
  'ticket.assigned': ['assignment'],
  'ticket.status': ['status_change'],
  'ticket.escalated': ['private_note'],
  'ticket.resolved': ['public_reply'],
  'ticket.confirmed': ['status_change'],
  'ticket.rated': ['field_change'],
  'ticket.reopened': ['status_change'],
};

describe.each(databaseKinds)('domain events on %s', (database) => {
  let t: TestApp;
  const clock = new FakeClock();
  let contactId: string;
  const customer = () => ({ kind: 'contact', contactId }) as const;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database, clock, config, pollMs: 60_000 });
    // Escalations go to a maintainers' channel on "Slack": a memory adapter takes those posts.
    t.app.adapters.set('slack', new MemoryChatAdapter('slack'));
    const contact = await t.app.db.prisma.contact.create({ data: { name: 'Carla', organisationId: 'acme' } });
    contactId = contact.id;
  });
  afterAll(async () => t?.stop());

  const thread = () => `events-${++seq}`;
  const say = async (where: string, text: string) => {
    const outcome = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: where,
      contactId,
      text,
    });
    if (outcome.kind === 'ignored_greeting') throw new Error('unexpected greeting');
    return outcome.ticketNumber;
  };

  /** Records every event, with the ticket's status as the subscriber's transaction sees it. */
  const listen = () => {
    const heard: Heard[] = [];
    const stop = t.app.events.subscribe(async ({ tx, ...event }) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { number: event.ticketNumber } });
      heard.push({ ...event, statusInTx: ticket.status } as Heard);
    });
    return { of: (n: number) => heard.filter((e) => e.ticketNumber === n), stop };
  };

  /** Each event's history row exists, belongs to the ticket and has the type the event stands for. */
  const expectRecorded = async (heard: Heard[]) => {
    for (const e of heard) {
      expect(e.eventId, e.type).not.toBeNull();
      const row = await t.app.db.prisma.ticketEvent.findUniqueOrThrow({ where: { id: e.eventId ?? '' } });
      expect(row.ticketNumber).toBe(e.ticketNumber);
      expect(recordedAs[e.type], e.type).toContain(row.type);
    }
  };

  it('tells a ticket’s life in order: created, replied, noted, assigned, escalated, resolved, reopened, confirmed', async () => {
    const { of, stop } = listen();
    try {
      const where = thread();
      const n = await say(where, 'The CSV export is empty');
      await t.app.tickets.reply(n, ana, 'Looking into it');
      await say(where, 'It started at 10:00');
      await t.app.tickets.note(n, ana, 'Export job logs show a timeout');
      await t.app.tickets.assign(n, ana, 'ben');
      const escalationId = await t.app.actions.escalations.escalate(n, ana, {
        product: 'platform',
        notes: 'Timeout in the export job',
      });
      await t.app.tickets.resolve(n, ana, { message: 'We raised the export timeout' });
      await t.app.tickets.confirm(n, customer(), false);
      await t.app.tickets.resolve(n, ana, { message: 'Fixed for good', technicalNote: 'Index added' });
      await t.app.tickets.confirm(n, customer(), true);

      const heard = of(n);
      const agent = ana;
      const contact = customer();
      const status = (from: string, to: string, reason: string, actor: object = agent) => ({
        type: 'ticket.status',
        actor,
        from,
        to,
        reason,
        statusInTx: to,
      });
      expect(heard.map(({ eventId: _, ...e }) => e)).toEqual(
        [
          {
            type: 'ticket.created',
            actor: contact,
            source: 'webchat',
            requesterId: contactId,
            organisationId: 'acme',
            priority: 'normal',
            productId: null,
            statusInTx: 'new',
          },
          { type: 'ticket.replied', actor: agent, by: 'agent', statusInTx: 'new' },
          status('new', 'open', 'agent'),
          { type: 'ticket.replied', actor: contact, by: 'customer', statusInTx: 'open' },
          { type: 'ticket.noted', actor: agent, statusInTx: 'open' },
          { type: 'ticket.assigned', actor: agent, from: null, to: 'ben', statusInTx: 'open' },
          {
            type: 'ticket.changed',
            actor: agent,
            field: 'product',
            from: null,
            to: 'platform',
            statusInTx: 'open',
          },
          { type: 'ticket.noted', actor: agent, statusInTx: 'open' },
          status('open', 'on_hold', 'agent'),
          {
            type: 'ticket.escalated',
            actor: agent,
            escalationId,
            productId: 'platform',
            statusInTx: 'on_hold',
          },
          status('on_hold', 'awaiting_confirmation', 'agent'),
          { type: 'ticket.resolved', actor: agent, statusInTx: 'awaiting_confirmation' },
          status('awaiting_confirmation', 'open', 'customer_still_broken', contact),
          {
            type: 'ticket.reopened',
            actor: contact,
            from: 'awaiting_confirmation',
            reason: 'customer_still_broken',
            statusInTx: 'open',
          },
          status('open', 'awaiting_confirmation', 'agent'),
          { type: 'ticket.resolved', actor: agent, statusInTx: 'awaiting_confirmation' },
          { type: 'ticket.noted', actor: agent, statusInTx: 'awaiting_confirmation' },
          status('awaiting_confirmation', 'resolved', 'customer_confirmed', contact),
          { type: 'ticket.confirmed', actor: contact, reason: 'customer_confirmed', statusInTx: 'resolved' },
        ].map((e) => ({ ticketNumber: n, ...e })),
      );
      await expectRecorded(heard);
      // The events that stand for one change share its history row.
      const byType = (type: string) => heard.filter((e) => e.type === type).map((e) => e.eventId);
      expect(byType('ticket.reopened')).toEqual([heard[12]?.eventId]);
      expect(byType('ticket.confirmed')).toEqual([heard.at(-2)?.eventId]);
      // The escalation's event points at the note that tells agents about it.
      const note = await t.app.db.prisma.ticketEvent.findUniqueOrThrow({
        where: { id: heard[9]?.eventId ?? '' },
      });
      expect(note.body).toMatch(/^Escalated to the platform maintainers/);
      // The resolution's event points at the message the customer reads.
      const resolution = await t.app.db.prisma.ticketEvent.findUniqueOrThrow({
        where: { id: heard[11]?.eventId ?? '' },
      });
      expect(resolution.body).toBe('We raised the export timeout');
    } finally {
      stop();
    }
  });

  it('tells tickets entered by an agent, resolved by the clock and reopened by the customer', async () => {
    const { of, stop } = listen();
    try {
      const n = await t.app.tickets.create(
        {
          subject: 'Invoice missing',
          body: 'Carla called: March invoice',
          requesterId: contactId,
          source: 'manual',
        },
        ana,
      );
      await t.app.tickets.resolve(n, ana, { message: 'Sent it again' });
      clock.advance(8 * day);
      // The background sweep may get there first; either way the ticket resolves once, by the clock.
      await t.app.tickets.resolveUnconfirmed();
      await t.app.tickets.reopenByCustomer(n, customer());

      const heard = of(n);

      const system = { kind: 'system' };
      expect(heard.map(({ eventId: _, ticketNumber: __, ...e }) => e)).toEqual([
        {
          type: 'ticket.created',
          actor: ana,
          source: 'manual',
          requesterId: contactId,
          organisationId: 'acme',
          priority: 'normal',
          productId: null,
          statusInTx: 'new',
        },
        {
          type: 'ticket.status',
          actor: ana,
          from: 'new',
          to: 'awaiting_confirmation',
          reason: 'agent',
          statusInTx: 'awaiting_confirmation',
        },
        { type: 'ticket.resolved', actor: ana, statusInTx: 'awaiting_confirmation' },
        {
          type: 'ticket.status',
          actor: system,
          from: 'awaiting_confirmation',
          to: 'resolved',
          reason: 'confirmation_window_elapsed',
          statusInTx: 'resolved',
        },
        {
          type: 'ticket.confirmed',
          actor: system,
          reason: 'confirmation_window_elapsed',
          statusInTx: 'resolved',
        },
        {
          type: 'ticket.status',
          actor: customer(),
          from: 'resolved',
          to: 'open',
          reason: 'reopen',
          statusInTx: 'open',
        },
        {
          type: 'ticket.reopened',
          actor: customer(),
          from: 'resolved',
          reason: 'reopen',
          statusInTx: 'open',
        },
      ]);
      await expectRecorded(heard);
    } finally {
      stop();
    }
  });

  describe('a subscriber that throws', () => {
    let feed: EventStream;
    beforeAll(async () => {
      feed = await openEventStream(`${t.url}/console/api/stream`, { authorization: `Bearer ${t.apiToken}` });
      await t.app.db.prisma.$executeRawUnsafe(
        'CREATE TABLE "HeardEvent" (ticket int NOT NULL, type text NOT NULL)',
      );
    });
    afterAll(() => feed?.close());

    const heardRows = (n: number) =>
      t.app.db.prisma.$queryRaw<{ type: string }[]>`SELECT type FROM "HeardEvent" WHERE ticket = ${n}`;
    const ticketNews = (n: number) => (e: { event: string; data: unknown }) =>
      e.event === 'ticket' && (e.data as { number: number }).number === n;

    it('rolls the change back with what earlier subscribers wrote; live pages never hear of it', async () => {
      const n = await say(thread(), 'Printer offline');
      const other = await say(thread(), 'Scanner offline');
      // Both tickets' creation has reached the console: from here on, news of `n` would be news of the note.
      await feed.waitFor(ticketNews(n), 'the news of the first ticket');
      await feed.waitFor(ticketNews(other), 'the news of the second ticket');
      const mark = feed.events.length;
      const outboxBefore = await t.app.db.prisma.outboxItem.count();
      const historyBefore = await t.app.db.prisma.ticketEvent.count({ where: { ticketNumber: n } });

      // One subscriber writes in the change's transaction; the next one refuses notes.
      const writes = t.app.events.subscribe(async ({ tx, ticketNumber, type }) => {
        await tx.$executeRaw`INSERT INTO "HeardEvent" (ticket, type) VALUES (${ticketNumber}, ${type})`;
      });
      const refuses = t.app.events.on('ticket.noted', () => {
        throw new Error('the audit log is full');
      });
      try {
        await expect(t.app.tickets.note(n, ana, 'Toner replaced')).rejects.toThrow('the audit log is full');
      } finally {
        refuses();
      }
      expect(await t.app.db.prisma.ticketEvent.count({ where: { ticketNumber: n } })).toBe(historyBefore);
      expect(await t.app.db.prisma.outboxItem.count()).toBe(outboxBefore);
      expect(await heardRows(n)).toEqual([]);

      // Without the refusal, the same note commits, and so does the subscriber's write and the card sync.
      await t.app.tickets.note(other, ana, 'Cable replaced');
      writes();
      expect(await heardRows(other)).toEqual([{ type: 'ticket.noted' }]);
      expect(
        await t.app.db.prisma.outboxItem.count({
          where: { kind: 'card', payload: { path: ['ticketNumber'], equals: other } },
        }),
      ).toBeGreaterThan(0);
      // Notifications arrive in commit order: had the refused note's news gone out, it would come first.
      const news = await feed.waitFor(
        (e) => ticketNews(other)(e) && feed.events.indexOf(e) >= mark,
        'the news of the committed note',
      );
      const index = feed.events.indexOf(news);
      expect(index).toBeGreaterThanOrEqual(mark);
      expect(feed.events.slice(mark, index).filter(ticketNews(n))).toEqual([]);
    });
  });
});
