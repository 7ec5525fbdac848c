// npm run bench:discord — the Discord adapter's figures: (1) how soon Relevo sends the initial response
// (the callback Discord wants within 3 s) to a /ticket command, a card's "Take it" button and a submitted
// Priority form, under a steady open-loop load, beside a bare discord.js client answering the same
// interactions with a deferral in the same run; (2) 1,000 customers' messages over the gateway with the
// connection dropped in the middle (discord.js resumes, the fake replays what was missed): exactly 1,000
// tickets, none twice, and how long the last one took. Prints figures, PASS/FAIL and the figures as JSON;
// exits 0 either way.
//
// Latency is the fake Discord's `msSinceDispatch` of the first callback: from the fake sending
// INTERACTION_CREATE over the gateway to the callback arriving at its REST API — what Discord's 3 s
// window measures. The fake runs in its own process (the real Discord is another machine, and its timers
// must keep time while Relevo is busy), as bench/mattermost.ts runs its fake; it sends the interactions and
// the customers' messages on its own timers. Relevo and the bare client share this process, one idle
// while the other is measured, so the loop, CPU and stall columns are the measured one's.
//
// Environment: BENCH_DISCORD_N (interactions per measured series, default 300; warm-up: a tenth, at most
// 30, not counted), BENCH_DISCORD_RATE (interactions/s, default 20), BENCH_DISCORD_MESSAGES (messages in
// the resume run, default 1000), BENCH_DISCORD_MESSAGE_RATE (messages/s, default 20), BENCH_DISCORD_DB
// (`dir`: PGlite in a temp data directory, as `relevo start` runs — the default; `memory`: in-memory
// PGlite; `postgres`: a throw-away database on BENCH_DISCORD_PG_URL, default
// postgres://postgres@127.0.0.1:5432/test), BENCH_DISCORD_ONLY (`interactions` or `resume`: that part
// alone). Run it alone: it measures milliseconds on a 2-core machine, and prints how much CPU others took.
import { type APIInteraction, type APIMessage, Client, GatewayDispatchEvents, Routes } from 'discord.js';
import pino from 'pino';
import { GATEWAY_INTENTS } from '../adapters/discord/invite.ts';
import { registerApplicationCommand } from '../adapters/discord/register.ts';
import { type App, createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { chatPlatformYaml } from '../test/fixtures/config.ts';
import { readMessage } from '../test/harness/discord/read-message.ts';
import type {
  FakeInfo,
  GuildSpec,
  InteractionSpec,
  MessageRun,
  MessageRunResult,
  SeriesResult,
  Which,
} from './discord-fake.ts';
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
  printTable,
  ratio,
  secs,
  statusCounts,
} from './lib/stats.ts';
import { reach, until } from './lib/wait.ts';

const N = positiveEnv('BENCH_DISCORD_N', 300);
const RATE = positiveEnv('BENCH_DISCORD_RATE', 20);
const MESSAGES = positiveEnv('BENCH_DISCORD_MESSAGES', 1000);
const MESSAGE_RATE = positiveEnv('BENCH_DISCORD_MESSAGE_RATE', 20);
const DB = process.env.BENCH_DISCORD_DB ?? 'dir';
const PG_URL = process.env.BENCH_DISCORD_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ONLY = process.env.BENCH_DISCORD_ONLY;
if (ONLY && ONLY !== 'interactions' && ONLY !== 'resume')
  throw new Error('BENCH_DISCORD_ONLY is `interactions` or `resume`');
const WARMUP = Math.min(30, Math.ceil(N / 10));
const DROP_AT = Math.floor(MESSAGES / 2);
/** How long the ticket count may stay the same before the resume run stops waiting for the rest. */
const STALL_MS = 60_000;

// Snowflakes as Discord gives them (17–20 digits).
const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const SUPPORT = id(101);
const SUPPORT_ON_REQUEST = id(102);
const AGENTS = id(103);
const MAINTAINERS = id(104);
const ANA = id(202);
const MIA = id(203);
const CUSTOMERS = Array.from({ length: 10 }, (_, i) => id(500 + i));
const AGENTS_ROLE = id(301);

