// Random payloads at every inbound HTTP endpoint — web chat, console, REST API, Slack with valid
// signatures, metrics — with fast-check: random strings full of control characters, half surrogate pairs,
// invisible and bidi characters, random JSON shapes, random query strings and path segments, garbage
// bodies; random mail at the SMTP listener. Whatever arrives: never a 5xx; a refused (4xx) request leaves every table as it was; and what
// was accepted is whole (no contact without an identity, no stored event that fails to process).
// FUZZ_RUNS raises the number of runs per endpoint (default 25); a failure prints its seed and the
// shrunk payload.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem } from '../../src/core/text.ts';
import { noLimitsYaml } from '../fixtures/config.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, Client, statusClass } from '../harness/http.ts';
import { rowCounts } from '../harness/rows.ts';
import {
  AGENTS,
  ANA,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  slackConfigYaml,
  startSlackApp,
} from '../harness/slack/slack-app.ts';

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const METRICS_TOKEN = 'metrics-token-for-fuzzing-0001';

// Limits far out of the way: this test is about the shape of input, not its pace.
const fuzzYaml = slackConfigYaml + noLimitsYaml;

// ── what is thrown ───────────────────────────────────────────────────────────────────────────────
const nasty = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udfff',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u202e',
  '\u2067',
  '\u2069',
  '\u3164',
  '\u2800',
  '\r',
  '\n',
  '\t',
  ' ',
  '"',
  '\\',
  '%',
  '/',
  '..',
  'é',
  '中',
  '🦤',
  '#1',
  'hi',
);
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 6 })), { maxLength: 24 }).map((parts) => parts.join('')),
);
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const value = fc.oneof(hostile, hostile, json);
const email = fc.oneof(
  fc.emailAddress(),
  fc.constant('fuzz@example.com'),
  fc.constant('fuzz@globex.es'),
  hostile,
);
/** An object with some of `fields` (each random, or right-looking) and maybe extra random keys. */
const shaped = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    fc.record(fields, { requiredKeys: [] }),
    fc
      .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(hostile, value, { maxKeys: 2 }))
      .map(([known, extra]) => ({ ...extra, ...known })),
    json,
  );
/** Any string, percent-encoded; also escapes that decode to no UTF-8 at all (%ED%A0%80, a lone %E0). */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s) || '%20';
  } catch {
    return '%ED%A0%80'; // a half surrogate pair, in UTF-8
  }
};
const pathSegment = fc.oneof(
  fc.oneof(hostile, fc.integer().map(String)).map(encode),
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 })
    .map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '%2e%2e'),
);
const query = fc
  .dictionary(
    fc.oneof(hostile, fc.constantFrom('status', 'organisation', 'assignee', 'cursor', 'limit', 'priority')),
    hostile,
    {
      maxKeys: 4,
    },
  )
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

type Reply = { status: number; body: unknown };

