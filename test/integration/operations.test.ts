// Operations endpoints over real HTTP: /healthz (liveness), /readyz (database, migrations, each configured
// adapter) and /metrics (Prometheus text: process metrics, queues read from the database at scrape time,
// deliveries, ack latency), on PGlite and on PostgreSQL, plus readiness with Slack (HTTP, Socket Mode) and IMAP.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statuses } from '../../src/core/tickets/lifecycle.ts';
import { plainMessage } from '../fixtures/email/plain-message.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { startDovecot } from '../harness/email/dovecot.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { Client, eventually } from '../harness/http.ts';
import { type Scrape, sampleValue, scrape } from '../harness/prometheus.ts';
import { CUSTOMER, SUPPORT, startSlackApp } from '../harness/slack/slack-app.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';
const SUPPORT_ADDRESS = 'support@support.test';
const HOUR = 3600_000;

/** Our own samples carry only these labels, with lower-case words as values (or bucket bounds). */
function labelProblems(s: Scrape): string[] {
  const allowed = new Set(['platform', 'outcome', 'via', 'status', 'code', 'le']);
  const problems: string[] = [];
  for (const x of s.samples.filter((sample) => sample.name.startsWith('relevo_'))) {
    for (const [k, v] of Object.entries(x.labels)) {
      const ok =
        allowed.has(k) && (k === 'le' ? /^(\+Inf|\d+(\.\d+)?(e-?\d+)?)$/.test(v) : /^[a-z_]+$/.test(v));
      if (!ok) problems.push(`${x.name}{${k}="${v}"}`);
    }
  }
  return problems;
}

