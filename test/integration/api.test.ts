// The REST API: authentication, validation, JSON errors, limits, OpenAPI — and bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { agentClient, Client } from '../harness/http.ts';

describe('REST API', () => {
  let t: TestApp;
  let api: Client;
  const ticketCount = () => t.app.db.prisma.ticket.count();
  beforeAll(async () => {
    t = await startTestApp();
    api = agentClient(t.url, t.apiToken);
  });
  afterAll(async () => t?.stop());

  it('is healthy and documented', async () => {
    expect((await new Client(t.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const doc = (await new Client(t.url).get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/tickets',
        '/api/v1/tickets/{number}',
        '/api/v1/tickets/{number}/replies',
        '/api/v1/tickets/{number}/notes',
        '/api/v1/tickets/{number}/status',
      ]),
    );
    expect(
      doc.paths['/api/v1/tickets'].post.requestBody.content['application/json'].schema.required,
    ).toContain('requesterEmail');
  });

  it('refuses a missing or wrong token with 401 and a JSON error', async () => {
    const none = await new Client(t.url).get('/api/v1/tickets');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await agentClient(t.url, 'not-the-token').get('/api/v1/tickets');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/API token is wrong/);
    const before = await ticketCount();
    expect(
      (
        await agentClient(t.url, 'nope').post('/api/v1/tickets', {
          requesterEmail: 'a@example.com',
          subject: 's',
          body: 'b',
        })
      ).status,
    ).toBe(401);
    expect(await ticketCount()).toBe(before);
  });

  it('creates, lists with filters and pages, and changes tickets', async () => {
    const created = await api.post('/api/v1/tickets', {
      requesterEmail: 'eva@example.com',
      subject: 'Disk full',
      body: 'df says 100%',
      priority: 'high',
    });
    expect(created.status).toBe(201);
    const n = created.body.number;
    for (let i = 0; i < 3; i++)
      await api.post('/api/v1/tickets', {
        requesterEmail: 'eva@example.com',
        subject: `Other ${i}`,
        body: 'x',
      });
    const high = (await api.get('/api/v1/tickets?priority=high')).body.tickets;
    expect(high.map((x: any) => x.number)).toEqual([n]);
    expect(high[0].statusLabel).toEqual({ en: 'new', es: 'nuevo' });
    // Where tickets came from, and the organisations to filter by.
    const fromApi = (await api.get('/api/v1/tickets?source=api&limit=200')).body.tickets;
    expect(fromApi.map((x: any) => x.number)).toContain(n);
    expect(
      (await api.get('/api/v1/tickets?source=email')).body.tickets.map((x: any) => x.number),
    ).not.toContain(n);
    expect((await api.get('/api/v1/organisations')).body.organisations.map((o: any) => o.id)).toEqual(
      expect.arrayContaining(['acme', 'globex']),
    );
    const page1 = (await api.get('/api/v1/tickets?limit=2')).body;
    const page2 = (await api.get(`/api/v1/tickets?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`))
      .body;
    const seen = [...page1.tickets, ...page2.tickets].map((x: any) => x.number);
    expect(new Set(seen).size).toBe(4);
    expect((await api.post(`/api/v1/tickets/${n}/status`, { status: 'waiting_on_customer' })).status).toBe(
      200,
    );
    // A status has one wording, in both languages, as cards and commands write it.
    expect((await api.get(`/api/v1/tickets/${n}`)).body.ticket.statusLabel).toEqual({
      en: 'waiting on customer',
      es: 'a la espera del cliente',
    });
    expect(
      (await api.get('/api/v1/tickets?status=waiting_on_customer')).body.tickets.map((x: any) => x.number),
    ).toEqual([n]);
    const illegal = await api.post(`/api/v1/tickets/${n}/status`, { status: 'resolved' });
    expect(illegal.status).toBe(400);
    expect(illegal.body.error.message).toMatch(/use resolve/);
    const conflict = await api.post(`/api/v1/tickets/${n}/status`, { status: 'waiting_on_customer' });
    expect(conflict.status).toBe(409);
  });

  it('answers malformed and unknown requests with 4xx JSON errors and writes nothing', async () => {
    const before = await ticketCount();
    const bad = [
      await api.post('/api/v1/tickets', { subject: 'no requester', body: 'x' }),
      await api.post('/api/v1/tickets', { requesterEmail: 'not-an-email', subject: 's', body: 'b' }),
      await api.post('/api/v1/tickets', { requesterEmail: 'x@nowhere.org', subject: 's', body: 'b' }),
      await api.post('/api/v1/tickets', {
        requesterEmail: 'x@example.com',
        subject: 's',
        body: 'b',
        extra: 1,
      }),
      await api.get('/api/v1/tickets?status=bogus'),
      await api.get('/api/v1/tickets?cursor=garbage'),
      await api.get('/api/v1/tickets/abc'),
    ];
    for (const r of bad) {
      expect(r.status).toBe(400);
      expect(typeof r.body.error.message).toBe('string');
    }
    expect(bad[0]?.body.error.message).toMatch(/^body\.requesterEmail/);
    const raw = await fetch(`${t.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiToken}`, 'content-type': 'application/json' },
      body: '{"requesterEmail": ',
    });
    expect(raw.status).toBe(400);
    expect((await raw.json()).error).toBeDefined();
    expect((await api.get('/api/v1/tickets/424242')).status).toBe(404);
    // An empty product id names no product: refused like an unknown one (the fuzz test found it a 500).
    for (const productId of ['', 'no-such-product']) {
      const r = await api.post('/api/v1/tickets', {
        requesterEmail: 'x@example.com',
        subject: 's',
        body: 'b',
        productId,
      });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    const unknown = await api.get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect(await ticketCount()).toBe(before);
  });

  it('refuses oversized requests and messages with a clear message', async () => {
    const before = await ticketCount();
    const huge = await api.post('/api/v1/tickets', {
      requesterEmail: 'x@example.com',
      subject: 's',
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/too large \(the limit is 1024 KiB\)/);
    const long = await api.post('/api/v1/tickets', {
      requesterEmail: 'x@example.com',
      subject: 's',
      body: 'x'.repeat(20_000),
    });
    expect(long.status).toBe(413);
    expect(long.body.error.message).toMatch(/too long/);
    const chat = new Client(t.url);
    await chat.post('/webchat/api/session', { name: 'Z', email: 'z@example.com' });
    const msg = await chat.post('/webchat/api/messages', {
      text: 'y'.repeat(10_001),
      clientId: 'client-long',
    });
    expect(msg.status).toBe(413);
    expect(await ticketCount()).toBe(before);
    expect(await t.app.db.prisma.inboundEvent.count()).toBe(0);
  });
});