const guild: GuildSpec = {
  role: { id: AGENTS_ROLE, name: 'Support agents' },
  users: [
    { id: ANA, username: 'ana', globalName: 'Ana', agent: true },
    { id: MIA, username: 'mia', globalName: 'Mia', agent: true },
    ...CUSTOMERS.map((c, i) => ({ id: c, username: `customer${i}`, globalName: `Customer ${i}` })),
  ],
  channels: [
    { id: SUPPORT, name: 'acme-support' },
    { id: SUPPORT_ON_REQUEST, name: 'acme-help' },
    { id: AGENTS, name: 'support-agents' },
    { id: MAINTAINERS, name: 'platform-maintainers' },
  ],
};

const configYaml = chatPlatformYaml('discord', {
  ana: ANA,
  mia: MIA,
  support: SUPPORT,
  supportOnRequest: SUPPORT_ON_REQUEST,
  agents: AGENTS,
  maintainers: MAINTAINERS,
}).concat(`
webchat:
  enabled: false
`);

// ---- the series ------------------------------------------------------------------------------------

interface Series extends Measured {
  label: string;
  result: SeriesResult;
}

const summary = (xs: number[]) => ({
  median: pct(xs, 50),
  p90: pct(xs, 90),
  p99: pct(xs, 99),
  max: Math.max(...xs),
});

const answeredOf = (s: Series) => s.result.samples.filter((x) => x.callbackType !== -1);

function printSeries(rows: Series[]) {
  printTable(
    rows.map((r) => {
      const answered = answeredOf(r);
      const parts = statusCounts(r.result.samples.map((x) => x.callbackType)).map((p) =>
        p.replace(/×(-1|\d+)$/, (_, t) => (t === '-1' ? '× unanswered' : `× type ${t}`)),
      );
      const precise = answered.map((x) => x.preciseMs);
      parts.push(`(sub-ms clock: median ${ms(pct(precise, 50))}, p99 ${ms(pct(precise, 99))})`);
      return { ...r, latencies: answered.map((x) => x.msSinceDispatch), note: parts.join(' ') };
    }),
  );
}

// ---- the run --------------------------------------------------------------------------------------

