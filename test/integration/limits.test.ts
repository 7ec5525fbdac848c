// Nobody floods the desk (security review finding 5: 400 sessions opened 400 tickets in 56 s; one session
// sent 1,000 messages in 30 s; 300 wrong console tokens, no slowdown). Each test counts requests, never
// time: the windows are a day long, and every visitor comes from an address of its own through a trusted
// proxy's X-Forwarded-For.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { Client, statusClass } from '../harness/http.ts';
import { rowCounts } from '../harness/rows.ts';

export const limitsYaml = `${testConfigYaml}
limits:
  webchatSessionsPerAddress: { max: 5, per: 1d }
  webchatSessionsPerVisitor: { max: 3, per: 1d }
  webchatMessagesPerSession: { max: 4, per: 1d }
  webchatMessagesPerAddress: { max: 10, per: 1d }
  ticketsPerVisitor: { max: 2, per: 1d }
  signInsPerAddress: { max: 4, per: 1d }
  wrongTokensPerAddress: { max: 3, per: 1d }
`;

const METRICS_TOKEN = 'metrics-token-0123456789';

/** A visitor from `address` (through the trusted proxy on loopback). */
const from = (t: TestApp, address: string, headers: Record<string, string> = {}) =>
  new Client(t.url, { 'x-forwarded-for': address, ...headers });

function expectLimited(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  expect(Number.isInteger(res.body.error.retryAfterSeconds)).toBe(true);
  expect(res.body.error.retryAfterSeconds).toBeGreaterThan(0);
  expect(res.body.error.retryAfterSeconds).toBeLessThanOrEqual(86_400);
  expect(res.body.error.message.length).toBeGreaterThan(20);
}

/** Sends until refused; returns how many were accepted (at most `ceiling`). */
async function acceptedUntilRefused(
  send: (i: number) => Promise<{ status: number; body: any }>,
  ceiling = 50,
) {
  for (let i = 0; i < ceiling; i++) {
    const res = await send(i);
    if (res.status === 429) {
      expectLimited(res);
      return i;
    }
    expect(statusClass(res.status), JSON.stringify(res.body)).toBe('2xx');
  }
  return ceiling;
}

