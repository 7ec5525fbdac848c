// npm run bench:imap — the issue's measurement for IMAP intake: a real Dovecot holds 500 customer messages,
// the real Relevo process (`node bin/relevo.mjs start`) reads them from RELEVO_IMAP_URL and is killed with
// SIGKILL part-way (once the done folder holds ≥ 100 messages and the INBOX is not yet empty), then started
// again on the same data directory. Passes when the INBOX ends empty, the done folder holds each message
// once, and the API shows each of the 500 subjects in exactly one ticket. Exit code 1 on FAIL.
// The kill comes a random 0–600 ms after the threshold, so it can land between storing a message and moving it.
// Knobs: IMAP_BENCH_MESSAGES (500), IMAP_BENCH_KILL_AT (100), IMAP_BENCH_KILL_DELAY_MS (random 0–600),
// IMAP_BENCH_TIMEOUT_MS (300000), IMAP_BENCH_LOG_LEVEL (Relevo's LOG_LEVEL, warn).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { openDatabase } from '../src/db/index.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { type Dovecot, startDovecot } from '../test/harness/email/dovecot.ts';
import { type SmtpSink, startSmtpSink } from '../test/harness/email/smtp-sink.ts';

const N = Number(process.env.IMAP_BENCH_MESSAGES ?? 500);
const KILL_AT = Number(process.env.IMAP_BENCH_KILL_AT ?? 100);
const KILL_DELAY_MS = Number(process.env.IMAP_BENCH_KILL_DELAY_MS ?? Math.floor(Math.random() * 600));
const TIMEOUT_MS = Number(process.env.IMAP_BENCH_TIMEOUT_MS ?? 300_000);
const TOKEN = 'imap-bench-token-0123456789';
const SUPPORT = 'support@relevo.test';
const CUSTOMER_DOMAIN = 'example.com'; // acme's emailDomains in the test config
const DONE_FOLDER = ['Relevo', 'Processed']; // RELEVO_IMAP_DONE_FOLDER's default, Relevo/Processed
const ROOT = path.resolve(import.meta.dirname, '..');

// The tests' organisations; senders from acme's domain, and any other lands in acme too.
const CONFIG_YAML = `${testConfigYaml}\nemail:\n  defaultOrganisation: acme\n`;

const TOPICS = [
  'VPN drops every hour',
  'Invoice shows the wrong VAT number',
  'Cannot reset my password',
  'Dashboard is slow in the morning',
  'Export to CSV cuts long names',
  'Two-factor codes arrive late',
  'Printer queue stuck on floor 3',
  'API returns 502 for large uploads',
];
const FIRST = ['Laura', 'Diego', 'Marta', 'Pablo', 'Sofía', 'Javier', 'Elena', 'Tomás', 'Irene', 'Hugo'];
const LAST = ['García', 'Martín', 'López', 'Sánchez', 'Romero'];

const subjectFor = (i: number) => `${TOPICS[i % TOPICS.length]} (report ${String(i + 1).padStart(4, '0')})`;

