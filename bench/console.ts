// The agent console with 10,000 tickets (issue 16), in headless Chromium against a real Relevo:
//  - first paint of the console (signed in) beside the web chat page's, the same server's page with no data;
//  - time to a usable list (the first rows drawn, from navigation start) beside the page fetching that very
//    list from the API itself (the data alone);
//  - search latency over the 10,000 tickets (GET /api/v1/tickets?q=…, 200 queries of words in Spanish and
//    English, common and rare), beside the same view's list without a search, and beside a search done the
//    naive way (ILIKE over subjects and messages, no index) on the same data; and the search's query plan.
//
//   npm run bench:console                         # PGlite in a temp data directory, as `relevo start` runs it
//   BENCH_CONSOLE_DB=postgres npm run bench:console   # PostgreSQL on 127.0.0.1:5432
//   BENCH_CONSOLE_TICKETS=…  BENCH_CONSOLE_LOADS=…  BENCH_CONSOLE_QUERIES=…
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { launchChromium } from '../test/harness/browser.ts';
import { openDatabaseEnv } from './lib/database.ts';
import { environmentLine, ms, pct, ratio } from './lib/stats.ts';
import { rare, searches, sentences, subjects } from './lib/support-words.ts';

const kind = process.env.BENCH_CONSOLE_DB ?? 'dir';
const pgUrl = process.env.BENCH_CONSOLE_PG_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const tickets = Number(process.env.BENCH_CONSOLE_TICKETS ?? 10_000);
const loads = Number(process.env.BENCH_CONSOLE_LOADS ?? 15);
const queries = Number(process.env.BENCH_CONSOLE_QUERIES ?? 200);
const token = 'bench-token-0123456789';

const config = parseConfigFile(testConfigYaml, 'bench.yaml');
const database = await openDatabaseEnv(kind, pgUrl, 'console');
const env = parseEnv({ ...database.env, PORT: '0', RELEVO_API_TOKEN: token, LOG_LEVEL: 'silent' });
const app = await createApp({ env, config, logger: pino({ level: 'silent' }), pollMs: 60_000 });
const url = await app.listen();
const db = app.db.prisma;
const headers = { authorization: `Bearer ${token}` };
const browser = await launchChromium();

