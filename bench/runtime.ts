// npm run bench:runtime — the runtime's footprint, each figure beside a baseline measured in the same run:
// - idle resident memory of `relevo start` (built JavaScript) vs a bare PGlite process opening the same
//   data directory with the same settings; again after 10,000 tickets; on PostgreSQL;
// - start → /healthz on an existing and on a new data directory vs a bare PGlite open of the same;
// - `relevo help` wall time vs `node -e 0`.
// Medians of BENCH_RUNS (default 3). Prints figures; asserts nothing. Needs `npm run build` first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parsePgliteSettings, pgliteConf } from '../src/db/pglite-settings.ts';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tickets = Number(process.env.BENCH_TICKETS ?? 10_000);
const pgAdmin = process.env.RELEVO_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TOKEN = 'bench-token-0123456789abcdef';
const IDLE_MS = 3000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
}

// A bare PGlite: open the directory with Relevo's settings, run one query, idle, report.
const BARE = `
const { PGlite } = await import('@electric-sql/pglite');
const t0 = performance.now();
const db = await PGlite.create(process.argv[1], { postgresqlconf: JSON.parse(process.argv[2]) });
await db.query('select 1');
process.stdout.write(JSON.stringify({ openMs: performance.now() - t0 }) + '\\n');
setInterval(() => {}, 1000);
process.on('SIGTERM', async () => { await db.close(); process.exit(0); });
`;

/** The node settings bin/relevo.mjs runs with, for a like-for-like baseline. */
const RUNTIME_FLAGS = ['--v8-pool-size=1', '--max-semi-space-size=2'];

