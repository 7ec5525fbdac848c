// npm run bench: cold start, web chat message → acknowledgement latency, memory and list time with
// 10,000 tickets. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { noLimitsYaml, testConfigYaml } from '../test/fixtures/config.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

async function coldStart(dataDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/relevo.mjs', 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      RELEVO_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RELEVO_API_TOKEN: 'bench-token-0123456789',
    },
    stdio: 'inherit',
  });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - t0;
  await new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return elapsed;
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-bench-'));
  const port = 38_000 + Math.floor(Math.random() * 1000);
  const fresh = await coldStart(path.join(dir, 'cold'), port);
  const existing: number[] = [];
  for (let i = 0; i < 3; i++) existing.push(await coldStart(path.join(dir, 'cold'), port));
  console.log(`cold start → healthy, new PGlite data dir:      ${ms(fresh)}`);
  console.log(`cold start → healthy, existing data dir (median of 3): ${ms(pct(existing, 50))}`);

  const env = parseEnv({
    RELEVO_DATA_DIR: path.join(dir, 'app'),
    PORT: '0',
    RELEVO_API_TOKEN: 'bench-token-0123456789',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp({
    env,
    // 1,000 messages from one session measure latency, not the flood limits.
    config: parseConfigFile(testConfigYaml + noLimitsYaml, 'bench'),
    logger: pino({ level: 'silent' }),
    pollMs: 1000,
  });
  const url = await app.listen();
  const session = await fetch(`${url}/webchat/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench', email: 'bench@example.com' }),
  });
  const cookie = session.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  // Resident memory after a full collection, so start-up garbage does not count as idle use.
  if (global.gc) global.gc();
  const rssIdle = process.memoryUsage().rss;

  // Each message in its own conversation, so each opens a ticket: POST → ticket → ack visible in the page's stream.
  const stream = await fetch(`${url}/webchat/api/stream`, { headers: { cookie } });
  const reader = stream.body!.getReader();
  let buffer = '';
  const waitFor = async (needle: RegExp) => {
    for (;;) {
      const m = needle.exec(buffer);
      if (m) {
        buffer = buffer.slice(m.index + m[0].length);
        return;
      }
      const { value } = await reader.read();
      buffer += new TextDecoder().decode(value);
    }
  };
  const latencies: number[] = [];
  const N = Number(process.env.BENCH_MESSAGES ?? 1000);
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/webchat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ text: `Problem number ${i} with the VPN`, clientId: `bench-${i}-xxxx` }),
    });
    if (res.status !== 202) throw new Error(`POST failed: ${res.status}`);
    await waitFor(/we have opened ticket #\d+/);
    latencies.push(performance.now() - t0);
    // Close the ticket so the next message in the same session opens a new one.
    await app.db.prisma.ticket.updateMany({ where: { status: 'new' }, data: { status: 'closed' } });
  }
  await reader.cancel();
  console.log(
    `web chat message → ticket → ack visible (n=${N}): median ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}`,
  );

  // 10,000 tickets: memory and list time.
  const contact = await app.db.prisma.contact.findFirstOrThrow();
  const have = await app.db.prisma.ticket.count();
  const rows = Array.from({ length: 10_000 - have }, (_, i) => ({
    subject: `Seeded ${i}`,
    source: 'api' as const,
    requesterId: contact.id,
    organisationId: contact.organisationId,
    status: (['new', 'open', 'waiting_on_customer', 'resolved'] as const)[i % 4],
    assigneeId: i % 3 === 0 ? 'ben' : null,
  }));
  for (let i = 0; i < rows.length; i += 1000)
    await app.db.prisma.ticket.createMany({ data: rows.slice(i, i + 1000) });
  if (global.gc) global.gc();
  const rss10k = process.memoryUsage().rss;
  const list = async (q: string) => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const r = await fetch(`${url}/api/v1/tickets?${q}`, {
        headers: { authorization: 'Bearer bench-token-0123456789' },
      });
      await r.json();
      times.push(performance.now() - t0);
    }
    return pct(times, 50);
  };
  console.log(
    `resident memory: idle ${mib(rssIdle)}, after ${await app.db.prisma.ticket.count()} tickets ${mib(rss10k)}`,
  );
  console.log(
    `list tickets API, 10,000 tickets, 50 per page (median of 50): all ${ms(await list('limit=50'))}, status=open ${ms(await list('status=open&limit=50'))}, assignee=ben&status=new ${ms(await list('assignee=ben&status=new&limit=50'))}`,
  );
  const plan = await app.db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
    `EXPLAIN SELECT number FROM "Ticket" WHERE status = 'open' ORDER BY "updatedAt" DESC, number DESC LIMIT 51`,
  );
  console.log(`plan for status=open: ${plan.map((p) => p['QUERY PLAN']).join(' | ')}`);
  await app.stop();
  await rm(dir, { recursive: true, force: true });
}

await main();
