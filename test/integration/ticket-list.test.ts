// The console's ticket list as the API serves it (issue 16): full-text search in Spanish and English over
// subjects, messages, replies and notes, with a marked snippet; sorted by what falls due first, paged without
// losing or repeating a ticket; overdue meaning a clock still counting past its target; filtered by product.
// On both databases, the desk's clock driven by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTickets } from '../../src/core/tickets/queries.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, type Client } from '../harness/http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Row {
  number: number;
  slaDueAt: string | null;
  snippet?: { text: string; match: boolean }[] | null;
}

describe.each(databaseKinds)('the ticket list on %s', (database) => {
  let t: TestApp;
  let api: Client;
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  const ana = { kind: 'agent' as const, agentId: 'ana' };

  beforeAll(async () => {
    t = await startTestApp({ database, clock, pollMs: 60_000 });
    api = agentClient(t.url, t.apiToken);
  });
  afterAll(async () => t?.stop());

  const open = async (
    subject: string,
    body = subject,
    extra: Record<string, unknown> = {},
  ): Promise<number> => {
    const res = await api.request('POST', '/api/v1/tickets', {
      requesterEmail: 'carla@example.com',
      subject,
      body,
      ...extra,
    });
    expect(res.status).toBe(201);
    return (res.body as { number: number }).number;
  };
  const list = async (query: string) => {
    const res = await api.request('GET', `/api/v1/tickets?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { tickets: Row[]; nextCursor: string | null };
  };
  const found = async (q: string, more = '') =>
    (await list(`q=${encodeURIComponent(q)}${more}`)).tickets.map((r) => r.number);

  it('finds tickets by their words in either language, stems included, notes too, and marks the match', async () => {
    const spanish = await open(
      'Facturación',
      'Desde ayer las facturas de marzo no llegan al correo del cliente.',
    );
    const english = await open('Billing', 'The invoices for March are missing from the portal.');
    const noted = await open('Slow dashboard', 'The dashboard takes a minute to load.');
    await t.app.tickets.note(noted, ana, 'The kubernetes node ran out of memory; moved the pod.');
    const other = await open('Password reset', 'I cannot reset my password.');

    // "factura" (singular) finds "facturas"; "invoice" finds "invoices"; a note's word finds its ticket.
    expect(await found('factura')).toEqual([spanish]);
    expect(await found('invoice')).toEqual([english]);
    expect(await found('kubernetes')).toEqual([noted]);
    expect(await found('Password')).toEqual([other]);
    expect(await found(`#${english}`)).toEqual([english]);
    expect(await found('zzzqx')).toEqual([]);
    // Web search syntax: either word.
    expect((await found('facturas or kubernetes')).sort()).toEqual([spanish, noted].sort());

    const [row] = (await list('q=facturas')).tickets;
    expect(row?.snippet?.filter((p) => p.match).map((p) => p.text)).toEqual(['facturas']);
    expect(row?.snippet?.map((p) => p.text).join('')).toContain('Desde ayer las facturas de marzo');
    // Found by the subject alone: no message to cut a snippet from.
    const [bySubject] = (await list('q=Facturación')).tickets;
    expect(bySubject?.number).toBe(spanish);

    // The other filters still apply.
    expect(await found('factura', '&status=resolved')).toEqual([]);
  });

  it('finds words added later, and the snippet is plain text parts', async () => {
    const n = await open('Odd characters', 'Nothing special yet.');
    await t.app.tickets.reply(n, ana, 'Try restarting the gateway service, then tell us.');
    const [row] = (await list('q=gateway')).tickets;
    expect(row?.number).toBe(n);
    const text = row?.snippet?.map((p) => p.text).join('') ?? '';
    expect(text).toContain('restarting the gateway service');
    // The marks' own characters never reach the page.
    expect(text.includes('\u0001') || text.includes('\u0002')).toBe(false);
    expect(row?.snippet?.find((p) => p.match)?.text).toBe('gateway');
  });

  it('never searches for a customer: notes are among the words', async () => {
    await expect(
      listTickets(t.app.db.prisma, { text: 'kubernetes' }, { kind: 'contact', organisationId: 'acme' }),
    ).rejects.toThrow(/Only agents/);
  });

  it('sorts by what falls due first, pages without losing or repeating a ticket, and keeps clockless ones last', async () => {
    // Acme's production plan: first response urgent 1 h, high 2 h, normal 4 h, low 1 d.
    const urgent = await open('Site down', 'Site down', { priority: 'urgent' });
    const low = await open('Typo on a page', 'Typo', { priority: 'low' });
    const high = await open('Checkout slow', 'Checkout slow', { priority: 'high' });
    const normal = await open('Report question', 'Report question');
    const done = await open('Already solved', 'Already solved');
    await t.app.tickets.resolve(done, ana, { message: 'Fixed: the cache was cleared.' });

    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const page: { tickets: Row[]; nextCursor: string | null } = await list(
        `sort=due&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.tickets);
      cursor = page.nextCursor;
    } while (cursor);
    const numbers = seen.map((r) => r.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const mine = numbers.filter((n) => [urgent, low, high, normal, done].includes(n));
    expect(mine.slice(0, 4)).toEqual([urgent, high, normal, low]);
    expect(mine.at(-1)).toBe(done);
    const dues = seen.filter((r) => r.slaDueAt).map((r) => r.slaDueAt as string);
    expect(dues).toEqual([...dues].sort());
    expect(seen.findIndex((r) => !r.slaDueAt)).toBeGreaterThan(seen.findLastIndex((r) => r.slaDueAt));
    expect(seen.find((r) => r.number === urgent)?.slaDueAt).toBe(
      new Date(clock.now().getTime() + HOUR).toISOString(),
    );
  });

  it('overdue means a clock still counting past its target: a late first reply takes the ticket off', async () => {
    const n = await open('Printer jammed');
    const breached = async () => (await list('sla=breached&limit=200')).tickets.map((r) => r.number);
    clock.advance(4 * HOUR + MIN);
    expect(await breached()).toContain(n);
    await t.app.tickets.reply(n, ana, 'On it, sorry for the wait.');
    expect(await breached()).not.toContain(n);
    const [row] = (await list(`q=%23${n}`)).tickets;
    // Next: the next update, a day after the reply.
    expect(row?.slaDueAt).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
  });

  it('filters by product', async () => {
    const n = await open('Platform API errors', 'API errors', { productId: 'platform' });
    const numbers = (await list('product=platform&limit=200')).tickets.map((r) => r.number);
    expect(numbers).toEqual([n]);
    expect((await list('product=nothing-like-it')).tickets).toEqual([]);
  });

  it('refuses a query that is not one, saying what to send', async () => {
    const res = await api.request('GET', `/api/v1/tickets?q=${'x'.repeat(201)}`);
    expect(res.status).toBe(400);
    const bad = await api.request('GET', '/api/v1/tickets?sort=random');
    expect(bad.status).toBe(400);
    const cursor = await api.request('GET', '/api/v1/tickets?sort=due&cursor=yesterday_1');
    expect(cursor.status).toBe(400);
    // A due-order cursor past the clockless tickets means nothing in the activity order.
    expect((await api.request('GET', '/api/v1/tickets?cursor=none_12')).status).toBe(400);
  });
});