describe.each(databaseKinds)('rate limits on %s', (database) => {
  let t: TestApp;
  /** Row counts once background work has settled, so only the request under test can change them. */
  const counts = async () => {
    await t.app.settle();
    return rowCounts(t.app.db.prisma);
  };
  beforeAll(async () => {
    t = await startTestApp({
      database,
      config: limitsYaml,
      env: { RELEVO_TRUST_PROXY: 'loopback', RELEVO_METRICS_TOKEN: METRICS_TOKEN },
    });
  });
  afterAll(async () => t?.stop());

  it('opens at most webchatSessionsPerAddress sessions from one address, with Retry-After, writing nothing more', async () => {
    const accepted = await acceptedUntilRefused((i) =>
      from(t, '203.0.113.1').post('/webchat/api/session', { name: 'V', email: `v${i}@example.com` }),
    );
    expect(accepted).toBe(5);
    const before = await counts();
    const raw = await fetch(`${t.url}/webchat/api/session`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': '203.0.113.1',
        'accept-language': 'es',
      },
      body: JSON.stringify({ name: 'V', email: 'late@example.com' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await raw.json()) as any;
    expect(body.error.message).toMatch(/Vuelva a intentarlo en \d+ (horas?|minutos?)/);
    expect(await counts()).toEqual(before);
    // Another address is not affected.
    expect(
      (await from(t, '203.0.113.2').post('/webchat/api/session', { name: 'W', email: 'w@example.com' }))
        .status,
    ).toBe(200);
  });

  it('opens at most webchatSessionsPerVisitor sessions for one email, whatever the address', async () => {
    const accepted = await acceptedUntilRefused((i) =>
      from(t, `198.51.100.${i + 1}`).post('/webchat/api/session', {
        name: 'Same',
        email: 'same@example.com',
      }),
    );
    expect(accepted).toBe(3);
  });

  it('takes at most webchatMessagesPerSession messages from a session and webchatMessagesPerAddress from an address', async () => {
    const address = '192.0.2.10';
    const sessions: Client[] = [];
    for (let i = 0; i < 3; i++) {
      const c = from(t, address);
      expect((await c.post('/webchat/api/session', { name: 'M', email: `m${i}@example.com` })).status).toBe(
        200,
      );
      sessions.push(c);
    }
    const [a, b, c] = sessions as [Client, Client, Client];
    const send = (client: Client, i: number) =>
      client.post('/webchat/api/messages', {
        text: `message number ${i}`,
        clientId: `client-${address}-${i}`,
      });
    expect(await acceptedUntilRefused((i) => send(a, i))).toBe(4);
    const before = await counts();
    expectLimited(await send(a, 100));
    expect(await counts()).toEqual(before);
    // The session's buttons count as its messages too.
    expectLimited(await a.post('/webchat/api/actions', { action: 'ticket.confirm_yes', value: '1' }));
    // The other sessions of that address go on until it has made 10 attempts in all: a's 7 (its refused
    // ones count: a flood is counted as it arrives), then 3 of b's.
    expect(await acceptedUntilRefused((i) => send(b, 200 + i))).toBe(3);
    expect(await acceptedUntilRefused((i) => send(c, 300 + i))).toBe(0);
  });

  it('opens at most ticketsPerVisitor tickets for one visitor; more messages join the tickets they have', async () => {
    const visitor = (n: number) => from(t, `192.0.2.${100 + n}`);
    const sessions = [visitor(1), visitor(2), visitor(3)];
    for (const s of sessions) {
      expect((await s.post('/webchat/api/session', { name: 'T', email: 'tickets@globex.es' })).status).toBe(
        200,
      );
    }
    const [s1, s2, s3] = sessions as [Client, Client, Client];
    const say = (s: Client, text: string) =>
      s.post('/webchat/api/messages', { text, clientId: `client-${text}` });
    expect((await say(s1, 'first problem')).status).toBe(202);
    expect((await say(s2, 'second problem')).status).toBe(202);
    const before = await counts();
    const third = await s3.post('/webchat/api/messages', { text: 'third problem', clientId: 'client-third' });
    expectLimited(third);
    expect(third.body.error.message).toMatch(/2 tickets/);
    expect(await counts()).toEqual(before);
    // Adding to a conversation that has (or is about to have) its ticket is fine, and so is a greeting.
    expect((await say(s1, 'more about the first')).status).toBe(202);
    expect((await say(s3, 'hola')).status).toBe(202);
    await t.app.settle();
    // Each unverified session is a contact of its own; together they opened two tickets.
    expect(
      await t.app.db.prisma.ticket.count({ where: { contact: { claimedEmail: 'tickets@globex.es' } } }),
    ).toBe(2);
  });

  it('takes at most signInsPerAddress console sign-in attempts from an address, right or wrong', async () => {
    const accepted = await acceptedUntilRefused(() =>
      from(t, '203.0.113.50').post('/console/api/login', { token: t.apiToken, agentId: 'ana' }),
    );
    expect(accepted).toBe(4);
    expect(
      (await from(t, '203.0.113.51').post('/console/api/login', { token: t.apiToken, agentId: 'ana' }))
        .status,
    ).toBe(200);
  });

  it('after wrongTokensPerAddress wrong tokens, an address is refused before any token is compared', async () => {
    const address = '203.0.113.60';
    const wrong = from(t, address, { authorization: 'Bearer not-the-token-at-all' });
    for (let i = 0; i < 2; i++) expect((await wrong.get('/api/v1/tickets')).status).toBe(401);
    // A wrong console sign-in counts with them (the sign-in limit is not reached yet).
    expect(
      (await from(t, address).post('/console/api/login', { token: 'guess', agentId: 'ana' })).status,
    ).toBe(401);
    expectLimited(await wrong.get('/api/v1/tickets'));
    // Even the right token waits now: guessing has stopped for this address, not for others.
    expectLimited(await from(t, address, { authorization: `Bearer ${t.apiToken}` }).get('/api/v1/tickets'));
    expect(
      (await from(t, '203.0.113.61', { authorization: `Bearer ${t.apiToken}` }).get('/api/v1/tickets'))
        .status,
    ).toBe(200);
  });

  it('counts wrong metrics tokens too', async () => {
    const scraper = from(t, '203.0.113.70', { authorization: 'Bearer wrong-metrics-token-0000' });
    expect(
      await acceptedUntilRefused(async () => {
        const res = await scraper.get('/metrics');
        return res.status === 401 ? { status: 200, body: res.body } : res;
      }),
    ).toBe(3);
    const right = from(t, '203.0.113.71', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect((await right.get('/metrics')).status).toBe(200);
  });
});

describe('rate limits shared by two instances on one PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // No trusted proxy here: X-Forwarded-For is the visitor's own claim, and is ignored.
    a = await startTestApp({ database: 'postgresql', config: limitsYaml });
    b = await startTestApp({ database: 'postgresql', config: limitsYaml, sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('counts sessions opened through either instance against one limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const instance = i % 2 === 0 ? a : b;
      // A different X-Forwarded-For on every request changes nothing: the proxy is not trusted.
      const visitor = new Client(instance.url, { 'x-forwarded-for': `10.9.8.${i}` });
      statuses.push(
        (await visitor.post('/webchat/api/session', { name: 'S', email: `s${i}@example.com` })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('counts one session’s messages through either instance against one limit', async () => {
    // The sessions limit of this address is spent above; a session made directly in the database is not.
    const visitor = await a.app.db.prisma.contact.findFirstOrThrow();
    const token = 'shared-session-token-0123456789';
    const { hashToken } = await import('../../src/http/auth.ts');
    await a.app.db.prisma.webchatSession.create({
      data: {
        tokenHash: hashToken(token),
        contactId: visitor.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const instance = i % 2 === 0 ? a : b;
      const res = await fetch(`${instance.url}/webchat/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `relevo_chat=${token}` },
        body: JSON.stringify({ text: `shared ${i}`, clientId: `shared-client-${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
  });
});
