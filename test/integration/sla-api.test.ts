// The SLA clocks as the API shows them (issue 13): GET /api/v1/tickets/{n} returns `sla`, the list filters
// by `sla=breached|at_risk`, on both databases, with the desk's clock driven by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.ts';
import type { OutMessage } from '../../src/core/message.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, type Client } from '../harness/http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Globex on a faster plan than Acme's. */
const twoPlansYaml = testConfigYaml
  .replace(
    'products:\n',
    `  express:
    name: Express
    sla:
      urgent: { firstResponse: 10m, nextUpdate: 1h, resolution: 4h }
      high: { firstResponse: 20m, nextUpdate: 2h, resolution: 8h }
      normal: { firstResponse: 30m, nextUpdate: 4h, resolution: 1d }
      low: { firstResponse: 1h, nextUpdate: 8h, resolution: 2d }
products:
`,
  )
  .replace('    name: Globex\n    plan: production', '    name: Globex\n    plan: express');

describe.each(databaseKinds)('SLA in the API on %s', (database) => {
  let t: TestApp;
  let api: Client;
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  const ana = { kind: 'agent' as const, agentId: 'ana' };

  beforeAll(async () => {
    t = await startTestApp({ database, clock, config: twoPlansYaml, pollMs: 60_000 });
    api = agentClient(t.url, t.apiToken);
  });
  afterAll(async () => t?.stop());

  const open = async (subject: string): Promise<number> =>
    (
      (
        await api.request('POST', '/api/v1/tickets', {
          requesterEmail: 'carla@example.com',
          subject,
          body: subject,
        })
      ).body as any
    ).number;
  const sla = async (n: number) =>
    ((await api.request('GET', `/api/v1/tickets/${n}`)).body as any).ticket.sla;
  const listed = async (state: string) =>
    ((await api.request('GET', `/api/v1/tickets?sla=${state}`)).body as any).tickets.map(
      (x: { number: number }) => x.number,
    );

  it('shows each clock with its state and due time, and filters at-risk and breached tickets', async () => {
    // Acme's plan, normal priority: first response 4 h, next update 1 d, resolution 5 d.
    const n = await open('Printer 4 is jammed');
    const start = clock.now().getTime();
    expect(await sla(n)).toMatchObject({
      firstResponse: {
        state: 'running',
        dueAt: new Date(start + 4 * HOUR).toISOString(),
        atRisk: false,
        targetMinutes: 240,
      },
      nextUpdate: { state: 'paused', pausedBy: 'not_started', dueAt: null },
      resolution: { state: 'running', dueAt: new Date(start + 5 * 24 * HOUR).toISOString() },
      calendar: null,
    });
    expect(await listed('at_risk')).not.toContain(n);

    clock.advance(3 * HOUR);
    expect((await sla(n)).firstResponse).toMatchObject({
      state: 'running',
      atRisk: true,
      elapsedMinutes: 180,
    });
    expect(await listed('at_risk')).toContain(n);
    expect(await listed('breached')).not.toContain(n);

    clock.advance(1 * HOUR + MIN);
    expect((await sla(n)).firstResponse).toMatchObject({
      state: 'breached',
      dueAt: new Date(start + 4 * HOUR).toISOString(),
    });
    expect(await listed('breached')).toContain(n);
    expect(await listed('at_risk')).not.toContain(n);

    // A reply after the breach: the first response stays breached; the next update starts.
    await t.app.tickets.reply(n, ana, 'Looking at it now.');
    const after = await sla(n);
    expect(after.firstResponse.state).toBe('breached');
    expect(after.nextUpdate).toMatchObject({
      state: 'running',
      dueAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString(),
    });
  });

  it('pauses while waiting on the customer, and a higher priority recomputes from the history', async () => {
    const n = await open('Export fails');
    clock.advance(1 * HOUR);
    await t.app.tickets.reply(n, ana, 'Which export?');
    await t.app.tickets.setStatus(n, ana, 'waiting_on_customer');
    clock.advance(10 * HOUR);
    const waiting = await sla(n);
    expect(waiting.resolution).toMatchObject({
      state: 'paused',
      pausedBy: 'customer',
      dueAt: null,
      elapsedMinutes: 60,
    });
    await t.app.tickets.setStatus(n, ana, 'open');
    // Urgent: resolution 1 d — 1 h already counted, 23 h left from now.
    await t.app.tickets.setField(n, ana, 'priority', 'urgent');
    expect((await sla(n)).resolution).toMatchObject({
      state: 'running',
      dueAt: new Date(clock.now().getTime() + 23 * HOUR).toISOString(),
    });
    // A note shared with the customer is an update too: the next-update cycle starts again (urgent: 2 h).
    clock.advance(30 * MIN);
    const noteId = await t.app.tickets.note(n, ana, 'The export job is fixed on our side.');
    await t.app.tickets.shareWithCustomer(n, ana, noteId);
    const dueAt = new Date(clock.now().getTime() + 2 * HOUR);
    expect((await sla(n)).nextUpdate).toMatchObject({ state: 'running', dueAt: dueAt.toISOString() });
    // Kept on the ticket too, where the list's filter and the warning sweep read it.
    const row = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(row.nextUpdateDueAt).toEqual(dueAt);
  });

  it('a visitor proven to belong to another organisation takes its plan: the kept due times follow', async () => {
    const db = t.app.db.prisma;
    const visitor = await db.contact.create({
      data: { organisationId: 'acme', name: 'Vic Visitor', verified: false, claimedEmail: 'vic@globex.es' },
    });
    const proven = await db.contact.create({ data: { organisationId: 'globex', name: 'Vic Visitor' } });
    const n = await t.app.tickets.create(
      { subject: 'Cannot sign in', body: 'Cannot sign in', requesterId: visitor.id, source: 'webchat' },
      ana,
    );
    // Acme's production plan: normal first response in 4 h.
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).firstResponseDueAt).toEqual(
      new Date(clock.now().getTime() + 4 * HOUR),
    );
    await db.$transaction((tx) =>
      t.app.tickets.adoptVisitor(tx, {
        from: visitor.id,
        to: proven.id,
        email: 'vic@globex.es',
        how: 'code',
      }),
    );
    // Globex's express plan: 30 min.
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).firstResponseDueAt).toEqual(
      new Date(clock.now().getTime() + 30 * MIN),
    );
    expect((await sla(n)).firstResponse.dueAt).toBe(new Date(clock.now().getTime() + 30 * MIN).toISOString());
  });

  it('/ticket sla shows one ticket’s clocks, or the tickets at risk and breached', async () => {
    const run = (text: string): Promise<OutMessage> =>
      runCommandLine(text, {
        actor: ana,
        tickets: t.app.tickets,
        db: t.app.db.prisma,
        config: t.config,
        language: 'en',
      });
    const n = await open('Invoices are not generated');
    clock.advance(3 * HOUR + 30 * MIN);
    const one = await run(`sla ${n}`);
    expect(one.title).toBe(`SLA of ticket #${n}`);
    expect(one.fields).toEqual([
      {
        label: 'First response',
        value: expect.stringMatching(/^🟠 due in 30 min \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/),
      },
      { label: 'Next update', value: '⏸ starts with the first response' },
      { label: 'Resolution', value: expect.stringMatching(/^🟢 due in 4 d 20 h 30 min|^🟢 due in 4 d 20 h/) },
    ]);
    clock.advance(1 * HOUR);
    const all = await run('sla');
    const breached = all.fields?.find((f) => f.label === '🔴 Breached')?.value ?? '';
    expect(breached).toContain(`#${n} Invoices are not generated`);
    expect((await run(`sla ${n}`)).fields?.[0]?.value).toMatch(/^🔴 overdue by 30 min/);
  });
});