/** A message as a mail client would write it: multipart text + HTML, some with a small attachment. */
async function buildMessage(i: number): Promise<Buffer> {
  const c = i % 50;
  const name = `${FIRST[c % FIRST.length]} ${LAST[Math.floor(c / FIRST.length) % LAST.length]}`;
  const from = `customer${String(c + 1).padStart(2, '0')}@${CUSTOMER_DOMAIN}`;
  const topic = TOPICS[i % TOPICS.length]!;
  const text = [
    'Hello support team,',
    '',
    `${topic}: it started this morning around ${8 + (i % 9)}:${String((i * 7) % 60).padStart(2, '0')}.`,
    `It affects ${1 + (i % 12)} people in our office; we restarted twice without any change.`,
    'Could you take a look? I can share more details or a screen recording if that helps.',
    '',
    'Thanks,',
    name,
    'Acme Corp — Operations',
  ].join('\n');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({
    from: { name, address: from },
    to: SUPPORT,
    subject: subjectFor(i),
    messageId: `<bench-${i + 1}.${Date.now().toString(36)}@${CUSTOMER_DOMAIN}>`,
    date: new Date(Date.UTC(2025, 6, 1, 9, 0, i)),
    text,
    html: `<p>${text.split('\n').join('<br>\n')}</p>`,
    attachments:
      i % 7 === 0
        ? [
            {
              filename: `log-${i + 1}.txt`,
              content: `${'2025-07-01T09:00:00Z ERROR connection reset\n'.repeat(40)}`,
            },
          ]
        : [],
  });
  return info.message as Buffer;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real process; its output goes to a log file (LOG_LEVEL=warn), summarised at the end. */
function startRelevo(env: NodeJS.ProcessEnv, logFile: string, label: string): Run {
  const out = createWriteStream(logFile, { flags: 'a' });
  out.write(`--- ${label} ---\n`);
  const child = spawn(process.execPath, ['bin/relevo.mjs', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      // Let the pipes drain into the file before it is closed.
      setTimeout(() => out.end(), 50);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}

async function waitHealthy(run: Run, base: string, deadline: number): Promise<void> {
  let exited = false;
  void run.exited.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error('Relevo exited before becoming healthy (see its log)');
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error('Relevo did not become healthy in time');
    await sleep(50);
  }
}

interface TicketSummary {
  number: number;
  subject: string;
}

async function allTickets(base: string): Promise<TicketSummary[]> {
  const out: TicketSummary[] = [];
  let cursor: string | null = null;
  do {
    const url = `${base}/api/v1/tickets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { tickets: TicketSummary[]; nextCursor: string | null };
    out.push(...page.tickets);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const t0 = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-imap-bench-'));
  const logFile = path.join(dir, 'relevo.log');
  let dv: Dovecot | undefined;
  let sink: SmtpSink | undefined;
  let monitor: ImapFlow | undefined;
  let run: Run | undefined;
  let ok = false;
  try {
    dv = await startDovecot();
    sink = await startSmtpSink();
    const configFile = path.join(dir, 'relevo.yaml');
    await writeFile(configFile, CONFIG_YAML);

    // One connection appends everything (the harness's append() would log in once per message).
    const appender = new ImapFlow({ ...dv.imapOptions(), disableAutoIdle: true });
    await appender.connect();
    const tAppend = performance.now();
    const messageIds = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      const raw = await buildMessage(i);
      bytes += raw.length;
      messageIds.add(/^Message-ID: (.*)\r$/im.exec(raw.toString())![1]!);
      const res = await appender.append('INBOX', raw);
      if (!res) throw new Error(`APPEND ${i} failed`);
    }
    await appender.logout();
    console.log(
      `appended ${N} messages (${(bytes / 1024).toFixed(0)} KiB, ${messageIds.size} distinct Message-IDs) to INBOX in ${fmt(performance.now() - tAppend)}`,
    );

    monitor = new ImapFlow({ ...dv.imapOptions(), disableAutoIdle: true });
    monitor.on('error', () => {});
    await monitor.connect();
    const doneBox = DONE_FOLDER.join(monitor.namespace?.delimiter ?? '/');
    const m = monitor;
    const counts = async () => {
      const inboxStatus = await m.status('INBOX', { messages: true });
      if (!inboxStatus) throw new Error('STATUS INBOX failed');
      // The done folder appears once Relevo has connected.
      const doneStatus = await m.status(doneBox, { messages: true }).catch(() => false as const);
      const inbox = inboxStatus.messages ?? 0;
      const done = doneStatus ? (doneStatus.messages ?? 0) : 0;
      return { inbox, done };
    };

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(RELEVO_|SLACK_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k),
      ),
    );
    Object.assign(env, {
      PORT: String(port),
      HOST: '127.0.0.1',
      RELEVO_DATA_DIR: path.join(dir, 'data'),
      RELEVO_CONFIG: configFile,
      RELEVO_API_TOKEN: TOKEN,
      RELEVO_SUPPORT_ADDRESS: SUPPORT,
      RELEVO_IMAP_URL: `imap://${encodeURIComponent(dv.user)}:${encodeURIComponent(dv.password)}@${dv.host}:${dv.port}/INBOX`,
      RELEVO_SMTP_URL: sink.url,
      LOG_LEVEL: process.env.IMAP_BENCH_LOG_LEVEL ?? 'warn',
    });
    const deadline = Date.now() + TIMEOUT_MS;

    // Run 1: start, then SIGKILL in the middle of the ingest.
    const tStart1 = performance.now();
    run = startRelevo(env, logFile, 'run 1');
    await waitHealthy(run, base, deadline);
    const tHealthy1 = performance.now();
    console.log(`run 1: healthy after ${fmt(tHealthy1 - tStart1)} (new PGlite data directory)`);
    let atKill = { inbox: 0, done: 0 };
    let tFirstMove = 0;
    let tThreshold = 0;
    for (;;) {
      const c = await counts();
      const now = performance.now();
      if (c.done > 0 && !tFirstMove) tFirstMove = now;
      if (c.done >= KILL_AT && !tThreshold) tThreshold = now;
      if (tThreshold && now - tThreshold >= KILL_DELAY_MS && c.inbox > 0) {
        run.child.kill('SIGKILL');
        atKill = c;
        break;
      }
      if (c.inbox === 0)
        throw new Error(`the ingest finished before the kill (done: ${c.done}); lower IMAP_BENCH_KILL_AT`);
      if (Date.now() > deadline) throw new Error(`timed out before the kill (${JSON.stringify(c)})`);
      await sleep(25);
    }
    const tKill = performance.now();
    const exit1 = await run.exited;
    run = undefined;
    const afterKill = await counts();
    console.log(
      `run 1: SIGKILL after ${fmt(tKill - tStart1)}, ${KILL_DELAY_MS} ms after the done folder reached ${KILL_AT} (${exit1.signal}); at the kill: done folder ${atKill.done}, INBOX ${atKill.inbox}; once dead: done ${afterKill.done}, INBOX ${afterKill.inbox}`,
    );

    // What the killed process left behind: stored messages that were not yet moved will be read again.
    const dbAtKill = await openDatabase({ dataDir: env.RELEVO_DATA_DIR! });
    const storedAtKill = await dbAtKill.prisma.inboundEvent.count({ where: { source: 'email.message' } });
    const ticketsAtKill = await dbAtKill.prisma.ticket.count();
    await dbAtKill.close();
    console.log(
      `run 1: in the database after the kill: ${storedAtKill} messages stored, ${ticketsAtKill} tickets; ` +
        `${Math.max(0, storedAtKill - afterKill.done)} stored but not moved (to be re-read)`,
    );

    // Run 2: restart on the same data directory and mailbox; wait until everything is in.
    const tStart2 = performance.now();
    run = startRelevo(env, logFile, 'run 2');
    await waitHealthy(run, base, deadline);
    const tHealthy2 = performance.now();
    let tInboxEmpty = 0;
    let tickets: TicketSummary[] = [];
    for (;;) {
      const c = await counts();
      if (c.inbox === 0 && !tInboxEmpty) tInboxEmpty = performance.now();
      if (tInboxEmpty) {
        tickets = await allTickets(base);
        if (tickets.length >= N) break;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after the restart (${JSON.stringify(c)}, ${tickets.length} tickets)`);
      await sleep(tInboxEmpty ? 200 : 50);
    }
    const tAll = performance.now();
    // A little longer, so a late duplicate would have time to show up.
    await sleep(1_500);
    tickets = await allTickets(base);
    const final = await counts();
    console.log(
      `run 2: healthy after ${fmt(tHealthy2 - tStart2)}; INBOX empty ${fmt(tInboxEmpty - tHealthy2)} later; all tickets visible ${fmt(tAll - tHealthy2)} after healthy`,
    );

    // Stop run 2 cleanly, then look at the database directly.
    const tStop2 = performance.now();
    run.child.kill('SIGTERM');
    const exit2 = await run.exited;
    const stopMs = performance.now() - tStop2;
    run = undefined;
    const db = await openDatabase({ dataDir: env.RELEVO_DATA_DIR! });
    const stored = await db.prisma.inboundEvent.count({ where: { source: 'email.message' } });
    const emailRows = await db.prisma.emailMessage.count();
    const ticketRows = await db.prisma.ticket.count();
    await db.close();

    // The done folder: every Message-ID once.
    const doneIds = new Map<string, number>();
    await m.mailboxOpen(doneBox, { readOnly: true });
    for await (const msg of m.fetch('1:*', { uid: true, envelope: true })) {
      const id = msg.envelope?.messageId ?? '';
      doneIds.set(id, (doneIds.get(id) ?? 0) + 1);
    }

    const bySubject = new Map<string, number>();
    for (const t of tickets) bySubject.set(t.subject, (bySubject.get(t.subject) ?? 0) + 1);
    const subjects = Array.from({ length: N }, (_, i) => subjectFor(i));
    const missing = subjects.filter((s) => !bySubject.has(s));
    const duplicated = subjects.filter((s) => (bySubject.get(s) ?? 0) > 1);
    const unexpected = tickets.filter((t) => !subjects.includes(t.subject));
    const doneMissing = [...messageIds].filter((id) => !doneIds.has(id));
    const doneDup = [...doneIds.values()].filter((n) => n > 1).length;

    const ingestMs = tKill - (tFirstMove || tHealthy1) + (tInboxEmpty - tHealthy2);
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const warnLines = log.split('\n').filter((l) => /"level":(40|50|60)/.test(l));
    const messages = new Map<string, number>();
    for (const l of warnLines) {
      let msg = l.slice(0, 160);
      try {
        const j = JSON.parse(l) as { msg?: string; err?: { message?: string } };
        msg = `${j.msg ?? ''}${j.err?.message ? `: ${j.err.message.split('\n')[0]!.slice(0, 160)}` : ''}`;
      } catch {}
      messages.set(msg, (messages.get(msg) ?? 0) + 1);
    }

    console.log('');
    console.log(`messages appended:             ${N}`);
    console.log(`INBOX at the end:              ${final.inbox}`);
    console.log(
      `done folder at the end:        ${final.done} messages, ${doneIds.size} distinct Message-IDs, ${doneMissing.length} missing, ${doneDup} duplicated`,
    );
    console.log(`stored inbound messages:       ${stored} (EmailMessage rows: ${emailRows})`);
    console.log(`tickets (API):                 ${tickets.length} (database: ${ticketRows})`);
    console.log(
      `subjects: exactly once ${N - missing.length - duplicated.length}, missing ${missing.length}, duplicated ${duplicated.length}, unexpected tickets ${unexpected.length}`,
    );
    const ackIds = new Set(sink.messages.map((x) => /^Message-ID: (.*)\r$/im.exec(x.raw.toString())?.[1]));
    const perRecipient = new Map<string, number>();
    for (const x of sink.messages) {
      for (const to of x.envelope.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    }
    console.log(
      `acknowledgements sent (SMTP):  ${sink.messages.length} (${ackIds.size} distinct Message-IDs, to ${perRecipient.size} senders, at most ${Math.max(0, ...perRecipient.values())} to one)`,
    );
    console.log(
      `run 2 exit on SIGTERM:         ${exit2.code ?? exit2.signal} after ${fmt(stopMs)} (a clean stop drains the outbox: the acknowledgements still queued)`,
    );
    console.log(
      `time: total ${fmt(tAll - tStart1)} from first start to all tickets visible (incl. 2 start-ups and the kill)`,
    );
    console.log(
      `ingest rate: ${(N / (ingestMs / 1000)).toFixed(1)} messages/s moved by the IMAP source (run 1 from its first move to the kill, run 2 from healthy to INBOX empty; ${fmt(ingestMs)} in all)`,
    );
    console.log(
      `warn+ log lines from Relevo: ${warnLines.length}${[...messages].map(([msg, n]) => `\n  ${n} × ${msg}`).join('')}`,
    );
    if (missing.length) console.log(`missing subjects (first 5): ${missing.slice(0, 5).join(' | ')}`);
    if (duplicated.length)
      console.log(`duplicated subjects (first 5): ${duplicated.slice(0, 5).join(' | ')}`);

    ok =
      final.inbox === 0 &&
      final.done === N &&
      doneMissing.length === 0 &&
      doneDup === 0 &&
      stored === N &&
      tickets.length === N &&
      missing.length === 0 &&
      duplicated.length === 0 &&
      unexpected.length === 0 &&
      atKill.inbox > 0;
    console.log(ok ? 'PASS' : 'FAIL');
  } catch (err) {
    console.log(`FAIL: ${(err as Error).message}`);
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (log) console.log(`last lines of Relevo's log:\n${log.split('\n').slice(-20).join('\n')}`);
  } finally {
    if (run) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await monitor?.logout().catch(() => monitor?.close());
    await sink?.close();
    await dv?.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    console.log(`(bench wall time ${fmt(performance.now() - t0)})`);
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