try {
  console.log(`${environmentLine()}\n${database.description}; ${tickets.toLocaleString('en')} tickets`);

  // ---- Seed: tickets, each with the customer's message and an agent's reply or note, written in SQL
  // through the same triggers that keep the search words in service.
  const seeding = performance.now();
  const now = new Date();
  await db.$executeRaw`INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla')`;
  const chunk = 2_000;
  for (let from = 1; from <= tickets; from += chunk) {
    const to = Math.min(tickets, from + chunk - 1);
    await db.$executeRaw`
      INSERT INTO "Ticket" (subject, status, priority, source, "requesterId", "organisationId", "createdAt",
        "updatedAt", "statusChangedAt", "slaDueAt")
      SELECT (${subjects}::text[])[1 + g % ${subjects.length}]
          || CASE WHEN g % 997 = 0 THEN ' ' || (${rare}::text[])[1 + (g / 997) % ${rare.length}] ELSE '' END,
        (ARRAY['new', 'open', 'open', 'waiting_on_customer', 'resolved', 'closed']::"TicketStatus"[])[1 + g % 6],
        (ARRAY['low', 'normal', 'normal', 'high', 'urgent']::"Priority"[])[1 + g % 5],
        (ARRAY['email', 'webchat', 'slack', 'mattermost', 'discord']::text[])[1 + g % 5],
        'c1', CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END,
        ${now}::timestamp - g * interval '1 minute', ${now}::timestamp - g * interval '1 minute',
        ${now}::timestamp - g * interval '1 minute',
        CASE WHEN g % 6 IN (0, 1, 2) THEN ${now}::timestamp + ((g * 7919) % 2880) * interval '1 minute' END
      FROM generate_series(${from}::int, ${to}::int) AS g`;
    await db.$executeRaw`
      INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorContactId", body, "createdAt")
      SELECT 'bc' || g, g, 'customer_message', 'public', 'contact', 'c1',
        (${sentences}::text[])[1 + g % ${sentences.length}] || ' '
          || (${sentences}::text[])[1 + (g * 7) % ${sentences.length}],
        ${now}::timestamp - g * interval '1 minute'
      FROM generate_series(${from}::int, ${to}::int) AS g`;
    await db.$executeRaw`
      INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorAgentId", body, "createdAt")
      SELECT 'ba' || g, g, CASE WHEN g % 3 = 0 THEN 'private_note' ELSE 'public_reply' END::"EventType",
        CASE WHEN g % 3 = 0 THEN 'internal' ELSE 'public' END::"Visibility", 'agent', 'ana',
        (${sentences}::text[])[1 + (g * 5) % ${sentences.length}]
          || CASE WHEN g % 1009 = 0 THEN ' ' || (${rare}::text[])[1 + (g / 1009) % ${rare.length}] ELSE '' END,
        ${now}::timestamp - g * interval '1 minute' + interval '30 seconds'
      FROM generate_series(${from}::int, ${to}::int) AS g`;
  }
  await db.$executeRawUnsafe('ANALYZE "Ticket"');
  await db.$executeRawUnsafe('ANALYZE "TicketEvent"');
  console.log(
    `seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s (2 events a ticket, search words by trigger)`,
  );

  // ---- Search latency over HTTP, as the console asks (the Open view).
  const view = 'status=new,open,waiting_on_customer,on_hold&limit=50';
  const timed = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers });
    const body = (await res.json()) as { tickets?: unknown[] };
    if (!res.ok || !body.tickets) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - t0, rows: body.tickets.length };
  };
  for (let i = 0; i < 20; i++) await timed(`/api/v1/tickets?${view}&q=${searches[i % searches.length]}`); // warm
  const searched: number[] = [];
  const listed: number[] = [];
  const naive: number[] = [];
  let found = 0;
  for (let i = 0; i < queries; i++) {
    const q = searches[i % searches.length] as string;
    const s = await timed(`/api/v1/tickets?${view}&q=${encodeURIComponent(q)}`);
    searched.push(s.ms);
    found += s.rows;
    listed.push((await timed(`/api/v1/tickets?${view}`)).ms);
    if (i < 40) {
      // The naive search on the same data, in the database alone (no HTTP): what the index saves.
      const like = `%${q.split(' ')[0]}%`;
      const t0 = performance.now();
      await db.$queryRaw`
        SELECT t.number FROM "Ticket" t
        WHERE t.status IN ('new', 'open', 'waiting_on_customer', 'on_hold')
          AND (t.subject ILIKE ${like} OR EXISTS (
            SELECT 1 FROM "TicketEvent" e WHERE e."ticketNumber" = t.number AND e.body ILIKE ${like}))
        ORDER BY t."updatedAt" DESC LIMIT 51`;
      naive.push(performance.now() - t0);
    }
  }
  // The planner's choice for a common word (many matches: walking the recent tickets finds 50 soon) and a
  // rare one (the GIN index).
  const planOf = async (word: string) =>
    (
      await db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT number FROM "Ticket" t WHERE t."searchVector" @@
          (websearch_to_tsquery('spanish', $1) || websearch_to_tsquery('english', $1))
          ORDER BY "updatedAt" DESC LIMIT 51`,
        word,
      )
    ).map((r) => r['QUERY PLAN']);
  const line = (name: string, xs: number[], base?: number[]) =>
    console.log(
      `  ${name.padEnd(58)} median ${ms(pct(xs, 50)).padStart(10)}   p99 ${ms(pct(xs, 99)).padStart(10)}${
        base ? `   ${ratio(pct(xs, 50), pct(base, 50)).padStart(6)} the list's median` : ''
      }`,
    );
  console.log(
    `\nsearch, Open view, ${queries} queries (${searches.length} different; ${(found / queries).toFixed(1)} rows a page on average):`,
  );
  line('GET /api/v1/tickets?q=… (search, 50 a page, snippets)', searched, listed);
  line('GET /api/v1/tickets (the same view, no search): baseline', listed);
  line('naive ILIKE search in SQL alone (40 queries, no index)', naive, listed);
  for (const word of ['kubernetes', 'zanahoria'])
    console.log(`search plan, "${word}":\n  ${(await planOf(word)).join('\n  ')}`);

  // ---- The console in Chromium: first paint and a usable list, signed in, `loads` page loads.
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 860 } });
  const login = await context.request.post(`${url}/console/api/login`, { data: { token, agentId: 'ana' } });
  if (!login.ok()) throw new Error(`console sign-in: ${login.status()}`);
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen = new MutationObserver(() => {
      if (!document.querySelector('[data-testid="ticket-row"]')) return;
      (window as unknown as { firstRowAt: number }).firstRowAt = performance.now();
      seen.disconnect();
    });
    seen.observe(document, { subtree: true, childList: true });
  });
  const firstPaint = () =>
    page.evaluate(
      () =>
        performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime ??
        NaN,
    );
  const consolePaint: number[] = [];
  const usable: number[] = [];
  const answered: number[] = [];
  const chatPaint: number[] = [];
  const dataAlone: number[] = [];
  for (let i = 0; i < loads + 2; i++) {
    await page.goto(`${url}/console`);
    await page.getByTestId('ticket-row').first().waitFor({ timeout: 60_000 });
    // When the first row went into the page, as the page's own clock saw it (not Playwright's polling).
    const rowsAt = await page.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt);
    // When the page's own list request was answered: the rest of the wait is the page's work.
    const answeredAt = await page.evaluate(
      () =>
        (
          performance.getEntriesByType('resource').find((r) => r.name.includes('/api/v1/tickets?')) as
            | PerformanceResourceTiming
            | undefined
        )?.responseEnd ?? Number.NaN,
    );
    const paint = await firstPaint();
    // The list's own data, fetched by the page itself: what the browser must wait for in any case.
    const fetchMs = await page.evaluate(async (path) => {
      const t0 = performance.now();
      await (await fetch(path)).json();
      return performance.now() - t0;
    }, `/api/v1/tickets?status=new,open,waiting_on_customer,on_hold&limit=50`);
    await page.goto(`${url}/chat`);
    await page.locator('form').first().waitFor();
    const chat = await firstPaint();
    if (i < 2) continue; // warm-up: Chromium's caches, the server's JIT
    consolePaint.push(paint);
    usable.push(rowsAt);
    answered.push(answeredAt);
    chatPaint.push(chat);
    dataAlone.push(fetchMs);
  }
  const pageLine = (name: string, xs: number[], base: number[], baseName: string) =>
    console.log(
      `  ${name.padEnd(44)} median ${ms(pct(xs, 50)).padStart(10)}   max ${ms(Math.max(...xs)).padStart(10)}   ${ratio(pct(xs, 50), pct(base, 50)).padStart(6)} ${baseName}`,
    );
  console.log(`\nconsole in headless Chromium, signed in, ${loads} loads after 2 warm-up loads:`);
  pageLine('console first contentful paint', consolePaint, chatPaint, "the web chat page's");
  pageLine('web chat page first contentful paint', chatPaint, chatPaint, '(baseline)');
  pageLine('console: navigation start → first rows drawn', usable, dataAlone, 'the list fetch alone');
  pageLine('  of which: navigation start → list answered', answered, dataAlone, 'the list fetch alone');
  pageLine('the list fetch alone, from the page', dataAlone, dataAlone, '(baseline)');
} finally {
  await browser.close();
  await app.stop();
  await database.drop();
}
