// The security review's findings on email, end to end over real SMTP on loopback (and, at the end,
// a real Dovecot mailbox read over IMAP): a forged "From: an agent" must not act as the agent, its Cc
// must not join the thread, and an outsider quoting a ticket number must not join the ticket. Also the
// two ways an agent's mail is authenticated — the reply token of a personal copy, and the trusted
// server's Authentication-Results — each with the forgeries they must refuse.
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/parse.ts';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { type Dovecot, startDovecot } from '../harness/email/dovecot.ts';
import { parsedMail, type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, eventually } from '../harness/http.ts';

const SUPPORT = 'soporte@acme.example';
const GROUP = 'support@acme.example';
const ANA = 'ana@support.test';
const DORA = 'dora@support.test';
const SPY = 'spy@evil.test';
const TEAM_MX = 'mx.support.test';
const DMARC_PASS = `Authentication-Results: ${TEAM_MX}; dmarc=pass (p=reject dis=none) header.from=support.test`;
const PHISHING = 'Please confirm your card at https://relevo-billing.evil.test/login';

// Two agents with mailboxes (Ana and Dora); strangers are filed under acme (example.com).
const config = `${testConfigYaml}  - { id: dora, name: Dora, role: agent, email: ${DORA} }
email:
  defaultOrganisation: acme
`;

interface Rig {
  t: TestApp;
  sink: SmtpSink;
  transport: Transporter;
}

async function startRig(database: (typeof databaseKinds)[number], env: Record<string, string> = {}) {
  const sink = await startSmtpSink();
  const t = await startTestApp({
    database,
    config,
    env: {
      RELEVO_SUPPORT_ADDRESS: SUPPORT,
      RELEVO_SUPPORT_GROUP: GROUP,
      RELEVO_SMTP_URL: sink.url,
      RELEVO_SMTP_LISTEN_PORT: '0',
      RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: TEAM_MX,
      ...env,
    },
  });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort(), secure: false });
  return { t, sink, transport };
}

/** A message written byte for byte, so the order of its header fields is exactly the one given. */
function rawMail(m: {
  top?: string[];
  from: string;
  to?: string;
  cc?: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  text: string;
}): Buffer {
  return Buffer.from(
    [
      ...(m.top ?? []),
      `From: ${m.from}`,
      `To: ${m.to ?? SUPPORT}`,
      ...(m.cc ? [`Cc: ${m.cc}`] : []),
      `Subject: ${m.subject}`,
      `Message-ID: ${m.messageId}`,
      ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
      ...(m.references ? [`References: ${m.references}`] : []),
      'Date: Mon, 02 Mar 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.text,
      '',
    ].join('\r\n'),
  );
}

