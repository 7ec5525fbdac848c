// Live streams (SSE) open at once are capped per session and per address, across instances (security
// review finding 9: 1,000 streams on one session; /healthz took 2 s). Counts of open streams, never time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { Client, eventually } from '../harness/http.ts';

const streamsYaml = `${testConfigYaml}
limits:
  streamsPerSession: 2
  streamsPerAddress: 3
`;

interface Opened {
  status: number;
  body?: any;
  retryAfter?: string | null;
  close(): void;
}

const open: Opened[] = [];

/** Opens a live stream; a 200 stays open (its first bytes read) until closed, a refusal is read whole. */
async function stream(base: string, path: string, headers: Record<string, string>): Promise<Opened> {
  const abort = new AbortController();
  const res = await fetch(base + path, { headers, signal: abort.signal });
  if (res.status !== 200) {
    return {
      status: res.status,
      body: await res.json(),
      retryAfter: res.headers.get('retry-after'),
      close() {},
    };
  }
  const reader = res.body!.getReader();
  await reader.read(); // "retry: 2000": the server has taken the stream
  const opened = { status: 200, close: () => abort.abort() };
  open.push(opened);
  return opened;
}

afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function visitor(t: TestApp, address: string, email: string) {
  const c = new Client(t.url, { 'x-forwarded-for': address });
  expect((await c.post('/webchat/api/session', { name: 'Live', email })).status).toBe(200);
  return { 'x-forwarded-for': address, cookie: c.cookieHeader() };
}

describe.each(databaseKinds)('live stream caps on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database, config: streamsYaml, env: { RELEVO_TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => t?.stop());

  it('holds at most streamsPerSession streams of one session, and gives a place back when one closes', async () => {
    const headers = await visitor(t, '203.0.113.1', 'live1@example.com');
    const first = await stream(t.url, '/webchat/api/stream', headers);
    expect((await stream(t.url, '/webchat/api/stream', headers)).status).toBe(200);
    const third = await stream(t.url, '/webchat/api/stream', headers);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(third.body.error.message).toMatch(/already open in 2 windows/);
    expect(Number(third.retryAfter)).toBeGreaterThan(0);
    expect((await new Client(t.url).get('/healthz')).status).toBe(200);

    first.close();
    const again = await eventually(async () => {
      const s = await stream(t.url, '/webchat/api/stream', headers);
      return s.status === 200 && s;
    }, 'a place after a stream closed');
    expect(again.status).toBe(200);
  });

  it('holds at most streamsPerAddress streams from one address, console and web chat together', async () => {
    const a = await visitor(t, '203.0.113.2', 'live2@example.com');
    const b = await visitor(t, '203.0.113.2', 'live3@example.com');
    expect((await stream(t.url, '/webchat/api/stream', a)).status).toBe(200);
    expect((await stream(t.url, '/webchat/api/stream', a)).status).toBe(200);
    expect((await stream(t.url, '/webchat/api/stream', b)).status).toBe(200);
    const fourth = await stream(t.url, '/webchat/api/stream', { ...b, 'accept-language': 'es' });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.message).toMatch(/Ya hay 3 páginas en vivo abiertas desde su red/);
    const agent = { 'x-forwarded-for': '203.0.113.2', authorization: `Bearer ${t.apiToken}` };
    expect((await stream(t.url, '/console/api/stream', agent)).status).toBe(429);
    // Another address is not affected.
    expect(
      (await stream(t.url, '/console/api/stream', { ...agent, 'x-forwarded-for': '203.0.113.3' })).status,
    ).toBe(200);
  });

  it('stops counting the streams of an instance that died without closing them', async () => {
    const headers = await visitor(t, '203.0.113.4', 'live4@example.com');
    expect((await stream(t.url, '/webchat/api/stream', headers)).status).toBe(200);
    expect((await stream(t.url, '/webchat/api/stream', headers)).status).toBe(200);
    expect((await stream(t.url, '/webchat/api/stream', headers)).status).toBe(429);
    // As if their instance had crashed: nobody has refreshed these rows for ten minutes.
    await t.app.db.prisma.$executeRaw`UPDATE "LiveStream" SET "seenAt" = now() - interval '10 minutes'`;
    expect((await stream(t.url, '/webchat/api/stream', headers)).status).toBe(200);
  });
});

describe('live stream caps across two instances on one PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ database: 'postgresql', config: streamsYaml });
    b = await startTestApp({ database: 'postgresql', config: streamsYaml, sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('counts one session’s streams on both instances against one cap', async () => {
    const c = new Client(a.url);
    expect((await c.post('/webchat/api/session', { name: 'Two', email: 'two@example.com' })).status).toBe(
      200,
    );
    const headers = { cookie: c.cookieHeader() };
    expect((await stream(a.url, '/webchat/api/stream', headers)).status).toBe(200);
    expect((await stream(b.url, '/webchat/api/stream', headers)).status).toBe(200);
    expect((await stream(a.url, '/webchat/api/stream', headers)).status).toBe(429);
    expect((await stream(b.url, '/webchat/api/stream', headers)).status).toBe(429);
  });
});
