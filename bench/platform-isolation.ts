// npm run bench:isolation — issue 10's isolation figure: how long a customer's email waits for its
// acknowledgement (SMTP 250 from Relevo's listener → the acknowledgement in the SMTP sink) while every new
// ticket's card goes to Slack, with Slack's Web API up (the baseline), hanging (it takes each call and never
// answers) and refusing connections — the three in the same run, each on a fresh Relevo. Emails are sent one
// after the other, each once the previous one's acknowledgement is in. Prints figures; asserts nothing.
//
// Environment: BENCH_ISOLATION_N (emails per series, default 20).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { type App, createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { type SmtpSink, startSmtpSink } from '../test/harness/email/smtp-sink.ts';
import { type FakeSlack, startFakeSlack } from '../test/harness/slack/fake-web-api.ts';

const N = Number(process.env.BENCH_ISOLATION_N ?? 20);
const SUPPORT = 'support@support.test';
const AGENTS = 'C0AGENTS01';
const configYaml = `${testConfigYaml}
webchat:
  enabled: false
channels:
  - { platform: slack, id: ${AGENTS}, kind: agents }
email:
  defaultOrganisation: acme
  autoRepliesPerHour: 1000
`;

type Mode = 'up' | 'hanging' | 'refused';

interface Series {
  mode: Mode;
  /** ms from the 250 to the acknowledgement in the sink, one per email. */
  delays: number[];
  /** Slack cards of the series' tickets delivered by its end. */
  cards: number;
}

/** A loopback port that was just free and is closed: connecting to it is refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRelevo(dir: string, sink: SmtpSink, apiUrl: string, botToken: string): Promise<App> {
  const env = parseEnv({
    RELEVO_DATA_DIR: dir,
    PORT: '0',
    RELEVO_API_TOKEN: 'bench-token-0123456789',
    LOG_LEVEL: 'silent',
    RELEVO_SUPPORT_ADDRESS: SUPPORT,
    RELEVO_SMTP_URL: sink.url,
    RELEVO_SMTP_LISTEN_PORT: '0',
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: 'slack-signing-secret-for-bench',
    SLACK_API_URL: apiUrl,
  });
  const app = await createApp({
    env,
    config: parseConfigFile(configYaml, 'bench config'),
    logger: pino({ level: 'silent' }),
    pollMs: 200,
  });
  await app.listen();
  return app;
}

async function run(mode: Mode, fake: FakeSlack): Promise<Series> {
  const dir = await mkdtemp(path.join(tmpdir(), `relevo-bench-isolation-${mode}-`));
  const sink = await startSmtpSink();
  const apiUrl = mode === 'refused' ? `http://127.0.0.1:${await refusedPort()}/api/` : fake.url;
  const app = await startRelevo(dir, sink, apiUrl, fake.botToken);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort(), secure: false });
  const delays: number[] = [];
  try {
    // One email first, untimed: it warms up the listener, the parser and the database's first queries.
    await transport.sendMail({ from: 'warm@example.com', to: SUPPORT, subject: 'Warm-up', text: 'Hello.' });
    await sink.waitFor(1, 120_000);
    if (mode === 'hanging') fake.hang();
    for (let i = 0; i < N; i++) {
      await transport.sendMail({
        from: `Customer ${i} <customer${i}@example.com>`,
        to: SUPPORT,
        subject: `Problem ${i} (${mode})`,
        text: `Something is broken, report ${i}.`,
      });
      const accepted = performance.now();
      await sink.waitFor(i + 2, 120_000);
      delays.push(performance.now() - accepted);
    }
    const cards = fake.messages(AGENTS).filter((m) => JSON.stringify(m).includes(`(${mode})`)).length;
    return { mode, delays, cards };
  } finally {
    transport.close();
    // Held calls are answered (or dropped), so Relevo's stop does not wait out Slack's timeout.
    fake.resume();
    await app.stop();
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(9);

async function main() {
  console.log(
    `Node ${process.version}, ${cpus().length} CPUs; ${N} emails per series, each new ticket's card goes to Slack`,
  );
  const fake = await startFakeSlack({ channels: [{ id: AGENTS, name: 'support-agents' }] });
  const series: Series[] = [];
  try {
    for (const mode of ['up', 'hanging', 'refused'] as const) {
      process.stderr.write(`… Slack ${mode}\n`);
      series.push(await run(mode, fake));
    }
  } finally {
    await fake.close();
  }
  const base = series[0]!;
  console.log(
    `  ${'Slack Web API'.padEnd(16)}${'median'.padStart(9)}${'p90'.padStart(9)}${'max'.padStart(9)}   vs up (median, max)   Slack cards delivered`,
  );
  for (const s of series) {
    const ratio = (f: (xs: number[]) => number) => `${(f(s.delays) / f(base.delays)).toFixed(2)}×`;
    console.log(
      `  ${s.mode.padEnd(16)}${ms(pct(s.delays, 50))}${ms(pct(s.delays, 90))}${ms(Math.max(...s.delays))}   ${ratio((x) => pct(x, 50)).padStart(7)}, ${ratio((x) => Math.max(...x)).padEnd(12)}  ${s.cards} of ${N}`,
    );
  }
  console.log('delay: SMTP 250 from Relevo → the acknowledgement in the SMTP sink');
}

await main();
