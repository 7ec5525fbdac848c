// Triage, escalation and resolution from the card's buttons (PRODUCT.md §2, §4, §5; seed 003), on a real
// database (PGlite and PostgreSQL): every button of seed 003's decision chain through runAction, the forms
// behind them, the maintainers' thread, conversations that wait for an agent, refusals that change
// nothing, and the rule that private notes never reach a customer, whatever path they try.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionDeps, actionIds, runAction } from '../../src/core/actions.ts';
import { ForbiddenError, NotFoundError, UserError } from '../../src/core/errors.ts';
import type { OutMessage } from '../../src/core/message.ts';
import { formFor } from '../../src/core/tickets/forms.ts';
import { getTicket } from '../../src/core/tickets/queries.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import { formatMoment } from '../../src/i18n/durations.ts';
import { t as texts } from '../../src/i18n/index.ts';
import { productionPlanYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, Client } from '../harness/http.ts';
import { MemoryChatAdapter } from '../harness/memory-adapter.ts';

// One product with a maintainers' channel, one without; an English organisation, a Spanish one, and one
// with no products. The memory adapter plays Slack: an agents' channel, the maintainers' channel and a
// support channel whose conversations become tickets only when an agent asks.
const triageConfigYaml = `
${productionPlanYaml.trimStart()}products:
  - { id: platform, name: Platform, maintainersChannel: maint-platform }
  - { id: billing, name: Billing }
  - { id: reports, name: Reports }
organisations:
  - { id: acme, name: Acme, plan: production, language: en, products: [platform, billing], emailDomains: [example.com] }
  - { id: globex, name: Globex, plan: production, language: es, products: [platform, reports], emailDomains: [globex.es] }
  - { id: initech, name: Initech, plan: production, language: en, emailDomains: [initech.test] }
agents:
  - { id: ana, name: Ana, role: admin }
  - { id: ben, name: Ben, role: agent }
  - { id: mara, name: Mara, role: maintainer }
  - { id: max, name: Max, role: maintainer }
channels:
  - { platform: slack, id: agents-slack, kind: agents }
  - { platform: slack, id: maint-platform, kind: maintainers }
  - { platform: slack, id: support-acme, kind: support, organisation: acme, ticketOn: agent_request }
tickets:
  generalContact: contacto@relevo.test
`;

const hour = 3600_000;
const day = 24 * hour;
const ana: Actor = { kind: 'agent', agentId: 'ana' };
const ben: Actor = { kind: 'agent', agentId: 'ben' };
const mara: Actor = { kind: 'agent', agentId: 'mara' };
const max: Actor = { kind: 'agent', agentId: 'max' };
const domains = { acme: 'example.com', globex: 'globex.es', initech: 'initech.test' } as const;

/** Everything a person reads in a chat message, as plain text. */
const plain = (m: OutMessage) =>
  [
    m.title,
    m.text,
    m.context,
    ...(m.fields ?? []).flatMap((f) => [f.label, f.value]),
    ...(m.buttons ?? []).map((b) => b.label),
  ]
    .filter(Boolean)
    .join('\n');
const fieldsOf = (m: OutMessage) => Object.fromEntries((m.fields ?? []).map((f) => [f.label, f.value]));

/** Awaits a refusal and checks it is a UserError with this status (and message). */
async function refused(p: Promise<unknown>, status: number, message?: RegExp): Promise<UserError> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the action to be refused').toBeInstanceOf(UserError);
  const e = error as UserError;
  expect({ status: e.status, message: e.message }).toMatchObject({ status });
  if (message) expect(e.message).toMatch(message);
  return e;
}

