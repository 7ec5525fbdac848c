// The SLA warning sweep at scale (issue 13): N open tickets — 1,000,000 on PostgreSQL, 10,000 on PGlite —
// of which 100 owe a warning now. Prints the time of a sweep that finds the 100 and raises their warnings
// (history read, SlaWarning rows, outbox messages, card syncs, next check), of a sweep that finds nothing,
// the bare locking SELECT beside them as the baseline, and the query plans: the SELECT must use the slaCheckAt
// index, the batch's one UPDATE of the kept clocks the primary key's.
//
//   npx tsx bench/sla-sweep.ts                      # PGlite, 10,000 tickets
//   BENCH_SLA_DB=postgres npx tsx bench/sla-sweep.ts   # PostgreSQL on 127.0.0.1:5432, 1,000,000 tickets
//   BENCH_SLA_TICKETS=…  BENCH_SLA_RUNS=…
import { parseConfigFile } from '../src/config/file.ts';
import { keptSlaUpdate } from '../src/core/sla/refresh.ts';
import { sweepSlaWarnings } from '../src/core/sla/warnings.ts';
import { productionPlanYaml } from '../test/fixtures/config.ts';
import { openMigratedDatabase } from './lib/database.ts';
import { environmentLine, ms, pct } from './lib/stats.ts';

const kind = process.env.BENCH_SLA_DB ?? 'dir';
const pgUrl = process.env.BENCH_SLA_PG_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const tickets = Number(process.env.BENCH_SLA_TICKETS ?? (kind === 'postgres' ? 1_000_000 : 10_000));
const runs = Number(process.env.BENCH_SLA_RUNS ?? 10);
const DUE = 100;

const config = parseConfigFile(
  `${productionPlanYaml}
organisations:
  - { id: acme, name: Acme, plan: production, language: en, emailDomains: [example.com] }
agents:
  - { id: ana, name: Ana, role: admin, email: ana@support.test }
channels:
  - { platform: slack, id: C0AGENTS, kind: agents }
`,
  'bench.yaml',
);

const { db, description, close } = await openMigratedDatabase(kind, pgUrl, 'sla', config);
try {
  const p = db.prisma;
  await p.$executeRaw`INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla')`;
  const now = new Date('2026-12-07T12:00:00Z');
  console.log(
    `${environmentLine()}\n${description}; ${tickets.toLocaleString('en')} open tickets, ${DUE} owe a warning`,
  );

  // The many: open, their next check hours to days away (spread, as real clocks are).
  const seeding = performance.now();
  const chunk = 100_000;
  for (let from = 1; from <= tickets - DUE; from += chunk) {
    const to = Math.min(tickets - DUE, from + chunk - 1);
    await p.$executeRaw`
      INSERT INTO "Ticket" (subject, status, priority, source, "requesterId", "organisationId", "createdAt",
        "updatedAt", "statusChangedAt", "slaCheckAt")
      SELECT 'Ticket ' || g, 'open'::"TicketStatus", 'normal'::"Priority", 'email', 'c1', 'acme', ${now}, ${now}, ${now},
        ${now}::timestamp + (((g::bigint * 7919) % 604800) + 60) * interval '1 second'
      FROM generate_series(${from}::int, ${to}::int) AS g`;
  }
  console.log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  /** The 100 that owe the at-risk warning: opened 3.5 h ago against a 4 h first response. */
  const makeDue = async () => {
    const opened = new Date(now.getTime() - 3.5 * 3_600_000);
    await p.$executeRaw`
      INSERT INTO "Ticket" (subject, status, priority, source, "requesterId", "organisationId", "createdAt",
        "updatedAt", "statusChangedAt", "slaCheckAt")
      SELECT 'Due ' || g, 'new'::"TicketStatus", 'normal'::"Priority", 'email', 'c1', 'acme', ${opened}, ${opened}, ${opened},
        ${new Date(now.getTime() - 60_000)}
      FROM generate_series(1, ${DUE}) AS g`;
  };
  await p.$executeRawUnsafe('ANALYZE "Ticket"');

  const plan = (
    await p.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT number FROM "Ticket" WHERE "slaCheckAt" <= '${now.toISOString()}'
     ORDER BY "slaCheckAt" LIMIT 100 FOR UPDATE SKIP LOCKED`,
    )
  ).map((r) => r['QUERY PLAN']);
  console.log(`query plan:\n  ${plan.join('\n  ')}`);

  const clock = { now: () => now };
  const bare: number[] = [];
  const withDue: number[] = [];
  const empty: number[] = [];
  let raised = 0;
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await p.$transaction(
      (tx) =>
        tx.$queryRaw`SELECT number FROM "Ticket" WHERE "slaCheckAt" <= ${now}
          ORDER BY "slaCheckAt" LIMIT 100 FOR UPDATE SKIP LOCKED`,
    );
    bare.push(performance.now() - t0);
    await makeDue();
    t0 = performance.now();
    raised += await sweepSlaWarnings({ db: p, config, clock });
    withDue.push(performance.now() - t0);
    t0 = performance.now();
    await sweepSlaWarnings({ db: p, config, clock });
    empty.push(performance.now() - t0);
  }
  const row = (name: string, xs: number[]) =>
    console.log(
      `  ${name.padEnd(44)} median ${ms(pct(xs, 50)).padStart(10)}   max ${ms(Math.max(...xs)).padStart(10)}`,
    );
  console.log(`\n${runs} sweeps each:`);
  row('bare SELECT … LIMIT 100 FOR UPDATE SKIP LOCKED', bare);
  row(`sweep, ${DUE} tickets due (warnings raised)`, withDue);
  row('sweep, nothing due', empty);
  // The sweep's batch write, as it ran: the last 100 tickets' summaries written back (the same values).
  const last = await p.ticket.findMany({
    orderBy: { number: 'desc' },
    take: DUE,
    select: {
      number: true,
      firstResponseDueAt: true,
      nextUpdateDueAt: true,
      resolutionDueAt: true,
      slaRiskAt: true,
      slaCheckAt: true,
      slaDueAt: true,
      firstResponseMinutes: true,
      resolutionMinutes: true,
      slaBreaches: true,
    },
  });
  const write = keptSlaUpdate(last.map(({ number, ...kept }) => ({ number, kept })));
  const writePlan = (
    await p.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ANALYZE ${write.sql}`, ...write.params)
  ).map((r) => r['QUERY PLAN']);
  // The primary key's list of numbers is long: cut for the screen (the JSON line keeps it whole).
  const cut = (line: string) => (line.length > 150 ? `${line.slice(0, 150)}…` : line);
  console.log(`batch write (${DUE} tickets), EXPLAIN ANALYZE:\n  ${writePlan.map(cut).join('\n  ')}`);
  const rows = await p.slaWarning.count();
  const queued = await p.outboxItem.count({ where: { kind: 'sla_warning' } });
  const cards = await p.outboxItem.count({ where: { kind: 'card' } });
  console.log(
    `warnings raised ${raised} (expected ${DUE * runs}); SlaWarning rows ${rows}; outbox sla_warning items ${queued}, card syncs ${cards}`,
  );
  console.log(
    `JSON ${JSON.stringify({ database: description, tickets, due: DUE, runs, plan, writePlan, bareMedianMs: pct(bare, 50), dueMedianMs: pct(withDue, 50), dueMaxMs: Math.max(...withDue), emptyMedianMs: pct(empty, 50), raised })}`,
  );
} finally {
  await close();
}