function helpers(get: () => Rig) {
  const db = () => get().t.app.db.prisma;
  const settle = () => get().t.app.settle();
  const outgoing = parsedMail(() => get().sink);
  const h = {
    db,
    settle,
    outgoing,
    agent: (id = 'ana') => agentClient(get().t.url, get().t.apiToken, id),
    send: async (mail: SendMailOptions) =>
      (await get().transport.sendMail({ to: SUPPORT, ...mail })).messageId,
    sendRaw: async (raw: Buffer) => {
      await get().transport.sendMail({ envelope: { from: 'relay@mx.support.test', to: [SUPPORT] }, raw });
    },
    ticketOf: async (messageId: string) => {
      const row = await db().emailMessage.findUnique({ where: { messageId } });
      if (!row) throw new Error(`${messageId} was not stored`);
      return row.ticketNumber;
    },
    open: async (from: string, subject: string, text: string) => {
      const id = await h.send({ from, subject, text });
      await settle();
      const n = await h.ticketOf(id);
      if (n === null) throw new Error(`${id} opened no ticket`);
      return n;
    },
    ticket: (n: number) => db().ticket.findUniqueOrThrow({ where: { number: n } }),
    events: (n: number, type: 'customer_message' | 'private_note' | 'public_reply' | 'system') =>
      db().ticketEvent.findMany({
        where: { ticketNumber: n, type },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    requester: async (n: number) => {
      const ticket = await db().ticket.findUniqueOrThrow({
        where: { number: n },
        include: { contact: { include: { identities: { where: { platform: 'email' } } } } },
      });
      return ticket.contact.identities[0]?.externalId;
    },
    /** Relevo's latest mail on ticket n to its customer (what a reply-all answers). */
    lastOutbound: (n: number) =>
      db().emailMessage.findFirstOrThrow({
        where: { ticketNumber: n, direction: 'outbound' },
        orderBy: { createdAt: 'desc' },
      }),
    mailsContaining: async (text: string) => (await outgoing()).filter((m) => m.mail.text.includes(text)),
    /** Everything that went to `address` (envelope: To, Cc and Bcc alike). */
    mailsTo: async (address: string) => (await outgoing()).filter((m) => m.envelope.to.includes(address)),
    /** Assigns n to `agent`, has its customer write again, and returns the personal copy mailed to them. */
    personalCopy: async (n: number, agent: string, agentAddress: string) => {
      expect((await h.agent().post(`/api/v1/tickets/${n}/assign`, { assignee: agent })).status).toBe(200);
      const parent = await h.lastOutbound(n);
      const customer = await h.requester(n);
      await h.send({
        from: customer,
        subject: `Re: ${parent.subject}`,
        inReplyTo: parent.messageId,
        references: [parent.messageId],
        text: `One more detail for #${n}.`,
      });
      await settle();
      const copy = (await h.mailsTo(agentAddress))
        .filter((m) => m.mail.text.includes(`One more detail for #${n}.`))
        .at(-1);
      if (!copy?.mail.messageId) throw new Error(`no personal copy of #${n} reached ${agentAddress}`);
      return copy.mail;
    },
  };
  return h;
}

describe.each(databaseKinds)('email security on %s', (database) => {
  let rig: Rig;
  const h = helpers(() => rig);

  beforeAll(async () => {
    rig = await startRig(database);
  });
  afterAll(async () => {
    rig?.transport.close();
    await rig?.t.stop();
    await rig?.sink.close();
  });

  /** The review's attack: "From: Ana", Re: [#n], a phishing link, the spy in copy; nothing authenticates it. */
  const forgeAgentReply = async (n: number, extra: { top?: string[]; messageId?: string } = {}) => {
    const parent = await h.lastOutbound(n);
    const messageId = extra.messageId ?? `<forged.${n}.${Date.now()}@evil.test>`;
    await h.sendRaw(
      rawMail({
        top: extra.top,
        from: `Ana <${ANA}>`,
        cc: SPY,
        subject: `Re: ${parent.subject}`,
        messageId,
        inReplyTo: parent.messageId,
        references: parent.messageId,
        text: PHISHING,
      }),
    );
    await h.settle();
    return messageId;
  };

  describe('a forged mail from an agent’s address', () => {
    it('finding 1: is held as an unverified private note — not a public reply, nothing mailed to the customer, the ticket unchanged', async () => {
      const n = await h.open('carla@example.com', 'Invoice export fails', 'The export fails with error 500.');
      const before = await h.ticket(n);
      const id = await forgeAgentReply(n);

      expect(await h.ticketOf(id)).toBe(n);
      expect(await h.events(n, 'public_reply')).toEqual([]);
      const notes = await h.events(n, 'private_note');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ authorKind: 'system', authorAgentId: null, visibility: 'internal' });
      expect(notes[0]?.body).toMatch(
        /^⚠ UNVERIFIED — mail from an agent's address that Relevo could not authenticate\.\n/,
      );
      expect(notes[0]?.body).toContain(`It says it is from Ana <${ANA}>`);
      expect(notes[0]?.body).toContain(`In copy (not added): ${SPY}`);
      expect(notes[0]?.body).toContain(PHISHING);
      expect(await h.mailsContaining('relevo-billing.evil.test')).toEqual([]);
      expect(await h.mailsContaining('— Ana')).toEqual([]);
      const after = await h.ticket(n);
      expect({ status: after.status, firstRespondedAt: after.firstRespondedAt }).toEqual({
        status: before.status,
        firstRespondedAt: before.firstRespondedAt,
      });
      expect(await h.db().emailMessage.findUniqueOrThrow({ where: { messageId: id } })).toMatchObject({
        agentId: null,
        agentAuth: null,
        error: "unverified mail from an agent's address: held as a private note",
      });
    });

    it('finding 2: its Cc does not join the thread — the next real agent reply (with a secret) is not copied to the outsider', async () => {
      const n = await h.open('dani@example.com', 'VPN access', 'I need VPN access.');
      await forgeAgentReply(n);
      const secret = 'Your temporary VPN password is K7-secret-42.';
      expect((await h.agent().post(`/api/v1/tickets/${n}/replies`, { text: secret })).status).toBe(201);
      await h.settle();
      const [reply] = await h.mailsContaining(secret);
      expect(reply?.envelope.to).toEqual(expect.arrayContaining(['dani@example.com', GROUP]));
      expect(reply?.envelope.to).not.toContain(SPY);
      expect(reply?.mail.cc.map((a) => a.address)).not.toContain(SPY);
      expect(await h.mailsTo(SPY)).toEqual([]);
    });

    it('finding 3: the outsider’s own Re: [#n] does not join the ticket as the customer — it opens a ticket of their own', async () => {
      const n = await h.open('erin@example.com', 'Payroll export', 'The payroll export is wrong.');
      await forgeAgentReply(n);
      const parent = await h.lastOutbound(n);
      const id = await h.send({
        from: `Spy <${SPY}>`,
        subject: `Re: ${parent.subject}`,
        inReplyTo: parent.messageId,
        references: [parent.messageId],
        text: 'Please send me the payroll files too.',
      });
      await h.settle();
      const other = await h.ticketOf(id);
      expect(other).not.toBeNull();
      expect(other).not.toBe(n);
      expect(await h.requester(other ?? 0)).toBe(SPY);
      expect(await h.requester(n)).toBe('erin@example.com');
      const bodies = (await h.db().ticketEvent.findMany({ where: { ticketNumber: n } })).map((e) => e.body);
      expect(bodies.join('\n')).not.toContain('payroll files too');
      // Nor is the spy on the thread afterwards.
      expect((await h.agent().post(`/api/v1/tickets/${n}/replies`, { text: 'Payroll fixed.' })).status).toBe(
        201,
      );
      await h.settle();
      const [fixed] = await h.mailsContaining('Payroll fixed.');
      expect(fixed?.envelope.to).not.toContain(SPY);
    });

    it('in a Spanish-speaking organisation the note is marked in Spanish', async () => {
      const n = await h.open('lucia@globex.es', 'Factura duplicada', 'Nos llegó la factura dos veces.');
      await forgeAgentReply(n);
      const [note] = await h.events(n, 'private_note');
      expect(note?.body).toMatch(
        /^⚠ NO VERIFICADO — correo desde la dirección de un agente que Relevo no pudo autenticar\.\n/,
      );
      expect(note?.body).toContain(`En copia (no añadidos): ${SPY}`);
      expect(await h.events(n, 'public_reply')).toEqual([]);
    });

    it('only the requester confirms by mail: a colleague’s "yes" does not resolve the ticket', async () => {
      const n = await h.open('gus@example.com', 'Printer queue stuck', 'The queue is stuck.');
      await h.agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We cleared the queue.' });
      await h.settle();
      expect((await h.ticket(n)).status).toBe('awaiting_confirmation');
      await h.send({
        from: 'colleague@example.com',
        subject: `Re: Printer queue stuck [#${n}]`,
        text: 'Yes',
      });
      await h.settle();
      expect((await h.ticket(n)).status).not.toBe('resolved');
    });
  });

  describe('reply tokens (the personal copy)', () => {
    it('answering the personal copy acts as the agent; a token also sent outside the team works once and is retired', async () => {
      const n = await h.open('hana@example.com', 'Backup failed', 'Last night the backup failed.');
      const copy = await h.personalCopy(n, 'ana', ANA);
      // Reply-all with the customer in copy: the customer has it already, Relevo sends nothing more.
      const first = await h.send({
        from: `Ana <${ANA}>`,
        cc: 'hana@example.com',
        subject: `Re: ${copy.subject}`,
        inReplyTo: copy.messageId ?? '',
        references: [copy.messageId ?? ''],
        text: 'We re-ran the backup.',
      });
      await h.settle();
      expect(await h.ticketOf(first)).toBe(n);
      expect((await h.events(n, 'public_reply')).map((e) => [e.authorAgentId, e.body])).toEqual([
        ['ana', 'We re-ran the backup.'],
      ]);
      expect(await h.mailsContaining('We re-ran the backup.')).toEqual([]);

      // Hana saw the token in that reply's headers; "From: Ana" around it no longer works.
      const replay = `<replay.${n}@evil.test>`;
      await h.sendRaw(
        rawMail({
          from: `Ana <${ANA}>`,
          subject: `Re: ${copy.subject}`,
          messageId: replay,
          inReplyTo: copy.messageId ?? '',
          references: copy.messageId ?? '',
          text: PHISHING,
        }),
      );
      await h.settle();
      expect(await h.events(n, 'public_reply')).toHaveLength(1);
      expect((await h.events(n, 'private_note')).at(-1)?.body).toMatch(/^⚠ UNVERIFIED/);
      expect(await h.mailsContaining('relevo-billing.evil.test')).toEqual([]);
    });

    it('a token of one agent does not authenticate another agent', async () => {
      const n = await h.open('ivan@example.com', 'Disk full', 'The disk is full.');
      const copy = await h.personalCopy(n, 'ana', ANA);
      const id = `<dora.with.anas.token.${n}@support.test>`;
      await h.sendRaw(
        rawMail({
          from: `Dora <${DORA}>`,
          subject: `Re: ${copy.subject}`,
          messageId: id,
          inReplyTo: copy.messageId ?? '',
          references: copy.messageId ?? '',
          text: 'Dora answering with Ana’s token.',
        }),
      );
      await h.settle();
      expect(await h.ticketOf(id)).toBe(n);
      expect(await h.events(n, 'public_reply')).toEqual([]);
      expect((await h.events(n, 'private_note')).at(-1)?.body).toMatch(/^⚠ UNVERIFIED/);
    });

    it('a token for one ticket does not authenticate on another ticket', async () => {
      const n = await h.open('jon@example.com', 'Mail quota', 'My mailbox is full.');
      const copy = await h.personalCopy(n, 'ana', ANA);
      const m = await h.open('kim@example.com', 'Calendar sync', 'The calendar does not sync.');
      const other = await h.lastOutbound(m);
      const id = `<ana.token.elsewhere.${m}@support.test>`;
      await h.sendRaw(
        rawMail({
          from: `Ana <${ANA}>`,
          subject: `Re: ${other.subject}`,
          messageId: id,
          inReplyTo: other.messageId,
          references: `${other.messageId} ${copy.messageId}`,
          text: 'Answering #m with the token of #n.',
        }),
      );
      await h.settle();
      expect(await h.ticketOf(id)).toBe(m);
      expect(await h.events(m, 'public_reply')).toEqual([]);
      expect((await h.events(m, 'private_note')).at(-1)?.body).toMatch(/^⚠ UNVERIFIED/);
      expect(await h.events(n, 'public_reply')).toEqual([]);
    });

    it('an invented token authenticates nobody', async () => {
      const n = await h.open('lea@example.com', 'Wiki down', 'The wiki is down.');
      const ticket = await h.ticket(n);
      const id = `<invented.token.${n}@evil.test>`;
      await h.sendRaw(
        rawMail({
          from: `Ana <${ANA}>`,
          subject: `Re: ${ticket.subject} [#${n}]`,
          messageId: id,
          inReplyTo: '<relevo.a.abcdefghijklmnopqrstuvwxyz@acme.example>',
          text: PHISHING,
        }),
      );
      await h.settle();
      expect(await h.ticketOf(id)).toBe(n);
      expect(await h.events(n, 'public_reply')).toEqual([]);
      expect(await h.mailsContaining('relevo-billing.evil.test')).toEqual([]);
    });
  });

  describe('the trusted server’s Authentication-Results', () => {
    /** An agent's reply-all to Relevo's latest mail on n, with the given headers above everything else. */
    const agentReplyAll = async (
      n: number,
      top: string[],
      text: string,
      from = `Ana <${ANA}>`,
      cc?: string,
    ) => {
      const parent = await h.lastOutbound(n);
      const id = `<reply-all.${n}.${Math.random().toString(36).slice(2)}@support.test>`;
      await h.sendRaw(
        rawMail({
          top,
          from,
          cc,
          subject: `Re: ${parent.subject}`,
          messageId: id,
          inReplyTo: parent.messageId,
          references: parent.messageId,
          text,
        }),
      );
      await h.settle();
      return id;
    };

    it('DMARC pass for the agent’s domain acts as the agent, and whoever the agent copies joins the thread', async () => {
      const n = await h.open('mia@example.com', 'Licence renewal', 'Please renew our licence.');
      const id = await agentReplyAll(
        n,
        ['Received: from mail.support.test by mx.support.test; Mon, 2 Mar 2026 10:00:01 +0000', DMARC_PASS],
        'Renewed until 2027; our reseller is in copy.',
        `Ana <${ANA}>`,
        'partner@reseller.example',
      );
      expect(await h.db().emailMessage.findUniqueOrThrow({ where: { messageId: id } })).toMatchObject({
        agentId: 'ana',
        agentAuth: 'dmarc',
      });
      const [reply] = await h.mailsContaining('Renewed until 2027');
      expect(reply?.mail.to.map((a) => a.address)).toEqual(['mia@example.com']);
      expect(reply?.mail.cc.map((a) => a.address)).toContain('partner@reseller.example');
      expect(reply?.mail.text).toContain('— Ana');
      const partner = await h.send({
        from: 'partner@reseller.example',
        subject: `Re: Licence renewal [#${n}]`,
        text: 'The PO number is 4471.',
      });
      await h.settle();
      expect(await h.ticketOf(partner)).toBe(n);
    });

    it('DKIM pass from a signer aligned with the agent’s domain acts as the agent', async () => {
      const n = await h.open('noa@example.com', 'Slow dashboard', 'The dashboard is slow.');
      const id = await agentReplyAll(
        n,
        [`Authentication-Results: ${TEAM_MX}; dkim=pass (2048-bit key) header.d=support.test header.s=mail`],
        'We added an index; it loads in a second now.',
      );
      expect(await h.db().emailMessage.findUniqueOrThrow({ where: { messageId: id } })).toMatchObject({
        agentAuth: 'dkim',
      });
      expect(await h.mailsContaining('We added an index')).toHaveLength(1);
    });

    it.each([
      [
        'a pass written by a server that is not trusted',
        ['Authentication-Results: mx.evil.test; dmarc=pass header.from=support.test'],
      ],
      [
        'a trusted-looking pass below the trusted server’s own fail',
        [
          `Authentication-Results: ${TEAM_MX}; dmarc=fail (p=reject dis=reject) header.from=support.test`,
          'Received: from mail.evil.test by mx.support.test; Mon, 2 Mar 2026 10:00:01 +0000',
          DMARC_PASS,
        ],
      ],
      ['a pass for another domain', [`Authentication-Results: ${TEAM_MX}; dmarc=pass header.from=evil.test`]],
      [
        'DKIM pass from an unaligned signer',
        [`Authentication-Results: ${TEAM_MX}; dkim=pass header.d=evil.test`],
      ],
      ['SPF pass alone', [`Authentication-Results: ${TEAM_MX}; spf=pass smtp.mailfrom=ana@support.test`]],
    ])('%s does not: the mail is held unverified', async (_what, top) => {
      const n = await h.open('olga@example.com', 'Backup report', 'Where is the backup report?');
      const id = await agentReplyAll(n, top, PHISHING);
      expect(await h.ticketOf(id)).toBe(n);
      expect(await h.events(n, 'public_reply')).toEqual([]);
      expect((await h.events(n, 'private_note')).at(-1)?.body).toMatch(/^⚠ UNVERIFIED/);
      expect(await h.mailsContaining('relevo-billing.evil.test')).toEqual([]);
    });

    it('two people in From are nobody: a DMARC pass does not make "Ana, Mallory" act as Ana', async () => {
      const n = await h.open('pia@example.com', 'Door badge', 'My badge does not open the door.');
      await agentReplyAll(n, [DMARC_PASS], PHISHING, `Ana <${ANA}>, Mallory <mallory@evil.test>`);
      expect(await h.events(n, 'public_reply')).toEqual([]);
      expect(await h.mailsContaining('relevo-billing.evil.test')).toEqual([]);
    });
  });

  describe('with no trusted server configured', () => {
    let b: Rig;
    const hb = helpers(() => b);
    beforeAll(async () => {
      b = await startRig(database, { RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: '' });
    });
    afterAll(async () => {
      b?.transport.close();
      await b?.t.stop();
      await b?.sink.close();
    });

    it('no Authentication-Results header is believed, not even one naming the team’s server', async () => {
      const n = await hb.open('quinn@example.com', 'Phone line', 'The phone line is dead.');
      const parent = await hb.lastOutbound(n);
      await hb.sendRaw(
        rawMail({
          top: [DMARC_PASS],
          from: `Ana <${ANA}>`,
          subject: `Re: ${parent.subject}`,
          messageId: `<no-trust.${n}@support.test>`,
          inReplyTo: parent.messageId,
          text: PHISHING,
        }),
      );
      await hb.settle();
      expect(await hb.events(n, 'public_reply')).toEqual([]);
      expect(await hb.mailsContaining('relevo-billing.evil.test')).toEqual([]);
    });
  });
});