describe.each(databaseKinds)('triage, escalation and resolution on %s', (database) => {
  let t: TestApp;
  let deps: ActionDeps;
  const clock = new FakeClock();
  const slack = new MemoryChatAdapter('slack');
  /** Private texts written along the way; the last test checks no customer ever saw one. */
  const secrets: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database, clock, config: triageConfigYaml, pollMs: 60_000 });
    // startTestApp takes no adapters: the memory "Slack" joins the running app's adapters before any ticket.
    t.app.adapters.set('slack', slack);
    deps = t.app.actions;
  });
  afterAll(async () => t?.stop());

  const act = (actor: Actor, action: string, value: number | string, form?: Record<string, string>) =>
    runAction(deps, actor, { action, value: String(value), form });

  interface Customer {
    client: Client;
    number: number;
    contactId: string;
  }

  /** A customer of `org` writes in the web chat; returns the ticket from the acknowledgement. */
  async function webTicket(org: keyof typeof domains, text: string): Promise<Customer> {
    const client = new Client(t.url);
    const n = ++seq;
    const session = await client.post('/webchat/api/session', {
      name: `Customer ${n}`,
      email: `customer${n}@${domains[org]}`,
    });
    expect(session.status).toBe(200);
    expect(
      (await client.post('/webchat/api/messages', { text, clientId: `triage-${n}-client` })).status,
    ).toBe(202);
    await t.app.settle();
    const ack = (await customerSees(client)).find(
      (m) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text),
    );
    expect(ack, 'the acknowledgement in the web chat').toBeTruthy();
    const number = Number(/#(\d+)/.exec(ack.message.text)![1]);
    const ticket = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    return { client, number, contactId: ticket.requesterId };
  }

  /** What the customer's web chat shows that they did not write themselves. */
  async function customerSees(client: Client): Promise<any[]> {
    const { status, body } = await client.get('/webchat/api/messages');
    expect(status).toBe(200);
    return body.messages.filter((m: any) => m.authorKind !== 'customer');
  }
  const lastSeen = async (client: Client) => (await customerSees(client)).at(-1)?.message;

  const ticketOf = (n: number) => t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
  const statusOf = async (n: number) => (await ticketOf(n)).status;

  /** The one triage card of ticket n in the memory Slack agents' channel. */
  function cardOf(n: number) {
    const cards = slack.messages.filter(
      (m) => m.target.channel === 'agents-slack' && m.message.title?.startsWith(`#${n} `),
    );
    expect(cards, `one card for #${n} in the agents' channel`).toHaveLength(1);
    return cards[0]!;
  }
  async function webConsoleCard(n: number): Promise<OutMessage> {
    const posts = await t.app.db.prisma.webchatPost.findMany({ where: { channel: 'agents' } });
    const mine = posts.filter((p) => (p.message as any).title?.startsWith(`#${n} `));
    expect(mine, `one card for #${n} in the web console`).toHaveLength(1);
    return mine[0]!.message as unknown as OutMessage;
  }

  /** What a refused action must leave untouched. */
  async function snapshot(n: number) {
    const db = t.app.db.prisma;
    const ticket = await ticketOf(n);
    return {
      status: ticket.status,
      priority: ticket.priority,
      category: ticket.category,
      productId: ticket.productId,
      assigneeId: ticket.assigneeId,
      events: await db.ticketEvent.count({ where: { ticketNumber: n } }),
      escalations: await db.escalation.count({ where: { ticketNumber: n } }),
      outbox: await db.outboxItem.count(),
    };
  }

  const statusNote = async (n: number, to: string) => {
    const ev = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: n, type: 'status_change' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect((ev.data as any).to).toBe(to);
    return (ev.data as any).note as string | null;
  };

  // ── seed 003's decision chain ─────────────────────────────────────────────

  it('Spam marks the ticket and tells the customer nothing', async () => {
    const c = await webTicket('acme', 'Buy cheap watches at watches.example.biz');
    const before = await customerSees(c.client);
    expect(before).toHaveLength(1); // the acknowledgement
    // The card offers seed 003's decision chain first, in its order.
    expect(
      cardOf(c.number)
        .message.buttons?.slice(0, 7)
        .map((b) => b.action),
    ).toEqual([
      'ticket.spam',
      'ticket.wrong_recipient',
      'ticket.meant_for_person',
      'ticket.unsupported_product',
      'ticket.answer',
      'ticket.agent_action',
      'ticket.escalate',
    ]);
    expect(await act(ana, 'ticket.spam', c.number)).toBe(`Ticket #${c.number} marked as spam.`);
    expect(await statusOf(c.number)).toBe('spam');
    await t.app.settle();
    expect(await customerSees(c.client)).toEqual(before);
    const replies = await t.app.db.prisma.ticketEvent.count({
      where: { ticketNumber: c.number, type: 'public_reply' },
    });
    expect(replies).toBe(0);
    const card = cardOf(c.number).message;
    expect(fieldsOf(card).Status).toBe('spam');
    expect(card.buttons?.map((b) => b.action)).toEqual(['ticket.reopen']);
  });

  it.each([
    ['globex', 'es'],
    ['acme', 'en'],
  ] as const)(
    'Wrong recipient tells the %s customer in %s that this is product support, then marks spam',
    async (org, lang) => {
      const c = await webTicket(org, 'Attached is the invoice for the catering order');
      await act(ana, 'ticket.wrong_recipient', c.number);
      expect(await statusOf(c.number)).toBe('spam');
      expect(await statusNote(c.number, 'spam')).toBe('Wrong recipient');
      await t.app.settle();
      const said = await lastSeen(c.client);
      expect(said.text).toBe(texts(lang).wrongRecipient(c.number));
      expect(said.text).toMatch(
        lang === 'es' ? /solo para soporte de nuestros productos/ : /only for support of our products/,
      );
      expect(said.author).toBe('Ana');
    },
  );

  it('Meant for a person gives the customer that person’s contact, in their language, and rejects', async () => {
    const c = await webTicket('globex', 'Para Juan: te envío el contrato firmado');
    await act(ana, 'ticket.meant_for_person', c.number, { contact: ' juan.perez@globex.es ' });
    expect(await statusOf(c.number)).toBe('rejected');
    expect(await statusNote(c.number, 'rejected')).toBe('Meant for a person');
    await t.app.settle();
    const said = await lastSeen(c.client);
    expect(said.text).toBe(texts('es').meantForPerson(c.number, 'juan.perez@globex.es'));
    expect(said.text).toContain('contacte por favor a juan.perez@globex.es');
  });

  it('Meant for a person without a known contact gives tickets.generalContact', async () => {
    const c = await webTicket('acme', 'Hi Peter, here are the slides from yesterday');
    await act(ana, 'ticket.meant_for_person', c.number, { contact: '   ' });
    expect(await statusOf(c.number)).toBe('rejected');
    await t.app.settle();
    expect((await lastSeen(c.client)).text).toBe(
      texts('en').meantForPerson(c.number, 'contacto@relevo.test'),
    );
  });

  it('Meant for a person with neither a contact nor a general contact refuses clearly and changes nothing', async () => {
    const c = await webTicket('acme', 'Hi Peter, the lunch is moved to Friday');
    const { generalContact: _unset, ...ticketsConfig } = t.config.tickets;
    const noGeneral: ActionDeps = { ...deps, config: { ...t.config, tickets: ticketsConfig } };
    const before = await snapshot(c.number);
    const err = await refused(
      runAction(noGeneral, ana, { action: 'ticket.meant_for_person', value: String(c.number), form: {} }),
      400,
      /generalContact/,
    );
    expect(err.message).toMatch(/relevo\.yaml/);
    expect(await snapshot(c.number)).toEqual(before);
    await t.app.settle();
    expect(await customerSees(c.client)).toHaveLength(1);
  });

  it.each([
    ['acme', 'en', 'Platform, Billing'],
    ['globex', 'es', 'Platform, Reports'],
    ['initech', 'en', 'none registered yet'],
  ] as const)(
    'Unsupported product lists the products supported for %s (%s) and rejects',
    async (org, lang, list) => {
      const c = await webTicket(org, 'Our office printer does not print in colour');
      await act(ana, 'ticket.unsupported_product', c.number);
      expect(await statusOf(c.number)).toBe('rejected');
      expect(await statusNote(c.number, 'rejected')).toBe('Unsupported product');
      await t.app.settle();
      const said = await lastSeen(c.client);
      expect(said.text).toBe(texts(lang).unsupportedProduct(c.number, list));
      expect(said.text).toContain(list);
    },
  );

  it.each(['ticket.answer', 'ticket.agent_action'])(
    '%s sends the public message, asks to confirm, keeps the technical note internal',
    async (action) => {
      const c = await webTicket('acme', 'How do I rotate the API key of the platform?');
      const before = await snapshot(c.number);
      await refused(
        act(ana, action, c.number, { message: '  ', technicalNote: 'x' }),
        400,
        /resolution message/,
      );
      expect(await snapshot(c.number)).toEqual(before);

      const message = `See https://docs.example.com/keys (${action})`;
      const technicalNote = `TECHNOTE ${action}: rotated key k-2231 in the vault by hand`;
      secrets.push(technicalNote);
      expect(await act(ben, action, c.number, { message, technicalNote })).toMatch(/asked to confirm/);
      expect(await statusOf(c.number)).toBe('awaiting_confirmation');
      const note = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
        where: { ticketNumber: c.number, type: 'private_note' },
      });
      expect(note).toMatchObject({ body: technicalNote, visibility: 'internal' });
      expect((note.data as any).kind).toBe('technical_note');

      await t.app.settle();
      const said = await lastSeen(c.client);
      expect(said.text).toBe(message);
      expect(said.author).toBe('Ben');
      expect(said.buttons.map((b: any) => b.action)).toEqual(['ticket.confirm_yes', 'ticket.confirm_no']);
      const everything = JSON.stringify(await customerSees(c.client));
      expect(everything).not.toContain('k-2231');
      const actions = cardOf(c.number).message.buttons?.map((b) => b.action);
      expect(actions).not.toContain('ticket.answer');
      expect(actions).not.toContain('ticket.agent_action');
      expect(actions).not.toContain('ticket.resolve');
    },
  );

  // ── initial response (seed 003) ───────────────────────────────────────────

  it('Initial response with nothing filled in is refused and changes nothing', async () => {
    const c = await webTicket('acme', 'The dashboard is slow');
    const before = await snapshot(c.number);
    await refused(act(ana, 'ticket.initial_response', c.number, {}), 400, /at least one part/);
    await refused(
      act(ana, 'ticket.initial_response', c.number, {
        required: ' ',
        optional: '\n',
        diagnosis: '',
        expected: '  ',
        workaround: '',
      }),
      400,
      /at least one part/,
    );
    expect(await snapshot(c.number)).toEqual(before);
  });

  it('Initial response sends the filled parts under English headings and waits on the customer', async () => {
    const c = await webTicket('acme', 'Login fails for all users of the staging site');
    const out = await act(ana, 'ticket.initial_response', c.number, {
      required: ' The staging URL and a screenshot of the error ',
      optional: '',
      diagnosis: 'The identity provider certificate seems to have expired.',
      expected: '   ',
      workaround: 'Log in with a local account meanwhile.',
    });
    expect(out).toMatch(/waiting on the customer/);
    expect(await statusOf(c.number)).toBe('waiting_on_customer');
    await t.app.settle();
    const said = await lastSeen(c.client);
    expect(said.text).toBe(
      [
        'We need this information from you to go on:\nThe staging URL and a screenshot of the error',
        'What we know so far:\nThe identity provider certificate seems to have expired.',
        'Meanwhile, you can:\nLog in with a local account meanwhile.',
      ].join('\n\n'),
    );
    expect(said.text).not.toContain('This would also help us');
    expect(said.text).not.toContain('Expected resolution time');
    expect(said.author).toBe('Ana');
    // The customer's answer brings the ticket back to the agents.
    await t.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: (
        await t.app.db.prisma.conversationLink.findFirstOrThrow({
          where: { ticketNumber: c.number, kind: 'customer' },
        })
      ).thread,
      contactId: c.contactId,
      text: 'https://staging.example.com, screenshot attached',
    });
    expect(await statusOf(c.number)).toBe('open');
  });

  it('Initial response uses Spanish headings for a Spanish organisation and does not wait without required info', async () => {
    const c = await webTicket('globex', 'El informe mensual sale vacío');
    const out = await act(ana, 'ticket.initial_response', c.number, {
      diagnosis: 'La consulta del informe filtra por una fecha errónea.',
      expected: '2 días hábiles',
    });
    expect(out).not.toMatch(/waiting/);
    expect(await statusOf(c.number)).toBe('open');
    await t.app.settle();
    expect((await lastSeen(c.client)).text).toBe(
      'Lo que sabemos hasta ahora:\nLa consulta del informe filtra por una fecha errónea.\n\n' +
        'Plazo esperado de resolución:\n2 días hábiles',
    );
  });

  it('a second initial response asking for more required information while waiting on the customer is sent', async () => {
    // Seed 003 "acompañamiento": updates repeat the initial response's topics, so agents ask again.
    const c = await webTicket('acme', 'Emails from the platform never arrive');
    await act(ana, 'ticket.initial_response', c.number, { required: 'The address you send to' });
    expect(await statusOf(c.number)).toBe('waiting_on_customer');
    await act(ana, 'ticket.initial_response', c.number, { required: 'Also the time of the last attempt' });
    expect(await statusOf(c.number)).toBe('waiting_on_customer');
    await t.app.settle();
    expect((await lastSeen(c.client)).text).toContain('Also the time of the last attempt');
  });

  // ── reject ────────────────────────────────────────────────────────────────

  it('Reject needs a reason, and the customer reads it', async () => {
    const c = await webTicket('globex', 'No funciona');
    const before = await snapshot(c.number);
    await refused(act(ana, 'ticket.reject', c.number, {}), 400, /Say why/);
    await refused(act(ana, 'ticket.reject', c.number, { reason: '  \n ' }), 400, /Say why/);
    expect(await snapshot(c.number)).toEqual(before);

    const reason = 'nunca recibimos el proyecto ni las URL del entorno.';
    await act(ana, 'ticket.reject', c.number, { reason: ` ${reason} ` });
    expect(await statusOf(c.number)).toBe('rejected');
    expect(await statusNote(c.number, 'rejected')).toBe(reason);
    await t.app.settle();
    const said = await lastSeen(c.client);
    expect(said.text).toBe(texts('es').rejected(c.number, reason));
    expect(said.text).toBe(`No podemos continuar con el ticket #${c.number}: ${reason}`);
  });

  // ── ownership and classification ──────────────────────────────────────────

  it('take, assign, priority, category and product each record one event and re-sync the card', async () => {
    const db = t.app.db.prisma;
    const c = await webTicket('acme', 'The nightly import fails with a timeout');
    const n = c.number;
    const created = (await ticketOf(n)).createdAt.getTime();
    // The card reads the clock as /ticket sla does: how long is left, then the moment it is due.
    expect(fieldsOf(cardOf(n).message)['First response due']).toMatch(
      new RegExp(`^🟢 due in .+ \\(${formatMoment(new Date(created + 4 * hour))}\\)$`),
    );

    const step = async (
      run: () => Promise<unknown>,
      type: 'assignment' | 'field_change',
      label: string,
      value: string,
    ) => {
      const count = () => db.ticketEvent.count({ where: { ticketNumber: n, type } });
      const before = await count();
      const edits = cardOf(n).edits;
      await run();
      expect(await count()).toBe(before + 1);
      await t.app.settle();
      const card = cardOf(n);
      expect(card.edits).toBeGreaterThan(edits);
      expect(fieldsOf(card.message)[label]).toBe(value);
      expect(fieldsOf(await webConsoleCard(n))[label]).toBe(value);
    };

    // Take it, pressed in the agent console: the app's own action wiring.
    await step(
      async () => {
        const took = await agentClient(t.url, t.apiToken, 'ben').post('/console/api/actions', {
          action: 'ticket.take',
          value: String(n),
        });
        expect(took).toMatchObject({ status: 200, body: { text: `You took ticket #${n}.` } });
      },
      'assignment',
      'Assignee',
      'Ben',
    );
    expect(cardOf(n).message.buttons?.map((b) => b.action)).not.toContain('ticket.take');
    await step(() => act(ben, 'ticket.assign', n, { agent: 'ana' }), 'assignment', 'Assignee', 'Ana');
    expect((await ticketOf(n)).assigneeId).toBe('ana');

    await step(
      () => act(ana, 'ticket.priority', n, { priority: 'urgent' }),
      'field_change',
      'Priority',
      'urgent',
    );
    const urgent = await ticketOf(n);
    expect(urgent.priority).toBe('urgent');
    expect(urgent.firstResponseDueAt?.getTime()).toBe(created + hour);
    // The next update is owed only once the customer has had a first response.
    expect(urgent.nextUpdateDueAt).toBeNull();
    expect(urgent.resolutionDueAt?.getTime()).toBe(created + day);
    expect(fieldsOf(cardOf(n).message)['First response due']).toMatch(
      new RegExp(`^🟢 due in .+ \\(${formatMoment(new Date(created + hour))}\\)$`),
    );
    const change = await db.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: n, type: 'field_change' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(change.body).toBe('priority: normal → urgent');
    expect(change.authorAgentId).toBe('ana');

    await step(
      () => act(ana, 'ticket.category', n, { category: 'prod_incident' }),
      'field_change',
      'Category',
      'Production incident',
    );
    expect((await ticketOf(n)).category).toBe('prod_incident');
    await step(
      () => act(ana, 'ticket.product', n, { product: 'billing' }),
      'field_change',
      'Product',
      'Billing',
    );
    expect((await ticketOf(n)).productId).toBe('billing');

    // Setting the same value again records nothing.
    const events = await db.ticketEvent.count({ where: { ticketNumber: n } });
    await act(ana, 'ticket.priority', n, { priority: 'urgent' });
    await act(ana, 'ticket.category', n, { category: 'prod_incident' });
    expect(await db.ticketEvent.count({ where: { ticketNumber: n } })).toBe(events);
  });

  it('invalid priority, category, product or agent are refused with the choices, changing nothing', async () => {
    const c = await webTicket('acme', 'Cannot upload files bigger than 10 MB');
    const before = await snapshot(c.number);
    const p = await refused(act(ana, 'ticket.priority', c.number, { priority: 'critical' }), 400);
    expect(p.message).toContain('"critical" is not a priority');
    expect(p.message).toContain('low, normal, high, urgent');
    const k = await refused(act(ana, 'ticket.category', c.number, { category: 'bug' }), 400);
    for (const id of [
      'question',
      'dev_incident',
      'prod_incident',
      'environment_problem',
      'improvement',
      'installation_upgrade',
    ]) {
      expect(k.message).toContain(id);
    }
    await refused(act(ana, 'ticket.product', c.number, { product: 'nope' }), 404, /relevo\.yaml/);
    await refused(act(ana, 'ticket.priority', c.number, {}), 400, /Choose a priority/);
    await refused(act(ana, 'ticket.category', c.number, { category: ' ' }), 400, /Choose a category/);
    await refused(act(ana, 'ticket.assign', c.number, { agent: 'nobody' }), 404, /nobody/);
    await refused(act(ana, 'ticket.assign', c.number, {}), 400, /Choose the agent/);
    expect(await snapshot(c.number)).toEqual(before);
  });

  it('a new priority moves the next-update target from the last update, not from the ticket’s creation', async () => {
    const c = await webTicket('acme', 'Search returns stale results');
    const created = (await ticketOf(c.number)).createdAt.getTime();
    clock.advance(3 * hour);
    await t.app.tickets.reply(c.number, ana, 'We are looking at the search index.');
    const repliedAt = clock.now().getTime();
    expect((await ticketOf(c.number)).nextUpdateDueAt?.getTime()).toBe(repliedAt + day);
    await act(ana, 'ticket.priority', c.number, { priority: 'urgent' });
    const after = await ticketOf(c.number);
    expect(after.resolutionDueAt?.getTime()).toBe(created + day);
    // Raising the priority must not make the next update overdue the moment after an update was sent:
    // urgent's next update is due 2 h after the last one (repliedAt), not 2 h after creation (already past).
    expect(after.nextUpdateDueAt?.getTime()).toBe(repliedAt + 2 * hour);
  });

  // ── escalation (seed 003) ─────────────────────────────────────────────────

  it('Escalate refuses without a product, and for a product without a maintainers’ channel, changing nothing', async () => {
    const c = await webTicket('acme', 'The billing export has wrong totals');
    const before = await snapshot(c.number);
    await refused(act(ana, 'ticket.escalate', c.number, {}), 400, /Choose the product of ticket #\d+/);
    const err = await refused(act(ana, 'ticket.escalate', c.number, { product: 'billing' }), 400);
    expect(err.message).toContain('Billing');
    expect(err.message).toContain('relevo.yaml');
    expect(err.message).toContain('maintainersChannel');
    await refused(act(ana, 'ticket.escalate', c.number, { product: 'nope' }), 404, /relevo\.yaml/);
    expect(await snapshot(c.number)).toEqual(before);
    await t.app.settle();
    expect(slack.messages.filter((m) => m.target.channel === 'maint-platform')).toHaveLength(0);
  });

  let esc: Customer;
  const report = 'The PDF export of reports over 50 pages times out after 30 seconds';
  const background = 'BG-7781 started after the 2.3 upgrade on Monday; only tenants with S3 storage';
  const agentNotes = 'NOTES-5512 I suspect the PDF worker pool is too small';
  const diagnosis = 'DIAG-9034 the worker pool leaks a connection per page';

  it('Escalate opens the maintainers’ thread with the report, background and notes, and puts the ticket on hold', async () => {
    secrets.push(background, agentNotes);
    esc = await webTicket('acme', report);
    const n = esc.number;
    const escalate = cardOf(n).message.buttons?.find((b) => b.action === 'ticket.escalate');
    expect(escalate).toBeDefined();
    // The form is looked up when the button is pressed: it offers the organisation's products.
    const form = await formFor(t.app.db.prisma, 'ticket.escalate', String(n), 'en');
    expect(form?.fields[0]?.options?.map((o) => o.value).sort()).toEqual(['billing', 'platform']);

    expect(await act(ana, 'ticket.escalate', n, { product: 'platform', background, notes: agentNotes })).toBe(
      `Ticket #${n} escalated to the maintainers.`,
    );
    const ticket = await ticketOf(n);
    expect(ticket.status).toBe('on_hold');
    expect(ticket.productId).toBe('platform');
    const note = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: n, type: 'private_note' },
    });
    expect(note.visibility).toBe('internal');
    expect(note.body).toContain(background);
    expect(note.body).toContain(agentNotes);

    await t.app.settle();
    const posts = slack.messages.filter((m) => m.target.channel === 'maint-platform');
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.target.thread).toBeUndefined();
    expect(post.message.title).toBe(`Escalation: #${n} ${report} (Platform)`);
    expect(post.message.text).toBe(report);
    expect(fieldsOf(post.message)).toMatchObject({
      Background: background,
      "Agent's notes": agentNotes,
      Maintainer: 'nobody yet',
      Organisation: 'Acme (production)',
    });
    expect(post.message.buttons?.map((b) => b.action)).toEqual(['escalation.claim', 'escalation.diagnose']);

    const link = await t.app.db.prisma.conversationLink.findFirstOrThrow({
      where: { ticketNumber: n, kind: 'maintainers' },
    });
    expect(link).toMatchObject({ platform: 'slack', channel: 'maint-platform', thread: post.ref });
    const row = await t.app.db.prisma.escalation.findFirstOrThrow({ where: { ticketNumber: n } });
    expect(row).toMatchObject({ status: 'open', productId: 'platform' });
    // The escalation's post is its live message there: later changes edit that post.
    const live = await t.app.db.prisma.liveMessage.findUniqueOrThrow({
      where: {
        subject_platform_channel: {
          subject: `escalation:${row.id}`,
          platform: 'slack',
          channel: 'maint-platform',
        },
      },
    });
    expect(live).toMatchObject({ ref: post.ref, thread: post.ref, ticketNumber: n });

    const card = cardOf(n).message;
    expect(card.buttons?.map((b) => b.action)).not.toContain('ticket.escalate');
    expect(fieldsOf(card)).toMatchObject({ Escalation: 'open', Product: 'Platform' });
    // Nothing of the escalation reached the customer.
    expect(await customerSees(esc.client)).toHaveLength(1);
  });

  it('a public reply on an escalated ticket reaches the customer’s web chat, not the maintainers’ thread', async () => {
    const text = 'PUBLIC-4410 We are working on it with the product team.';
    await t.app.tickets.reply(esc.number, ben, text);
    await t.app.settle();
    const said = await lastSeen(esc.client);
    expect(said).toMatchObject({ text, author: 'Ben' });
    const maintainers = slack.messages.filter((m) => m.target.channel === 'maint-platform');
    expect(maintainers).toHaveLength(1);
    expect(slack.messages.some((m) => plain(m.message).includes('PUBLIC-4410'))).toBe(false);
  });

  it('a maintainer claims the escalation; a second one is refused with 409', async () => {
    const n = esc.number;
    expect(await act(mara, 'escalation.claim', n)).toBe('Mara took the escalation.');
    const second = await refused(act(max, 'escalation.claim', n), 409, /Someone else already took/);
    expect(second.code).toBe('already_claimed');
    const row = await t.app.db.prisma.escalation.findFirstOrThrow({ where: { ticketNumber: n } });
    expect(row).toMatchObject({ status: 'claimed', maintainerId: 'mara' });
    await t.app.settle();
    const post = slack.messages.find((m) => m.target.channel === 'maint-platform')!;
    expect(post.edits).toBeGreaterThan(0);
    expect(fieldsOf(post.message).Maintainer).toBe('Mara');
    expect(post.message.buttons?.map((b) => b.action)).toEqual(['escalation.diagnose']);
    expect(fieldsOf(cardOf(n).message).Escalation).toBe('claimed · Mara');
  });

  it('the diagnosis (summary, certainty, estimate, confidence) shows on the card and edits the escalation post', async () => {
    const n = esc.number;
    secrets.push(diagnosis);
    await refused(
      act(mara, 'escalation.diagnose', n, { summary: diagnosis, certainty: 'high', estimate: ' ' }),
      400,
      /summary and a time estimate/,
    );
    const post = slack.messages.find((m) => m.target.channel === 'maint-platform')!;
    const edits = post.edits;
    const out = await act(mara, 'escalation.diagnose', n, {
      summary: diagnosis,
      certainty: 'high',
      estimate: '2 days',
      confidence: 'medium',
    });
    expect(out).toContain(diagnosis);
    const row = await t.app.db.prisma.escalation.findFirstOrThrow({ where: { ticketNumber: n } });
    expect(row).toMatchObject({
      status: 'diagnosed',
      diagnosis,
      certainty: 'high',
      estimate: '2 days',
      estimateConfidence: 'medium',
    });
    await t.app.settle();
    expect(fieldsOf(cardOf(n).message)).toMatchObject({
      Escalation: 'diagnosed · Mara',
      Diagnosis: `${diagnosis} (certainty high)`,
      Estimate: '2 days (confidence medium)',
    });
    expect(post.edits).toBeGreaterThan(edits);
    expect(fieldsOf(post.message)).toMatchObject({
      Diagnosis: `${diagnosis} (certainty high)`,
      Estimate: '2 days (confidence medium)',
    });
    expect(slack.messages.filter((m) => m.target.channel === 'maint-platform')).toHaveLength(1);
  });

  it('a diagnosis with a certainty or confidence outside low/medium/high is refused', async () => {
    const n = esc.number;
    const before = await t.app.db.prisma.escalation.findFirstOrThrow({ where: { ticketNumber: n } });
    const err = await refused(
      act(mara, 'escalation.diagnose', n, {
        summary: diagnosis,
        certainty: 'pretty sure',
        estimate: '2 days',
        confidence: 'medium',
      }),
      400,
    );
    expect(err.message).toMatch(/low, medium, high/);
    const after = await t.app.db.prisma.escalation.findFirstOrThrow({ where: { ticketNumber: n } });
    expect(after.certainty).toBe(before.certainty);
  });

  it('escalating an escalated ticket again is refused with 409', async () => {
    const before = await snapshot(esc.number);
    const err = await refused(
      act(ben, 'ticket.escalate', esc.number, { product: 'platform', background: 'again' }),
      409,
      /already escalated/,
    );
    expect(err.code).toBe('already_escalated');
    expect(await snapshot(esc.number)).toEqual(before);
  });

  // ── share with customer (§4) ──────────────────────────────────────────────

  it('Share with customer sends one private note as a public reply; a note of another ticket is not found', async () => {
    const db = t.app.db.prisma;
    const n = esc.number;
    const answer = 'MAINT-6620 Fixed in 2.3.1, deployed tonight at 22:00.';
    const noteId = await t.app.tickets.note(n, mara, answer);
    const kept = 'MAINT-6621 root cause was our own config push, do not tell them';
    secrets.push(kept);
    await t.app.tickets.note(n, mara, kept);
    const other = await webTicket('acme', 'Another problem entirely');
    const otherNote = 'OTHER-3390 private note on another ticket';
    secrets.push(otherNote);
    const otherId = await t.app.tickets.note(other.number, ana, otherNote);

    const before = await snapshot(n);
    const notFound = await refused(act(ana, 'note.share', `${n}:${otherId}`), 404, /not part of ticket/);
    expect(notFound).toBeInstanceOf(NotFoundError);
    await refused(act(ana, 'note.share', `${n}:no-such-event`), 404);
    expect(await snapshot(n)).toEqual(before);

    expect(await act(ana, 'note.share', `${n}:${noteId}`)).toBe(`Shared with the customer of ticket #${n}.`);
    const shared = await db.ticketEvent.findFirstOrThrow({
      where: { ticketNumber: n, type: 'public_reply', body: answer },
    });
    expect(shared.visibility).toBe('public');
    expect((shared.data as any).sharedFrom).toBe(noteId);
    await t.app.settle();
    expect(await lastSeen(esc.client)).toMatchObject({ text: answer, author: 'Ana' });
    expect(JSON.stringify(await customerSees(esc.client))).not.toContain('MAINT-6621');
    expect(JSON.stringify(await customerSees(other.client))).not.toContain('OTHER-3390');
  });

  // ── customers cannot press agents' buttons ────────────────────────────────

  // The customer's own buttons: the confirmation and the satisfaction survey.
  const agentActions = () =>
    actionIds.filter((a) => !a.startsWith('ticket.confirm_') && !a.startsWith('survey.'));

  it('a customer pressing any agent button (with its form filled) gets 403 and nothing changes', async () => {
    const db = t.app.db.prisma;
    expect(agentActions()).toEqual(
      expect.arrayContaining([
        'ticket.spam',
        'ticket.wrong_recipient',
        'ticket.meant_for_person',
        'ticket.unsupported_product',
        'ticket.answer',
        'ticket.agent_action',
        'ticket.escalate',
        'ticket.take',
        'ticket.assign',
        'ticket.priority',
        'ticket.category',
        'ticket.product',
        'ticket.initial_response',
        'ticket.resolve',
        'ticket.reject',
        'ticket.reopen',
        'escalation.claim',
        'escalation.diagnose',
        'conversation.create',
        'note.share',
      ]),
    );
    const c = await webTicket('acme', 'The report scheduler skipped last night');
    const n = c.number;
    const secret = 'SECRET-2287 the customer’s VPN password is in the vault under acme/vpn';
    secrets.push(secret);
    const noteId = await t.app.tickets.note(n, ana, secret);
    const contact: Actor = { kind: 'contact', contactId: c.contactId };
    const pending = await db.$transaction((tx) =>
      deps.conversations.customerMessage(
        {
          platform: 'slack',
          channel: 'support-acme',
          thread: `contact-${n}`,
          contactId: c.contactId,
          text: 'The scheduler is down again',
        },
        'agent_request',
        tx,
      ),
    );
    if (pending.kind !== 'pending') throw new Error('expected a waiting conversation');
    await t.app.settle();

    const forms: Record<string, Record<string, string>> = {
      'ticket.meant_for_person': { contact: 'someone@example.com' },
      'ticket.answer': { message: 'solved', technicalNote: 'x' },
      'ticket.agent_action': { message: 'solved', technicalNote: 'x' },
      'ticket.resolve': { message: 'solved', technicalNote: 'x' },
      'ticket.escalate': { product: 'platform', background: 'b', notes: 'n' },
      'ticket.assign': { agent: 'ben' },
      'ticket.priority': { priority: 'urgent' },
      'ticket.category': { category: 'prod_incident' },
      'ticket.product': { product: 'platform' },
      'ticket.initial_response': { required: 'r', diagnosis: 'd' },
      'ticket.reject': { reason: 'because' },
      'escalation.diagnose': { summary: 's', certainty: 'high', estimate: '1d', confidence: 'low' },
    };
    const values: Record<string, string> = {
      'note.share': `${n}:${noteId}`,
      'conversation.create': pending.conversationId,
    };
    const before = await snapshot(n);
    for (const action of agentActions()) {
      const err = await refused(
        runAction(deps, contact, { action, value: values[action] ?? String(n), form: forms[action] ?? {} }),
        403,
      );
      expect(err.name, action).toMatch(/ForbiddenError|UserError/);
    }
    await expect(deps.conversations.createTicket(pending.conversationId, contact)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(t.app.tickets.shareWithCustomer(n, contact, noteId)).rejects.toBeInstanceOf(ForbiddenError);
    // Over HTTP too: the web chat only lets a customer confirm.
    for (const action of ['note.share', 'ticket.spam', 'ticket.reject']) {
      const res = await c.client.post('/webchat/api/actions', { action, value: values[action] ?? String(n) });
      expect(res.status, action).toBe(403);
    }
    expect(await snapshot(n)).toEqual(before);
    expect(
      (await db.pendingConversation.findUniqueOrThrow({ where: { id: pending.conversationId } }))
        .ticketNumber,
    ).toBeNull();
    await t.app.settle();
    expect(JSON.stringify(await customerSees(c.client))).not.toContain('SECRET-2287');
  });

  it('a customer pressing an agent button with an empty form also gets 403, not a form error', async () => {
    // Permission comes before input checks: a customer is told "not for you", never "choose a priority".
    const c = await webTicket('acme', 'Can I press your buttons?');
    const contact: Actor = { kind: 'contact', contactId: c.contactId };
    const before = await snapshot(c.number);
    const wrong: string[] = [];
    for (const action of agentActions()) {
      try {
        await runAction(deps, contact, { action, value: String(c.number) });
        wrong.push(`${action}: succeeded`);
      } catch (e) {
        const err = e as UserError;
        if (!(err instanceof UserError) || err.status !== 403)
          wrong.push(`${action}: ${err.name} ${err.status ?? ''} "${err.message}"`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot(c.number)).toEqual(before);
  });

  // ── conversations that wait for an agent (§1, ticketOn: agent_request) ─────

  it('a conversation waits without a ticket or an acknowledgement until an agent creates one ticket from it', async () => {
    const db = t.app.db.prisma;
    const dora = await db.contact.create({ data: { name: 'Dora', organisationId: 'acme' } });
    const gina = await db.contact.create({ data: { name: 'Gina', organisationId: 'acme' } });
    const say = (contactId: string, thread: string, text: string, i: number) =>
      db.$transaction((tx) =>
        deps.conversations.customerMessage(
          {
            platform: 'slack',
            channel: 'support-acme',
            thread,
            contactId,
            text,
            channelRef: `slack:support-acme:${thread}:${i}`,
          },
          'agent_request',
          tx,
        ),
      );
    const notices = (who: string) =>
      slack.messages.filter(
        (m) => m.target.channel === 'agents-slack' && m.message.title === `Conversation from ${who} (Acme)`,
      );
    const inThread = (thread: string) =>
      slack.messages.filter((m) => m.target.channel === 'support-acme' && m.target.thread === thread);
    const ticketsBefore = await db.ticket.count();

    // Greetings alone bother nobody.
    expect((await say(gina.id, 'conv-greet', 'Hola, buenos días', 1)).kind).toBe('pending');
    expect((await say(gina.id, 'conv-greet', 'thanks!', 2)).kind).toBe('pending');
    const messages = [
      'Hello',
      'The PDF export hangs at 99% for every report',
      'It started after Monday’s upgrade',
    ];
    for (const [i, text] of messages.entries()) {
      expect((await say(dora.id, 'conv-1', text, i)).kind).toBe('pending');
    }
    await t.app.settle();
    expect(notices('Gina')).toHaveLength(0);
    expect(await db.ticket.count()).toBe(ticketsBefore);
    expect(inThread('conv-1')).toHaveLength(0); // no acknowledgement yet
    expect(await db.conversationLink.count({ where: { thread: 'conv-1' } })).toBe(0);

    const [notice, ...more] = notices('Dora');
    expect(more).toHaveLength(0);
    const conv = await db.pendingConversation.findUniqueOrThrow({
      where: { platform_channel_thread: { platform: 'slack', channel: 'support-acme', thread: 'conv-1' } },
    });
    expect(notice!.message.text).toBe(messages.join('\n'));
    expect(notice!.message.buttons).toEqual([
      { action: 'conversation.create', label: 'Create ticket', value: conv.id, style: 'primary' },
    ]);
    const consoleNotices = (await db.webchatPost.findMany({ where: { channel: 'agents' } })).filter(
      (p) => (p.message as any).title === 'Conversation from Dora (Acme)',
    );
    expect(consoleNotices).toHaveLength(1);

    // Only an agent can turn it into a ticket.
    const dorasSelf: Actor = { kind: 'contact', contactId: dora.id };
    await refused(act(dorasSelf, 'conversation.create', conv.id), 403);
    expect(await db.ticket.count()).toBe(ticketsBefore);

    const out = await act(ana, 'conversation.create', conv.id);
    const number = Number(/^Ticket #(\d+) created from the conversation\.$/.exec(out)?.[1]);
    expect(number).toBeGreaterThan(0);
    expect(await deps.conversations.createTicket(conv.id, ben)).toBe(number);
    expect(await act(ben, 'conversation.create', conv.id)).toBe(out);
    expect(await db.ticket.count()).toBe(ticketsBefore + 1);

    const ticket = await getTicket(db, number, { kind: 'agent' });
    expect(ticket).toMatchObject({ requesterId: dora.id, source: 'slack', organisationId: 'acme' });
    expect(ticket.events.filter((e) => e.type === 'customer_message').map((e) => e.body)).toEqual(messages);
    expect(ticket.events.filter((e) => e.type === 'system')).toHaveLength(1);

    await t.app.settle();
    const acks = inThread('conv-1');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.message.text).toContain(`#${number}`);
    expect(notice!.message.buttons).toEqual([]);
    expect(notice!.message.context).toBe(`Ticket #${number} created.`);

    // Later messages join the ticket, without another acknowledgement.
    expect(await say(dora.id, 'conv-1', 'Any news?', 9)).toEqual({ kind: 'appended', ticketNumber: number });
    await t.app.settle();
    expect(inThread('conv-1')).toHaveLength(1);
    expect(await db.ticket.count()).toBe(ticketsBefore + 1);
  });

  it('a ticket from a conversation that began with a greeting is titled by the problem, not the greeting', async () => {
    // Greetings alone never open a ticket (§1), so they should not name one either: the card's title and
    // the first text agents read are the first real message.
    const db = t.app.db.prisma;
    const eva = await db.contact.create({ data: { name: 'Eva', organisationId: 'acme' } });
    for (const text of ['Hi!', 'Invoices for March show the wrong VAT rate']) {
      await db.$transaction((tx) =>
        deps.conversations.customerMessage(
          { platform: 'slack', channel: 'support-acme', thread: 'conv-eva', contactId: eva.id, text },
          'agent_request',
          tx,
        ),
      );
    }
    const conv = await deps.conversations.findWaiting('slack', 'support-acme', 'conv-eva');
    const number = await deps.conversations.createTicket(conv!.id, ana);
    await t.app.settle();
    const ticket = await getTicket(db, number, { kind: 'agent' });
    expect(ticket.events.filter((e) => e.type === 'customer_message').map((e) => e.body)).toEqual([
      'Hi!',
      'Invoices for March show the wrong VAT rate',
    ]);
    expect(ticket.subject).toBe('Invoices for March show the wrong VAT rate');
    expect(cardOf(number).message.title).toBe(`#${number} Invoices for March show the wrong VAT rate`);
  });

  // ── private notes never reach a customer (§3) ─────────────────────────────

  it('after all of the above, no private note reached any customer’s channel', async () => {
    await t.app.settle();
    const db = t.app.db.prisma;
    const sharedIds = new Set(
      (await db.ticketEvent.findMany({ where: { type: 'public_reply' } }))
        .map((e) => (e.data as any)?.sharedFrom)
        .filter(Boolean),
    );
    const notes = (await db.ticketEvent.findMany({ where: { type: 'private_note' } })).filter(
      (e) => !sharedIds.has(e.id),
    );
    expect(notes.every((e) => e.visibility === 'internal')).toBe(true);
    // Technical notes, escalation notes, claims, diagnoses, maintainers' and agents' notes.
    expect(notes.length).toBeGreaterThanOrEqual(8);
    const privateTexts = [
      ...secrets,
      ...notes.flatMap((e) => [e.body, ...e.body.split('\n').filter((line) => line.trim().length >= 12)]),
    ];

    const webchat = await db.webchatPost.findMany({ where: { channel: { startsWith: 'support/' } } });
    const customerPosts = [
      ...webchat.map((p) => plain(p.message as unknown as OutMessage)),
      ...slack.messages.filter((m) => m.target.channel === 'support-acme').map((m) => plain(m.message)),
    ];
    expect(customerPosts.length).toBeGreaterThan(20);
    const leaks = privateTexts.filter((secret) => customerPosts.some((post) => post.includes(secret)));
    expect(leaks).toEqual([]);
    // And the maintainers' thread never received a customer-facing reply.
    const customerReplies = (await db.ticketEvent.findMany({ where: { type: 'public_reply' } })).map(
      (e) => e.body,
    );
    const maintainers = slack.messages.filter((m) => m.target.channel === 'maint-platform');
    for (const reply of customerReplies) {
      expect(maintainers.some((m) => plain(m.message).includes(reply))).toBe(false);
    }
  });
});
