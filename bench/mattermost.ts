// npm run bench:mattermost — the Mattermost adapter's figures: (1) how fast Relevo acknowledges
// `POST /mattermost/command` (/ticket help) and `POST /mattermost/actions` (a card's "Take it", pressed by
// the agent Ana) under a steady open-loop load, beside a bare Fastify handler answering the same requests
// in the same run; (2) 1,000 customers' posts delivered over the bot's WebSocket with a drop in the
// middle and reconnects refused for a while: exactly 1,000 tickets, none twice, and how long it took.
// Prints figures and PASS/FAIL; exits 0 either way.
//
// The requests are the ones the fake Mattermost (test/harness/mattermost) builds for a slash command and a
// button press — form-encoded with `Authorization: Token …`, or JSON with the context Relevo signed on its
// card — each with its own trigger_id, sent by a generator in its own process. The fake runs in another
// process too (the real Mattermost is another machine) and makes the customers' posts there.
//
// Environment: BENCH_MM_N (requests per measured series, default 1000; warm-up: a tenth, at most 100,
// not counted), BENCH_MM_RATE (requests/s, default 100), BENCH_MM_POSTS (root posts in the reconnect run,
// default 1000), BENCH_MM_POST_RATE (posts/s, default 25), BENCH_MM_REFUSED_POSTS (posts made while
// reconnects are refused, default 100), BENCH_MM_CHANNELS (support channels the posts are spread over,
// default 20), BENCH_MM_RETRY_MS (Relevo's MATTERMOST_SOCKET_RETRY_MS, default 1000; Relevo's own default
// is 3000), BENCH_MM_DB (`dir`: PGlite in a temp data directory, as `relevo start` runs — the default;
// `memory`: in-memory PGlite; `postgres`: a throw-away database on BENCH_MM_PG_URL, default
// postgres://postgres@127.0.0.1:5432/test), BENCH_MM_ONLY (`acks` or `reconnect`: run that part alone).
// Run it alone: it measures milliseconds on a 2-core machine, and prints how much CPU others took meanwhile.
import Fastify from 'fastify';
import pino from 'pino';
import { type App, createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import type { MmPost } from '../test/harness/mattermost/fake-mattermost.ts';
import { Child } from './lib/child.ts';
import { openDatabaseEnv } from './lib/database.ts';
import {
  environmentLine,
  loadavg,
  type Measured,
  measure,
  ms,
  pct,
  positiveEnv,
  printTable as printRows,
  ratio,
  secs,
  statusCounts,
} from './lib/stats.ts';
import { reach as reachOr, until } from './lib/wait.ts';
import type { Connects, FakeInfo, PostRun, PostRunResult, WireRequest } from './mattermost-fake.ts';
import type { LoadResult, LoadRun, Sample } from './mattermost-load.ts';

/** Polls a count until it reaches the target: when (Date.now), or undefined once it stalled STALL_MS. */
const reach = (count: () => Promise<number>, target: number) => reachOr(count, target, STALL_MS);

const N = positiveEnv('BENCH_MM_N', 1000);
const RATE = positiveEnv('BENCH_MM_RATE', 100);
const POSTS = positiveEnv('BENCH_MM_POSTS', 1000);
const POST_RATE = positiveEnv('BENCH_MM_POST_RATE', 25);
const REFUSED_POSTS = Math.min(positiveEnv('BENCH_MM_REFUSED_POSTS', 100), POSTS);
const CHANNELS = positiveEnv('BENCH_MM_CHANNELS', 20);
const RETRY_MS = positiveEnv('BENCH_MM_RETRY_MS', 1000);
const DB = process.env.BENCH_MM_DB ?? 'dir';
const ONLY = process.env.BENCH_MM_ONLY;
if (ONLY && ONLY !== 'acks' && ONLY !== 'reconnect')
  throw new Error('BENCH_MM_ONLY is `acks` or `reconnect`');
const PG_URL = process.env.BENCH_MM_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WARMUP = Math.min(100, Math.ceil(N / 10));
const INTERVAL = 1000 / RATE;
/** The sender waits this long for an answer (Mattermost's OutgoingIntegrationRequestsTimeout is 30 s). */
const TIMEOUT_MS = 30_000;
/** The drop comes before this post of the reconnect run: the refused posts sit in the middle. */
const DROP_AT = Math.max(0, Math.floor((POSTS - REFUSED_POSTS) / 2));

// Mattermost ids: 26 lowercase letters and digits.
const mmId = (name: string) => name.padEnd(26, '0').slice(0, 26);
const PUBLIC_URL = 'https://relevo.test';
const COMMAND_TOKEN = 'benchcommandtoken000000001';
const ANA = mmId('userana');
const CUSTOMERS = Array.from({ length: 10 }, (_, i) => mmId(`usercustomer${i}x`));
const SUPPORT = mmId('supportacme');
const AGENTS = mmId('agentsdesk');
const POST_CHANNELS = Array.from({ length: CHANNELS }, (_, i) =>
  mmId(`supportrun${String(i).padStart(4, '0')}x`),
);

const configYaml = testConfigYaml
  .replace(
    '  - { id: ana, name: Ana, role: admin, email: ana@support.test }',
    `  - { id: ana, name: Ana, role: admin, email: ana@support.test, identities: { mattermost: ${ANA} } }`,
  )
  .concat(`
webchat:
  enabled: false
channels:
  - { platform: mattermost, id: ${SUPPORT}, kind: support, organisation: acme }
  - { platform: mattermost, id: ${AGENTS}, kind: agents }
${POST_CHANNELS.map((id) => `  - { platform: mattermost, id: ${id}, kind: support, organisation: acme }`).join('\n')}
`);

// ---- figures --------------------------------------------------------------------------------------

interface Series extends Measured {
  label: string;
  samples: Sample[];
  errors: string[];
  refusals: string[];
}

const statusSummary = (r: Series) => {
  const parts = statusCounts(r.samples.map((x) => x.status));
  if (r.errors.length) parts.push(`${r.errors.length} failed (${r.errors[0]})`);
  return parts.join(' ');
};

function printTable(rows: Series[]) {
  printRows(rows.map((r) => ({ ...r, latencies: r.samples.map((x) => x.latency), note: statusSummary(r) })));
  for (const r of rows)
    for (const refusal of r.refusals) console.log(`      e.g. ${r.label.trim()}: ${refusal}`);
}

/** How long a count may stay the same before the reconnect run stops waiting for the rest. */
const STALL_MS = 60_000;

const outboxPending = (app: App) =>
  app.db.prisma.outboxItem.count({ where: { status: 'pending', platform: 'mattermost' } });
const inboxPending = (app: App) => app.db.prisma.inboundEvent.count({ where: { processedAt: null } });

// ---- the run --------------------------------------------------------------------------------------

async function main() {
  console.log('Relevo Mattermost benchmark');
  console.log(environmentLine());

  const fakeProcess = new Child(new URL('./mattermost-fake.ts', import.meta.url));
  const gen = new Child(new URL('./mattermost-load.ts', import.meta.url));
  await Promise.all([fakeProcess.ready, gen.ready]);
  const pids = [process.pid, gen.pid, fakeProcess.pid];
  const fake = await fakeProcess.call<FakeInfo>({
    type: 'start',
    users: [
      { id: ANA, username: 'ana', firstName: 'Ana' },
      ...CUSTOMERS.map((id, i) => ({
        id,
        username: `customer${i}`,
        firstName: `Customer${i}`,
        lastName: 'Acme',
        email: `customer${i}@example.com`,
      })),
    ],
    channels: [
      { id: SUPPORT, name: 'acme-support', members: [ANA, ...CUSTOMERS] },
      { id: AGENTS, name: 'support-agents', members: [ANA] },
      ...POST_CHANNELS.map((id, i) => ({ id, name: `acme-run-${i}`, members: [ANA, ...CUSTOMERS] })),
    ],
  });

  // The bare handler: Fastify parsing the same bodies (form as Relevo parses it, JSON) and answering {}.
  const bare = Fastify({ logger: false });
  bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  bare.post('/mattermost/command', async (_req, reply) => reply.code(200).send({}));
  bare.post('/mattermost/actions', async (_req, reply) => reply.code(200).send({}));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const database = await openDatabaseEnv(DB, PG_URL, 'mattermost');
  const t0 = performance.now();
  const env = parseEnv({
    ...database.env,
    PORT: '0',
    RELEVO_API_TOKEN: 'bench-token-0123456789',
    LOG_LEVEL: 'silent',
    MATTERMOST_URL: fake.url,
    MATTERMOST_BOT_TOKEN: fake.botToken,
    MATTERMOST_COMMAND_TOKENS: COMMAND_TOKEN,
    MATTERMOST_SOCKET_RETRY_MS: String(RETRY_MS),
    RELEVO_PUBLIC_URL: PUBLIC_URL,
  });
  const app = await createApp({
    env,
    config: parseConfigFile(configYaml, 'bench'),
    logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
    pollMs: 1000,
  });
  const relevoUrl = await app.listen();
  await fakeProcess.call({ type: 'route', publicUrl: PUBLIC_URL, actualUrl: relevoUrl });
  const db = app.db.prisma;
  const mapped = 2 + POST_CHANNELS.length;
  // Connected, and the first catch-up has marked where each channel starts: posts from now on count.
  await until(
    async () =>
      (await fakeProcess.call<number>({ type: 'socketCount' })) > 0 &&
      (await db.platformState.count({ where: { key: { startsWith: 'mattermost:cursor:' } } })) >= mapped,
    30_000,
  );
  console.log(`database: ${database.description} (Relevo up and connected in ${ms(performance.now() - t0)})`);

  /** 1. Ack latency; the four verdicts. */
  const acks = async (): Promise<boolean[]> => {
    // A ticket, and its card among the agents: the button the action series presses.
    const first = await fakeProcess.call<{ id: string }>({
      type: 'userPosts',
      user: CUSTOMERS[0],
      channel: SUPPORT,
      text: 'The invoice page is blank since this morning',
    });
    let card: MmPost | undefined;
    await until(async () => {
      card = (await fakeProcess.call<MmPost[]>({ type: 'botRoots', channel: AGENTS }))[0];
      return Boolean(card);
    }, 60_000);
    const takeIt = (card!.props.attachments?.[0]?.actions ?? []).find((a: any) => a.name === 'Take it');
    if (!takeIt) throw new Error('the ticket card has no "Take it" button');
    const commands = (n: number) =>
      fakeProcess.call<(WireRequest & { responseUrl: string })[]>({
        type: 'prepareCommands',
        n,
        input: {
          url: `${PUBLIC_URL}/mattermost/command`,
          token: COMMAND_TOKEN,
          userId: ANA,
          channelId: SUPPORT,
          text: 'help',
        },
      });
    const presses = (n: number) =>
      fakeProcess.call<WireRequest[]>({
        type: 'preparePresses',
        n,
        input: { postId: card!.id, actionName: 'Take it', userId: ANA },
      });
    // All prepared now, while the card still shows "Take it" (the first press takes the ticket).
    const bareCommands = await commands(WARMUP + N);
    const barePresses = await presses(WARMUP + N);
    const relevoCommands = await commands(WARMUP + N);
    const relevoPresses = await presses(WARMUP + N);
    console.log(
      `requests: as the fake Mattermost builds them — /ticket help (form, Authorization: Token, ${relevoCommands[0]!.body.length} bytes) ` +
        `and "Take it" on ticket card ${card!.id.slice(0, 8)}… for post ${first.id.slice(0, 8)}… (JSON with Relevo's signed context, ${relevoPresses[0]!.body.length} bytes); ` +
        'a new trigger_id each',
    );
    console.log(
      `load: open loop at ${RATE} requests/s (one every ${INTERVAL.toFixed(1)} ms, sent on schedule whatever the answers), ` +
        `n=${N} per series after ${WARMUP} warm-up requests; latency from the scheduled send to the full response; generator in its own process`,
    );

    const series = async (label: string, baseUrl: string, requests: WireRequest[]): Promise<Series> => {
      process.stderr.write(`… ${label.trim()} n=${requests.length} → ${baseUrl}\n`);
      const r = await measure(pids, () =>
        gen.call<LoadResult>({
          publicUrl: PUBLIC_URL,
          baseUrl,
          requests,
          intervalMs: INTERVAL,
          timeoutMs: TIMEOUT_MS,
        } satisfies Omit<LoadRun, 'id'>),
      );
      return { label, ...r };
    };
    const wire = (rs: WireRequest[]) => rs.map(({ url, headers, body }) => ({ url, headers, body }));

    // 1. Bare Fastify first, while Relevo is idle; then Relevo, warmed up, each series starting idle.
    await series('warm-up', bareUrl, wire(bareCommands.slice(0, WARMUP)));
    await series('warm-up', bareUrl, barePresses.slice(0, WARMUP));
    const bareCommand = await series('bare Fastify  /ticket help', bareUrl, wire(bareCommands.slice(WARMUP)));
    const bareAction = await series('bare Fastify  "Take it"', bareUrl, barePresses.slice(WARMUP));

    const answered = (urls: string[]) => fakeProcess.call<number>({ type: 'answered', responseUrls: urls });
    const ephemerals = () =>
      fakeProcess.call<{ count: number; lastAt: number }>({ type: 'ephemerals', user: ANA });
    const ephemeralsBefore = (await ephemerals()).count;
    await series('warm-up', relevoUrl, wire(relevoCommands.slice(0, WARMUP)));
    await series('warm-up', relevoUrl, relevoPresses.slice(0, WARMUP));
    process.stderr.write('… waiting for the warm-up to be answered\n');
    await until(
      async () => (await answered(relevoCommands.slice(0, WARMUP).map((c) => c.responseUrl))) === WARMUP,
      120_000,
      200,
    );
    await until(async () => (await ephemerals()).count - ephemeralsBefore >= WARMUP, 600_000, 200);
    await until(
      async () => (await outboxPending(app)) === 0 && (await inboxPending(app)) === 0,
      120_000,
      200,
    );

    const measuredCommands = relevoCommands.slice(WARMUP);
    const relevoCommand = await series('Relevo        /ticket help', relevoUrl, wire(measuredCommands));
    const commandAnswers = await until(
      async () => (await answered(measuredCommands.map((c) => c.responseUrl))) === N,
      600_000,
      200,
    ).catch(() => Number.NaN);

    const beforePresses = (await ephemerals()).count;
    const relevoAction = await series('Relevo        "Take it"', relevoUrl, relevoPresses.slice(WARMUP));
    const pressesSentAt = Date.now();
    process.stderr.write(`… waiting for the answers to ${N} presses (ephemeral posts, paced for the bot)\n`);
    const pressAnswers = await until(
      async () => (await ephemerals()).count - beforePresses >= N,
      15 * 60_000,
      500,
    ).catch(() => Number.NaN);
    const lastPressAnswer = (await ephemerals()).lastAt - pressesSentAt;

    console.log('');
    console.log(
      '1. Ack latency: client-side, from the scheduled send (or the actual one, if earlier) to the full HTTP response',
    );
    console.log(
      '  (loop: event-loop utilisation of the server process; CPU: its CPU time / wall time; others: cores used' +
        ' meanwhile by processes outside this benchmark — anything above ~0.2 skews the figures; stall: the' +
        ' server’s event-loop delay, p99 and max, i.e. how long a request could sit unread)',
    );
    printTable([bareCommand, relevoCommand, bareAction, relevoAction]);
    const lags = [bareCommand, relevoCommand, bareAction, relevoAction].flatMap((s) =>
      s.samples.map((x) => x.lag),
    );
    console.log(
      `  generator lag (actual − scheduled send): median ${ms(pct(lags, 50))}, p99 ${ms(pct(lags, 99))}, max ${ms(Math.max(...lags))}`,
    );
    console.log(
      `  answers: /ticket help through each response_url — ${Number.isNaN(commandAnswers) ? 'NOT all' : 'all'} ${N} in ${secs(commandAnswers)} after the last ack; ` +
        `"Take it" as ephemeral posts (the bot's pacer: burst 20, then 8/s) — ${Number.isNaN(pressAnswers) ? 'NOT all' : 'all'} ${N}, the last ${secs(lastPressAnswer)} after the last press`,
    );
    console.log('');
    console.log('   Targets: Relevo’s median within 2× the bare handler’s; p99 under 50 ms');
    const verdicts: boolean[] = [];
    for (const [what, relevo, base] of [
      ['POST /mattermost/command', relevoCommand, bareCommand],
      ['POST /mattermost/actions', relevoAction, bareAction],
    ] as const) {
      const r = relevo.samples.map((x) => x.latency);
      const b = base.samples.map((x) => x.latency);
      const [rm50, bm50, rp99, bp99] = [pct(r, 50), pct(b, 50), pct(r, 99), pct(b, 99)];
      const complete = relevo.samples.length === N && relevo.samples.every((x) => x.status === 200);
      const medianOk = complete && rm50 <= 2 * bm50;
      const p99Ok = complete && rp99 < 50;
      verdicts.push(medianOk, p99Ok);
      console.log(
        `   ${what}: Relevo/bare median ${ratio(rm50, bm50)}, p99 ${ratio(rp99, bp99)} → ` +
          `median ${ms(rm50)} ${medianOk ? 'PASS' : `FAIL (allowed ${ms(2 * bm50)})`}; ` +
          `p99 ${ms(rp99)} ${p99Ok ? 'PASS' : 'FAIL'}${complete ? '' : ' — not every request was answered 200'}`,
      );
    }

    return verdicts;
  };

  /** 2. The reconnect run; whether it passed. */
  const reconnect = async (): Promise<{ pass: boolean; tickets: number }> => {
    const ticketsBefore = await db.ticket.count();
    const inboundBefore = await db.inboundEvent.count({ where: { key: { startsWith: 'mattermost:post:' } } });
    const { refused: refusedBefore } = await fakeProcess.call<Connects>({
      type: 'connects',
      since: Date.now(),
    });
    const run: PostRun = {
      n: POSTS,
      rate: POST_RATE,
      channels: POST_CHANNELS,
      users: CUSTOMERS,
      dropAt: DROP_AT,
      refusedPosts: REFUSED_POSTS,
    };
    process.stderr.write(`… reconnect run: ${POSTS} posts at ${POST_RATE}/s, drop after ${DROP_AT} posts\n`);
    const watched = await measure(pids, async () => {
      const result = await fakeProcess.call<PostRunResult>({ type: 'postRun', run });
      const storedAt = await reach(
        async () =>
          (await db.inboundEvent.count({ where: { key: { startsWith: 'mattermost:post:' } } })) -
          inboundBefore,
        POSTS,
      );
      const ticketsAt = await reach(async () => (await db.ticket.count()) - ticketsBefore, POSTS);
      return { result, storedAt, ticketsAt };
    });
    const { result } = watched;
    // Settle what is still being processed (nothing more should arrive), then count.
    await reach(async () => -(await inboxPending(app)), 0);
    await new Promise((r) => setTimeout(r, 2000));
    const postIds = result.posts.map((p) => p.id);
    const keys = postIds.map((id) => `mattermost:post:${id}`);
    const [inboundRows, inboundAll, links, tickets, ticketEvents, failed] = await Promise.all([
      db.inboundEvent.findMany({
        where: { key: { in: keys } },
        select: { key: true, receivedAt: true, processedAt: true },
      }),
      db.inboundEvent.count({ where: { key: { startsWith: 'mattermost:post:' } } }),
      db.conversationLink.findMany({
        where: { platform: 'mattermost', channel: { in: POST_CHANNELS } },
        select: { thread: true, kind: true, ticketNumber: true, createdAt: true },
      }),
      db.ticket.count(),
      db.ticketEvent.findMany({
        where: { channelRef: { startsWith: 'mattermost:' }, authorKind: 'contact' },
        select: { channelRef: true, ticketNumber: true },
      }),
      db.inboundEvent.count({ where: { key: { in: keys }, lastError: { not: null } } }),
    ]);
    const live = new Set(await fakeProcess.call<string[]>({ type: 'deliveries', postIds }));
    const ids = new Set(postIds);
    const customerLinks = links.filter((l) => l.kind === 'customer' && ids.has(l.thread));
    const linkedTickets = new Set(customerLinks.map((l) => l.ticketNumber));
    const messages = ticketEvents.filter((e) => ids.has(e.channelRef?.split(':')[3] ?? ''));
    const messageRefs = new Set(messages.map((e) => e.channelRef));
    const byId = new Map(result.posts.map((p) => [p.id, p]));
    const stored = new Map(inboundRows.map((r) => [r.key.slice('mattermost:post:'.length), r]));
    const delay = (which: (id: string) => boolean) => {
      const xs = postIds.filter(which).flatMap((id) => {
        const row = stored.get(id);
        return row ? [row.receivedAt.getTime() - byId.get(id)!.createAt] : [];
      });
      return xs.length
        ? `median ${secs(pct(xs, 50))}, p99 ${secs(pct(xs, 99))}, max ${secs(Math.max(...xs))}`
        : '—';
    };
    const ticketDelay = customerLinks.map((l) => l.createdAt.getTime() - byId.get(l.thread)!.createAt);
    const phases = { before: 0, refused: 0, after: 0 };
    const livePhases = { before: 0, refused: 0, after: 0 };
    for (const p of result.posts) {
      phases[p.phase]++;
      if (live.has(p.id)) livePhases[p.phase]++;
    }
    const connects = await fakeProcess.call<Connects>({ type: 'connects', since: result.droppedAt });
    const reconnectedAt = connects.at.find((at) => at >= result.acceptedAgainAt);
    const rel = (at: number) => secs(at - result.startedAt);
    const botReplies = await fakeProcess.call<number>({ type: 'botReplies', channels: POST_CHANNELS });
    const pendingOut = await outboxPending(app);

    console.log('');
    console.log(
      `2. Reconnect: ${POSTS} root posts by ${CUSTOMERS.length} customers over ${POST_CHANNELS.length} support channels at ${POST_RATE}/s ` +
        `(open loop, in the fake's process; its lag median ${ms(result.lag.median)}, max ${ms(result.lag.max)}); ` +
        `after ${DROP_AT} posts the bot's WebSocket is dropped and reconnects are refused (HTTP 503) for ${REFUSED_POSTS} posts; MATTERMOST_SOCKET_RETRY_MS=${RETRY_MS}`,
    );
    console.log(
      `   timeline (from the first post): dropped at ${rel(result.droppedAt)}, accepted again at ${rel(result.acceptedAgainAt)}, ` +
        `reconnected (hello) at ${reconnectedAt ? rel(reconnectedAt) : 'never'} ` +
        `(${connects.at.length} connection(s) after the drop, ${connects.refused - refusedBefore} attempt(s) refused), last post at ${rel(result.endedAt)}; ` +
        `all ${POSTS} in the inbox at ${watched.storedAt ? rel(watched.storedAt) : `never (gave up after ${secs(STALL_MS)} without one more)`}, ` +
        `all ${POSTS} tickets at ${watched.ticketsAt ? rel(watched.ticketsAt) : 'never'}`,
    );
    console.log(
      `   arrival: ${live.size} over the live WebSocket, ${postIds.filter((id) => !live.has(id) && stored.has(id)).length} by the REST catch-up only ` +
        `(posts made before the drop: ${livePhases.before}/${phases.before} live; while refused: ${livePhases.refused}/${phases.refused} live; ` +
        `after: ${livePhases.after}/${phases.after} live)`,
    );
    console.log(
      `   post → in the inbox: live ${delay((id) => live.has(id))}; caught up ${delay((id) => !live.has(id))}; ` +
        `post → ticket: median ${secs(pct(ticketDelay, 50))}, p99 ${secs(pct(ticketDelay, 99))}, max ${secs(Math.max(...ticketDelay))}`,
    );
    console.log(
      `   server during the run: loop ${(watched.elu * 100).toFixed(0)}%, CPU ${(watched.cpu * 100).toFixed(0)}%, ` +
        `stall p99/max ${watched.stall.p99.toFixed(0)}/${watched.stall.max.toFixed(0)} ms, others ${watched.others?.toFixed(2) ?? '?'} cores`,
    );
    const inboundNew = inboundAll - inboundBefore;
    const ticketsNew = tickets - ticketsBefore;
    const pass =
      ticketsNew === POSTS &&
      inboundRows.length === POSTS &&
      inboundNew === POSTS &&
      customerLinks.length === POSTS &&
      linkedTickets.size === POSTS &&
      messages.length === POSTS &&
      messageRefs.size === POSTS &&
      failed === 0;
    console.log(
      `   tickets opened: ${ticketsNew} (expected ${POSTS}); customer conversation links for these posts: ${customerLinks.length} ` +
        `(to ${linkedTickets.size} tickets); customer messages on tickets from these posts: ${messages.length} (${messageRefs.size} distinct)`,
    );
    console.log(
      `   InboundEvent rows mattermost:post:% added: ${inboundNew} (expected ${POSTS}: the customers' posts, and no others — Relevo's own posts are not stored); ` +
        `rows for these posts: ${inboundRows.length} (keys are unique: a post stored twice is refused by its key), with an error: ${failed}, unprocessed: ${inboundRows.filter((r) => !r.processedAt).length}`,
    );
    console.log(
      `   Relevo's answers in the customers' threads so far: ${botReplies} of ${POSTS}; mattermost outbox items pending: ${pendingOut} ` +
        `(the bot's pacer, 8 posts/s for answers and cards alike: about ${secs((pendingOut / 8) * 1000)} more to drain; not waited for)`,
    );
    console.log(`   reconnect run: ${pass ? 'PASS' : 'FAIL'}`);
    return { pass, tickets: ticketsNew };
  };

  const verdicts = ONLY === 'reconnect' ? undefined : await acks();
  const rec = ONLY === 'acks' ? undefined : await reconnect();
  console.log('');
  console.log(`load average at the end: ${loadavg()} (other processes on the machine skew every figure)`);
  const acksText = !verdicts
    ? 'not run'
    : verdicts.every(Boolean)
      ? 'all PASS'
      : `${verdicts.filter((v) => !v).length} of 4 FAIL`;
  console.log(
    `summary: ack median ≤ 2× bare Fastify and p99 < 50 ms: ${acksText}; ` +
      `reconnect run ${rec ? `${rec.pass ? 'PASS' : 'FAIL'} (${rec.tickets} tickets from ${POSTS} posts)` : 'not run'}`,
  );

  await gen.close();
  await app.stop();
  await bare.close();
  await fakeProcess.close({ type: 'close' });
  await database.drop();
}

await main();
