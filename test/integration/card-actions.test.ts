// The triage card offers what makes sense where the ticket stands (issue 16): the whole triage while it
// is worked on; once it awaits the customer's confirmation, no spam, wrong recipient, taking or resolving
// again — its classification, and taking it back; a ticket with the maintainers cannot be spam; a
// finished one can only be reopened. Every button offered leads somewhere the ticket may go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../src/core/tickets/card.ts';
import { newTicketCardButtons } from '../fixtures/card.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';

describe.each(databaseKinds)('the triage card’s actions on %s', (database) => {
  let t: TestApp;
  let contactId: string;
  let seq = 0;
  const ana = { kind: 'agent', agentId: 'ana' } as const;

  beforeAll(async () => {
    t = await startTestApp({ database, pollMs: 60_000 });
    contactId = (await t.app.db.prisma.contact.create({ data: { name: 'Carla', organisationId: 'acme' } }))
      .id;
  });
  afterAll(async () => t?.stop());

  const newTicket = async () => {
    const outcome = await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `card-actions-${++seq}`,
      contactId,
      text: 'The export to PDF fails since Monday',
    });
    if (outcome.kind === 'ignored_greeting') throw new Error('unexpected greeting');
    return outcome.ticketNumber;
  };
  const buttons = async (n: number) =>
    (await renderCard(t.app.db.prisma, n, 'en')).buttons?.map((b) => b.label);

  it('offers the whole triage on a new ticket, and says when it was opened in words people read', async () => {
    const n = await newTicket();
    expect((await renderCard(t.app.db.prisma, n, 'en')).context).toMatch(
      /^via webchat · opened \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
    );
    expect(await buttons(n)).toEqual(newTicketCardButtons);
  });

  it('offers no triage on a ticket awaiting confirmation: its classification, and taking it back', async () => {
    const n = await newTicket();
    await t.app.tickets.resolve(n, ana, { message: 'We fixed the PDF export.' });
    expect(await buttons(n)).toEqual(['Assign…', 'Priority…', 'Category…', 'Product…', 'Reopen']);
    // Taking it back works from there.
    await t.app.tickets.setStatus(n, ana, 'open');
    expect(await buttons(n)).toContain('Resolve…');
  });

  it('offers no spam on a ticket with the maintainers, and only reopening once it is finished', async () => {
    const n = await newTicket();
    await t.app.tickets.setStatus(n, ana, 'on_hold');
    const held = await buttons(n);
    expect(held).not.toContain('Spam');
    expect(held).not.toContain('Wrong recipient');
    expect(held).toContain('Reject…');
    expect(held).toContain('Resolve…');
    await t.app.tickets.setStatus(n, ana, 'rejected', 'Not ours to fix.');
    expect(await buttons(n)).toEqual(['Reopen']);
  });
});