async function main() {
  console.log('Relevo Discord benchmark');
  console.log(environmentLine());

  const fakeProcess = new Child(new URL('./discord-fake.ts', import.meta.url));
  await fakeProcess.ready;
  const pids = [process.pid, fakeProcess.pid];
  const fakes = await fakeProcess.call<Record<Which, FakeInfo>>({ type: 'start', guild });
  const call = <T>(msg: Record<string, unknown>) => fakeProcess.call<T>(msg);
  // /ticket installed on both fakes, so a command's options come typed as Discord types them.
  for (const f of Object.values(fakes)) {
    await registerApplicationCommand({
      token: f.botToken,
      applicationId: f.applicationId,
      apiUrl: f.apiUrl,
      guildId: f.guildId,
    });
  }

  // The bare client: discord.js logged in with Relevo's intents, answering every interaction with an
  // ephemeral deferral — or, once, with a given answer (the modal the submissions mirror).
  const bare = new Client({ intents: GATEWAY_INTENTS, rest: { api: fakes.bare.apiUrl } });
  let nextAnswer: { type: number; data?: unknown } | undefined;
  bare.ws.on(GatewayDispatchEvents.InteractionCreate, (d: APIInteraction) => {
    const body = nextAnswer ?? { type: 5, data: { flags: 64 } };
    nextAnswer = undefined;
    bare.rest
      .post(Routes.interactionCallback(d.id, d.token), { body })
      .catch((err: unknown) => console.error('bare client: callback failed', err));
  });
  await bare.login(fakes.bare.botToken);

  const database = await openDatabaseEnv(DB, PG_URL, 'discord');
  const t0 = performance.now();
  const app: App = await createApp({
    env: parseEnv({
      ...database.env,
      PORT: '0',
      RELEVO_API_TOKEN: 'bench-token-0123456789',
      LOG_LEVEL: 'silent',
      DISCORD_BOT_TOKEN: fakes.relevo.botToken,
      DISCORD_APPLICATION_ID: fakes.relevo.applicationId,
      DISCORD_API_URL: fakes.relevo.apiUrl,
      DISCORD_AGENTS_ROLE: AGENTS_ROLE,
      DISCORD_GATEWAY_RETRY_MS: '1000',
    }),
    config: parseConfigFile(configYaml, 'bench'),
    logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
    pollMs: 1000,
  });
  const relevoUrl = await app.listen();
  const db = app.db.prisma;
  await until(async () => (await fetch(`${relevoUrl}/readyz`)).ok, 30_000, 100);
  console.log(`database: ${database.description} (Relevo up and connected in ${ms(performance.now() - t0)})`);

  const inboxPending = () => db.inboundEvent.count({ where: { processedAt: null } });
  const outboxPending = () => db.outboxItem.count({ where: { status: 'pending', platform: 'discord' } });
  const settle = async () => {
    await until(async () => (await inboxPending()) === 0, 10 * 60_000, 200);
    await app.settle();
    await until(async () => (await outboxPending()) === 0, 10 * 60_000, 200);
  };
  const json: Record<string, unknown> = {
    database: database.description,
    node: process.version,
  };

  /** 1. Initial-response latency. */
  const interactions = async () => {
    // A ticket, and its card among the agents: the buttons the series press.
    await call({
      type: 'userMessage',
      fake: 'relevo',
      channel: SUPPORT,
      user: CUSTOMERS[0],
      text: 'The invoice page is blank since this morning',
    });
    let card: APIMessage | undefined;
    await until(
      async () => {
        card = (await call<APIMessage[]>({ type: 'botMessages', fake: 'relevo', channel: AGENTS })).find(
          (m) => readMessage(m).buttons.some((b) => b.label === 'Take it'),
        );
        return Boolean(card);
      },
      60_000,
      100,
    );
    const read = readMessage(card!);
    const ticket = Number(/^#(\d+)/.exec(read.title ?? '')?.[1]);
    const button = (label: string) => {
      const b = read.buttons.find((x) => x.label === label);
      if (!b) throw new Error(`the card has no "${label}" button: ${read.buttons.map((x) => x.label)}`);
      return b.customId;
    };
    const takeIt = button('Take it');
    const priority = button('Priority…');
    // The modal "Priority…" opens, so its submissions have the layout Relevo shows.
    const shown = await call<{ type: number; data: { custom_id: string } } | null>({
      type: 'interactOnce',
      fake: 'relevo',
      spec: { kind: 'button', userId: ANA, channelId: AGENTS, messageId: card!.id, customId: priority },
    });
    if (shown?.type !== 9) throw new Error(`"Priority…" did not open a modal: ${JSON.stringify(shown)}`);

    // The bare fake gets the same card (posted by the bare client) and the same modal (its answer once).
    const bareCard = (await bare.rest.post(Routes.channelMessages(AGENTS), {
      body: { content: card!.content, embeds: card!.embeds, components: card!.components },
    })) as APIMessage;
    nextAnswer = { type: 9, data: shown.data };
    await call({
      type: 'interactOnce',
      fake: 'bare',
      spec: { kind: 'button', userId: ANA, channelId: AGENTS, messageId: bareCard.id, customId: priority },
    });

    const specs = (messageId: string): [string, InteractionSpec][] => [
      [
        '/ticket show',
        {
          kind: 'slash',
          userId: ANA,
          channelId: AGENTS,
          name: 'ticket',
          subcommand: 'show',
          options: { ticket },
        },
      ],
      ['"Take it" button', { kind: 'button', userId: ANA, channelId: AGENTS, messageId, customId: takeIt }],
      [
        'Priority modal submit',
        {
          kind: 'modal',
          userId: ANA,
          channelId: AGENTS,
          customId: shown.data.custom_id,
          values: { priority: 'high' },
          messageId,
        },
      ],
    ];
    console.log(
      `interactions: as the fake Discord sends them over the gateway — /ticket show ${ticket} (subcommand with an integer option), ` +
        `"Take it" (custom_id ${takeIt}) on ticket #${ticket}'s card (taken by the first press; later presses still answer), ` +
        `the "Priority…" modal (${shown.data.custom_id}) submitted with priority high; all by the agent Ana in the agents channel`,
    );
    console.log(
      `load: open loop at ${RATE} interactions/s (one every ${(1000 / RATE).toFixed(1)} ms, sent on schedule whatever the answers) from the fake's process, ` +
        `n=${N} per series after ${WARMUP} warm-up ones; latency: the fake's msSinceDispatch of the first callback`,
    );

    const series = async (which: Which, label: string, spec: InteractionSpec, n: number): Promise<Series> => {
      process.stderr.write(`… ${which} ${label} n=${n}\n`);
      const r = await measure(pids, async () => ({
        result: await call<SeriesResult>({ type: 'series', fake: which, spec, n, rate: RATE }),
      }));
      return { label: `${which === 'bare' ? 'bare' : 'Relevo'} ${label}`, ...r };
    };

    // Bare first, while Relevo is idle; then Relevo, warmed up, each series starting with nothing pending.
    const bareSpecs = specs(bareCard.id);
    for (const [label, spec] of bareSpecs) await series('bare', `${label} warm-up`, spec, WARMUP);
    const bareSeries: Series[] = [];
    for (const [label, spec] of bareSpecs) bareSeries.push(await series('bare', label, spec, N));
    const relevoSpecs = specs(card!.id);
    for (const [label, spec] of relevoSpecs) await series('relevo', `${label} warm-up`, spec, WARMUP);
    const relevoSeries: Series[] = [];
    for (const [label, spec] of relevoSpecs) {
      process.stderr.write('… waiting for Relevo to settle\n');
      await settle();
      relevoSeries.push(await series('relevo', label, spec, N));
    }
    // Relevo's answers themselves (the deferral edited with the outcome) come after; they must all come.
    const answersSettled = await settle().then(
      () => true,
      () => false,
    );
    const edited = await Promise.all(
      relevoSeries.map((s) => call<number>({ type: 'edited', fake: 'relevo', ids: s.result.ids })),
    );

    console.log('');
    console.log(
      '1. Initial-response latency: the fake’s msSinceDispatch (INTERACTION_CREATE sent → callback received, whole ms) of the first callback',
    );
    console.log(
      '  (loop: event-loop utilisation of this process — Relevo’s, or the bare client’s; CPU: its CPU time / wall time; others: cores used' +
        ' meanwhile by processes outside this benchmark — anything above ~0.2 skews the figures; stall: its event-loop delay, p99 and max)',
    );
    const rows = relevoSeries.flatMap((r, i) => [bareSeries[i]!, r]);
    printSeries(rows);
    const lags = rows.flatMap((s) => s.result.samples.map((x) => x.lag));
    console.log(
      `  sender lag (actual − scheduled dispatch, in the fake's process): median ${ms(pct(lags, 50))}, p99 ${ms(pct(lags, 99))}, max ${ms(Math.max(...lags))}; ` +
        `Relevo's outbox and inbox drained afterwards: ${answersSettled ? 'yes' : 'NO (gave up waiting)'}; ` +
        `deferrals Relevo then edited with its answer: ${relevoSpecs.map(([label], i) => `${label} ${edited[i]}/${N}`).join(', ')}`,
    );
    const figures: Record<string, unknown> = {};
    console.log('');
    for (const [i, [label]] of relevoSpecs.entries()) {
      const r = answeredOf(relevoSeries[i]!).map((x) => x.msSinceDispatch);
      const b = answeredOf(bareSeries[i]!).map((x) => x.msSinceDispatch);
      const [rs, bs] = [summary(r), summary(b)];
      const slow = rs.median > 5 * bs.median;
      console.log(
        `   ${label.padEnd(28)} Relevo/bare: median ${ratio(rs.median, bs.median)}, p90 ${ratio(rs.p90, bs.p90)}, p99 ${ratio(rs.p99, bs.p99)}, max ${ratio(rs.max, bs.max)}` +
          `; unanswered: Relevo ${relevoSeries[i]!.result.unanswered}, bare ${bareSeries[i]!.result.unanswered}` +
          (slow ? '  ← median over 5× the bare client' : ''),
      );
      const precise = (s: Series) => summary(answeredOf(s).map((x) => x.preciseMs));
      figures[label] = {
        relevo: {
          ...rs,
          unanswered: relevoSeries[i]!.result.unanswered,
          preciseMs: precise(relevoSeries[i]!),
        },
        bare: { ...bs, unanswered: bareSeries[i]!.result.unanswered, preciseMs: precise(bareSeries[i]!) },
        ratio: {
          median: rs.median / bs.median,
          p90: rs.p90 / bs.p90,
          p99: rs.p99 / bs.p99,
          max: rs.max / bs.max,
        },
        relevoAnswered: edited[i],
        relevoLoop: { elu: relevoSeries[i]!.elu, cpu: relevoSeries[i]!.cpu, stall: relevoSeries[i]!.stall },
      };
    }
    json.interactions = { n: N, rate: RATE, warmup: WARMUP, unit: 'ms (msSinceDispatch)', series: figures };
  };

  /** 2. 1,000 messages with the gateway dropped (and resumed) in the middle; whether it passed. */
  const resume = async (): Promise<boolean> => {
    await settle();
    const before = await call<{ identifies: number; resumes: number }>({
      type: 'gatewayCounts',
      fake: 'relevo',
    });
    const ticketsBefore = await db.ticket.count();
    const inboxKey = { key: { startsWith: 'discord:message:' } };
    const inboxBefore = await db.inboundEvent.count({ where: inboxKey });
    const run: MessageRun = {
      n: MESSAGES,
      rate: MESSAGE_RATE,
      channel: SUPPORT,
      users: CUSTOMERS,
      dropAt: DROP_AT,
      text: 'Printer {i} shows error E{i} when printing the monthly report',
    };
    process.stderr.write(
      `… resume run: ${MESSAGES} messages at ${MESSAGE_RATE}/s, drop before message ${DROP_AT}\n`,
    );
    const watched = await measure(pids, async () => {
      const result = await call<MessageRunResult>({ type: 'messageRun', run });
      const ticketsAt = await reach(
        async () => (await db.ticket.count()) - ticketsBefore,
        MESSAGES,
        STALL_MS,
      );
      return { result, ticketsAt };
    });
    const { result } = watched;
    // Let what is still in flight land (nothing more should), then count.
    await until(async () => (await inboxPending()) === 0, 10 * 60_000, 200).catch(() => undefined);
    await app.settle();
    await new Promise((r) => setTimeout(r, 2000));
    const ids = new Set(result.ids);
    const keys = result.ids.map((m) => `discord:message:${m}`);
    const refs = result.ids.map((m) => `discord:${SUPPORT}:${m}:${m}`);
    const [tickets, inboxAll, inboxRows, links, events, failed, after] = await Promise.all([
      db.ticket.count(),
      db.inboundEvent.count({ where: inboxKey }),
      db.inboundEvent.findMany({ where: { key: { in: keys } }, select: { key: true, receivedAt: true } }),
      db.conversationLink.findMany({
        where: { platform: 'discord', channel: SUPPORT, thread: { in: result.ids } },
        select: { thread: true, ticketNumber: true, createdAt: true },
      }),
      db.ticketEvent.findMany({
        where: { channelRef: { in: refs }, authorKind: 'contact' },
        select: { channelRef: true, ticketNumber: true },
      }),
      db.inboundEvent.count({ where: { key: { in: keys }, lastError: { not: null } } }),
      call<{ identifies: number; resumes: number; connected: boolean }>({
        type: 'gatewayCounts',
        fake: 'relevo',
      }),
    ]);
    const ticketsNew = tickets - ticketsBefore;
    const inboxNew = inboxAll - inboxBefore;
    // A message on more than one ticket, or twice on one: each extra time it was stored.
    const perMessage = new Map<string, number>();
    for (const e of events) perMessage.set(e.channelRef!, (perMessage.get(e.channelRef!) ?? 0) + 1);
    const doubled =
      [...perMessage.values()].reduce((a, c) => a + (c - 1), 0) + Math.max(0, ticketsNew - perMessage.size);
    const linked = links.filter((l) => ids.has(l.thread));
    const lastTicketAt = Math.max(...linked.map((l) => l.createdAt.getTime()));
    const ticketDelay = linked.map(
      (l) =>
        l.createdAt.getTime() - (result.startedAt + (result.ids.indexOf(l.thread) * 1000) / MESSAGE_RATE),
    );
    const resumes = after.resumes - before.resumes;
    const pass =
      ticketsNew === MESSAGES && inboxRows.length === MESSAGES && inboxNew === MESSAGES && doubled === 0;
    const rel = (at: number) => secs(at - result.startedAt);

    console.log('');
    console.log(
      `2. Resume: ${MESSAGES} messages by ${CUSTOMERS.length} customers in the support channel at ${MESSAGE_RATE}/s (open loop, from the fake's process; ` +
        `its lag median ${ms(result.lag.median)}, max ${ms(result.lag.max)}); before message ${DROP_AT} the fake closes the bot's gateway socket (4000)`,
    );
    console.log(
      `   timeline (from the first message): dropped at ${rel(result.droppedAt)}, last message at ${rel(result.endedAt)}, ` +
        `all ${MESSAGES} tickets at ${watched.ticketsAt ? rel(watched.ticketsAt) : `never (gave up after ${secs(STALL_MS)} without one more)`}; ` +
        `${result.whileDisconnected} messages were sent while no session was open (replayed on RESUME)`,
    );
    console.log(
      `   message → ticket (conversation link created): median ${secs(pct(ticketDelay, 50))}, p99 ${secs(pct(ticketDelay, 99))}, max ${secs(Math.max(...ticketDelay))}; ` +
        `last message → last ticket: ${secs(lastTicketAt - result.endedAt)}`,
    );
    console.log(
      `   this process during the run: loop ${(watched.elu * 100).toFixed(0)}%, CPU ${(watched.cpu * 100).toFixed(0)}%, ` +
        `stall p99/max ${watched.stall.p99.toFixed(0)}/${watched.stall.max.toFixed(0)} ms, others ${watched.others?.toFixed(2) ?? '?'} cores`,
    );
    console.log(
      `   tickets created: ${ticketsNew} (expected ${MESSAGES}); inbox rows discord:message:* added: ${inboxNew} (rows for these messages: ${inboxRows.length}, with an error: ${failed}); ` +
        `tickets stored twice: ${doubled}; conversation links: ${linked.length}`,
    );
    console.log(
      `   gateway (the fake's count, whole run): identifies ${after.identifies}, resumes ${after.resumes} (this run: ${resumes}); connected at the end: ${after.connected}`,
    );
    console.log(`   exactly ${MESSAGES}: ${pass ? 'PASS' : 'FAIL'}`);
    json.resume = {
      messages: MESSAGES,
      rate: MESSAGE_RATE,
      dropAt: DROP_AT,
      ticketsCreated: ticketsNew,
      inboxRows: inboxNew,
      inboxRowsForTheseMessages: inboxRows.length,
      ticketsStoredTwice: doubled,
      inboxErrors: failed,
      resumes: after.resumes,
      resumesThisRun: resumes,
      identifies: after.identifies,
      sentWhileDisconnected: result.whileDisconnected,
      lastMessageToLastTicketMs: lastTicketAt - result.endedAt,
      allTicketsAfterFirstMessageMs: watched.ticketsAt ? watched.ticketsAt - result.startedAt : null,
      messageToTicketMs: summary(ticketDelay),
      pass,
    };
    return pass;
  };

  if (ONLY !== 'resume') await interactions();
  const passed = ONLY === 'interactions' ? undefined : await resume();
  console.log('');
  console.log(`load average at the end: ${loadavg()} (other processes on the machine skew every figure)`);
  console.log(`summary: resume run ${passed === undefined ? 'not run' : passed ? 'PASS' : 'FAIL'}`);
  console.log(`JSON ${JSON.stringify(json)}`);

  await app.stop();
  await bare.destroy();
  await fakeProcess.close({ type: 'close' });
  await database.drop();
}

await main();
