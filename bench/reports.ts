// Reports and solution search at scale (issue 17): 120,000 tickets over a year — most solved, with their kept
// times and breaches, categories, products, two organisations — each with the customer's message and an
// agent's reply or technical note, the search words written by the database's triggers as in service.
//  - the report summary over the last 30 days and over the whole year (median of runs), beside the bare
//    indexed count of the tickets created in the same period (the least any report must read);
//  - /ticket search's query over the solved tickets (median and p99 of many queries, common and rare words
//    in Spanish and English), beside the same number of lookups of a page of the ticket list.
//
//   npm run bench:reports                           # PGlite in a temp data directory
//   BENCH_REPORTS_DB=postgres npm run bench:reports   # PostgreSQL on 127.0.0.1:5432
//   BENCH_REPORTS_TICKETS=…  BENCH_REPORTS_RUNS=…  BENCH_REPORTS_QUERIES=…

import { parseConfigFile } from '../src/config/file.ts';
import { reportSummary } from '../src/core/reports/summary.ts';
import { listTickets } from '../src/core/tickets/queries.ts';
import { searchSolved } from '../src/core/tickets/search.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { openMigratedDatabase } from './lib/database.ts';
import { environmentLine, ms, pct, ratio } from './lib/stats.ts';
import { rare, searches, sentences, subjects } from './lib/support-words.ts';

const kind = process.env.BENCH_REPORTS_DB ?? 'dir';
const pgUrl = process.env.BENCH_REPORTS_PG_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
// 120,000: the search then runs over 100,000 solved tickets (five in six), as issue 17 asks.
const tickets = Number(process.env.BENCH_REPORTS_TICKETS ?? 120_000);
/** Seconds between tickets, so they spread over a year however many there are. */
const spacing = Math.floor((365 * 86_400) / tickets);
const runs = Number(process.env.BENCH_REPORTS_RUNS ?? 10);
const queries = Number(process.env.BENCH_REPORTS_QUERIES ?? 200);

