// Email intake, threading, loop guard, attachments and outbound mail end to end, over real SMTP on
// loopback: fixtures (test/fixtures/email) and composed mail go through nodemailer → Relevo's SMTP
// listener → inbox → ticket; everything Relevo sends lands in a local SMTP sink and is read back with
// the parser customers' mail goes through. Fixtures are sent byte for byte; where a test needs the
// sender in a configured role (an agent, a forwarding address, another organisation) only the top-level
// header lines are rewritten, every other byte is kept.

import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../src/core/tickets/card.ts';
import type { Db } from '../../src/db/index.ts';
import { parseEmail } from '../../src/email/parse.ts';
import { contentHash } from '../../src/email/raw-mime.ts';
import { EXPECTATIONS, type FixtureExpectation, fixturePath } from '../fixtures/email/expectations.ts';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { parsedMail, type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';

/** A received mail's original as kept: in the inbox row it was stored in (older mail: on its record). */
async function keptOriginal(db: Db, emailId: string): Promise<Uint8Array | null> {
  const [row] = await db.$queryRaw<{ raw: Uint8Array | null }[]>`
    SELECT coalesce(m.raw, e.blob) AS raw FROM "EmailMessage" m
    LEFT JOIN "InboundEvent" e ON e.key = m."inboundKey" WHERE m.id = ${emailId}`;
  return row?.raw ?? null;
}

import { agentClient, eventually } from '../harness/http.ts';

// The fixtures are addressed to these (and the echo fixture comes from the first).
const SUPPORT = 'soporte@acme.example';
const GROUP = 'support@acme.example';
const AGENT = 'ana@support.test';
const FORWARDER = 'recepcion@acme.example';
const ATTACHMENT_MAX = 100_000;
// The team's receiving server (RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS) and the verdict it stamps on an agent's
// genuine mail: what lets a forward or a reply-all from the agent's own mailbox act as the agent.
const TEAM_MX = 'mx.support.test';
const AGENT_DMARC_PASS = `${TEAM_MX}; dmarc=pass (p=reject dis=none) header.from=support.test`;

// acme (en, example.com) takes every sender no organisation claims; agents forward; 3 acks an hour.
const mainConfig = `${testConfigYaml}
email:
  forwardingAddresses: [${FORWARDER}]
  closedReply: follow_up
  autoRepliesPerHour: 3
  defaultOrganisation: acme
`;
// No catch-all organisation; a reply to a finished ticket reopens it.
const reopenConfig = `${testConfigYaml}
email:
  closedReply: reopen
`;

const FORWARDS = Object.entries(EXPECTATIONS)
  .filter(([, e]) => e.forward)
  .map(([file]) => file);
const LOOP_FIXTURES = [
  'auto-reply-out-of-office-es.eml',
  'auto-reply-vacation-en.eml',
  'bounce-dsn.eml',
  'mailing-list-es.eml',
  'noreply-notification-en.eml',
];
const BROKEN_FIXTURES = [
  'broken-boundary.eml',
  'broken-truncated-base64.eml',
  'broken-headers.eml',
  'wrong-charset-latin1-as-utf8.eml',
  'wrong-charset-utf8-as-latin1.eml',
  'unknown-charset.eml',
];

const expectation = (file: string): FixtureExpectation => {
  const e = EXPECTATIONS[file];
  if (!e) throw new Error(`no expectation for ${file}`);
  return e;
};
const eml = (file: string) => readFileSync(fixturePath(file));

/**
 * The same message with some top-level header fields replaced (value), removed (null) or added;
 * folded continuation lines go with their field, the body and every other byte stay as they were.
 */
function withHeaders(raw: Buffer, changes: Record<string, string | null>): Buffer {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  const end = blank ? blank.index : text.length;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const fields: string[][] = [];
  for (const line of text.slice(0, end).split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.push(line);
    else fields.push([line]);
  }
  const pending = new Map(
    Object.entries(changes).map(([name, value]) => [name.toLowerCase(), { name, value, done: false }]),
  );
  const out: string[] = [];
  for (const field of fields) {
    const name = /^([^:\s]+)[ \t]*:/.exec(field[0] ?? '')?.[1]?.toLowerCase();
    const change = name ? pending.get(name) : undefined;
    if (!change) {
      out.push(field.join(eol));
      continue;
    }
    if (change.value !== null && !change.done) out.push(`${change.name}: ${change.value}`);
    change.done = true;
  }
  const added = [...pending.values()]
    .filter((c) => !c.done && c.value !== null)
    .map((c) => `${c.name}: ${c.value}`);
  return Buffer.from([...added, ...out].join(eol) + text.slice(end), 'latin1');
}

/** The header block of a raw message, unfolded, one field per entry. */
function headerFields(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  return text
    .slice(0, blank ? blank.index : text.length)
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/);
}

interface Rig {
  t: TestApp;
  sink: SmtpSink;
  transport: Transporter;
}

async function startRig(
  database: (typeof databaseKinds)[number],
  config: string,
  env: Record<string, string> = {},
): Promise<Rig> {
  const sink = await startSmtpSink();
  const t = await startTestApp({
    database,
    config,
    env: {
      RELEVO_SUPPORT_ADDRESS: SUPPORT,
      RELEVO_SUPPORT_GROUP: GROUP,
      RELEVO_SMTP_URL: sink.url,
      RELEVO_SMTP_LISTEN_PORT: '0',
      RELEVO_ATTACHMENT_MAX_BYTES: String(ATTACHMENT_MAX),
      RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: TEAM_MX,
      ...env,
    },
  });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort(), secure: false });
  return { t, sink, transport };
}

async function stopRig(rig: Rig | undefined) {
  rig?.transport.close();
  await rig?.t.stop();
  await rig?.sink.close();
}

