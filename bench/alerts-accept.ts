// Accepting monitoring alerts (issue 14): 100-alert Alertmanager notifications posted to
// /hooks/alertmanager at 20 payloads/s for ~30 s per series, open loop (sent on schedule whatever the
// answers). Three kinds of delivery, because what follows the answer differs:
//   repeat  — Alertmanager re-sending groups Relevo has (group_interval, repeat_interval, retries):
//             recognised by the inbox key, nothing stored, nothing applied;
//   change  — one alert of a known group flips each time: stored, then applied (one alert written);
//   new     — a new 100-alert group each time: stored, then applied (100 alerts written) by the inbox
//             worker while the next deliveries arrive — the heaviest case.
// Beside them, in the same run and process, the baseline: GET /healthz (one database round trip) at the
// same rate. Prints median and p99 of the HTTP answer and their ratio to the baseline's.
//
//   npm run bench:alerts                          # PGlite in a temp data directory, as `relevo start`
//   BENCH_ALERTS_DB=postgres npm run bench:alerts  # PostgreSQL on 127.0.0.1:5432
//   BENCH_ALERTS_SECONDS=…  BENCH_ALERTS_RATE=…
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { alertmanagerPayload } from '../test/fixtures/alerts.ts';
import { noLimitsYaml, testConfigYaml } from '../test/fixtures/config.ts';
import { openDatabaseEnv } from './lib/database.ts';
import {
  environmentLine,
  measure,
  ms,
  pct,
  positiveEnv,
  printTable,
  ratio,
  statusCounts,
} from './lib/stats.ts';

const DB = process.env.BENCH_ALERTS_DB ?? 'dir';
const PG_URL = process.env.BENCH_ALERTS_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const RATE = positiveEnv('BENCH_ALERTS_RATE', 20);
const SECONDS = positiveEnv('BENCH_ALERTS_SECONDS', 30);
const ALERTS = 100;
const TOKEN = 'bench-alertmanager-token-0123456789';
const N = Math.round(RATE * SECONDS);
const INTERVAL = 1000 / RATE;
const WARMUP = 20;

const config = parseConfigFile(
  `${testConfigYaml}${noLimitsYaml}
monitors:
  - { id: prometheus, source: alertmanager, token: ${TOKEN} }
alerts:
  routes:
    - { match: { customer: acme }, organisation: acme }
`,
  'bench',
);

/** Sends `n` requests on an open-loop schedule; returns each answer's latency and status. */
async function series(n: number, send: (i: number) => Promise<number>) {
  const latencies: number[] = [];
  const statuses: number[] = [];
  const start = performance.now();
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + i * INTERVAL;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    all.push(
      send(i).then(
        (status) => {
          latencies.push(performance.now() - t0);
          statuses.push(status);
        },
        () => {
          latencies.push(performance.now() - t0);
          statuses.push(0);
        },
      ),
    );
  }
  await Promise.all(all);
  return { latencies, statuses };
}

const database = await openDatabaseEnv(DB, PG_URL, 'alerts');
const app = await createApp({
  env: parseEnv({
    ...database.env,
    PORT: '0',
    RELEVO_API_TOKEN: 'bench-token-0123456789',
    LOG_LEVEL: 'silent',
  }),
  config,
  logger: pino({ level: 'silent' }),
  pollMs: 1000,
});
try {
  const url = await app.listen();
  const GROUPS = 20;
  const newGroup = (i: number) => alertmanagerPayload({ count: ALERTS, groupKey: `{}:{bench="${i}"}` });
  const known = (g: number) => `{}:{bench="known-${g}"}`;
  /** Group g % GROUPS with alert (i % ALERTS) resolved: each one differs from the one before it. */
  const change = (i: number) => {
    const p = alertmanagerPayload({ count: ALERTS, groupKey: known(i % GROUPS) });
    const flip = p.alerts[Math.floor(i / GROUPS) % ALERTS] as { status: string; endsAt: string };
    flip.status = 'resolved';
    flip.endsAt = '2026-12-06T03:20:00Z';
    return p;
  };
  const bodies = {
    repeat: Array.from({ length: GROUPS }, (_, g) =>
      JSON.stringify(alertmanagerPayload({ count: ALERTS, groupKey: known(g) })),
    ),
    change: Array.from({ length: N }, (_, i) => JSON.stringify(change(i))),
    new: Array.from({ length: N + WARMUP }, (_, i) => JSON.stringify(newGroup(i))),
  };
  console.log(environmentLine());
  console.log(
    `${database.description}; open loop at ${RATE}/s, n=${N} per series after ${WARMUP} warm-up; ` +
      `${ALERTS}-alert payloads of ${(bodies.repeat[0]?.length ?? 0).toLocaleString('en')} bytes; ` +
      'load generator in the same process as Relevo',
  );
  const status = async (r: Response) => {
    await r.arrayBuffer();
    return r.status;
  };
  const healthz = () => fetch(`${url}/healthz`).then(status);
  const post = (body: string | undefined) =>
    fetch(`${url}/hooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    }).then(status);

  // Warm-up, and the known groups in place (each alert firing) before the repeats and changes.
  await series(WARMUP, healthz);
  await series(WARMUP, (i) => post(bodies.new[N + i]));
  await series(GROUPS, (g) => post(bodies.repeat[g]));
  await app.settle();

  const baseline = await measure([], () => series(N, healthz));
  const repeat = await measure([], () => series(N, (i) => post(bodies.repeat[i % GROUPS])));
  const changes = await measure([], () => series(N, (i) => post(bodies.change[i])));
  await app.settle();
  const fresh = await measure([], () => series(N, (i) => post(bodies.new[i])));
  const applyStart = performance.now();
  await app.settle();
  const drained = performance.now() - applyStart;
  const groups = await app.db.prisma.alertGroup.count();
  const items = await app.db.prisma.alertItem.count();

  const rows = [
    { label: 'baseline GET /healthz', ...baseline },
    { label: `repeat ×${ALERTS} (nothing stored)`, ...repeat },
    { label: `change ×${ALERTS} (1 alert applied)`, ...changes },
    { label: `new group ×${ALERTS} (100 applied)`, ...fresh },
  ];
  printTable(rows.map((r) => ({ ...r, note: statusCounts(r.statuses).join(' ') })));
  const bm = pct(baseline.latencies, 50);
  const b99 = pct(baseline.latencies, 99);
  for (const r of rows.slice(1)) {
    const m = pct(r.latencies, 50);
    const p99 = pct(r.latencies, 99);
    console.log(
      `${r.label.padEnd(34)} median ${ms(m)} (${ratio(m, bm)} baseline ${ms(bm)}), p99 ${ms(p99)} (${ratio(p99, b99)} baseline ${ms(b99)})`,
    );
  }
  console.log(
    `kept: ${groups} groups, ${items.toLocaleString('en')} alerts; the inbox drained ${ms(drained)} after the last new group's answer`,
  );
} finally {
  await app.stop();
  await database.drop();
}