const config = parseConfigFile(testConfigYaml, 'bench.yaml');
const { db, description, close } = await openMigratedDatabase(kind, pgUrl, 'reports', config);
try {
  const p = db.prisma;
  console.log(`${environmentLine()}\n${description}; ${tickets.toLocaleString('en')} tickets over a year`);
  const now = new Date('2026-12-07T12:00:00Z');
  const seeding = performance.now();
  await p.$executeRaw`INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla')`;
  const chunk = 10_000;
  for (let from = 1; from <= tickets; from += chunk) {
    const to = Math.min(tickets, from + chunk - 1);
    // Spread over 365 days; five in six solved (awaiting confirmation, resolved, closed), with kept minutes.
    await p.$executeRaw`
      INSERT INTO "Ticket" (subject, status, priority, category, source, "requesterId", "organisationId",
        "productId", "createdAt", "updatedAt", "statusChangedAt", "resolvedAt", "firstResponseMinutes",
        "resolutionMinutes", "slaBreaches", "assigneeId")
      SELECT (${subjects}::text[])[1 + g % ${subjects.length}]
          || CASE WHEN g % 997 = 0 THEN ' ' || (${rare}::text[])[1 + (g / 997) % ${rare.length}] ELSE '' END,
        (ARRAY['open', 'awaiting_confirmation', 'resolved', 'resolved', 'closed', 'closed']::"TicketStatus"[])[1 + g % 6],
        (ARRAY['low', 'normal', 'normal', 'high', 'urgent']::"Priority"[])[1 + g % 5],
        (ARRAY['question', 'dev_incident', 'prod_incident', 'environment_problem', 'improvement']::"Category"[])[1 + g % 5],
        (ARRAY['email', 'webchat', 'slack', 'mattermost', 'discord']::text[])[1 + g % 5],
        'c1', CASE WHEN g % 3 = 0 THEN 'globex' ELSE 'acme' END, CASE WHEN g % 2 = 0 THEN 'platform' END,
        ${now}::timestamp - (g * ${spacing}) * interval '1 second', ${now}::timestamp - (g * ${spacing}) * interval '1 second',
        ${now}::timestamp - (g * ${spacing}) * interval '1 second',
        CASE WHEN g % 6 IN (2, 3, 4, 5) THEN ${now}::timestamp - (g * ${spacing} - 7200) * interval '1 second' END,
        CASE WHEN g % 6 <> 0 THEN 5 + (g::bigint * 7919) % 600 END,
        CASE WHEN g % 6 <> 0 THEN 30 + (g::bigint * 104729) % 5000 END,
        CASE WHEN g % 11 = 0 THEN ARRAY['firstResponse'] WHEN g % 17 = 0 THEN ARRAY['resolution'] ELSE ARRAY[]::text[] END,
        CASE WHEN g % 4 = 0 THEN NULL ELSE 'ana' END
      FROM generate_series(${from}::int, ${to}::int) AS g`;
    await p.$executeRaw`
      INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorContactId", body, "createdAt")
      SELECT 'bc' || g, g, 'customer_message', 'public', 'contact', 'c1',
        (${sentences}::text[])[1 + g % ${sentences.length}] || ' ' || (${sentences}::text[])[1 + (g * 7) % ${sentences.length}],
        ${now}::timestamp - (g * ${spacing}) * interval '1 second'
      FROM generate_series(${from}::int, ${to}::int) AS g`;
    await p.$executeRaw`
      INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorAgentId", body, data, "createdAt")
      SELECT 'ba' || g, g, 'private_note', 'internal', 'agent', 'ana',
        (${sentences}::text[])[1 + (g * 5) % ${sentences.length}]
          || CASE WHEN g % 1009 = 0 THEN ' ' || (${rare}::text[])[1 + (g / 1009) % ${rare.length}] ELSE '' END,
        '{"kind": "technical_note"}'::jsonb, ${now}::timestamp - (g * ${spacing} - 3600) * interval '1 second'
      FROM generate_series(${from}::int, ${to}::int) AS g`;
    // Satisfaction surveys: asked of every resolved or closed ticket, answered by about half, a comment on some.
    await p.$executeRaw`
      INSERT INTO "SatisfactionSurvey" ("ticketNumber", "askedAt", score, "answeredAt", "answeredVia", comment)
      SELECT g, ${now}::timestamp - (g * ${spacing} - 7200) * interval '1 second',
        CASE WHEN g % 2 = 0 THEN 1 + (g * 31) % 5 END,
        CASE WHEN g % 2 = 0 THEN ${now}::timestamp - (g * ${spacing} - 9000) * interval '1 second' END,
        CASE WHEN g % 2 = 0 THEN 'webchat' END,
        CASE WHEN g % 10 = 0 THEN 'Quick and clear' END
      FROM generate_series(${from}::int, ${to}::int) AS g WHERE g % 6 IN (2, 3, 4, 5)`;
  }
  await p.$executeRawUnsafe('ANALYZE');
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  const time = async (fn: () => Promise<unknown>, n: number) => {
    await fn(); // warm
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    return xs;
  };
  const line = (name: string, xs: number[], base?: number[]) =>
    console.log(
      `  ${name.padEnd(56)} median ${ms(pct(xs, 50)).padStart(10)}   p99 ${ms(pct(xs, 99)).padStart(10)}${
        base ? `   ${ratio(pct(xs, 50), pct(base, 50)).padStart(7)} the baseline` : ''
      }`,
    );
  const DAY = 86_400_000;
  for (const [label, days] of [
    ['last 30 days', 30],
    ['the whole year', 366],
  ] as const) {
    const from = new Date(now.getTime() - days * DAY);
    const count = await time(
      () => p.$queryRaw`SELECT count(*) FROM "Ticket" WHERE "createdAt" >= ${from} AND "createdAt" < ${now}`,
      runs,
    );
    const summary = await time(() => reportSummary(p, { from, to: now }), runs);
    const filtered = await time(
      () => reportSummary(p, { from, to: now, organisationId: 'globex', priority: 'urgent' }),
      runs,
    );
    const created = (await reportSummary(p, { from, to: now })).created;
    console.log(`\nreport, ${label} (${created.toLocaleString('en')} tickets created), ${runs} runs:`);
    line('report summary (counts, series, times, SLA, top, CSAT)', summary, count);
    line('  … filtered: one organisation, urgent', filtered, count);
    line('baseline: indexed count of the period’s tickets', count);
  }

  const searched: number[] = [];
  const listed: number[] = [];
  let hits = 0;
  for (let i = 0; i < queries; i++) {
    const q = searches[i % searches.length] as string;
    let t0 = performance.now();
    hits += (await searchSolved(p, q, 5)).length;
    searched.push(performance.now() - t0);
    t0 = performance.now();
    await listTickets(p, { status: ['resolved'], limit: 5 }, { kind: 'agent' });
    listed.push(performance.now() - t0);
  }
  console.log(
    `\nsolution search over ${Math.round((tickets * 5) / 6).toLocaleString('en')} solved tickets, ${queries} queries (${searches.length} words; ${(hits / queries).toFixed(1)} results each):`,
  );
  line('/ticket search (ranked, 5 results, snippets, solution)', searched, listed);
  line('baseline: a page of 5 resolved tickets from the list', listed);
} finally {
  await close();
}
