// npm run bench:slack — issue 3's Slack measurements: how fast Relevo acknowledges signed Slack requests
// under a steady open-loop load, against a bare Bolt app measured in the same run, and whether Slack's
// retries of an event ever open a second ticket. Prints figures and PASS/FAIL; exits 0 either way.
//
// Environment: BENCH_SLACK_N (requests per measured series, default 1000), BENCH_SLACK_RATE (requests/s,
// default 100), BENCH_SLACK_DEDUPE_N (distinct events in the dedupe run, default 1000),
// BENCH_SLACK_DEDUPE_RATE (new events/s in the dedupe run, each sent 3×; default 25), BENCH_SLACK_DB
// (`dir`: PGlite in a temp data directory, as `relevo start` runs — the default; `memory`: in-memory
// PGlite; `postgres`: a throw-away database on BENCH_SLACK_PG_URL, default postgres://postgres@127.0.0.1:5432/test),
// BENCH_SLACK_EXPERIMENT=ack-priority (a what-if for a proposed fix; see ackPriority below).
// Run it alone: it measures milliseconds on a 2-core machine, and prints how much CPU others took meanwhile.
import type { AddressInfo } from 'node:net';
import { App as BoltApp, HTTPReceiver, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { type App, createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { Child } from './lib/child.ts';
import { openDatabaseEnv } from './lib/database.ts';
import {
  environmentLine,
  loadavg,
  measure,
  ms,
  pct,
  printTable as printRows,
  ratio,
  statusCounts,
} from './lib/stats.ts';
import { until } from './lib/wait.ts';
import type { FakeInfo, PostCounts } from './slack-fake.ts';
import type { DedupeRun, LoadResult, LoadRun, Sample } from './slack-load.ts';

const N = Number(process.env.BENCH_SLACK_N ?? 1000);
const RATE = Number(process.env.BENCH_SLACK_RATE ?? 100);
const DEDUPE_N = Number(process.env.BENCH_SLACK_DEDUPE_N ?? 1000);
const DEDUPE_RATE = Number(process.env.BENCH_SLACK_DEDUPE_RATE ?? 25);
/** The sender waits this long for an answer: Slack gives up after 3 s, but the bench must lose nothing. */
const TIMEOUT_MS = 60_000;
const DB = process.env.BENCH_SLACK_DB ?? 'dir';
const PG_URL = process.env.BENCH_SLACK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WARMUP = Math.min(100, Math.ceil(N / 10));
const INTERVAL = 1000 / RATE;
const RETRY_DELAYS: [number, number] = [2, 1500];

const SIGNING_SECRET = 'slack-signing-secret-for-bench';
const CUSTOMER = 'U0CUSTOMER';
const ANA = 'U0ANA00001';
const COMMAND_CHANNEL = 'C0HELPDESK';
// Relevo paces chat.postMessage per channel (burst 4, then 1/s). Every new ticket gets an ack in its
// thread, so 1,000 tickets in one channel would keep the outbox busy for ~17 minutes. Spreading the
// customers over enough support channels (each gets at most one message a second) keeps every channel
// under the pace: the outbox runs at full speed during the measurements (the pessimistic case for the
// ack path) and drains, so the post counts below are real.
const CHANNELS_PER_SERIES = Math.max(4, Math.ceil(Math.max(RATE, DEDUPE_RATE) * 1.25));
const channelIds = (tag: string) =>
  Array.from({ length: CHANNELS_PER_SERIES }, (_, i) => `C0${tag}${String(i).padStart(5, '0')}`);
const LATENCY_CHANNELS = channelIds('LAT');
const DEDUPE_CHANNELS = channelIds('DUP');

const configYaml = testConfigYaml
  .replace(
    '  - { id: ana, name: Ana, role: admin, email: ana@support.test }',
    `  - { id: ana, name: Ana, role: admin, email: ana@support.test, identities: { slack: ${ANA} } }`,
  )
  .concat(`
webchat:
  enabled: false
channels:
  - { platform: slack, id: ${COMMAND_CHANNEL}, kind: support, organisation: acme }
${[...LATENCY_CHANNELS, ...DEDUPE_CHANNELS]
  .map((id) => `  - { platform: slack, id: ${id}, kind: support, organisation: acme }`)
  .join('\n')}
`);

// ---- figures --------------------------------------------------------------------------------------

interface Series {
  label: string;
  samples: Sample[];
  errors: string[];
  /** Message series: the event_id prefix. */
  prefix?: string;
  /** The server process during the series: event-loop utilisation and CPU time / wall time. */
  elu?: number;
  cpu?: number;
  /** CPU used meanwhile by processes other than this benchmark's three, in cores. */
  others?: number;
  /** The server's event-loop delay meanwhile (ms): p99 and max — how long it went without reading sockets. */
  stall?: { p99: number; max: number };
}

const statusSummary = (s: Sample[], errors: string[]) => {
  const parts = statusCounts(s.map((x) => x.status));
  const late = s.filter((x) => x.service >= 3000).length;
  if (late) parts.push(`${late} after Slack's 3 s timeout`);
  if (errors.length) parts.push(`${errors.length} failed (${errors[0]})`);
  return parts.join(' ');
};

function printTable(rows: Series[]) {
  printRows(
    rows.map((r) => ({
      ...r,
      latencies: r.samples.map((x) => x.service),
      note: statusSummary(r.samples, r.errors),
    })),
    12,
  );
}

// ---- helpers --------------------------------------------------------------------------------------

/**
 * Where a Relevo message ack's time went. The inbox row's receivedAt is the database's now() when the
 * INSERT ran, so: sent → INSERT ran (waiting for the database), INSERT → answer received; and how soon
 * the inbox processed each event, and at what rate it got through them.
 */
async function breakdown(app: App, series: Series) {
  const rows = await app.db.prisma.inboundEvent.findMany({
    where: { key: { startsWith: `slack:${series.prefix}` } },
    select: { key: true, receivedAt: true, processedAt: true },
  });
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const before: number[] = [];
  const after: number[] = [];
  const toProcessed: number[] = [];
  for (const x of series.samples) {
    const row = byKey.get(`slack:${x.eventId}`);
    if (!row) continue;
    const inserted = row.receivedAt.getTime();
    before.push(inserted - x.sentWall);
    after.push(x.sentWall + x.service - inserted);
    if (row.processedAt) toProcessed.push(row.processedAt.getTime() - inserted);
  }
  const done = rows.flatMap((r) => (r.processedAt ? [r.processedAt.getTime()] : []));
  const firstIn = Math.min(...rows.map((r) => r.receivedAt.getTime()));
  const spanS = (Math.max(...done) - firstIn) / 1000;
  return {
    text:
      `sent → inbox INSERT ran: median ${ms(pct(before, 50))}, p99 ${ms(pct(before, 99))}; ` +
      `INSERT → ack received: median ${ms(pct(after, 50))}, p99 ${ms(pct(after, 99))}; ` +
      `INSERT → its processing began: median ${ms(pct(toProcessed, 50))}, p99 ${ms(pct(toProcessed, 99))}; ` +
      `inbox got through ${done.length} events in ${spanS.toFixed(1)} s (${(done.length / spanS).toFixed(1)} events/s)`,
  };
}

/**
 * Times the body of every Prisma interactive transaction that returns true — drainInbox's transaction
 * for one event (claim, handler, mark processed) — by wrapping $transaction on the app's client. Only
 * timing is added. Returns undefined if the client cannot be wrapped.
 */
function probeInboxTransactions(app: App): { take(): number[] } | undefined {
  const prisma = app.db.prisma as any;
  const original = prisma.$transaction;
  if (typeof original !== 'function') return undefined;
  const bodies: number[] = [];
  try {
    prisma.$transaction = function (this: unknown, arg: unknown, ...rest: unknown[]) {
      if (this !== prisma || typeof arg !== 'function') return original.call(this, arg, ...rest);
      return original.call(
        this,
        async (tx: unknown) => {
          const t0 = performance.now();
          const result = await (arg as (tx: unknown) => Promise<unknown>)(tx);
          if (result === true) bodies.push(performance.now() - t0);
          return result;
        },
        ...rest,
      );
    };
  } catch {
    return undefined;
  }
  return { take: () => bodies.splice(0) };
}

/**
 * BENCH_SLACK_EXPERIMENT=ack-priority — a what-if, not Relevo as shipped: before each transaction or
 * claim, the inbox and outbox workers yield to the event loop and then wait while an inbox INSERT (an ack
 * in flight) is pending, so an ack waits for at most the one transaction already running. Emulated by wrapping the app's Prisma
 * client; the proposed real change is a gate in drainInbox/drainOutbox.
 */
function ackPriority(app: App): boolean {
  const prisma = app.db.prisma as any;
  const { $executeRaw: execRaw, $transaction: transaction, $queryRaw: queryRaw } = prisma;
  let pending = 0;
  let waiters: (() => void)[] = [];
  // Let the event loop read waiting requests first (an in-memory database answers through promise
  // callbacks only, so a worker's loop never gives way to I/O on its own), then let their INSERTs run.
  const yieldThenClear = async () => {
    await new Promise<void>((r) => setImmediate(r));
    while (pending > 0) await new Promise<void>((r) => waiters.push(r));
  };
  // A transaction's client inherits these properties from the root client: gate only calls made on
  // the root (`this === prisma`), or a query inside a transaction would wait for itself.
  try {
    prisma.$executeRaw = function (this: unknown, strings: TemplateStringsArray, ...values: unknown[]) {
      if (this !== prisma || !strings[0]?.includes('INSERT INTO "InboundEvent"'))
        return execRaw.call(this, strings, ...values);
      pending++;
      return Promise.resolve(execRaw.call(this, strings, ...values)).finally(() => {
        pending--;
        if (pending === 0) {
          const w = waiters;
          waiters = [];
          for (const r of w) r();
        }
      });
    };
    prisma.$transaction = async function (this: unknown, ...args: unknown[]) {
      if (this === prisma) await yieldThenClear();
      return transaction.apply(this, args);
    };
    prisma.$queryRaw = function (this: unknown, ...args: unknown[]) {
      if (this !== prisma) return queryRaw.apply(this, args);
      return yieldThenClear().then(() => queryRaw.apply(this, args));
    };
  } catch {
    return false;
  }
  return true;
}

const inboxPending = (app: App) => app.db.prisma.inboundEvent.count({ where: { processedAt: null } });
const outboxPending = (app: App) => app.db.prisma.outboxItem.count({ where: { status: 'pending' } });

// ---- the run --------------------------------------------------------------------------------------

async function main() {
  console.log('Relevo Slack benchmark (issue 3)');
  console.log(environmentLine());

  const fakeProcess = new Child(new URL('./slack-fake.ts', import.meta.url));
  const gen = new Child(new URL('./slack-load.ts', import.meta.url));
  await Promise.all([fakeProcess.ready, gen.ready]);
  const fake = await fakeProcess.call<FakeInfo>({
    type: 'start',
    options: {
      users: [
        { id: CUSTOMER, name: 'carla', realName: 'Carla Customer', email: 'carla@example.com' },
        { id: ANA, name: 'ana', realName: 'Ana' },
      ],
      channels: [COMMAND_CHANNEL, ...LATENCY_CHANNELS, ...DEDUPE_CHANNELS].map((id, i) => ({
        id,
        name: `acme-support-${i}`,
      })),
    },
  });
  // Runs a series and measures the server process (Relevo, or the bare Bolt app) meanwhile.
  const run = async (
    msg: Omit<LoadRun, 'id' | 'type'> | Omit<DedupeRun, 'id' | 'type'>,
    type: 'run' | 'dedupe',
  ) => {
    process.stderr.write(`… ${type} ${'kind' in msg ? msg.kind : ''} n=${msg.n} → ${msg.baseUrl}\n`);
    return measure([process.pid, gen.pid, fakeProcess.pid], () => gen.call<LoadResult>({ ...msg, type }));
  };

  // Bare Bolt: its own HTTP receiver, listeners that do nothing but ack.
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR });
  const bolt = new BoltApp({
    receiver,
    token: fake.botToken,
    botId: fake.botId,
    botUserId: fake.botUserId,
    clientOptions: { slackApiUrl: fake.url },
    logLevel: LogLevel.ERROR,
  });
  bolt.command('/ticket', async ({ ack }) => {
    await ack();
  });
  bolt.event('message', async () => {});
  const boltServer = await receiver.start({ port: 0, host: '127.0.0.1' });
  const boltUrl = `http://127.0.0.1:${(boltServer.address() as AddressInfo).port}`;

  const database = await openDatabaseEnv(DB, PG_URL, 'slack');
  const t0 = performance.now();
  const env = parseEnv({
    ...database.env,
    PORT: '0',
    RELEVO_API_TOKEN: 'bench-token-0123456789',
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
  });
  const app = await createApp({
    env,
    config: parseConfigFile(configYaml, 'bench'),
    logger: pino({ level: 'silent' }),
    pollMs: 1000,
  });
  const relevoUrl = await app.listen();
  const experiment = process.env.BENCH_SLACK_EXPERIMENT === 'ack-priority' && ackPriority(app);
  if (experiment)
    console.log(
      'EXPERIMENT ack-priority: workers yield to the event loop and wait while an inbox INSERT is pending (emulated; NOT Relevo as shipped)',
    );
  const probe = probeInboxTransactions(app);
  console.log(`database: ${database.description} (Relevo up in ${ms(performance.now() - t0)})`);
  console.log(
    `load: open loop at ${RATE} requests/s (one every ${INTERVAL.toFixed(1)} ms, sent on schedule whatever the answers), ` +
      `n=${N} per series after ${WARMUP} warm-up requests; generator in its own process; ` +
      `messages spread over ${CHANNELS_PER_SERIES} support channels so Relevo's per-channel pacer never holds the outbox`,
  );

  const common = { signingSecret: SIGNING_SECRET, intervalMs: INTERVAL, timeoutMs: TIMEOUT_MS };
  const commandSeries = async (label: string, baseUrl: string, n: number): Promise<Series> => {
    const r = await run(
      {
        ...common,
        baseUrl,
        kind: 'command',
        n,
        channels: [COMMAND_CHANNEL],
        user: ANA,
        responseUrls: await fakeProcess.call<string[]>({ type: 'responseUrls', n }),
      },
      'run',
    );
    return {
      label,
      samples: r.samples,
      errors: r.errors,
      elu: r.elu,
      cpu: r.cpu,
      others: r.others,
      stall: r.stall,
    };
  };
  let batch = 0;
  const messageSeries = async (
    label: string,
    baseUrl: string,
    n: number,
    intervalMs = INTERVAL,
  ): Promise<Series> => {
    const prefix = `Ev0B${batch++}X`;
    const r = await run(
      {
        ...common,
        intervalMs,
        baseUrl,
        kind: 'message',
        n,
        channels: LATENCY_CHANNELS,
        user: CUSTOMER,
        eventPrefix: prefix,
      },
      'run',
    );
    return {
      label,
      samples: r.samples,
      errors: r.errors,
      prefix,
      elu: r.elu,
      cpu: r.cpu,
      others: r.others,
      stall: r.stall,
    };
  };
  const settleRelevo = async () => {
    process.stderr.write('… waiting for the inbox and outbox to drain\n');
    const inbox = await until(async () => (await inboxPending(app)) === 0, 30 * 60_000);
    const outbox = await until(async () => (await outboxPending(app)) === 0, 30 * 60_000);
    return inbox + outbox;
  };

  // Warm both servers (JIT, connections, Relevo's first users.info), then measure. Bare Bolt first, while
  // Relevo is idle; Relevo's series each start with its inbox and outbox empty.
  await commandSeries('warm-up', boltUrl, WARMUP);
  await messageSeries('warm-up', boltUrl, WARMUP);
  const boltCommand = await commandSeries('bare Bolt   /ticket help', boltUrl, N);
  const boltMessage = await messageSeries('bare Bolt   message event', boltUrl, N);

  await commandSeries('warm-up', relevoUrl, WARMUP);
  await messageSeries('warm-up', relevoUrl, WARMUP);
  await settleRelevo();
  const relevoCommand = await commandSeries('Relevo      /ticket help', relevoUrl, N);
  await settleRelevo();
  // A light-load reference for the profile: 50 messages at 5/s.
  probe?.take();
  const relevoSlow = await messageSeries('Relevo      message, 5/s', relevoUrl, 50, 200);
  await settleRelevo();
  const slowTx = probe?.take() ?? [];
  const ticketsBefore = await app.db.prisma.ticket.count();
  const relevoMessage = await messageSeries('Relevo      message event', relevoUrl, N);
  const backlogAtEnd = await inboxPending(app);
  const catchUp = await until(async () => (await inboxPending(app)) === 0, 30 * 60_000);
  const fastTx = probe?.take() ?? [];
  const opened = (await app.db.prisma.ticket.count()) - ticketsBefore;
  await until(async () => (await outboxPending(app)) === 0, 30 * 60_000);

  console.log('');
  console.log('1–2. Ack latency: client-side, from sending the signed request to the full HTTP response');
  console.log(
    '  (loop: event-loop utilisation of the server process; CPU: its CPU time / wall time; others: cores used' +
      " meanwhile by processes outside this benchmark (PostgreSQL's own, with BENCH_SLACK_DB=postgres) — anything" +
      ' else above ~0.2 skews the figures; stall: the' +
      ' server’s event-loop delay, p99 and max, i.e. how long a request could sit unread)',
  );
  printTable([boltCommand, relevoCommand, boltMessage, relevoMessage]);
  const lags = [boltCommand, relevoCommand, boltMessage, relevoMessage].flatMap((s) =>
    s.samples.map((x) => x.lag),
  );
  console.log(
    `  generator lag (actual − scheduled send): median ${ms(pct(lags, 50))}, p99 ${ms(pct(lags, 99))}, max ${ms(Math.max(...lags))}`,
  );
  console.log(
    `  Relevo message series: ${opened} tickets opened; inbox backlog when the last ack came back: ${backlogAtEnd} events, ` +
      `drained ${(catchUp / 1000).toFixed(1)} s later`,
  );
  console.log('');
  console.log('   Profile of Relevo message acks (database timestamps lined up with the sender’s clock):');
  console.log(`   at ${RATE}/s: ${(await breakdown(app, relevoMessage)).text}`);
  printTable([relevoSlow]);
  console.log(`   at 5/s:   ${(await breakdown(app, relevoSlow)).text}`);
  const txText = (xs: number[]) =>
    xs.length
      ? `median ${ms(pct(xs, 50))}, p99 ${ms(pct(xs, 99))}, total ${(xs.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s for ${xs.length}`
      : 'not measured';
  console.log(
    `   inbox transaction per event (open a ticket; the database is held throughout): at 5/s ${txText(slowTx)}; at ${RATE}/s ${txText(fastTx)}`,
  );

  console.log('');
  console.log('   Targets (issue 3): median within 3× bare Bolt; p99 under 50 ms');
  const verdicts: boolean[] = [];
  for (const [what, relevo, bare] of [
    ['/ticket help ', relevoCommand, boltCommand],
    ['message event', relevoMessage, boltMessage],
  ] as const) {
    const r = relevo.samples.map((x) => x.service);
    const b = bare.samples.map((x) => x.service);
    const [rm50, bm50, rp99, bp99] = [pct(r, 50), pct(b, 50), pct(r, 99), pct(b, 99)];
    const medianOk = rm50 <= 3 * bm50;
    const p99Ok = rp99 < 50;
    verdicts.push(medianOk, p99Ok);
    console.log(
      `   ${what}: Relevo/bare median ${ratio(rm50, bm50)}, p99 ${ratio(rp99, bp99)} → ` +
        `median ${medianOk ? 'MET' : `MISSED by ${ms(rm50 - 3 * bm50)} (${ratio(rm50, 3 * bm50)} the allowed ${ms(3 * bm50)})`}; ` +
        `p99 ${ms(rp99)} ${p99Ok ? 'MET' : `MISSED by ${ms(rp99 - 50)}`}`,
    );
  }

  // 3. Dedupe: every event delivered three times, byte-identical (retry 1 while the first delivery may
  // still be in flight, retry 2 after it was most likely processed).
  const ticketsBeforeDedupe = await app.db.prisma.ticket.count();
  const prefix = 'Ev0DEDUP';
  const d = await run(
    {
      ...common,
      intervalMs: 1000 / DEDUPE_RATE,
      baseUrl: relevoUrl,
      n: DEDUPE_N,
      channels: DEDUPE_CHANNELS,
      user: CUSTOMER,
      eventPrefix: prefix,
      retryDelaysMs: RETRY_DELAYS,
    },
    'dedupe',
  );
  // Every delivery has been answered (none abandoned: the sender waits up to a minute), so nothing
  // more can arrive. Count once the inbox and outbox have both drained.
  const settled = await until(async () => (await inboxPending(app)) === 0, 30 * 60_000);
  const tSettle = performance.now();
  await app.settle();
  await until(async () => (await outboxPending(app)) === 0, 30 * 60_000);
  const outboxMs = performance.now() - tSettle;
  const tickets = (await app.db.prisma.ticket.count()) - ticketsBeforeDedupe;
  const inbound = await app.db.prisma.inboundEvent.count({
    where: { key: { startsWith: `slack:${prefix}` } },
  });
  const links = await app.db.prisma.conversationLink.count({
    where: { platform: 'slack', channel: { in: DEDUPE_CHANNELS } },
  });
  const failed = await app.db.prisma.inboundEvent.count({ where: { lastError: { not: null } } });
  const posts = await fakeProcess.call<PostCounts>({ type: 'posts', channels: DEDUPE_CHANNELS });
  console.log('');
  console.log(
    `3. Dedupe: ${DEDUPE_N} distinct message events, each delivered 3× byte-identical ` +
      `(first deliveries at ${DEDUPE_RATE}/s; X-Slack-Retry-Num 1 sent ${RETRY_DELAYS[0]} ms after each, 2 after ${RETRY_DELAYS[1]} ms: ${(DEDUPE_RATE * 3).toFixed(0)} requests/s)`,
  );
  printTable(
    [0, 1, 2].map((retry) => ({
      label: retry === 0 ? 'first delivery' : `retry ${retry}`,
      samples: d.samples.filter((x) => x.retry === retry),
      errors: retry === 0 ? d.errors : [],
      ...(retry === 0 ? { elu: d.elu, cpu: d.cpu, others: d.others, stall: d.stall } : {}),
    })),
  );
  console.log(
    `   inbox settled ${(settled / 1000).toFixed(1)} s after the last delivery was answered; outbox drained ${(outboxMs / 1000).toFixed(1)} s after that`,
  );
  const pass =
    tickets === DEDUPE_N &&
    inbound === DEDUPE_N &&
    links === DEDUPE_N &&
    posts.threadReplies === DEDUPE_N &&
    posts.threads === DEDUPE_N;
  console.log(
    `   tickets opened: ${tickets} (expected ${DEDUPE_N}); InboundEvent rows for these event_ids: ${inbound}; ` +
      `conversation links: ${links}; thread acks posted to Slack: ${posts.threadReplies} in ${posts.threads} threads; ` +
      `inbound events with an error (whole run): ${failed}; 429s from the fake Slack: ${posts.rateLimited}`,
  );
  console.log(
    `   second tickets for one event: ${Math.max(0, tickets - inbound)}; events never stored: ${DEDUPE_N - inbound}; ` +
      `deliveries refused or unanswered: ${d.samples.filter((x) => x.status !== 200).length + d.errors.length}`,
  );
  console.log(`   dedupe: ${pass ? 'PASS' : 'FAIL'}`);
  console.log(`   load average at the end: ${loadavg()} (other processes on the machine skew every figure)`);
  console.log('');
  console.log(
    `summary: ack median ≤ 3× bare Bolt and p99 < 50 ms: ${verdicts.every(Boolean) ? 'all MET' : `${verdicts.filter((v) => !v).length} of 4 MISSED`}; dedupe ${pass ? 'PASS' : 'FAIL'}`,
  );

  await gen.close();
  await app.stop();
  await bolt.stop();
  await fakeProcess.close({ type: 'close' });
  await database.drop();
}

await main();