/** A bare PGlite process: open time inside it, spawn → ready from outside (like Relevo's), idle RSS. */
async function barePglite(
  dir: string,
  sameRuntime = true,
): Promise<{ openMs: number; readyMs: number; rss: number }> {
  const t0 = performance.now();
  const conf = JSON.stringify(pgliteConf(parsePgliteSettings(process.env.RELEVO_PGLITE_SETTINGS)));
  const flags = sameRuntime ? RUNTIME_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', BARE, dir, conf], {
    cwd: root,
    env: { ...process.env, ...(sameRuntime ? { MALLOC_ARENA_MAX: '2' } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => child.stdout?.once('data', (b) => resolve(String(b))));
  const readyMs = performance.now() - t0;
  const { openMs } = JSON.parse(line) as { openMs: number };
  await sleep(IDLE_MS);
  const rss = await rssMiB(child.pid ?? 0);
  child.kill('SIGTERM');
  await exited(child);
  return { openMs, readyMs, rss };
}

interface Relevo {
  child: ChildProcess;
  url: string;
  startMs: number;
}

async function startRelevo(env: Record<string, string>, port: number): Promise<Relevo> {
  const t0 = performance.now();
  // As `npm start` and `npx relevo` run it: the executable, with the runtime settings on its first line.
  const child = spawn('bin/relevo.mjs', ['start'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error('relevo exited during start-up');
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    await sleep(10);
  }
  return { child, url, startMs: performance.now() - t0 };
}

async function stopRelevo(r: Relevo) {
  r.child.kill('SIGTERM');
  await exited(r.child);
}

async function createTickets(url: string, n: number) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(`${url}/api/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          requesterEmail: `bench${i % 500}@example.com`,
          requesterName: `Bench ${i % 500}`,
          subject: `Bench ticket ${i}`,
          body: `Something is wrong with item ${i}`,
        }),
      });
      if (!res.ok) throw new Error(`POST /api/v1/tickets → ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function wall(cmd: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd[0] ?? '', cmd.slice(1), { cwd: root, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

const row = (label: string, value: number, unit: string, base: number, baseLabel: string, target?: string) =>
  console.log(
    `${label.padEnd(46)} ${value.toFixed(0).padStart(6)} ${unit.padEnd(3)} | ${baseLabel.padEnd(30)} ${base
      .toFixed(0)
      .padStart(6)} ${unit.padEnd(3)} | ${(value / base).toFixed(2)}×${target ? `  (target ${target})` : ''}`,
  );

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-bench-runtime-'));
  const port = 39_000 + Math.floor(Math.random() * 500);
  try {
    // relevo help vs node -e 0
    const help: number[] = [];
    const nodeNothing: number[] = [];
    for (let i = 0; i < Math.max(5, runs); i++) {
      nodeNothing.push(wall([process.execPath, '-e', '0']));
      help.push(wall(['bin/relevo.mjs', 'help']));
    }

    // New data directory: Relevo (initdb + migrations) vs a bare PGlite initdb.
    const newRelevo: number[] = [];
    const newBare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await startRelevo({ RELEVO_DATA_DIR: path.join(dir, `new-${i}`) }, port);
      newRelevo.push(r.startMs);
      await stopRelevo(r);
      newBare.push((await barePglite(path.join(dir, `bare-new-${i}`))).readyMs);
    }

    // Existing data directory (the first one above), idle memory.
    const data = path.join(dir, 'new-0');
    const startExisting: number[] = [];
    const rssRelevo: number[] = [];
    const openBare: number[] = [];
    const rssBare: number[] = [];
    const rssBareDefault: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await startRelevo({ RELEVO_DATA_DIR: data, RELEVO_API_TOKEN: TOKEN }, port);
      startExisting.push(r.startMs);
      await sleep(IDLE_MS);
      rssRelevo.push(await rssMiB(r.child.pid ?? 0));
      await stopRelevo(r);
      const bare = await barePglite(path.join(data, 'pglite'));
      openBare.push(bare.readyMs);
      rssBare.push(bare.rss);
      rssBareDefault.push((await barePglite(path.join(data, 'pglite'), false)).rss);
    }

    // 10,000 tickets, then idle memory after listing them.
    const r = await startRelevo({ RELEVO_DATA_DIR: data, RELEVO_API_TOKEN: TOKEN }, port);
    await createTickets(r.url, tickets);
    await stopRelevo(r);
    const rss10k: number[] = [];
    const rssBare10k: number[] = [];
    for (let i = 0; i < runs; i++) {
      const again = await startRelevo({ RELEVO_DATA_DIR: data, RELEVO_API_TOKEN: TOKEN }, port);
      let cursor = '';
      for (let page = 1; page <= 20; page++) {
        const res = await fetch(`${again.url}/api/v1/tickets?limit=50${cursor}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const body = (await res.json()) as { nextCursor?: string };
        cursor = body.nextCursor ? `&cursor=${encodeURIComponent(body.nextCursor)}` : '';
      }
      await sleep(IDLE_MS);
      rss10k.push(await rssMiB(again.child.pid ?? 0));
      await stopRelevo(again);
      rssBare10k.push((await barePglite(path.join(data, 'pglite'))).rss);
    }

    // PostgreSQL: idle memory of Relevo alone (the server is another process).
    const admin = new pg.Client({ connectionString: pgAdmin });
    await admin.connect();
    const dbName = `relevo_bench_${process.pid}`;
    await admin.query(`CREATE DATABASE "${dbName}"`);
    const pgUrl = new URL(pgAdmin);
    pgUrl.pathname = `/${dbName}`;
    const rssPg: number[] = [];
    const startPg: number[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        const p = await startRelevo(
          { DATABASE_URL: pgUrl.href, RELEVO_DATA_DIR: dir, RELEVO_API_TOKEN: TOKEN },
          port,
        );
        startPg.push(p.startMs);
        await sleep(IDLE_MS);
        rssPg.push(await rssMiB(p.child.pid ?? 0));
        await stopRelevo(p);
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    }

    console.log(`\nRelevo runtime (medians of ${runs}; built JavaScript; node ${process.version})\n`);
    row('relevo help', median(help), 'ms', median(nodeNothing), 'node -e 0', '≤ 3×');
    row(
      'start → /healthz, new data directory',
      median(newRelevo),
      'ms',
      median(newBare),
      'bare PGlite initdb process',
    );
    row(
      'start → /healthz, existing data directory',
      median(startExisting),
      'ms',
      median(openBare),
      'bare PGlite open process',
      '≤ 2×',
    );
    row(
      'idle RSS, PGlite',
      median(rssRelevo),
      'MiB',
      median(rssBare),
      'bare PGlite, same settings',
      '≤ 1.5×',
    );
    row('idle RSS, PGlite', median(rssRelevo), 'MiB', median(rssBareDefault), 'bare PGlite, node defaults');
    row(
      `idle RSS, PGlite, ${tickets} tickets`,
      median(rss10k),
      'MiB',
      median(rssBare10k),
      'bare PGlite, same directory',
      '≤ 1.5×',
    );
    console.log(
      `${'idle RSS, PostgreSQL'.padEnd(46)} ${median(rssPg).toFixed(0).padStart(6)} MiB | target ≤ 150 MiB; start → /healthz ${median(startPg).toFixed(0)} ms`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
