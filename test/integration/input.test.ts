// Bad input gets a 4xx that says what is wrong, is logged, and changes nothing — never a 500 (security
// review findings 6 and 9: NUL → PostgreSQL 22021, a malformed Cookie header, invisible-only text, an
// RTL override in a name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { rowCounts } from '../harness/rows.ts';

describe.each(databaseKinds)('bad input on %s', (database) => {
  let t: TestApp;
  let api: Client;
  let customer: Client;
  let ticket: number;
  const counts = () => rowCounts(t.app.db.prisma);

  beforeAll(async () => {
    t = await startTestApp({ database });
    api = agentClient(t.url, t.apiToken);
    customer = new Client(t.url);
    expect(
      (await customer.post('/webchat/api/session', { name: 'Carla', email: 'carla@example.com' })).status,
    ).toBe(200);
    ticket = (
      await api.post('/api/v1/tickets', {
        requesterEmail: 'carla@example.com',
        subject: 'Printer',
        body: 'On fire',
      })
    ).body.number;
    expect(ticket).toBeGreaterThan(0);
  });
  afterAll(async () => t?.stop());

  /** Sends `send`, expects a 400 naming `field`, and that no table changed. */
  async function refused(send: () => Promise<{ status: number; body: any }>, code: string, field?: RegExp) {
    await t.app.settle();
    const before = await counts();
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe(code);
    if (field) expect(res.body.error.message).toMatch(field);
    await t.app.settle();
    expect(await counts()).toEqual(before);
    return res;
  }

  it('refuses NUL in a chat message, a session name, an API note and an API ticket with 400', async () => {
    await refused(
      () => customer.post('/webchat/api/messages', { text: 'hello\u0000world', clientId: 'client-nul-1' }),
      'invalid_text',
      /^body\.text: contains a control character \(U\+0000\)/,
    );
    await refused(
      () =>
        new Client(t.url).post('/webchat/api/session', { name: 'Nul\u0000Name', email: 'nul@example.com' }),
      'invalid_text',
      /^body\.name/,
    );
    await refused(() => api.post(`/api/v1/tickets/${ticket}/notes`, { text: 'a\u0000b' }), 'invalid_text');
    await refused(
      () => api.post('/api/v1/tickets', { requesterEmail: 'new@example.com', subject: 'x\u0000', body: 'b' }),
      'invalid_text',
      /^body\.subject/,
    );
    await refused(
      () =>
        api.post('/api/v1/tickets', {
          requesterEmail: 'new@example.com',
          requesterName: 'N\u0000',
          subject: 's',
          body: 'b',
        }),
      'invalid_text',
    );
  });

  it('refuses other control characters and half surrogate pairs everywhere, keeping tab and line breaks', async () => {
    for (const bad of ['\u001b[31mred', 'bell\u0007', 'del\u007f', 'c1\u0085', 'half \ud800 pair']) {
      await refused(() => api.post(`/api/v1/tickets/${ticket}/replies`, { text: bad }), 'invalid_text');
    }
    await refused(() => api.get('/api/v1/tickets?organisation=%00'), 'invalid_text', /^query\.organisation/);
    await refused(() => api.get('/api/v1/attachments/%00'), 'invalid_text', /^path\.id/);
    await refused(() => api.get('/api/v1/emails/a%01b/raw'), 'invalid_text', /^path\.id/);
    await refused(
      () =>
        api.post('/console/api/actions', {
          action: 'ticket.take',
          value: String(ticket),
          form: { 'k\u0000': 'v' },
        }),
      'invalid_text',
      /field name/,
    );
    await refused(
      () => api.post('/console/api/commands', { text: `/ticket note ${ticket} a\u0000` }),
      'invalid_text',
    );
    await refused(
      () => new Client(t.url).post('/console/api/login', { token: 'x\u0000', agentId: 'ana' }),
      'invalid_text',
    );
    await refused(
      () => customer.post('/webchat/api/actions', { action: 'ticket.confirm_yes\u0000', value: '1' }),
      'invalid_text',
    );
    const fine = await api.post(`/api/v1/tickets/${ticket}/notes`, { text: 'line one\r\nline two\tcolumn' });
    expect(fine.status).toBe(201);
  });

  it('answers in the language the page shows', async () => {
    const es = new Client(t.url, { 'accept-language': 'es' });
    const res = await es.post('/webchat/api/session', { name: 'Ana\u0000', email: 'ana@globex.es' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/contiene un carácter de control \(U\+0000\)/);
  });

  it('treats a malformed Cookie header as signed out on every signed-in route, never a 500', async () => {
    const cookie = 'relevo_chat=%E0%A4%A; relevo_console=%E0%A4%A';
    const routes: [string, string, unknown?][] = [
      ['GET', '/webchat/api/session'],
      ['GET', '/webchat/api/messages'],
      ['POST', '/webchat/api/messages', { text: 'hi there', clientId: 'client-cookie-1' }],
      ['POST', '/webchat/api/actions', { action: 'ticket.confirm_yes', value: '1' }],
      ['GET', '/webchat/api/stream'],
      ['GET', '/console/api/me'],
      ['GET', '/console/api/messages'],
      ['GET', '/console/api/stream'],
      ['POST', '/console/api/actions', { action: 'ticket.take', value: '1' }],
      ['POST', '/console/api/commands', { text: '/ticket list' }],
      ['GET', '/api/v1/tickets'],
    ];
    const before = await counts();
    for (const [method, path, body] of routes) {
      const res = await fetch(t.url + path, {
        method,
        headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      await res.body?.cancel();
    }
    expect(await counts()).toEqual(before);

    // A good cookie beside a broken one still signs in.
    const login = await fetch(`${t.url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: t.apiToken, agentId: 'ben' }),
    });
    const session = (login.headers.getSetCookie()[0] ?? '').split(';')[0];
    const me = await fetch(`${t.url}/console/api/me`, {
      headers: { cookie: `relevo_chat=%E0%A4%A; ${session}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as any).agent.id).toBe('ben');
  });

  it('refuses text made only of invisible characters as empty', async () => {
    const zeroWidth = '\u200b'.repeat(9_999);
    const res = await refused(
      () => customer.post('/webchat/api/messages', { text: zeroWidth, clientId: 'client-zwsp-1' }),
      'empty_message',
    );
    expect(res.body.error.message).toMatch(/empty/);
    await refused(
      () => api.post(`/api/v1/tickets/${ticket}/notes`, { text: '\u200b\u2060\ufeff' }),
      'invalid_request',
    );
    await refused(
      () => api.post(`/api/v1/tickets/${ticket}/replies`, { text: '\u3164 \u200d' }),
      'invalid_request',
    );
    await refused(
      () => api.post('/api/v1/tickets', { requesterEmail: 'z@example.com', subject: '\u200b', body: 'b' }),
      'invalid_request',
      /^body\.subject: is empty/,
    );
    await refused(
      () => new Client(t.url).post('/webchat/api/session', { name: '\u200b\u200c', email: 'z@example.com' }),
      'invalid_request',
      /name/,
    );
    const command = await refused(
      () => api.post('/console/api/commands', { text: `/ticket note ${ticket} \u200b\u200b` }),
      'bad_request',
    );
    expect(command.body.error.message).toMatch(/invisible/);
  });

  it('shows names without bidi overrides, so "gnp.exe" never reads "exe.png"', async () => {
    const visitor = new Client(t.url);
    const res = await visitor.post('/webchat/api/session', {
      name: 'Mallory \u202egnp.exe',
      email: 'mallory@example.com',
    });
    expect(res.status).toBe(200);
    expect(res.body.contact.name).toBe('Mallory gnp.exe');
    const viaApi = await api.post('/api/v1/tickets', {
      requesterEmail: 'eve@example.com',
      requesterName: 'Eve \u2067fdp.exe\u2069',
      subject: 'Invoice',
      body: 'See attached',
    });
    expect(viaApi.status).toBe(201);
    const shown = await eventually(async () => {
      const { body } = await api.get(`/api/v1/tickets/${viaApi.body.number}`);
      return body.ticket;
    }, 'the ticket');
    expect(JSON.stringify(shown)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/u);
    expect(JSON.stringify(shown)).toContain('Eve fdp.exe');
  });
});
