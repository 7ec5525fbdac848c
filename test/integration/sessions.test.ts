// Sessions live in the database and end when they should: signing out, expiry, rotating the API
// token, an admin's "end sessions" (API and `relevo sessions end`) — for the agent console and the web
// chat, on PGlite and PostgreSQL, and across several instances sharing one PostgreSQL.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { parseConfigFile } from '../../src/config/file.ts';
import { hashToken } from '../../src/http/auth.ts';
import { API_TOKEN, FakeClock, startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../harness/databases.ts';
import { Client, eventually } from '../harness/http.ts';

const CONSOLE = 'relevo_console';
const CHAT = 'relevo_chat';

async function signIn(base: string, agentId = 'ana', token = API_TOKEN): Promise<Client> {
  const browser = new Client(base);
  const login = await browser.post('/console/api/login', { token, agentId });
  expect(login.status).toBe(200);
  expect(browser.cookie(CONSOLE)).toBeTruthy();
  return browser;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

/** Reads a live stream until the server ends it; resolves with what it received. */
async function streamUntilClosed(
  url: string,
  cookie: string,
): Promise<{ status: number; ended: Promise<string> }> {
  const res = await fetch(url, { headers: { cookie } });
  const reader = res.body?.getReader();
  const ended = (async () => {
    let text = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return text;
      text += new TextDecoder().decode(chunk.value);
    }
  })();
  return { status: res.status, ended };
}

describe.each(databaseKinds)('console and web chat sessions on %s', (database) => {
  let t: TestApp;
  const clock = new FakeClock();
  beforeAll(async () => {
    t = await startTestApp({ database, clock, streamCheckMs: 100 });
  });
  afterAll(async () => t?.stop());
  const db = () => t.app.db.prisma;

  it('signing out of the console ends the session: the old cookie no longer works anywhere', async () => {
    const browser = await signIn(t.url);
    const token = browser.cookie(CONSOLE) ?? '';
    expect((await browser.get('/console/api/me')).body.agent.id).toBe('ana');
    const copied = browser.withCookie(CONSOLE, token); // another tab, or a stolen cookie
    const live = await streamUntilClosed(`${t.url}/console/api/stream`, `${CONSOLE}=${token}`);
    expect(live.status).toBe(200);
    expect((await browser.post('/console/api/logout')).status).toBe(200);

    for (const path of ['/console/api/me', '/console/api/messages', '/api/v1/tickets']) {
      expect((await copied.get(path)).status).toBe(401);
    }
    expect((await copied.post('/console/api/commands', { text: '/ticket list' })).status).toBe(401);
    expect((await copied.get('/console/api/stream')).status).toBe(401);
    // A live stream opened before the sign-out is closed by the server.
    await expect(live.ended).resolves.toContain('retry:');
  });

  it('keeps only a hash of a console session token, and deletes the row at sign-out', async () => {
    const browser = await signIn(t.url);
    const token = browser.cookie(CONSOLE) ?? '';
    const row = await db().consoleSession.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row.agentId).toBe('ana');
    expect(JSON.stringify(row)).not.toContain(token);
    await browser.post('/console/api/logout');
    expect(await db().consoleSession.findUnique({ where: { id: row.id } })).toBeNull();
  });

  it('a console session expires after 7 days, checked on the server', async () => {
    const browser = await signIn(t.url);
    clock.advance(7 * 86_400_000 - 60_000);
    expect((await browser.get('/console/api/me')).status).toBe(200);
    clock.advance(120_000);
    expect((await browser.get('/console/api/me')).status).toBe(401);
    expect(
      await db().consoleSession.count({ where: { tokenHash: hashToken(browser.cookie(CONSOLE) ?? '') } }),
    ).toBe(0);
  });

  it('an admin ends console sessions (one agent’s, or everyone’s); an agent may not', async () => {
    const ana = await signIn(t.url, 'ana');
    const ben = await signIn(t.url, 'ben');
    const ben2 = await signIn(t.url, 'ben');
    const asBen = new Client(t.url, { authorization: `Bearer ${t.apiToken}`, 'x-relevo-agent': 'ben' });
    expect(await asBen.post('/api/v1/sessions/end', {})).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    const admin = new Client(t.url, { authorization: `Bearer ${t.apiToken}` });
    expect((await admin.post('/api/v1/sessions/end', { agent: 'nobody' })).status).toBe(404);
    expect((await admin.post('/api/v1/sessions/end', { agent: 7 })).status).toBe(400);
    expect((await ana.get('/console/api/me')).status).toBe(200);
    expect(await admin.post('/api/v1/sessions/end', { agent: 'ben' })).toEqual({
      status: 200,
      body: { ended: 2 },
    });
    expect((await ben.get('/console/api/me')).status).toBe(401);
    expect((await ben2.get('/console/api/me')).status).toBe(401);
    expect((await ana.get('/console/api/me')).status).toBe(200);
    expect((await admin.post('/api/v1/sessions/end', {})).body.ended).toBeGreaterThanOrEqual(1);
    expect((await ana.get('/console/api/me')).status).toBe(401);
  });

  it('refuses a wrong or unknown console cookie with 401 and creates nothing', async () => {
    const before = await db().consoleSession.count();
    for (const value of ['', 'x', 'ana.9999999999.forged', 'A'.repeat(43)]) {
      expect((await new Client(t.url).withCookie(CONSOLE, value).get('/console/api/me')).status).toBe(401);
    }
    expect(
      (await new Client(t.url).post('/console/api/login', { token: 'wrong-token-123456', agentId: 'ana' }))
        .status,
    ).toBe(401);
    expect(await db().consoleSession.count()).toBe(before);
  });

  it('signing out of the web chat ends its session; a web chat session expires after 30 days', async () => {
    const customer = new Client(t.url);
    await customer.post('/webchat/api/session', { name: 'Nora', email: 'nora@example.com' });
    const token = customer.cookie(CHAT) ?? '';
    const copied = customer.withCookie(CHAT, token);
    const live = await streamUntilClosed(`${t.url}/webchat/api/stream`, `${CHAT}=${token}`);
    expect(live.status).toBe(200);
    expect((await customer.post('/webchat/api/logout')).status).toBe(200);
    expect((await copied.get('/webchat/api/session')).status).toBe(401);
    expect(
      (await copied.post('/webchat/api/messages', { text: 'still me?', clientId: 'after-logout-1' })).status,
    ).toBe(401);
    await expect(live.ended).resolves.toContain('retry:');

    const later = new Client(t.url);
    await later.post('/webchat/api/session', { name: 'Olga', email: 'olga@example.com' });
    clock.advance(30 * 86_400_000 - 60_000);
    expect((await later.get('/webchat/api/session')).status).toBe(200);
    clock.advance(120_000);
    expect((await later.get('/webchat/api/session')).status).toBe(401);
  });
});