async function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; json?: unknown; raw?: string; contentType?: string } = {},
): Promise<Reply> {
  const body = opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json));
  const res = await fetch(base + path, {
    method,
    headers: {
      ...opts.headers,
      ...(body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text };
}

describe.each(databaseKinds)('random input at every endpoint on %s', (database) => {
  let s: SlackTestApp;
  let ticket: number;
  let customerCookie: string;
  let agentCookie: string;
  const db = () => s.t.app.db.prisma;

  beforeAll(async () => {
    s = await startSlackApp(database, { env: { RELEVO_METRICS_TOKEN: METRICS_TOKEN }, config: fuzzYaml });
    const customer = new Client(s.t.url);
    expect(
      (await customer.post('/webchat/api/session', { name: 'Fuzz', email: 'fuzz@example.com' })).status,
    ).toBe(200);
    customerCookie = customer.cookieHeader();
    const agent = new Client(s.t.url);
    expect((await agent.post('/console/api/login', { token: s.t.apiToken, agentId: 'ana' })).status).toBe(
      200,
    );
    agentCookie = agent.cookieHeader();
    ticket = (
      await agentClient(s.t.url, s.t.apiToken).post('/api/v1/tickets', {
        requesterEmail: 'fuzz@example.com',
        subject: 'Fuzzing target',
        body: 'A ticket to throw things at',
      })
    ).body.number;
    expect(ticket).toBeGreaterThan(0);
  });
  afterAll(async () => s?.stop());

  /** Settled row counts: only the request under test can change them. */
  const counts = async () => {
    await s.t.app.settle();
    return rowCounts(db());
  };

  /** Runs `send` for random input: no 5xx, and a refusal changes nothing. */
  async function probe<T>(arb: fc.Arbitrary<T>, send: (input: T) => Promise<Reply>) {
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const before = await counts();
        const res = await send(input);
        expect(statusClass(res.status), String(res.body).slice(0, 300)).not.toBe('5xx');
        if (res.status >= 400) expect(await counts()).toEqual(before);
      }),
      { numRuns: NUM_RUNS },
    );
  }

  const api = (method: string, path: string, json?: unknown) =>
    call(s.t.url, method, path, { headers: { authorization: `Bearer ${s.t.apiToken}` }, json });

  it('web chat: sessions, messages and buttons', async () => {
    await probe(shaped({ name: fc.oneof(hostile, fc.constant('Ana')), email }), (body) =>
      call(s.t.url, 'POST', '/webchat/api/session', { json: body }),
    );
    await probe(shaped({ text: value, clientId: fc.oneof(fc.uuid(), hostile) }), (body) =>
      call(s.t.url, 'POST', '/webchat/api/messages', { headers: { cookie: customerCookie }, json: body }),
    );
    await probe(
      shaped({
        action: fc.oneof(fc.constantFrom('ticket.confirm_yes', 'ticket.confirm_no'), hostile),
        value: fc.oneof(fc.constant(String(ticket)), hostile),
      }),
      (body) =>
        call(s.t.url, 'POST', '/webchat/api/actions', { headers: { cookie: customerCookie }, json: body }),
    );
  });

  it('REST API: every route, with random bodies, queries and path segments', async () => {
    const priority = fc.oneof(fc.constantFrom('low', 'normal', 'high', 'urgent'), hostile);
    await probe(
      shaped({
        requesterEmail: email,
        requesterName: value,
        subject: value,
        body: value,
        priority,
        productId: fc.oneof(fc.constant('platform'), hostile),
      }),
      (body) => api('POST', '/api/v1/tickets', body),
    );
    const number = fc.oneof(fc.constant(String(ticket)), pathSegment);
    const change = fc.tuple(
      number,
      fc.constantFrom('replies', 'notes', 'assign', 'status', 'resolve'),
      shaped({
        text: value,
        assignee: fc.oneof(fc.constantFrom('ana', 'ben', null), hostile),
        status: fc.oneof(
          fc.constantFrom('open', 'on_hold', 'spam', 'closed', 'waiting_on_customer'),
          hostile,
        ),
        reason: value,
        message: value,
        technicalNote: value,
      }),
    );
    await probe(change, ([n, what, body]) => api('POST', `/api/v1/tickets/${n}/${what}`, body));
    await probe(query, (q) => api('GET', `/api/v1/tickets?${q}`));
    await probe(fc.tuple(fc.constantFrom('tickets', 'attachments', 'emails'), pathSegment), ([kind, id]) =>
      api('GET', kind === 'emails' ? `/api/v1/emails/${id}/raw` : `/api/v1/${kind}/${id}`),
    );
    await probe(hostile, (raw) =>
      call(s.t.url, 'POST', '/api/v1/tickets', { headers: { authorization: `Bearer ${s.t.apiToken}` }, raw }),
    );
  });

  it('console: sign-in, buttons, forms and commands; metrics', async () => {
    await probe(
      shaped({ token: fc.oneof(fc.constant(s?.t.apiToken ?? ''), hostile), agentId: value }),
      (body) => call(s.t.url, 'POST', '/console/api/login', { json: body }),
    );
    const actions = fc.constantFrom(
      'ticket.take',
      'ticket.assign',
      'ticket.priority',
      'ticket.note',
      'ticket.resolve',
      'ticket.reject',
      'ticket.spam',
      'ticket.escalate',
      'ticket.initial_response',
    );
    await probe(
      shaped({
        action: fc.oneof(actions, hostile),
        value: fc.oneof(fc.constant(String(ticket)), hostile),
        form: fc.dictionary(
          fc.oneof(hostile, fc.constantFrom('text', 'message', 'reason', 'priority')),
          hostile,
          {
            maxKeys: 3,
          },
        ),
      }),
      (body) =>
        call(s.t.url, 'POST', '/console/api/actions', { headers: { cookie: agentCookie }, json: body }),
    );
    const words = fc.constantFrom(
      'new',
      'show',
      'list',
      'assign',
      'reply',
      'note',
      'resolve',
      'reopen',
      'help',
      'create',
    );
    await probe(
      fc.oneof(
        fc.tuple(words, hostile).map(([w, rest]) => `/ticket ${w} ${rest}`),
        fc.tuple(words, hostile).map(([w, rest]) => `/ticket ${w} #${ticket} ${rest}`),
        hostile,
      ),
      (text) =>
        call(s.t.url, 'POST', '/console/api/commands', { headers: { cookie: agentCookie }, json: { text } }),
    );
    await probe(
      fc.oneof(
        hostile.map((h) => `Bearer ${h.replace(/[^\x20-\x7e]/g, '')}`),
        fc.constant(`Bearer ${METRICS_TOKEN}`),
      ),
      (auth) => call(s.t.url, 'GET', '/metrics', { headers: { authorization: auth } }),
    );
  });

  it('Slack: signed events, commands, interactions and garbage', async () => {
    const ts = fc.oneof(fc.constant(`${Math.floor(Date.now() / 1000)}.000100`), hostile, json);
    const event = shaped({
      type: fc.oneof(fc.constantFrom('message', 'reaction_added', 'app_mention'), hostile),
      channel: fc.oneof(fc.constantFrom(SUPPORT, AGENTS), hostile, json),
      user: fc.oneof(fc.constantFrom(CUSTOMER, ANA), hostile, json),
      text: value,
      ts,
      thread_ts: ts,
      event_ts: ts,
      subtype: fc.oneof(fc.constantFrom('file_share', 'bot_message', 'message_changed'), hostile),
      bot_id: value,
      reaction: fc.oneof(fc.constant('ticket'), hostile),
      item: shaped({ type: fc.oneof(fc.constant('message'), hostile), channel: value, ts }),
    });
    await probe(
      fc.tuple(event, fc.oneof(fc.uuid(), hostile, json), fc.oneof(fc.constant('event_callback'), hostile)),
      ([e, id, type]) => {
        const body = JSON.stringify({
          type,
          team_id: s.slack.teamId,
          api_app_id: s.slack.appId,
          event_id: id,
          event: e,
        });
        return s.slack.raw(body, 'application/json');
      },
    );
    await probe(
      shaped({
        command: fc.oneof(fc.constant('/ticket'), hostile),
        text: value,
        user_id: fc.oneof(fc.constantFrom(ANA, CUSTOMER), hostile),
        channel_id: fc.oneof(fc.constantFrom(AGENTS, SUPPORT), hostile),
        trigger_id: hostile,
      }),
      (fields) => {
        const form: Record<string, string> = { response_url: s.fake.responseUrl() };
        for (const [k, v] of Object.entries(fields ?? {}))
          form[k] = typeof v === 'string' ? v : JSON.stringify(v);
        return s.slack.raw(new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
      },
    );
    await probe(
      shaped({
        type: fc.oneof(
          fc.constantFrom('block_actions', 'view_submission', 'message_action', 'shortcut'),
          hostile,
        ),
        user: shaped({ id: fc.oneof(fc.constant(ANA), hostile) }),
        actions: fc.array(
          shaped({ action_id: fc.oneof(fc.constant('relevo:ticket.take'), hostile), value, type: value }),
          { maxLength: 2 },
        ),
        view: shaped({ callback_id: value, private_metadata: value, state: json, blocks: json }),
        callback_id: value,
        trigger_id: value,
        channel: shaped({ id: fc.oneof(fc.constant(AGENTS), hostile) }),
        message: shaped({ ts, text: value }),
      }),
      (payload) =>
        s.slack.raw(
          new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
          'application/x-www-form-urlencoded',
        ),
    );
    await probe(
      fc.tuple(
        hostile,
        fc.oneof(
          fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
          hostile,
        ),
      ),
      ([raw, type]) => s.slack.raw(raw, type.replace(/[^\x20-\x7e]/g, '') || 'text/plain'),
    );
  });

  it('left nothing half-written', async () => {
    await s.t.app.settle();
    expect(await db().inboundEvent.count({ where: { lastError: { not: null } } })).toBe(0);
    // A contact is someone we can reach: an identity, or (an unverified web chat visitor) a session.
    const orphans = await db().$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Contact" c
      WHERE NOT EXISTS (SELECT 1 FROM "Identity" i WHERE i."contactId" = c.id)
        AND NOT EXISTS (SELECT 1 FROM "WebchatSession" w WHERE w."contactId" = c.id)`;
    expect(Number(orphans[0]?.n)).toBe(0);
    const emptyTickets = await db().$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "Ticket" t WHERE NOT EXISTS (SELECT 1 FROM "TicketEvent" e WHERE e."ticketNumber" = t.number)`;
    expect(Number(emptyTickets[0]?.n)).toBe(0);
  });
});

