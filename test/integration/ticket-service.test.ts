// The ticket service on a real database (PGlite and PostgreSQL): confirmation window, refusals that
// change nothing, greetings, limits, any platform as a source, and the guarantee that private notes
// never reach a customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import { deliver, PrivateEventDeliveryError } from '../../src/core/delivery.ts';
import { IllegalTransitionError, UserError } from '../../src/core/errors.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';

const day = 24 * 3600_000;

describe.each(databaseKinds)('ticket service on %s', (database) => {
  let t: TestApp;
  const clock = new FakeClock();
  const ana = { kind: 'agent', agentId: 'ana' } as const;
  let contactId: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database, clock, pollMs: 60_000 });
    const contact = await t.app.db.prisma.contact.create({ data: { name: 'Carla', organisationId: 'acme' } });
    contactId = contact.id;
  });
  afterAll(async () => t?.stop());

  const newTicket = async (text = 'VPN drops every hour') => {
    const outcome = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `th-${++seq}`,
      contactId,
      text,
    });
    if (outcome.kind === 'ignored_greeting') throw new Error('unexpected greeting');
    return outcome.ticketNumber;
  };
  const status = async (n: number) =>
    (await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } })).status;

  it('acknowledges a new conversation with the number and the expected first response', async () => {
    const n = await newTicket();
    const events = await t.app.db.prisma.ticketEvent.findMany({
      where: { ticketNumber: n },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => e.type)).toEqual(['customer_message', 'system']);
    expect(events[1]?.body).toBe(
      `Thanks, we have opened ticket #${n} for you. An agent will answer within 4 hours. You can add anything else here.`,
    );
    const ticket = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(ticket.firstResponseDueAt?.getTime()).toBe(clock.now().getTime() + 4 * 3600_000);
  });

  it('answers in the organisation’s language', async () => {
    const es = await t.app.db.prisma.contact.create({ data: { name: 'Lola', organisationId: 'globex' } });
    const out = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: 'es-1',
      contactId: es.id,
      text: 'No arranca el servidor',
    });
    const ack = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: (out as any).ticketNumber, type: 'system' },
    });
    expect(ack.body).toMatch(/^Gracias, hemos abierto el ticket #\d+\. Un agente le responderá en 4 horas/);
  });

  it('does not open tickets for greetings or thanks alone', async () => {
    for (const text of ['hi', 'Hola!', 'thanks 🙏', 'ok, gracias', 'thanks thanks!!', 'Buenos días']) {
      expect(
        await t.app.tickets.intake({
          platform: 'webchat',
          channel: 'support',
          thread: `g-${text}`,
          contactId,
          text,
        }),
      ).toEqual({
        kind: 'ignored_greeting',
      });
    }
    expect(
      (
        await t.app.tickets.intake({
          platform: 'webchat',
          channel: 'support',
          thread: 'g-x',
          contactId,
          text: 'hi, the login page is down',
        })
      ).kind,
    ).toBe('created');
  });

  it('adds later messages of the conversation to the same ticket', async () => {
    const n = await newTicket('Backups fail');
    const again = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `th-${seq}`,
      contactId,
      text: 'Since 02:00',
    });
    expect(again).toEqual({ kind: 'appended', ticketNumber: n });
  });

  it('opens tickets from a platform it has never heard of: the source is plain text', async () => {
    for (const platform of ['mattermost', 'zulip']) {
      const outcome = await t.app.tickets.intake({
        platform,
        channel: 'town-square',
        thread: `${platform}-1`,
        contactId,
        text: 'The dashboard shows no data',
      });
      expect(outcome.kind).toBe('created');
      const n = (outcome as { ticketNumber: number }).ticketNumber;
      expect(await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } })).toMatchObject({
        source: platform,
      });
    }
  });

  it('resolves an unanswered ticket only after the 7-day confirmation window', async () => {
    const n = await newTicket();
    await t.app.tickets.resolve(n, ana, { message: 'Patched', technicalNote: 'hotfix 1.2.3' });
    expect(await status(n)).toBe('awaiting_confirmation');
    clock.advance(7 * day - 60_000);
    expect(await t.app.resolveUnconfirmed()).not.toContain(n);
    expect(await status(n)).toBe('awaiting_confirmation');
    clock.advance(60_000);
    expect(await t.app.resolveUnconfirmed()).toContain(n);
    expect(await status(n)).toBe('resolved');
    const last = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: n, type: 'system' },
      orderBy: { createdAt: 'desc' },
    });
    expect(last.body).toContain('as we had no answer in 7 days');
  });

  it('reopens when the customer writes again while waiting for confirmation', async () => {
    const n = await newTicket();
    await t.app.tickets.resolve(n, ana, { message: 'Should be fine now' });
    await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `th-${seq}`,
      contactId,
      text: 'Still broken here',
    });
    expect(await status(n)).toBe('open');
  });

  it('refuses illegal changes with a clear error and writes nothing', async () => {
    const n = await newTicket();
    const before = await t.app.db.prisma.ticketEvent.count({ where: { ticketNumber: n } });
    const outboxBefore = await t.app.db.prisma.outboxItem.count();
    await expect(t.app.tickets.setStatus(n, ana, 'resolved')).rejects.toThrow(/use resolve/);
    await expect(t.app.tickets.setStatus(n, ana, 'new' as any)).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    await expect(t.app.tickets.setStatus(n, ana, 'rejected')).rejects.toThrow(/Say why/);
    await expect(t.app.tickets.confirm(n, { kind: 'contact', contactId }, true)).rejects.toThrow(
      /not waiting for your confirmation/,
    );
    await expect(t.app.tickets.reply(n, { kind: 'contact', contactId }, 'I am an agent')).rejects.toThrow(
      /Only agents/,
    );
    await expect(t.app.tickets.reply(n, ana, 'x'.repeat(10_001))).rejects.toThrow(
      /too long \(10001 characters; the limit is 10000\)/,
    );
    await expect(t.app.tickets.assign(n, ana, 'nobody')).rejects.toBeInstanceOf(UserError);
    expect(await t.app.db.prisma.ticketEvent.count({ where: { ticketNumber: n } })).toBe(before);
    expect(await t.app.db.prisma.outboxItem.count()).toBe(outboxBefore);
    expect(await status(n)).toBe('new');
  });

  it('never delivers a private note to a customer, even if asked to', async () => {
    const n = await newTicket();
    const noteId = await t.app.tickets.note(n, ana, 'customer password is hunter2');
    const pending = await t.app.db.prisma.outboxItem.findMany({
      where: { status: 'pending', kind: 'customer_event' },
    });
    expect(pending.some((p) => (p.payload as any).eventId === noteId)).toBe(false);
    await expect(
      deliver(
        { db: t.app.db.prisma, adapters: t.app.adapters, config: t.config },
        { kind: 'customer_event', eventId: noteId, ticketNumber: n },
        'forged',
      ),
    ).rejects.toMatchObject({ name: 'PrivateEventDeliveryError', retryable: false, code: 'refused' });
    expect(PrivateEventDeliveryError.prototype).toBeInstanceOf(DeliveryFailure);
    await t.app.settle();
    const posts = await t.app.db.prisma.webchatPost.findMany();
    expect(JSON.stringify(posts.map((p) => p.message))).not.toContain('hunter2');
  });

  it('keeps the card in the agents’ channel in step with the ticket, edited in place', async () => {
    const n = await newTicket('Certificate expired');
    await t.app.settle();
    await t.app.tickets.assign(n, ana, 'ben');
    await t.app.settle();
    const cards = await t.app.db.prisma.webchatPost.findMany({ where: { channel: 'agents' } });
    const mine = cards.filter((c) => (c.message as any).title === `#${n} Certificate expired`);
    expect(mine).toHaveLength(1);
    const message = mine[0]!.message as any;
    expect(message.fields).toContainEqual({ label: 'Assignee', value: 'Ben' });
    expect(message.buttons.map((b: any) => b.action)).not.toContain('ticket.take');
  });
});