describe.each(databaseKinds)('email security through an IMAP mailbox (Dovecot) on %s', (database) => {
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let t: TestApp;
  const db = () => t.app.db.prisma;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ user: SUPPORT, password: 'imap-secret-pw' }] });
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      config,
      env: {
        RELEVO_SUPPORT_ADDRESS: SUPPORT,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_IMAP_URL: `imap://${encodeURIComponent(SUPPORT)}:imap-secret-pw@${dovecot.host}:${dovecot.port}/INBOX`,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
    await dovecot?.stop();
  });

  /** Waits (generous ceiling) until Relevo has read and filed the message with this Message-ID. */
  const filed = (messageId: string) =>
    eventually(
      async () => (await db().emailMessage.findUnique({ where: { messageId } })) ?? false,
      `${messageId} read from the mailbox and filed`,
      30_000,
    );

  it('a forged agent mail is held unverified; the answer to the personal copy acts as the agent', async () => {
    await dovecot.append(
      'INBOX',
      rawMail({
        from: 'Rosa <rosa@example.com>',
        subject: 'Scanner offline',
        messageId: '<imap.rosa.1@example.com>',
        text: 'The scanner is offline.',
      }),
    );
    const n = (await filed('<imap.rosa.1@example.com>')).ticketNumber ?? 0;
    expect(n).toBeGreaterThan(0);
    const agent = agentClient(t.url, t.apiToken, 'ana');
    expect((await agent.post(`/api/v1/tickets/${n}/assign`, { assignee: 'ana' })).status).toBe(200);

    await dovecot.append(
      'INBOX',
      rawMail({
        from: `Ana <${ANA}>`,
        cc: SPY,
        subject: `Re: Scanner offline [#${n}]`,
        messageId: '<imap.forged.1@evil.test>',
        text: PHISHING,
      }),
    );
    await filed('<imap.forged.1@evil.test>');
    await t.app.settle();
    expect(await db().ticketEvent.count({ where: { ticketNumber: n, type: 'public_reply' } })).toBe(0);
    const held = await db().ticketEvent.findFirst({ where: { ticketNumber: n, type: 'private_note' } });
    expect(held?.body).toMatch(/^⚠ UNVERIFIED/);

    await dovecot.append(
      'INBOX',
      rawMail({
        from: 'Rosa <rosa@example.com>',
        subject: `Re: Scanner offline [#${n}]`,
        messageId: '<imap.rosa.2@example.com>',
        text: 'It shows error E42.',
      }),
    );
    await filed('<imap.rosa.2@example.com>');
    await t.app.settle();
    const copy = await eventually(
      async () => {
        for (const m of sink.messages) {
          const mail = await parseEmail(m.raw);
          if (m.envelope.to.includes(ANA) && mail.text.includes('It shows error E42.')) return mail;
        }
        return false;
      },
      'the personal copy to Ana',
      30_000,
    );
    await dovecot.append(
      'INBOX',
      rawMail({
        from: `Ana <${ANA}>`,
        subject: `Re: ${copy.subject}`,
        messageId: '<imap.ana.1@support.test>',
        inReplyTo: copy.messageId ?? '',
        references: copy.messageId ?? '',
        text: 'Restart it holding the power button for ten seconds.',
      }),
    );
    await filed('<imap.ana.1@support.test>');
    await t.app.settle();
    const replies = await db().ticketEvent.findMany({ where: { ticketNumber: n, type: 'public_reply' } });
    expect(replies.map((r) => [r.authorAgentId, r.body])).toEqual([
      ['ana', 'Restart it holding the power button for ten seconds.'],
    ]);
    const toRosa = await eventually(
      async () => {
        for (const m of sink.messages) {
          const mail = await parseEmail(m.raw);
          if (m.envelope.to.includes('rosa@example.com') && mail.text.includes('power button')) return m;
        }
        return false;
      },
      'the agent’s reply delivered to Rosa',
      30_000,
    );
    expect(toRosa.envelope.to).not.toContain(SPY);
    expect(sink.messages.some((m) => m.envelope.to.includes(SPY))).toBe(false);
  });
});