/** One SMTP conversation on a raw socket; resolves with the final reply code to DATA (or the first refusal). */
async function smtpSend(port: number, from: string, data: Buffer): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: ((code: number) => void)[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (/^\d{3} /.test(line)) waiting.shift()?.(Number(line.slice(0, 3)));
    }
  });
  const reply = () => new Promise<number>((resolve) => waiting.push(resolve));
  try {
    if ((await reply()) !== 220) return 0;
    for (const command of [
      'EHLO fuzz.test',
      `MAIL FROM:<${from}>`,
      'RCPT TO:<support@support.test>',
      'DATA',
    ]) {
      const next = reply();
      socket.write(`${command}\r\n`);
      const code = await next;
      if (code >= 400) return code;
    }
    const done = reply();
    // Dot-stuffing, so the message cannot end DATA early; then the terminating line.
    socket.write(Buffer.from(data.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1'));
    socket.write('\r\n.\r\n');
    return await done;
  } finally {
    socket.end('QUIT\r\n');
  }
}

describe.each(databaseKinds)('random mail at the SMTP listener on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      env: {
        RELEVO_SUPPORT_ADDRESS: 'support@support.test',
        RELEVO_SMTP_LISTEN_PORT: '0',
        RELEVO_SMTP_URL: sink.url,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
  });

  it('takes or refuses any message, and processes everything it took', async () => {
    const header = fc.oneof(
      hostile,
      fc.constantFrom('=?UTF-8?B?AAEC?=', '=?x?Q?=00=1b?=', '"\u202egnp.exe" <a@example.com>'),
    );
    const mail = fc.record({
      from: fc.oneof(fc.constant('carla@example.com'), fc.constant('x@globex.es'), hostile),
      subject: header,
      name: header,
      contentType: fc.constantFrom(
        'text/plain; charset=utf-8',
        'text/html',
        'text/plain; charset=latin1',
        'multipart/mixed; boundary=b',
      ),
      body: fc.oneof(
        hostile,
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      ),
      attachment: fc.option(header),
    });
    await fc.assert(
      fc.asyncProperty(mail, async (m) => {
        const lines = [
          `From: ${m.name} <${m.from}>`,
          'To: support@support.test',
          `Subject: ${m.subject}`,
          `Message-ID: <${randomUUID()}@fuzz.test>`,
          'MIME-Version: 1.0',
          `Content-Type: ${m.contentType}`,
          ...(m.attachment === null ? [] : [`Content-Disposition: attachment; filename="${m.attachment}"`]),
          '',
          m.body,
        ];
        const sender = /^[\x21-\x7e]+@[\w.-]+$/.test(m.from) ? m.from : 'someone@example.com';
        const code = await smtpSend(t.app.smtpPort()!, sender, Buffer.from(lines.join('\r\n'), 'utf8'));
        expect([250, 451, 550, 552, 554]).toContain(code);
        expect(code).not.toBe(451); // 451 is "could not store": a failure of ours
      }),
      { numRuns: NUM_RUNS },
    );
    await t.app.settle();
    const db = t.app.db.prisma;
    // The errors themselves, so a failure says what went wrong.
    const failed = await db.inboundEvent.findMany({
      where: { lastError: { not: null } },
      select: { key: true, lastError: true },
    });
    expect(failed).toEqual([]);
    // Names and file names as agents see them: no control characters, no bidi overrides.
    const shown = [
      ...(await db.contact.findMany({ select: { name: true } })).map((c) => c.name),
      ...(await db.attachment.findMany({ select: { filename: true } })).map((a) => a.filename),
    ];
    for (const text of shown) {
      expect(textProblem(text), JSON.stringify(text)).toBeUndefined();
      expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/u);
    }
  });
});