describe.each(databaseKinds)('operations endpoints on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  const metrics = () => scrape(t.url, METRICS_TOKEN);
  const db = () => t.app.db.prisma;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      env: {
        RELEVO_METRICS_TOKEN: METRICS_TOKEN,
        RELEVO_SUPPORT_ADDRESS: SUPPORT_ADDRESS,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_SMTP_LISTEN_PORT: '0',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
  });

  it('answers /healthz cheaply and /readyz with every check once all parts are up', async () => {
    expect((await new Client(t.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await new Client(t.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      ready: true,
      checks: {
        database: 'ok',
        migrations: 'ok',
        live: 'connected',
        webchat: 'connected',
        email: 'connected',
        smtp: 'connected',
      },
    });
  });

  it('is not ready, naming the migrations check, while a migration is pending', async () => {
    const [last] = await db().$queryRaw<{ id: string }[]>`
      SELECT id FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    const saved = await db().$queryRaw<Record<string, unknown>[]>`
      DELETE FROM "_prisma_migrations" WHERE id = ${last?.id} RETURNING *`;
    try {
      const res = await new Client(t.url).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ready: false, failing: ['migrations'] });
      expect(res.body.checks).toMatchObject({ database: 'ok', migrations: 'pending', webchat: 'connected' });
      // Liveness is another question: the process is fine, it just must not take traffic.
      expect((await new Client(t.url).get('/healthz')).status).toBe(200);
    } finally {
      const row = saved[0] as Record<string, unknown>;
      await db().$executeRaw`
        INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
        VALUES (${row.id}, ${row.checksum}, ${row.finished_at}, ${row.migration_name}, ${row.applied_steps_count})`;
    }
    expect((await new Client(t.url).get('/readyz')).status).toBe(200);
  });

  it('asks for RELEVO_METRICS_TOKEN when it is set', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.message).toMatch(/RELEVO_METRICS_TOKEN/);
    expect((await scrape(t.url, 'not-the-metrics-token')).status).toBe(401);
    // The API token is another secret: it does not open the metrics.
    expect((await scrape(t.url, t.apiToken)).status).toBe(401);
    expect((await metrics()).status).toBe(200);
  });

  it('serves Prometheus text with the process metrics and our own families', async () => {
    const s = await metrics();
    expect(s.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(s.types.has(name), name).toBe(true);
    }
    expect(Object.fromEntries([...s.types].filter(([name]) => name.startsWith('relevo_')))).toEqual({
      relevo_deliveries_total: 'counter',
      relevo_dead_letters_total: 'counter',
      relevo_ack_latency_seconds: 'histogram',
      relevo_rate_limited_total: 'counter',
      relevo_inbox_depth: 'gauge',
      relevo_inbox_failing: 'gauge',
      relevo_inbox_oldest_age_seconds: 'gauge',
      relevo_outbox_depth: 'gauge',
      relevo_outbox_oldest_age_seconds: 'gauge',
      relevo_outbox_dead: 'gauge',
      relevo_tickets: 'gauge',
      relevo_database_up: 'gauge',
    });
    expect(sampleValue(s, 'relevo_database_up')).toBe(1);
    // Every status is there, at 0 until a ticket has it: a rate() or an alert never meets a gap.
    for (const status of statuses) expect(sampleValue(s, 'relevo_tickets', { status }), status).toBe(0);
    expect(sampleValue(s, 'relevo_inbox_depth')).toBe(0);
    expect(sampleValue(s, 'relevo_outbox_depth')).toBe(0);
  });

  it('follows a web chat message from its ack to its delivery', async () => {
    const customer = new Client(t.url);
    await customer.post('/webchat/api/session', { name: 'Carla', email: 'carla@example.com' });
    const sent = await customer.post('/webchat/api/messages', {
      text: 'The printer is on fire',
      clientId: 'client-0001',
    });
    expect(sent.status).toBe(202);
    // Timed before the answer left: the count is there as soon as the 202 is.
    const acked = await metrics();
    expect(sampleValue(acked, 'relevo_ack_latency_seconds_count', { platform: 'webchat', via: 'http' })).toBe(
      1,
    );
    expect(
      sampleValue(acked, 'relevo_ack_latency_seconds_bucket', {
        platform: 'webchat',
        via: 'http',
        le: '+Inf',
      }),
    ).toBe(1);

    await t.app.settle();
    const done = await db().outboxItem.count({ where: { status: 'done' } });
    expect(done).toBeGreaterThanOrEqual(2); // the customer's acknowledgement and the console's card
    const s = await metrics();
    expect(sampleValue(s, 'relevo_tickets', { status: 'new' })).toBe(1);
    expect(sampleValue(s, 'relevo_inbox_depth')).toBe(0);
    expect(sampleValue(s, 'relevo_outbox_depth')).toBe(0);
    expect(sampleValue(s, 'relevo_outbox_oldest_age_seconds')).toBe(0);
    expect(sampleValue(s, 'relevo_deliveries_total', { platform: 'webchat', outcome: 'delivered' })).toBe(
      done,
    );
    expect(
      sampleValue(s, 'relevo_deliveries_total', { platform: 'webchat', outcome: 'failed' }),
    ).toBeUndefined();
  });

  it('reads queued, failing and dead work from the database at each scrape', async () => {
    const hourAgo = new Date(Date.now() - HOUR);
    const later = new Date(Date.now() + HOUR);
    // An inbound event not due for an hour stays queued; two outbox items for a platform nobody runs
    // here fail: one with retries left (its next try is minutes away), one on its last attempt.
    const held = await db().inboundEvent.create({
      data: {
        key: 'test:held',
        source: 'webchat.message',
        payload: {},
        receivedAt: hourAgo,
        nextAttemptAt: later,
      },
    });
    const card = (attempts: number) =>
      db().outboxItem.create({
        data: {
          kind: 'card',
          payload: { ticketNumber: 1, platform: 'slack', channel: 'C0AGENTS01' },
          attempts,
          createdAt: hourAgo,
        },
      });
    const retrying = await card(8);
    const dying = await card(9);
    await eventually(
      async () =>
        (await db().outboxItem.count({
          where: { id: { in: [retrying.id, dying.id] }, lastError: { not: null } },
        })) === 2,
      'both outbox items tried',
    );
    // The dead card left a note on its ticket, and the note's own card update went out (it is not queued).
    await eventually(
      async () =>
        (await db().ticketEvent.count({
          where: { ticketNumber: 1, type: 'private_note', body: { contains: 'gave up delivering' } },
        })) === 1 && (await db().outboxItem.count({ where: { status: 'pending' } })) === 1,
      'the dead letter noted and the note delivered',
    );
    const s = await metrics();
    expect(sampleValue(s, 'relevo_inbox_depth')).toBe(1);
    expect(sampleValue(s, 'relevo_inbox_failing')).toBe(0);
    expect(sampleValue(s, 'relevo_inbox_oldest_age_seconds')).toBeGreaterThan(HOUR / 1000 - 60);
    expect(sampleValue(s, 'relevo_outbox_depth')).toBe(1);
    expect(sampleValue(s, 'relevo_outbox_oldest_age_seconds')).toBeGreaterThan(HOUR / 1000 - 60);
    expect(sampleValue(s, 'relevo_outbox_dead', { platform: 'slack' })).toBe(1);
    expect(sampleValue(s, 'relevo_deliveries_total', { platform: 'slack', outcome: 'failed' })).toBe(1);
    expect(sampleValue(s, 'relevo_deliveries_total', { platform: 'slack', outcome: 'dead' })).toBe(1);
    // No Slack adapter runs here: an error no adapter typed, so retried until the last attempt.
    expect(sampleValue(s, 'relevo_dead_letters_total', { platform: 'slack', code: 'unexpected' })).toBe(1);

    await db().inboundEvent.delete({ where: { id: held.id } });
    await db().outboxItem.deleteMany({ where: { id: { in: [retrying.id, dying.id] } } });
    const after = await metrics();
    expect(sampleValue(after, 'relevo_inbox_depth')).toBe(0);
    expect(sampleValue(after, 'relevo_inbox_oldest_age_seconds')).toBe(0);
    expect(sampleValue(after, 'relevo_outbox_depth')).toBe(0);
    expect(sampleValue(after, 'relevo_outbox_dead', { platform: 'slack' })).toBe(0);
    // Counters count what happened; they do not go back.
    expect(sampleValue(after, 'relevo_deliveries_total', { platform: 'slack', outcome: 'dead' })).toBe(1);
  });

  it('times the SMTP listener’s 250 and counts the reply sent by email', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.smtpPort(),
      secure: false,
    });
    await transport.sendMail({
      from: 'Eva <eva@example.com>',
      to: SUPPORT_ADDRESS,
      subject: 'VPN down',
      text: 'Nobody can connect since this morning.',
    });
    const s = await metrics();
    expect(sampleValue(s, 'relevo_ack_latency_seconds_count', { platform: 'email', via: 'smtp' })).toBe(1);
    await t.app.settle();
    await sink.waitFor(1);
    const after = await metrics();
    expect(sampleValue(after, 'relevo_tickets', { status: 'new' })).toBe(2);
    expect(sampleValue(after, 'relevo_deliveries_total', { platform: 'email', outcome: 'delivered' })).toBe(
      1,
    );
  });

  it('puts no ids, emails or channels in labels', async () => {
    const s = await metrics();
    expect(s.samples.filter((x) => x.name.startsWith('relevo_')).length).toBeGreaterThan(20);
    expect(labelProblems(s)).toEqual([]);
  });
});

describe('operations endpoints with Slack', () => {
  it('over HTTP: ready when started, times Slack’s acks, and /metrics is open without a token', async () => {
    const s = await startSlackApp('pglite');
    try {
      const ready = await new Client(s.t.url).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ slack: 'connected' });
      const res = await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Billing page is blank' });
      expect(res.status).toBe(200);
      const m = await scrape(s.t.url);
      expect(m.status).toBe(200);
      expect(sampleValue(m, 'relevo_ack_latency_seconds_count', { platform: 'slack', via: 'http' })).toBe(1);
      await s.t.app.settle();
      const after = await scrape(s.t.url);
      expect(
        sampleValue(after, 'relevo_deliveries_total', { platform: 'slack', outcome: 'delivered' }),
      ).toBeGreaterThan(0);
      expect(labelProblems(after)).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('in Socket Mode: 503 naming slack while Slack is out of reach, 200 once connected', async () => {
    const s = await startSlackApp('pglite', {
      socketMode: true,
      beforeStart: (fake) => fake.failNext('apps.connections.open', { status: 503, times: 10_000 }),
    });
    try {
      const down = await new Client(s.t.url).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ready: false, failing: ['slack'] });
      expect(down.body.checks).toMatchObject({ database: 'ok', migrations: 'ok', slack: 'disconnected' });

      s.fake.failNext('apps.connections.open', { times: 0 });
      const conn = await s.socket.connected({ timeoutMs: 30_000 });
      await eventually(async () => (await fetch(`${s.t.url}/readyz`)).status === 200, 'ready', 30_000);

      const prepared = s.slack.buildMessage({ channel: SUPPORT, user: CUSTOMER, text: 'Anyone there?' });
      await s.socket.deliver(s.socket.eventsApi(prepared.payload), { connection: conn });
      const m = await scrape(s.t.url);
      expect(sampleValue(m, 'relevo_ack_latency_seconds_count', { platform: 'slack', via: 'socket' })).toBe(
        1,
      );
    } finally {
      await s.stop();
    }
  });
});

describe('operations endpoints with an IMAP mailbox', () => {
  it('reads an IMAP mailbox: ready while connected, acks timed, 503 naming imap once the server is gone', async () => {
    const dovecot = await startDovecot();
    let t: TestApp | undefined;
    try {
      const user = encodeURIComponent(dovecot.user);
      t = await startTestApp({
        env: {
          RELEVO_SUPPORT_ADDRESS: SUPPORT_ADDRESS,
          RELEVO_IMAP_URL: `imap://${user}:${encodeURIComponent(dovecot.password)}@${dovecot.host}:${dovecot.port}/INBOX`,
        },
      });
      const ready = await new Client(t.url).get('/readyz');
      expect(ready.body).toEqual({
        ready: true,
        checks: {
          database: 'ok',
          migrations: 'ok',
          live: 'connected',
          webchat: 'connected',
          imap: 'connected',
        },
      });
      await dovecot.append('INBOX', plainMessage('Printer offline', 'Since this morning.'));
      const url = t.url;
      await eventually(
        async () =>
          sampleValue(await scrape(url), 'relevo_ack_latency_seconds_count', {
            platform: 'email',
            via: 'imap',
          }) === 1,
        'the IMAP message stored and timed',
      );
      await dovecot.stop();
      await eventually(async () => (await fetch(`${url}/readyz`)).status === 503, 'not ready without IMAP');
      const down = await new Client(url).get('/readyz');
      expect(down.body).toMatchObject({ ready: false, failing: ['imap'], checks: { imap: 'disconnected' } });
    } finally {
      await t?.stop();
      await dovecot.stop();
    }
  });
});