describe('rotating the API token ends console sessions', () => {
  it.each(databaseKinds)(
    'on %s: sessions signed in with the old token stop working after a restart',
    async (database) => {
      // PGlite keeps its files in a directory here, so a second start finds the first one's data.
      const dir = database === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'relevo-rotate-')) : undefined;
      const pg = database === 'postgresql' ? await freshDatabase('postgresql') : undefined;
      const env = (token: string) => ({
        ...(pg?.env ?? { RELEVO_DATA_DIR: dir ?? '' }),
        RELEVO_API_TOKEN: token,
      });
      try {
        let t = await startTestApp({ database, env: env('first-token-0123456789') });
        const browser = await signIn(t.url, 'ana', 'first-token-0123456789');
        const cookie = browser.cookie(CONSOLE) ?? '';
        await t.stop();
        // Same token: the session survives a restart (it is in the database, not in memory).
        t = await startTestApp({ database, env: env('first-token-0123456789') });
        expect((await new Client(t.url).withCookie(CONSOLE, cookie).get('/console/api/me')).status).toBe(200);
        await t.stop();
        t = await startTestApp({ database, env: env('second-token-0123456789') });
        expect((await new Client(t.url).withCookie(CONSOLE, cookie).get('/console/api/me')).status).toBe(401);
        // The start-up sweep removed it.
        await eventually(
          async () => (await t.app.db.prisma.consoleSession.count()) === 0,
          'the old sessions removed',
        );
        await t.stop();
      } finally {
        await pg?.drop();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

describe('several instances on one PostgreSQL', () => {
  let database: TestDatabase;
  const apps: App[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    database = await freshDatabase('postgresql');
    const config = parseConfigFile(testConfigYaml, 'test config');
    for (let i = 0; i < 2; i++) {
      const env = parseEnv({ ...database.env, PORT: '0', RELEVO_API_TOKEN: API_TOKEN, LOG_LEVEL: 'silent' });
      const app = await createApp({ env, config, logger: pino({ level: 'silent' }), pollMs: 200 });
      apps.push(app);
      urls.push(await app.listen());
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await database?.drop();
  });

  it('a console session from one instance works on the other, and signing out on one ends it on both', async () => {
    const [a, b] = urls as [string, string];
    const browser = await signIn(a);
    const cookie = browser.cookie(CONSOLE) ?? '';
    expect((await new Client(b).withCookie(CONSOLE, cookie).get('/console/api/me')).status).toBe(200);
    await browser.post('/console/api/logout');
    expect((await new Client(b).withCookie(CONSOLE, cookie).get('/console/api/me')).status).toBe(401);
    expect((await new Client(a).withCookie(CONSOLE, cookie).get('/console/api/me')).status).toBe(401);
  });

  it('a web chat session signed out on one instance is gone on the other', async () => {
    const [a, b] = urls as [string, string];
    const customer = new Client(a);
    await customer.post('/webchat/api/session', { name: 'Pia', email: 'pia@example.com' });
    const cookie = customer.cookie(CHAT) ?? '';
    expect((await new Client(b).withCookie(CHAT, cookie).get('/webchat/api/session')).status).toBe(200);
    await new Client(b).withCookie(CHAT, cookie).post('/webchat/api/logout');
    expect((await customer.get('/webchat/api/session')).status).toBe(401);
  });

  it('`relevo sessions end` asks the running Relevo, or ends sessions in the database when none answers', async () => {
    const [a] = urls as [string];
    const relevo = (port: string, ...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn('bin/relevo.mjs', ['sessions', 'end', ...args], {
          cwd: path.resolve(import.meta.dirname, '../..'),
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: database.env.DATABASE_URL,
            RELEVO_API_TOKEN: API_TOKEN,
            PORT: port,
            LOG_LEVEL: 'silent',
          },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const ben = await signIn(a, 'ben');
    const ana = await signIn(a, 'ana');
    const viaApi = await relevo(new URL(a).port, '--agent', 'ben');
    expect(viaApi).toMatchObject({ code: 0, out: 'Ended 1 console session(s) of agent "ben".\n' });
    expect((await ben.get('/console/api/me')).status).toBe(401);
    expect((await ana.get('/console/api/me')).status).toBe(200);
    // Where nobody listens, the command opens the database itself.
    const closed = await freePort();
    const direct = await relevo(closed);
    expect(direct.code).toBe(0);
    expect(direct.out).toMatch(/^Ended 1 console session\(s\) of every agent in PostgreSQL at /);
    expect((await ana.get('/console/api/me')).status).toBe(401);
    expect(await relevo(closed, '--agent', 'nobody')).toMatchObject({
      code: 1,
      err: 'There is no agent "nobody".\n',
    });
  }, 60_000);
});