/** Helpers bound to one running Relevo. */
function helpers(get: () => Rig) {
  const db = () => get().t.app.db.prisma;
  const settle = () => get().t.app.settle();
  /** Everything Relevo has sent so far, parsed. */
  const outgoing = parsedMail(() => get().sink);
  const h = {
    db,
    settle,
    outgoing,
    agent: () => agentClient(get().t.url, get().t.apiToken, 'ana'),
    /** A fixture or hand-made message, byte for byte. */
    sendRaw: async (raw: Buffer, envelopeFrom = 'relay@mx.acme.example') => {
      await get().transport.sendMail({ envelope: { from: envelopeFrom, to: [SUPPORT] }, raw });
    },
    /** A message composed by nodemailer; returns its Message-ID. */
    send: async (mail: SendMailOptions) =>
      (await get().transport.sendMail({ to: SUPPORT, ...mail })).messageId,
    /** The ticket a received message was filed under (null: kept without one; throws if never stored). */
    ticketOf: async (messageId: string) => {
      const row = await db().emailMessage.findUnique({ where: { messageId } });
      if (!row) {
        // Say why: the inbox keeps the processing error of a message it could not file.
        const inbound = await db().inboundEvent.findUnique({ where: { key: `email:${messageId}` } });
        throw new Error(
          `${messageId} was not stored (inbox: ${inbound ? `attempts ${inbound.attempts}, error: ${inbound.lastError}` : 'never received'})`,
        );
      }
      return row.ticketNumber;
    },
    ticketNumberOf: async (messageId: string): Promise<number> => {
      const n = await h.ticketOf(messageId);
      if (n === null) throw new Error(`${messageId} was kept without a ticket`);
      return n;
    },
    requester: async (n: number) => {
      const ticket = await db().ticket.findUniqueOrThrow({
        where: { number: n },
        include: { contact: { include: { identities: { where: { platform: 'email' } } } } },
      });
      return ticket.contact.identities[0]?.externalId;
    },
    events: (n: number, type: 'customer_message' | 'private_note' | 'public_reply' | 'system') =>
      db().ticketEvent.findMany({
        where: { ticketNumber: n, type },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    firstMessage: async (n: number) => (await h.events(n, 'customer_message'))[0]?.body,
    /** Mail Relevo sent about ticket n ([#n] in the subject). */
    mailsAbout: async (n: number) => (await outgoing()).filter((m) => m.mail.subject.endsWith(`[#${n}]`)),
    mailsTo: async (address: string) =>
      (await outgoing()).filter((m) => m.mail.to.some((a) => a.address === address)),
    /** Relevo's latest mail on ticket n, as stored (its Message-ID is what a customer replies to). */
    lastOutbound: async (n: number) =>
      db().emailMessage.findFirstOrThrow({
        where: { ticketNumber: n, direction: 'outbound' },
        orderBy: { createdAt: 'desc' },
      }),
    /** A customer's (or agent's) reply to Relevo's latest mail on ticket n, threaded by headers. */
    reply: async (n: number, from: string, text: string, extra: SendMailOptions = {}) => {
      const parent = await h.lastOutbound(n);
      return h.send({
        from,
        subject: `Re: ${parent.subject}`,
        inReplyTo: parent.messageId,
        references: [parent.messageId],
        text,
        ...extra,
      });
    },
    /** The latest personal copy Relevo mailed `agent` about ticket n (its Message-ID is the reply token). */
    personalCopy: async (n: number, agent: string) => {
      const copies = (await outgoing()).filter(
        (m) => m.mail.subject.endsWith(`[#${n}]`) && m.envelope.to.includes(agent),
      );
      const last = copies.at(-1);
      if (!last) throw new Error(`no personal copy of #${n} was sent to ${agent}`);
      return last;
    },
    download: async (path: string) => {
      const res = await fetch(get().t.url + path, {
        headers: { authorization: `Bearer ${get().t.apiToken}`, 'x-relevo-agent': 'ana' },
      });
      return { res, body: Buffer.from(await res.arrayBuffer()) };
    },
    /** A ticket opened by a composed mail, acknowledged; returns its number. */
    open: async (from: string, subject: string, text: string, extra: SendMailOptions = {}) => {
      const id = await h.send({ from, subject, text, ...extra });
      await settle();
      return h.ticketNumberOf(id);
    },
  };
  return h;
}

describe.each(databaseKinds)('email flows on %s', (database) => {
  let rig: Rig;
  const h = helpers(() => rig);
  const { db, settle } = h;

  beforeAll(async () => {
    rig = await startRig(database, mainConfig);
  });
  afterAll(async () => stopRig(rig));

  describe('new mail and the acknowledgement', () => {
    it('opens a ticket from a Gmail message and acknowledges it in English with [#n], a summary and the SLA', async () => {
      const want = expectation('gmail-new-en.eml');
      await h.sendRaw(eml('gmail-new-en.eml'));
      await settle();
      const n = await h.ticketNumberOf(want.messageId ?? '');
      const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n } });
      expect(ticket).toMatchObject({
        subject: want.subject,
        source: 'email',
        organisationId: 'acme',
        status: 'new',
      });
      expect(await h.requester(n)).toBe(want.sender);
      expect(await h.firstMessage(n)).toBe(want.visible);

      const acks = await h.mailsAbout(n);
      expect(acks).toHaveLength(1);
      const ack = acks[0]?.mail;
      expect(ack?.subject).toBe(`${want.subject} [#${n}]`);
      expect(ack?.from?.address).toBe(SUPPORT);
      expect(ack?.to.map((a) => a.address)).toEqual([want.sender]);
      expect(ack?.cc.map((a) => a.address)).toContain(GROUP);
      expect(ack?.headers['auto-submitted']).toBe('auto-replied');
      expect(ack?.inReplyTo).toBe(want.messageId);
      expect(ack?.references).toContain(want.messageId);
      expect(ack?.messageId).toMatch(/^<.+@acme\.example>$/);
      expect(ack?.text).toContain(`Thanks, we have opened ticket #${n}`);
      expect(ack?.text).toContain('within 4 hours');
      expect(ack?.text).toContain(`Ticket #${n}: ${want.subject}`);
    });

    it("answers in the organisation's language: a Globex (es) sender gets the Spanish acknowledgement", async () => {
      const id = '<gmail-new-es.globex@relevo.test>';
      await h.sendRaw(
        withHeaders(eml('gmail-new-es.eml'), {
          From: 'Lucia Fernandez <lucia.fernandez@globex.es>',
          'Message-ID': id,
        }),
      );
      await settle();
      const n = await h.ticketNumberOf(id);
      const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n } });
      expect(ticket).toMatchObject({
        organisationId: 'globex',
        subject: expectation('gmail-new-es.eml').subject,
      });
      const [ack] = await h.mailsAbout(n);
      expect(ack?.mail.to.map((a) => a.address)).toEqual(['lucia.fernandez@globex.es']);
      expect(ack?.mail.text).toContain(`Gracias, hemos abierto el ticket #${n}`);
      expect(ack?.mail.text).toContain('en 4 horas');
      expect(ack?.mail.text).not.toMatch(/within|Thanks/);
    });

    it('files a sender of an unknown domain under email.defaultOrganisation', async () => {
      const n = await h.open(
        'someone@unknown-domain.example',
        'Cannot print',
        'The printer says PC LOAD LETTER.',
      );
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).organisationId).toBe('acme');
      expect(await h.mailsAbout(n)).toHaveLength(1);
    });
  });

  describe('forwarded mail', () => {
    it.each(FORWARDS)(
      '%s forwarded by an agent (authenticated by the team’s server): the original sender is the requester, the agent is recorded',
      async (file) => {
        const want = expectation(file);
        const fwd = want.forward;
        if (!fwd) throw new Error('not a forward');
        const id = `<agent.${file}@relevo.test>`;
        await h.sendRaw(
          withHeaders(eml(file), {
            From: `Ana <${AGENT}>`,
            'Message-ID': id,
            'Authentication-Results': AGENT_DMARC_PASS,
          }),
          AGENT,
        );
        await settle();
        const n = await h.ticketNumberOf(id);
        const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n } });
        expect(ticket.subject).toBe(fwd.subject);
        expect(await h.requester(n)).toBe(fwd.from);
        expect((await h.firstMessage(n))?.split('\n')[0]).toBe(fwd.bodyStart);
        const notes = await h.events(n, 'private_note');
        expect(notes).toHaveLength(1);
        expect(notes[0]).toMatchObject({ authorKind: 'agent', authorAgentId: 'ana', visibility: 'internal' });
        expect(notes[0]?.body).toContain(`Forwarded by Ana <${AGENT}>`);
        if (fwd.note) expect(notes[0]?.body).toContain(fwd.note);
      },
    );

    it('a forward from an agent’s address that is not authenticated opens the ticket silently, marked unverified', async () => {
      const file = 'gmail-forward-en.eml';
      const fwd = expectation(file).forward;
      if (!fwd) throw new Error('not a forward');
      const id = '<agent.unverified.forward@relevo.test>';
      await h.sendRaw(withHeaders(eml(file), { From: `Ana <${AGENT}>`, 'Message-ID': id }), AGENT);
      await settle();
      const n = await h.ticketNumberOf(id);
      expect(await h.requester(n)).toBe(fwd.from);
      // Nothing went to the customer it names: a forger must not make Relevo mail third parties.
      expect(await h.mailsAbout(n)).toEqual([]);
      expect(await h.events(n, 'system')).toEqual([]);
      const notes = await h.events(n, 'private_note');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ authorKind: 'system', authorAgentId: null, visibility: 'internal' });
      expect(notes[0]?.body).toMatch(/^⚠ UNVERIFIED FORWARD — Ana <ana@support\.test> is an agent's address/);
      expect(await db().emailMessage.findUnique({ where: { messageId: id } })).toMatchObject({
        agentId: null,
      });
    });

    it.each(FORWARDS)(
      '%s forwarded by a configured forwarding address: credited to the original sender',
      async (file) => {
        const want = expectation(file);
        const fwd = want.forward;
        if (!fwd) throw new Error('not a forward');
        const id = `<desk.${file}@relevo.test>`;
        await h.sendRaw(
          withHeaders(eml(file), { From: `Front Desk <${FORWARDER}>`, 'Message-ID': id }),
          FORWARDER,
        );
        await settle();
        const n = await h.ticketNumberOf(id);
        expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).subject).toBe(fwd.subject);
        expect(await h.requester(n)).toBe(fwd.from);
        expect((await h.firstMessage(n))?.split('\n')[0]).toBe(fwd.bodyStart);
        const notes = await h.events(n, 'private_note');
        expect(notes).toHaveLength(1);
        expect(notes[0]?.body).toContain(`Forwarded by Front Desk <${FORWARDER}>`);
        if (fwd.note) expect(notes[0]?.body).toContain(fwd.note);
      },
    );

    it.each(['gmail-forward-en.eml', 'yahoo-forward-es.eml'])(
      '%s from a customer (neither agent nor forwarding address) is their own ticket, not a forward',
      async (file) => {
        const want = expectation(file);
        await h.sendRaw(eml(file), want.sender ?? '');
        await settle();
        const n = await h.ticketNumberOf(want.messageId ?? '');
        expect(await h.requester(n)).toBe(want.sender);
        expect(await h.requester(n)).not.toBe(want.forward?.from);
        expect(await h.firstMessage(n)).toBe(want.visible);
        expect(await h.events(n, 'private_note')).toEqual([]);
      },
    );
  });

  describe('threading', () => {
    it('joins a Gmail reply by In-Reply-To, shows only the new text, and keeps the full original downloadable', async () => {
      const want = expectation('gmail-reply-es.eml');
      const n = await h.open(
        'Luis Garcia <luis.garcia@example.org>',
        'Error al exportar facturas a PDF',
        'Al exportar cualquier factura a PDF me sale el documento vacío.',
      );
      const ack = await h.lastOutbound(n);
      const raw = eml('gmail-reply-es.eml').toString('latin1').replace('[#1042]', `[#${n}]`);
      await h.sendRaw(
        withHeaders(Buffer.from(raw, 'latin1'), { 'In-Reply-To': ack.messageId, References: ack.messageId }),
        'luis.garcia@example.org',
      );
      await settle();
      expect(await h.ticketOf(want.messageId ?? '')).toBe(n);
      const messages = await h.events(n, 'customer_message');
      expect(messages.map((m) => m.body)).toEqual([
        'Al exportar cualquier factura a PDF me sale el documento vacío.',
        want.visible,
      ]);
      const allText = (await db().ticketEvent.findMany({ where: { ticketNumber: n } }))
        .map((e) => e.body)
        .join('\n');
      expect(allText).not.toContain('Puedes borrar la caché');

      const { body } = await h.agent().get(`/api/v1/tickets/${n}`);
      const stored = body.ticket.emails.find((e: { messageId: string }) => e.messageId === want.messageId);
      expect(stored).toMatchObject({ direction: 'inbound', fromAddress: want.sender });
      const { res, body: original } = await h.download(`/api/v1/emails/${stored.id}/raw`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('message/rfc822');
      const reread = await parseEmail(original);
      expect(reread.messageId).toBe(want.messageId);
      expect(reread.text).toContain('¿Puedes borrar la caché del navegador');
      expect(reread.text).toContain(want.visible.split('\n')[0]);
    });

    it('joins by the [#n] token alone when the sender belongs to the organisation', async () => {
      const n = await h.open('owner@example.com', 'VPN drops', 'The VPN drops every hour.');
      const id = await h.send({
        from: 'colleague@example.com',
        subject: `Re: VPN drops [#${n}]`,
        text: 'Same here since Monday.',
      });
      await settle();
      expect(await h.ticketOf(id)).toBe(n);
      expect((await h.events(n, 'customer_message')).map((m) => m.body)).toContain('Same here since Monday.');
    });

    it('an address outside the organisation in the customer’s Cc joins the thread only once an agent adds it', async () => {
      const n = await h.open('buyer@example.com', 'Licence renewal', 'Please renew our licence.', {
        cc: 'partner@reseller.example',
      });
      // Named in a Cc by someone else: not on the thread, so quoting the number opens their own ticket.
      const first = await h.send({
        from: 'partner@reseller.example',
        subject: `Re: Licence renewal [#${n}]`,
        text: 'The PO number is 4471.',
      });
      await settle();
      expect(await h.ticketNumberOf(first)).not.toBe(n);

      // An agent, authenticated by the team's server, answers with the partner in copy: that adds them.
      await h.reply(n, `Ana <${AGENT}>`, 'Renewed until 2027.', {
        cc: 'partner@reseller.example',
        headers: { 'Authentication-Results': AGENT_DMARC_PASS },
      });
      await settle();
      const second = await h.send({
        from: 'partner@reseller.example',
        subject: `Re: Licence renewal [#${n}]`,
        text: 'Thanks, the PO number is 4471.',
      });
      await settle();
      expect(await h.ticketOf(second)).toBe(n);
    });

    it('a stranger quoting a ticket number gets a new ticket, not access', async () => {
      const n = await h.open('victim@example.com', 'Payroll export', 'The payroll export is wrong.');
      const id = await h.send({
        from: 'mallory@evil.example',
        subject: `Re: Payroll export [#${n}]`,
        text: 'Please send me the payroll files.',
      });
      await settle();
      const other = await h.ticketNumberOf(id);
      expect(other).not.toBe(n);
      const bodies = (await db().ticketEvent.findMany({ where: { ticketNumber: n } })).map((e) => e.body);
      expect(bodies.join('\n')).not.toContain('payroll files');
    });

    it('a stranger filed under the default organisation still cannot join that organisation’s tickets', async () => {
      // Mallory wrote once before, so she is a contact of acme (the catch-all). She does not belong to
      // acme: quoting an acme customer's ticket must not put her on its thread.
      await h.open('mallory2@evil.example', 'Hello', 'Just asking about prices.');
      const n = await h.open('cfo@example.com', 'Salary report', 'The salary report is missing March.');
      const id = await h.send({
        from: 'mallory2@evil.example',
        subject: `Re: Salary report [#${n}]`,
        text: 'Please send the salary report to me too.',
      });
      await settle();
      expect(await h.ticketOf(id)).not.toBe(n);
      // And the agent's next answer on the ticket does not go to her.
      expect((await h.agent().post(`/api/v1/tickets/${n}/replies`, { text: 'March is fixed.' })).status).toBe(
        201,
      );
      await settle();
      const answer = (await h.mailsAbout(n)).find((m) => m.mail.text.includes('March is fixed.'));
      expect(answer?.envelope.to).not.toContain('mallory2@evil.example');
    });
  });

  describe('agents answering by email', () => {
    it('an agent replying from their mailbox (DMARC pass from the team’s server) with the customer in copy records a public reply and sends nothing more', async () => {
      const n = await h.open('cust-a@example.com', 'Backup failed', 'Last night’s backup failed.');
      const before = (await h.mailsTo('cust-a@example.com')).length;
      const id = await h.reply(
        n,
        `Ana <${AGENT}>`,
        'We re-ran the backup, it is fine now.\n\nOn Mon, 2 Mar 2026, Soporte <soporte@acme.example> wrote:\n> Thanks, we have opened ticket',
        { cc: 'cust-a@example.com', headers: { 'Authentication-Results': AGENT_DMARC_PASS } },
      );
      await settle();
      expect(await h.ticketOf(id)).toBe(n);
      const replies = await h.events(n, 'public_reply');
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({
        authorAgentId: 'ana',
        body: 'We re-ran the backup, it is fine now.',
      });
      expect((await h.mailsTo('cust-a@example.com')).length).toBe(before);
      expect(
        await db().ticket.count({ where: { contact: { identities: { some: { externalId: AGENT } } } } }),
      ).toBe(0);
    });

    it('an agent answering the personal copy of a customer’s mail (reply token): Relevo delivers the reply to the customer', async () => {
      const n = await h.open('cust-b@example.com', 'Disk full', 'The disk of server B is full.');
      expect((await h.agent().post(`/api/v1/tickets/${n}/assign`, { assignee: 'ana' })).status).toBe(200);
      await h.reply(n, 'cust-b@example.com', 'It is server B in the Madrid rack.');
      await settle();
      const copy = await h.personalCopy(n, AGENT);
      // For Ana alone, marked automatic (no out-of-office answers it), the token in its Message-ID.
      expect(copy.envelope.to).toEqual([AGENT]);
      expect(copy.mail.cc).toEqual([]);
      expect(copy.mail.headers['auto-submitted']).toBe('auto-generated');
      expect(copy.mail.text).toContain(`wrote on ticket #${n} (Disk full):`);
      expect(copy.mail.text).toContain('It is server B in the Madrid rack.');
      const token = /^<relevo\.a\.([a-z2-7]{26})@acme\.example>$/.exec(copy.mail.messageId ?? '')?.[1];
      expect(token).toBeDefined();
      const id = await h.send({
        from: `Ana <${AGENT}>`,
        subject: `Re: ${copy.mail.subject}`,
        inReplyTo: copy.mail.messageId ?? '',
        references: [copy.mail.messageId ?? ''],
        text: 'We freed 40 GB on server B.',
      });
      await settle();
      expect(await h.ticketOf(id)).toBe(n);
      expect((await h.events(n, 'public_reply')).map((e) => e.body)).toEqual(['We freed 40 GB on server B.']);
      expect(await db().emailMessage.findUnique({ where: { messageId: id } })).toMatchObject({
        agentId: 'ana',
        agentAuth: 'token',
      });
      const delivered = (await h.mailsAbout(n)).filter((m) => m.mail.text.includes('We freed 40 GB'));
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.mail.to.map((a) => a.address)).toEqual(['cust-b@example.com']);
      expect(delivered[0]?.mail.text).toContain('— Ana');
      expect(delivered[0]?.mail.headers['auto-submitted']).toBeUndefined();
      // The customer never sees the token: not in the headers, not in the text.
      expect(delivered[0]?.raw.toString('latin1')).not.toContain(token);
    });
  });

  describe('outbound replies', () => {
    it('an agent reply carries [#n], threading headers, everyone admitted to the thread and the group in copy', async () => {
      const first = await h.send({
        from: 'Carla <carla@example.com>',
        cc: ['Dani <dani@example.com>', 'Partner <ops@partner.example>'],
        subject: 'Invoice export fails',
        text: 'The invoice export fails with error 500.',
      });
      await settle();
      const n = await h.ticketNumberOf(first);
      const ack = (await h.mailsAbout(n))[0]?.mail;
      expect(ack?.headers['auto-submitted']).toBe('auto-replied');
      expect((await h.agent().post(`/api/v1/tickets/${n}/replies`, { text: 'We are on it.' })).status).toBe(
        201,
      );
      await settle();
      const out = (await h.mailsAbout(n)).find((m) => m.mail.text.includes('We are on it.'));
      expect(out?.mail.subject).toBe(`Invoice export fails [#${n}]`);
      expect(out?.mail.messageId).toMatch(/^<.+>$/);
      expect(out?.mail.messageId).not.toBe(ack?.messageId);
      expect(out?.mail.inReplyTo).toBe(first);
      expect(out?.mail.references).toEqual(expect.arrayContaining([first, ack?.messageId]));
      expect(out?.mail.to.map((a) => a.address)).toEqual(['carla@example.com']);
      // Dani belongs to the organisation (example.com); the partner was only named in Carla's Cc and
      // joins when an agent adds them.
      expect(out?.mail.cc.map((a) => a.address).sort()).toEqual(['dani@example.com', GROUP].sort());
      expect(out?.mail.headers['auto-submitted']).toBeUndefined();
      expect(out?.envelope.to.sort()).toEqual(['carla@example.com', 'dani@example.com', GROUP].sort());
    });

    it('a failed send is retried, and the failure shows on the ticket meanwhile', async () => {
      await settle();
      rig.sink.failNext(1);
      const n = await h.open('retry@example.com', 'Mail server down?', 'Our mail server looks down.');
      const notes = await h.events(n, 'private_note');
      expect(notes.map((e) => e.body).join('\n')).toMatch(/could not be delivered to the customer yet/);
      await eventually(
        async () => (await h.mailsAbout(n)).length === 1,
        'the retried acknowledgement',
        15_000,
      );
      const [ack] = await h.mailsAbout(n);
      expect(ack?.mail.text).toContain(`ticket #${n}`);
      const [ackEvent] = await h.events(n, 'system');
      const outboxRow = () =>
        db().outboxItem.findFirst({
          where: { kind: 'customer_event', payload: { path: ['eventId'], equals: ackEvent?.id ?? '' } },
        });
      // The mail reaches the sink before the worker records the send: wait for the row, not the mail.
      await eventually(
        async () => (await outboxRow())?.status === 'done',
        'the outbox row marked done',
        15_000,
      );
      expect(await outboxRow()).toMatchObject({ status: 'done', attempts: 2 });
    });
  });

  describe('resolution by email', () => {
    it('"Yes, thanks" to the resolution mail confirms and resolves the ticket', async () => {
      const n = await h.open('conf-yes@example.com', 'Printer queue stuck', 'The printer queue is stuck.');
      expect(
        (await h.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We cleared the print queue.' }))
          .status,
      ).toBe(200);
      await settle();
      const ask = (await h.mailsAbout(n)).find((m) => m.mail.text.includes('We cleared the print queue.'));
      expect(ask?.mail.text).toContain('just reply "yes"');
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe(
        'awaiting_confirmation',
      );

      await h.reply(
        n,
        'conf-yes@example.com',
        'Yes, thanks!\n\nOn Mon, 2 Mar 2026, Soporte wrote:\n> We cleared the print queue.',
      );
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('resolved');
      const confirmed = (await h.mailsAbout(n)).find((m) => m.mail.text.includes('Thank you for confirming'));
      expect(confirmed?.mail.to.map((a) => a.address)).toEqual(['conf-yes@example.com']);
    });

    it('"Yes, solved" (the confirm button’s own label) also confirms by email', async () => {
      const n = await h.open('conf-label@example.com', 'Wiki offline', 'The wiki is offline.');
      await h.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'The wiki is back.' });
      await settle();
      await h.reply(n, 'conf-label@example.com', 'Yes, solved');
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('resolved');
    });

    it('a longer answer to the resolution mail reopens the ticket with the customer’s words', async () => {
      const n = await h.open('conf-no@example.com', 'Report is empty', 'The monthly report is empty.');
      await h.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We regenerated the report.' });
      await settle();
      await h.reply(n, 'conf-no@example.com', 'No, it is still empty when I open it in Excel.');
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('open');
      expect((await h.events(n, 'customer_message')).at(-1)?.body).toBe(
        'No, it is still empty when I open it in Excel.',
      );
    });

    it('closedReply: follow_up — a reply to a resolved ticket opens a follow-up that names it', async () => {
      const n = await h.open('conf-later@example.com', 'Scanner offline', 'The scanner is offline.');
      await h.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We restarted the scanner.' });
      await settle();
      await h.reply(n, 'conf-later@example.com', 'Yes');
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('resolved');
      const id = await h.reply(
        n,
        'conf-later@example.com',
        'The scanner is offline again since this morning.',
      );
      await settle();
      const m = await h.ticketNumberOf(id);
      expect(m).not.toBe(n);
      const followUp = await db().ticket.findUniqueOrThrow({ where: { number: m } });
      expect(followUp.subject).toBe(`Follow-up to #${n}: Scanner offline`);
      expect(await h.firstMessage(m)).toBe('The scanner is offline again since this morning.');
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('resolved');
      expect(await h.mailsAbout(m)).toHaveLength(1);
    });
  });

  describe('loop guard (RFC 3834)', () => {
    it.each(LOOP_FIXTURES)('%s is stored but never acknowledged', async (file) => {
      const want = expectation(file);
      await settle();
      const before = rig.sink.messages.length;
      await h.sendRaw(eml(file), '');
      await settle();
      const row = await db().emailMessage.findUniqueOrThrow({ where: { messageId: want.messageId ?? '' } });
      expect(row).toMatchObject({ direction: 'inbound', loopVerdict: want.loop });
      expect((await keptOriginal(db(), row.id))?.length).toBeGreaterThan(0);
      // The fixtures name tickets that do not exist here: the mail becomes a (silent) ticket of its own.
      expect(row.ticketNumber).not.toBeNull();
      expect(rig.sink.messages.length).toBe(before);
    });

    it('our own message coming back is kept, opens nothing and is not answered', async () => {
      const want = expectation('own-address-echo.eml');
      await settle();
      const before = rig.sink.messages.length;
      const tickets = await db().ticket.count();
      await h.sendRaw(eml('own-address-echo.eml'), SUPPORT);
      await settle();
      const row = await db().emailMessage.findUniqueOrThrow({ where: { messageId: want.messageId ?? '' } });
      expect(row).toMatchObject({ loopVerdict: 'own-address', ticketNumber: null });
      expect(await db().ticket.count()).toBe(tickets);
      expect(rig.sink.messages.length).toBe(before);
    });

    it('an out-of-office about a ticket becomes a note on it: no status change, no answer', async () => {
      const n = await h.open(
        'Carmen Diaz <carmen.diaz@initech.example>',
        'Pedido 4471 no recibido',
        'No ha llegado el pedido 4471.',
      );
      await h.agent().post(`/api/v1/tickets/${n}/replies`, { text: 'Lo revisamos hoy.' });
      await settle();
      const status = (await db().ticket.findUniqueOrThrow({ where: { number: n } })).status;
      const before = rig.sink.messages.length;
      const raw = eml('auto-reply-out-of-office-es.eml').toString('latin1').replace('[#1305]', `[#${n}]`);
      const id = '<ooo.about.ticket@relevo.test>';
      await h.sendRaw(withHeaders(Buffer.from(raw, 'latin1'), { 'Message-ID': id }), '');
      await settle();
      expect(await h.ticketOf(id)).toBe(n);
      const notes = await h.events(n, 'private_note');
      expect(notes.map((e) => e.body).join('\n')).toMatch(
        /Automatic mail from carmen\.diaz@initech\.example/,
      );
      expect(await h.events(n, 'customer_message')).toHaveLength(1);
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe(status);
      expect(rig.sink.messages.length).toBe(before);
    });

    it('stops acknowledging a sender after autoRepliesPerHour, and still files their mail', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        ids.push(
          await h.send({
            from: 'flood@example.com',
            subject: `Question ${i}`,
            text: `Question number ${i}.`,
          }),
        );
        await settle();
      }
      const numbers = await Promise.all(ids.map((id) => h.ticketNumberOf(id)));
      expect(new Set(numbers).size).toBe(5);
      expect(await h.mailsTo('flood@example.com')).toHaveLength(3);
    });

    it('the per-sender limit holds for a burst while outgoing mail is failing (acks queued, not yet sent)', async () => {
      await settle();
      rig.sink.failNext(5);
      for (let i = 1; i <= 5; i++) {
        await h.send({ from: 'burst@example.com', subject: `Burst ${i}`, text: `Burst message ${i}.` });
      }
      await settle();
      // Wait until the outbox has nothing left to retry, then count what reached the sender.
      await eventually(
        async () => (await db().outboxItem.count({ where: { status: 'pending' } })) === 0,
        'the outbox to drain',
        20_000,
      );
      expect(
        await db().ticket.count({
          where: { contact: { identities: { some: { externalId: 'burst@example.com' } } } },
        }),
      ).toBe(5);
      expect((await h.mailsTo('burst@example.com')).length).toBeLessThanOrEqual(3);
    });
  });

  describe('duplicates', () => {
    it('the same Message-ID delivered again (even with other content) is ignored', async () => {
      const want = expectation('gmail-new-en.eml');
      await settle();
      const tickets = await db().ticket.count();
      const sent = rig.sink.messages.length;
      await h.sendRaw(eml('gmail-new-en.eml'));
      await h.sendRaw(
        Buffer.from(
          `From: emily.carter@example.com\r\nTo: ${SUPPORT}\r\nSubject: Another thing\r\nMessage-ID: ${want.messageId}\r\n\r\nSomething else entirely.\r\n`,
        ),
      );
      await settle();
      expect(await db().ticket.count()).toBe(tickets);
      expect(await db().emailMessage.count({ where: { messageId: want.messageId ?? '' } })).toBe(1);
      expect(rig.sink.messages.length).toBe(sent);
    });

    it('a message without Message-ID delivered twice opens one ticket (content hash)', async () => {
      const raw = eml('no-message-id.eml');
      await h.sendRaw(raw);
      await settle();
      const key = contentHash(raw);
      const n = await h.ticketNumberOf(key);
      expect(await h.firstMessage(n)).toBe(expectation('no-message-id.eml').visible);
      const tickets = await db().ticket.count();
      await h.sendRaw(raw);
      await settle();
      expect(await db().ticket.count()).toBe(tickets);
      expect(await h.mailsTo('escaner@initech.example')).toHaveLength(1);
    });

    it('a message without Message-ID re-delivered through another relay hop (one more Received line) is the same message', async () => {
      const raw = Buffer.concat([
        Buffer.from(
          'Received: from relay2.acme.example (relay2.acme.example [192.0.2.99])\r\n\tby mx2.acme.example; Wed, 5 Mar 2025 08:35:00 +0100\r\n',
        ),
        eml('no-message-id.eml'),
      ]);
      const tickets = await db().ticket.count();
      await h.sendRaw(raw);
      await settle();
      expect(await db().ticket.count()).toBe(tickets);
    });
  });

  describe('attachments', () => {
    it('stores attachments, lists them on the ticket and the card, and serves them as downloads', async () => {
      const want = expectation('attachment-pdf-es.eml');
      await h.sendRaw(eml('attachment-pdf-es.eml'));
      await settle();
      const n = await h.ticketNumberOf(want.messageId ?? '');
      const { body } = await h.agent().get(`/api/v1/tickets/${n}`);
      const listed = body.ticket.attachments as {
        id: string;
        filename: string;
        size: number;
        oversized: boolean;
      }[];
      expect(listed.map((a) => [a.filename, a.size, a.oversized])).toEqual([
        ['Factura 2025-03.pdf', 330, false],
        ['Presupuesto año 2025.pdf', 330, false],
      ]);
      const parsed = await parseEmail(eml('attachment-pdf-es.eml'));
      for (const a of listed) {
        const { res, body: bytes } = await h.download(`/api/v1/attachments/${a.id}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        const original = parsed.attachments.find((p) => p.filename === a.filename)?.content;
        expect(original && bytes.equals(original)).toBe(true);
      }
      const card = await renderCard(db(), n, 'en');
      const field = card.fields?.find((f) => f.label === 'Attachments')?.value;
      expect(field).toContain('Factura 2025-03.pdf');
      expect(field).toContain('Presupuesto año 2025.pdf');
      // Not copied: read from the original, kept once in its inbox row (part 0, an inline logo, is not listed).
      const rows = await db().attachment.findMany({ where: { ticketNumber: n }, orderBy: { part: 'asc' } });
      expect(rows.map((a) => [a.content, a.part])).toEqual([
        [null, 1],
        [null, 2],
      ]);
      const inbox = await db().inboundEvent.findUnique({ where: { key: rows[0]?.inboundKey ?? '' } });
      expect(inbox?.blob?.length).toBe(eml('attachment-pdf-es.eml').length);
      // Should the original be gone (never expected), the download says so instead of serving other bytes.
      await db().inboundEvent.update({ where: { key: inbox?.key ?? '' }, data: { blob: null } });
      const gone = await h.download(`/api/v1/attachments/${listed[0]?.id}`);
      expect(gone.res.status).toBe(404);
      expect(gone.body.toString()).toContain('is no longer kept');
    });

    it('lists an attachment over RELEVO_ATTACHMENT_MAX_BYTES without storing it', async () => {
      const want = expectation('large-attachment.eml');
      await h.sendRaw(eml('large-attachment.eml'));
      await settle();
      const n = await h.ticketNumberOf(want.messageId ?? '');
      expect(await h.firstMessage(n)).toBe(want.visible);
      const stored = await db().attachment.findMany({ where: { ticketNumber: n } });
      expect(stored.map((a) => [a.filename, a.size, a.oversized, a.content])).toEqual([
        ['logs-servidor-2025-03-04.zip', 1_572_864, true, null],
      ]);
      const { res } = await h.download(`/api/v1/attachments/${stored[0]?.id}`);
      expect(res.status).toBe(404);
      const card = await renderCard(db(), n, 'en');
      expect(card.fields?.find((f) => f.label === 'Attachments')?.value).toBe(
        'logs-servidor-2025-03-04.zip (1536 KB, over the size limit: not kept)',
      );
    });

    it('downloads an attachment whose name is not Latin-1', async () => {
      const n = await h.open('report@example.com', 'Quarterly report', 'Attached.', {
        attachments: [{ filename: '報告 €.pdf', content: Buffer.from('%PDF-1.4 quarterly report') }],
      });
      const [a] = await db().attachment.findMany({ where: { ticketNumber: n } });
      expect(a?.filename).toBe('報告 €.pdf');
      const { res, body } = await h.download(`/api/v1/attachments/${a?.id}`);
      expect(res.status).toBe(200);
      expect(body.toString()).toBe('%PDF-1.4 quarterly report');
    });

    it('a message with only an attachment (no subject, no text) still opens a ticket', async () => {
      const id = await h.send({
        from: 'scanner@example.com',
        subject: '',
        text: '',
        attachments: [{ filename: 'scan-0001.pdf', content: Buffer.from('%PDF-1.4 scan') }],
      });
      await settle();
      const n = await h.ticketNumberOf(id);
      expect((await db().attachment.findMany({ where: { ticketNumber: n } })).map((a) => a.filename)).toEqual(
        ['scan-0001.pdf'],
      );
    });
  });

  describe('hostile and broken mail', () => {
    it('a CR/LF-injected subject cannot add headers or recipients to the acknowledgement', async () => {
      const want = expectation('header-injection.eml');
      await h.sendRaw(eml('header-injection.eml'), 'atacante@example.net');
      await settle();
      const n = await h.ticketNumberOf(want.messageId ?? '');
      const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n } });
      expect(ticket.subject).toBe(want.subject);
      const names = (await db().attachment.findMany({ where: { ticketNumber: n } })).map((a) => a.filename);
      for (const name of names) expect(name).not.toMatch(/[/\\\r\n\u202e]/);

      const [ack] = await h.mailsAbout(n);
      expect(ack).toBeDefined();
      const fields = headerFields(ack?.raw ?? Buffer.alloc(0));
      expect(fields.filter((f) => /^bcc\s*:/i.test(f))).toEqual([]);
      expect(fields.filter((f) => /^x-injected\s*:/i.test(f))).toEqual([]);
      expect(fields.filter((f) => /^subject\s*:/i.test(f))).toHaveLength(1);
      expect(ack?.mail.subject).toBe(`${want.subject} [#${n}]`);
      expect(ack?.envelope.to.sort()).toEqual(['atacante@example.net', GROUP].sort());
      expect(ack?.mail.text).not.toMatch(/^Bcc:/m);
    });

    it.each(BROKEN_FIXTURES)('%s becomes a ticket with the readable text', async (file) => {
      const want = expectation(file);
      const raw = eml(file);
      await h.sendRaw(raw);
      await settle();
      const key = want.messageId ?? contentHash(raw);
      const n = await h.ticketNumberOf(key);
      expect(await h.requester(n)).toBe(want.sender);
      expect(await h.firstMessage(n)).toBe(want.visible);
      for (const a of want.attachments ?? []) {
        const stored = await db().attachment.findFirst({ where: { ticketNumber: n, filename: a.filename } });
        expect(stored?.size).toBe(a.size);
      }
      const inbound = await db().inboundEvent.findUniqueOrThrow({ where: { key: `email:${key}` } });
      expect(inbound).toMatchObject({ lastError: null, attempts: 0 });
      expect(inbound.processedAt).not.toBeNull();
    });

    it('a message without From is kept with the reason, and one without any header at all does not crash', async () => {
      await h.sendRaw(
        Buffer.from(`To: ${SUPPORT}\r\nSubject: orphan-without-from\r\n\r\nWho sent this?\r\n`),
      );
      await h.sendRaw(Buffer.from('\u0001garbage \xff\xfe with no headers at all\r\n', 'latin1'));
      await settle();
      const orphan = await db().emailMessage.findFirstOrThrow({ where: { subject: 'orphan-without-from' } });
      expect(orphan).toMatchObject({ ticketNumber: null, error: 'no sender address' });
      // The original is kept where it was stored, in its inbox event, which is processed without an error.
      const unticketed = await db().emailMessage.findMany({ where: { ticketNumber: null } });
      const events = await db().inboundEvent.findMany({
        where: { key: { in: unticketed.flatMap((m) => m.inboundKey ?? []) } },
      });
      const event = events.find((e) => e.blob && Buffer.from(e.blob).includes('garbage'));
      const kept = unticketed.find((m) => m.inboundKey === event?.key);
      expect(kept).toMatchObject({ ticketNumber: null, error: 'no sender address', raw: null });
      expect(event).toMatchObject({ lastError: null });
      expect(event?.processedAt).not.toBeNull();
    });

    it('a UTF-16 text part labelled UTF-8 (NUL bytes) becomes a ticket, not a failed inbox item', async () => {
      const body = Buffer.from('Hello, the label printer prints blank pages.', 'utf16le');
      const id = '<utf16-as-utf8@legacy.example>';
      const raw = Buffer.concat([
        Buffer.from(
          `From: legacy@example.com\r\nTo: ${SUPPORT}\r\nSubject: Label printer\r\nMessage-ID: ${id}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
        ),
        body,
        Buffer.from('\r\n'),
      ]);
      await h.sendRaw(raw);
      await settle();
      const n = await h.ticketNumberOf(id);
      expect(await h.firstMessage(n)).toContain('label printer');
      expect(await h.firstMessage(n)).not.toContain('\u0000');
    });

    it('a long message (a pasted log over tickets.maxMessageLength) still opens a ticket', async () => {
      const log = Array.from(
        { length: 400 },
        (_, i) => `2026-03-02 10:${String(i % 60).padStart(2, '0')} ERROR job ${i} failed`,
      ).join('\n');
      const id = await h.send({
        from: 'logs@example.com',
        subject: 'Nightly jobs failing',
        text: `Here is the log:\n\n${log}`,
      });
      await settle();
      const n = await h.ticketNumberOf(id);
      expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).subject).toBe(
        'Nightly jobs failing',
      );
    });

    it('an agent writing a new mail (not a reply, not a forward) is kept or ticketed, never a failed inbox item', async () => {
      const id = await h.send({
        from: `Ana <${AGENT}>`,
        subject: 'Note to self',
        text: 'Check the backups tomorrow.',
      });
      await settle();
      // ticketOf throws (with the inbox's error) when the message was neither ticketed nor kept.
      await h.ticketOf(id);
    });

    it('after all of the above the inbox still takes a normal mail', async () => {
      const n = await h.open('after@example.com', 'Still working?', 'Just checking the inbox still works.');
      expect(await h.firstMessage(n)).toBe('Just checking the inbox still works.');
      expect(await h.mailsAbout(n)).toHaveLength(1);
    });
  });

  describe('with closedReply: reopen, no default organisation, and SMTP limits', () => {
    let b: Rig;
    const hb = helpers(() => b);

    beforeAll(async () => {
      b = await startRig(database, reopenConfig, {
        RELEVO_SMTP_DOMAINS: 'acme.example',
        RELEVO_SMTP_MAX_BYTES: '8192',
      });
    });
    afterAll(async () => stopRig(b));

    it('a reply to a closed ticket reopens it instead of opening another', async () => {
      const n = await hb.open('reopen@example.com', 'Sync broken', 'Calendar sync is broken.');
      await hb.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'Sync is repaired.' });
      await hb.settle();
      await hb.reply(n, 'reopen@example.com', 'Yes');
      await hb.settle();
      expect((await hb.agent().post(`/api/v1/tickets/${n}/status`, { status: 'closed' })).status).toBe(200);
      const tickets = await hb.db().ticket.count();
      const id = await hb.reply(n, 'reopen@example.com', 'It broke again after the update.');
      await hb.settle();
      expect(await hb.ticketOf(id)).toBe(n);
      expect(await hb.db().ticket.count()).toBe(tickets);
      expect((await hb.db().ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('open');
      expect((await hb.events(n, 'customer_message')).at(-1)?.body).toBe('It broke again after the update.');
    });

    it('without email.defaultOrganisation a stranger’s mail is kept, not ticketed, not answered', async () => {
      await hb.settle();
      const before = b.sink.messages.length;
      const id = await hb.send({ from: 'nobody@nowhere.example', subject: 'Hi', text: 'Who are you?' });
      await hb.settle();
      const row = await hb.db().emailMessage.findUniqueOrThrow({ where: { messageId: id } });
      expect(row.ticketNumber).toBeNull();
      expect(row.error).toMatch(/matches no organisation/);
      expect((await keptOriginal(hb.db(), row.id))?.length).toBeGreaterThan(0);
      expect(b.sink.messages.length).toBe(before);
    });

    it('refuses recipients outside RELEVO_SMTP_DOMAINS at RCPT TO, storing nothing', async () => {
      const counts = async () => [
        await hb.db().inboundEvent.count(),
        await hb.db().emailMessage.count(),
        await hb.db().ticket.count(),
      ];
      const before = await counts();
      await expect(
        b.transport.sendMail({
          from: 'x@example.com',
          to: 'someone@elsewhere.example',
          subject: 'Hi',
          text: 'Hello',
        }),
      ).rejects.toMatchObject({ responseCode: 550 });
      await hb.settle();
      expect(await counts()).toEqual(before);
    });

    it('refuses a message over RELEVO_SMTP_MAX_BYTES, storing nothing', async () => {
      const counts = async () => [
        await hb.db().inboundEvent.count(),
        await hb.db().emailMessage.count(),
        await hb.db().ticket.count(),
      ];
      const before = await counts();
      await expect(
        b.transport.sendMail({
          from: 'big@example.com',
          to: SUPPORT,
          subject: 'Too big',
          text: 'x'.repeat(20_000),
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
      await hb.settle();
      expect(await counts()).toEqual(before);
    });
  });
});
