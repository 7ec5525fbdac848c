// Reports (issue 17) against a history whose figures are computed by hand below: known tickets, replies,
// resolutions and confirmations at known moments of a desk whose clock the test drives. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, type Client } from '../harness/http.ts';

const MIN = 60_000;

describe.each(databaseKinds)('reports on %s', (database) => {
  let t: TestApp;
  let api: Client;
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  const ana = { kind: 'agent' as const, agentId: 'ana' };
  const day = 'from=2026-12-07&to=2026-12-08';

  beforeAll(async () => {
    t = await startTestApp({ database, clock, pollMs: 60_000 });
    api = agentClient(t.url, t.apiToken);
    const open = async (subject: string, priority: string, email = 'carla@example.com') => {
      const res = await api.request('POST', '/api/v1/tickets', {
        requesterEmail: email,
        subject,
        body: subject,
        priority,
      });
      return (res.body as { number: number }).number;
    };
    const confirm = async (n: number) => {
      const { requesterId } = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
      await t.app.tickets.confirm(n, { kind: 'contact', contactId: requesterId }, true);
    };
    // A and B were written in the web chat (a conversation to ask the satisfaction survey in): A's customer
    // rates it 5 and comments, B's rates it 2.
    const rate = async (n: number, score: number, comment?: string) => {
      const { requesterId } = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
      const { answerSurvey } = await import('../../src/core/survey/answer.ts');
      const who = { kind: 'contact', contactId: requesterId, platform: 'webchat' } as const;
      await answerSurvey(t.app.actions, who, n, { score });
      if (comment) await answerSurvey(t.app.actions, who, n, { comment });
    };
    const chatted = (n: number) =>
      t.app.db.prisma.conversationLink.create({
        data: {
          platform: 'webchat',
          channel: 'support',
          thread: `reports-${n}`,
          ticketNumber: n,
          kind: 'customer',
        },
      });
    // The day, in Acme's production plan around the clock (first response: urgent 1 h, normal 4 h, low 1 d).
    // 09:00 A (normal), B (urgent), C (low) open.
    const a = await open('Invoices missing', 'normal');
    const b = await open('Site down', 'urgent');
    await open('Typo on the pricing page', 'low');
    await t.app.tickets.setField(a, ana, 'category', 'question');
    await t.app.tickets.setField(b, ana, 'category', 'prod_incident');
    await chatted(a);
    await chatted(b);
    // 09:30 A answered (30 min). 10:30 B answered (90 min: its first response breached).
    clock.advance(30 * MIN);
    await t.app.tickets.reply(a, ana, 'Looking into it.');
    clock.advance(60 * MIN);
    await t.app.tickets.reply(b, ana, 'Restarting the cluster.');
    // 11:00 A solved and confirmed (resolution 120 min). 12:00 B too (180 min).
    clock.advance(30 * MIN);
    await t.app.tickets.resolve(a, ana, { message: 'Resent.' });
    await confirm(a);
    clock.advance(60 * MIN);
    await t.app.tickets.resolve(b, ana, { message: 'Back up.' });
    await confirm(b);
    await rate(a, 5, 'Quick');
    await rate(b, 2);
    // 12:00 D (normal) and E (Globex) open; 12:30 D answered (30 min) and waits on the customer.
    const d = await open('Export question', 'normal');
    await open('Consulta de facturación', 'normal', 'luis@globex.es');
    await t.app.tickets.setField(d, ana, 'category', 'question');
    clock.advance(30 * MIN);
    await t.app.tickets.reply(d, ana, 'Which export?');
    await t.app.tickets.setStatus(d, ana, 'waiting_on_customer');
  });
  afterAll(async () => t?.stop());

  const summary = async (query: string) => {
    const res = await api.request('GET', `/api/v1/reports/summary?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as any;
  };

  it('counts, times, compliance and the recurring problems of the day, as computed by hand', async () => {
    const r = await summary(day);
    // Now: C (new), D (waiting), E (new) are unresolved, C and E new; nobody took any of the three (a reply
    // does not assign).
    expect(r.now).toEqual({ unresolved: 3, open: 2, waiting: 1, unassigned: 3, awaitingConfirmation: 0 });
    expect(r.created).toBe(5);
    expect(r.resolved).toBe(2);
    expect(r.series).toEqual([{ start: '2026-12-07T00:00:00.000Z', created: 5, resolved: 2 }]);
    // First responses 30, 90, 30: median 30; 90th percentile (interpolated) 30 + 0.8 × 60 = 78.
    expect(r.firstResponse).toEqual({ count: 3, medianMinutes: 30, p90Minutes: 78 });
    // Resolutions 120 and 180: median 150; 90th percentile 120 + 0.9 × 60 = 174.
    expect(r.resolution).toEqual({ count: 2, medianMinutes: 150, p90Minutes: 174 });
    // First response: A and D in time, B late. Resolution and next update: A and B in time.
    expect(r.sla.firstResponse).toEqual({ met: 2, breached: 1, rate: 2 / 3 });
    expect(r.sla.resolution).toEqual({ met: 2, breached: 0, rate: 1 });
    expect(r.sla.nextUpdate).toEqual({ met: 2, breached: 0, rate: 1 });
    expect(r.top.categories).toEqual([
      { key: 'question', count: 2 },
      { key: 'prod_incident', count: 1 },
    ]);
    expect(r.top.organisations).toEqual([
      { key: 'acme', name: 'Acme', count: 4 },
      { key: 'globex', name: 'Globex', count: 1 },
    ]);
    // Surveys asked when A and B were resolved, rated 5 (with a comment) and 2: average 3.5, one of two 4–5.
    expect(r.satisfaction).toEqual({
      asked: 2,
      answered: 2,
      responseRate: 1,
      average: 3.5,
      satisfied: 0.5,
      scores: [0, 1, 0, 0, 1],
      comments: 1,
    });
  });

  it('filters by organisation, priority and period, and steps by week', async () => {
    expect((await summary(`${day}&organisation=globex`)).created).toBe(1);
    const urgent = await summary(`${day}&priority=urgent`);
    expect(urgent.created).toBe(1);
    expect(urgent.firstResponse).toEqual({ count: 1, medianMinutes: 90, p90Minutes: 90 });
    expect(urgent.sla.firstResponse.rate).toBe(0);
    expect(urgent.satisfaction).toMatchObject({ asked: 1, answered: 1, average: 2, satisfied: 0 });
    const before = await summary('from=2026-12-01&to=2026-12-07');
    expect(before.created).toBe(0);
    expect(before.firstResponse.medianMinutes).toBeNull();
    expect(before.satisfaction).toEqual({
      asked: 0,
      answered: 0,
      responseRate: null,
      average: null,
      satisfied: null,
      scores: [0, 0, 0, 0, 0],
      comments: 0,
    });
    const weeks = await summary('from=2026-11-30&to=2026-12-14&bucket=week');
    expect(weeks.series).toEqual([
      { start: '2026-11-30T00:00:00.000Z', created: 0, resolved: 0 },
      { start: '2026-12-07T00:00:00.000Z', created: 5, resolved: 2 },
    ]);
  });

  it('sums the period up in chat: /ticket stats, in the agent’s language', async () => {
    const ctx = { tickets: t.app.tickets, db: t.app.db.prisma, config: t.config, actor: ana };
    const answer = await runCommandLine('/ticket stats today', { ...ctx, language: 'es' });
    expect(answer.title).toBe('Soporte, today');
    const field = (label: string) => answer.fields?.find((f) => f.label === label)?.value;
    expect(field('Ahora')).toBe(
      '3 sin resolver · 2 abiertos · 1 esperando al cliente · 3 sin asignar · 0 esperando confirmación',
    );
    expect(field('Creados / resueltos')).toBe('5 / 2');
    expect(field('Primera respuesta (mediana · p90)')).toBe('30 min · 78 min');
    expect(field('Resolución (mediana · p90)')).toBe('2.5 h · 2.9 h');
    expect(field('SLA cumplido')).toBe(
      'primera respuesta 67% · próxima actualización 100% · resolución 100%',
    );
    expect(field('Satisfacción')).toBe('3.5/5 · 50% con 4–5 · 2 de 2 respondidas');
    // Categories in the reader's words, as cards name them, not their keys.
    expect(field('Categorías principales')).toBe(
      'Consulta o petición de información 2 · Incidencia en producción 1',
    );
    const english = await runCommandLine('/ticket stats today', { ...ctx, language: 'en' });
    expect(english.fields?.find((f) => f.label === 'Top categories')?.value).toBe(
      'Question or information request 2 · Production incident 1',
    );
    await expect(runCommandLine('/ticket stats yesterday-ish', { ...ctx, language: 'en' })).rejects.toThrow(
      /expected a period: 7d, 4w, today or a month like 2026-11/,
    );
  });

  it('lists what the dashboard filters by besides organisations, products and agents: plans and categories', async () => {
    expect((await api.request('GET', '/api/v1/plans')).body).toEqual({
      plans: [{ id: 'production', name: 'Production' }],
    });
    const { categories } = (await api.request('GET', '/api/v1/categories')).body as {
      categories: { id: string; label: { en: string; es: string } }[];
    };
    expect(categories).toContainEqual({
      id: 'prod_incident',
      label: { en: 'Production incident', es: 'Incidencia en producción' },
    });
    // Each one is a value the report filters by.
    expect((await summary(`${day}&plan=production`)).created).toBe(5);
    expect((await summary(`${day}&category=question`)).created).toBe(2);
  });

  it('exports the series as CSV', async () => {
    const res = await fetch(`${t.url}/api/v1/reports/series.csv?${day}`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(await res.text()).toBe('start,created,resolved\r\n2026-12-07T00:00:00.000Z,5,2\r\n');
  });

  it('refuses a period that is not one, saying what to send', async () => {
    const res = await api.request('GET', '/api/v1/reports/summary?from=2026-12-08&to=2026-12-07');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('The period must start before it ends');
    expect((await api.request('GET', '/api/v1/reports/summary?from=yesterday')).status).toBe(400);
  });
});
