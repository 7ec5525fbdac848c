// Searchable solutions (issue 17, seed 004 step 9): the solved tickets' subjects, messages, solutions and
// technical notes, searched in Spanish and English with stems, ranked, with the matching passage — through
// GET /api/v1/search and /ticket search — and the solved tickets most like a new one. Agents only. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../commands/index.ts';
import { renderCard } from '../../src/core/tickets/card.ts';
import { similarSolved } from '../../src/core/tickets/search.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, type Client } from '../harness/http.ts';

interface Hit {
  number: number;
  status: string;
  rank: number;
  snippet: { text: string; match: boolean }[] | null;
  solution: string | null;
  technicalNote: string | null;
}

describe.each(databaseKinds)('solution search on %s', (database) => {
  let t: TestApp;
  let api: Client;
  const ana = { kind: 'agent' as const, agentId: 'ana' };
  const solved: Record<string, number> = {};
  let openPrinter = 0;

  const open = async (subject: string, body: string): Promise<number> => {
    const res = await api.request('POST', '/api/v1/tickets', {
      requesterEmail: 'carla@example.com',
      subject,
      body,
    });
    expect(res.status).toBe(201);
    return (res.body as { number: number }).number;
  };

  beforeAll(async () => {
    t = await startTestApp({ database });
    api = agentClient(t.url, t.apiToken);
    const solve = async (
      key: string,
      subject: string,
      body: string,
      message: string,
      technicalNote?: string,
    ) => {
      const n = await open(subject, body);
      await t.app.tickets.resolve(n, ana, { message, technicalNote });
      solved[key] = n;
    };
    await solve(
      'invoice',
      'Factura duplicada',
      'La factura de marzo llegó dos veces al cliente.',
      'Hemos anulado la factura repetida.',
      'El job de facturación se lanzó dos veces tras el reinicio del nodo; se añadió un bloqueo.',
    );
    await solve(
      'printer',
      'Printer prints blank pages',
      'The label printer prints blank pages since Monday.',
      'Replaced the printer driver.',
      'Driver 4.2 had a regression with label templates; pinned 4.1.',
    );
    await solve(
      'printer2',
      'La impresora no imprime',
      'La impresora de la planta dos no imprime nada.',
      'Reiniciamos la cola de impresión.',
    );
    await solve('vpn', 'VPN drops', 'The VPN drops every hour.', 'Raised the keepalive interval.');
    // Open: its words match, but it has no solution to learn from.
    openPrinter = await open('Printer jam again', 'The printer is jammed with blank pages.');
  });
  afterAll(async () => t?.stop());

  const search = async (q: string) => {
    const res = await api.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { results: Hit[] }).results;
  };

  it('finds solved tickets by a stem in either language, with the passage, the solution and the technical note', async () => {
    // "facturas" (plural) finds "factura"; the technical note's "facturación" is part of what is searched.
    const [hit, ...rest] = await search('facturas');
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({
      number: solved.invoice,
      status: 'awaiting_confirmation',
      solution: 'Hemos anulado la factura repetida.',
      technicalNote: expect.stringContaining('se añadió un bloqueo'),
    });
    expect(hit?.snippet?.some((p) => p.match && /^factura/i.test(p.text))).toBe(true);
    // Words only the technical note holds.
    expect((await search('bloqueo reinicio')).map((h) => h.number)).toEqual([solved.invoice]);
    expect((await search('regression templates')).map((h) => h.number)).toEqual([solved.printer]);
  });

  it('ranks the ticket that is most about the words first, and leaves tickets without a solution out', async () => {
    const numbers = (await search('printer blank pages')).map((h) => h.number);
    expect(numbers[0]).toBe(solved.printer);
    expect(numbers).not.toContain(openPrinter);
    const ranks = (await search('printer')).map((h) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('suggests the solved tickets most like a new one, up to three, never itself or an open one', async () => {
    const n = await open(
      'La impresora imprime en blanco',
      'La impresora de etiquetas imprime páginas en blanco.',
    );
    const similar = await similarSolved(t.app.db.prisma, n);
    expect(similar.length).toBeLessThanOrEqual(3);
    expect(similar[0]?.number).toBe(solved.printer2);
    const numbers = similar.map((h) => h.number);
    expect(numbers).not.toContain(n);
    expect(numbers).not.toContain(openPrinter);
    expect(numbers).not.toContain(solved.vpn);
    // The same through the API, as the console's ticket view asks.
    const res = await api.request('GET', `/api/v1/tickets/${n}/similar`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as { results: Hit[] }).results.map((h) => h.number)).toEqual(numbers);
    expect((await api.request('GET', '/api/v1/tickets/999999/similar')).status).toBe(404);
  });

  it('shows them on the new ticket’s card, and no longer once it is solved itself', async () => {
    const n = await open(
      'Impresora sin tinta',
      'La impresora de la oficina no imprime: dice que no tiene tinta.',
    );
    const card = await renderCard(t.app.db.prisma, n, 'es');
    const similar = card.fields?.find((f) => f.label === 'Resuelto antes')?.value ?? '';
    expect(similar.split('\n')[0]).toBe(`#${solved.printer2} La impresora no imprime`);
    expect(similar.split('\n').length).toBeLessThanOrEqual(3);
    await t.app.tickets.resolve(n, ana, { message: 'Cartucho cambiado.' });
    const after = await renderCard(t.app.db.prisma, n, 'es');
    expect(after.fields?.some((f) => f.label === 'Resuelto antes')).toBe(false);
  });

  it('answers /ticket search in the agent’s language, and refuses it to a customer', async () => {
    const ctx = { tickets: t.app.tickets, db: t.app.db.prisma, config: t.config };
    const answer = await runCommandLine('/ticket search facturas', { ...ctx, actor: ana, language: 'es' });
    expect(answer.title).toBe('Tickets resueltos para «facturas»');
    expect(answer.fields?.[0]?.label).toBe(
      `#${solved.invoice} Factura duplicada (resuelto, a la espera de confirmación)`,
    );
    expect(answer.fields?.[0]?.value).toContain('Solución: Hemos anulado la factura repetida.');
    expect(answer.fields?.[0]?.value).toMatch(/\*factura\w*\*/i);
    const none = await runCommandLine('/ticket search zzzqx', { ...ctx, actor: ana, language: 'en' });
    expect(none.text).toBe('No solved ticket matches “zzzqx”. Try fewer or other words.');
    const customer = await t.app.db.prisma.contact.findFirstOrThrow();
    await expect(
      runCommandLine('/ticket search factura', {
        ...ctx,
        actor: { kind: 'contact', contactId: customer.id },
      }),
    ).rejects.toThrow(/agents/i);
  });

  it('refuses an empty or overlong query with what to send', async () => {
    expect((await api.request('GET', '/api/v1/search?q=')).status).toBe(400);
    expect((await api.request('GET', `/api/v1/search?q=${'x'.repeat(201)}`)).status).toBe(400);
    const missing = await api.request('GET', '/api/v1/search');
    expect(missing.status).toBe(400);
  });
});
