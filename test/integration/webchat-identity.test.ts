// Web chat visitors are who they say only once they prove it: a code mailed to the address (over real
// SMTP into a local sink), or an identity the embedding site signed. Until then a visitor is a contact
// of their own, marked unverified for agents, and can answer for nothing but their own conversation.
// On PGlite and PostgreSQL.

import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../src/core/tickets/card.ts';
import { parseEmail } from '../../src/email/parse.ts';
import { hashToken } from '../../src/http/auth.ts';
import { FakeClock, startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { capturingLogger } from '../harness/logs.ts';

const SECRET = 'embedding-site-secret-0123456789abcdef';
const SUPPORT = 'support@relevo.test';
// Strangers' addresses land in acme, as in a catch-all set-up.
const config = `${testConfigYaml}
webchat:
  defaultOrganisation: acme
`;

/** What the embedding site's server computes (README, "Web chat identity"). */
const sign = (email: string, secret = SECRET) =>
  createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');

describe.each(databaseKinds)('web chat identity on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  const clock = new FakeClock();
  const logs = capturingLogger();
  const db = () => t.app.db.prisma;
  const agent = () => agentClient(t.url, t.apiToken, 'ana');

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      clock,
      config,
      logger: logs.logger,
      env: {
        RELEVO_SUPPORT_ADDRESS: SUPPORT,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_WEBCHAT_IDENTITY_SECRET: SECRET,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
  });

  /** The mails Relevo sent to an address, parsed, oldest first. */
  const mailsTo = async (address: string) => {
    const all = await Promise.all(sink.messages.map((m) => parseEmail(m.raw)));
    return all.filter((mail) => mail.to.some((a) => a.address === address));
  };
  const codeIn = (text: string | undefined) => {
    const code = /\b(\d{6})\b/.exec(text ?? '')?.[1];
    if (!code) throw new Error(`no code in ${JSON.stringify(text)}`);
    return code;
  };
  /** Asks for a code and returns it as read from the mail. */
  const requestCode = async (visitor: Client, address: string) => {
    const before = (await mailsTo(address)).length;
    const sent = await visitor.post('/webchat/api/verification', {});
    expect(sent).toEqual({ status: 200, body: { sentTo: address } });
    await sink.waitFor(1);
    const mails = await mailsTo(address);
    expect(mails).toHaveLength(before + 1);
    return codeIn(mails.at(-1)?.text);
  };
  /** A customer the team knows by their address (a ticket opened for them through the API). */
  const knownCustomer = async (email: string, name: string) => {
    const created = await agent().post('/api/v1/tickets', {
      requesterEmail: email,
      requesterName: name,
      subject: `${name}'s first problem`,
      body: 'Something is broken.',
    });
    expect(created.status).toBe(201);
    const ticket = await db().ticket.findUniqueOrThrow({ where: { number: created.body.number } });
    return { contactId: ticket.requesterId, ticket: ticket.number };
  };
  /** Writes in the web chat and returns the number of the ticket Relevo acknowledged. */
  const writeAndGetTicket = async (visitor: Client, text: string, clientId: string) => {
    expect((await visitor.post('/webchat/api/messages', { text, clientId })).status).toBe(202);
    const ack = await eventually(async () => {
      const { body } = await visitor.get('/webchat/api/messages');
      return body.messages.find((m: any) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text));
    }, 'the acknowledgement');
    return Number(/#(\d+)/.exec(ack.message.text)?.[1]);
  };

  it('a visitor who only typed an address is a new, unverified contact: not that person, and shown so to agents', async () => {
    const alice = await knownCustomer('alice@example.com', 'Alice Real');
    const visitor = new Client(t.url);
    const session = await visitor.post('/webchat/api/session', { name: 'Alice', email: 'alice@example.com' });
    expect(session.status).toBe(200);
    expect(session.body).toEqual({
      contact: { name: 'Alice', email: 'alice@example.com', organisation: null },
      verified: false,
      codes: true,
      language: 'en',
    });

    const n = await writeAndGetTicket(visitor, 'Please send me the VPN keys again', 'visitor-a-0001');
    const ticket = await db().ticket.findUniqueOrThrow({
      where: { number: n },
      include: { contact: { include: { identities: true } }, events: true },
    });
    expect(ticket.requesterId).not.toBe(alice.contactId);
    expect(ticket.contact).toMatchObject({
      name: 'Alice',
      verified: false,
      claimedEmail: 'alice@example.com',
    });
    // It holds no identity: the address still leads to the real Alice only.
    expect(ticket.contact.identities).toEqual([]);
    expect(ticket.events.some((e) => e.authorContactId === alice.contactId)).toBe(false);
    expect(await db().ticket.count({ where: { requesterId: alice.contactId } })).toBe(1);

    // Agents see who it is not: the card, /ticket show and the API (the console's badge reads it).
    await t.app.settle();
    const card = await renderCard(db(), n, 'en');
    expect(card.fields?.find((f) => f.label === 'Requester')?.value).toBe(
      '⚠ Alice — unverified web chat visitor (typed alice@example.com, not proven)',
    );
    const shown = await agent().post('/console/api/commands', { text: `/ticket show ${n}` });
    expect(shown.body.message.fields.find((f: any) => f.label === 'Requester').value).toContain(
      'unverified web chat visitor (typed alice@example.com, not proven)',
    );
    expect((await agent().get(`/api/v1/tickets/${n}`)).body.ticket.contact).toMatchObject({
      name: 'Alice',
      verified: false,
      claimedEmail: 'alice@example.com',
    });

    // And it cannot answer for the real Alice's ticket.
    await agent().post(`/api/v1/tickets/${alice.ticket}/resolve`, { message: 'We reset the VPN.' });
    const attempt = await visitor.post('/webchat/api/actions', {
      action: 'ticket.confirm_yes',
      value: String(alice.ticket),
    });
    expect(attempt.status).toBe(403);
    expect((await db().ticket.findUniqueOrThrow({ where: { number: alice.ticket } })).status).toBe(
      'awaiting_confirmation',
    );
  });

  it('a code mailed to the address proves it: the session becomes that contact, its ticket follows, the old cookie ends', async () => {
    const bob = await knownCustomer('bob@example.com', 'Bob');
    const visitor = new Client(t.url);
    await visitor.post('/webchat/api/session', { name: 'Bobby', email: 'Bob@Example.com' });
    const n = await writeAndGetTicket(visitor, 'My invoices are missing', 'visitor-b-0001');
    const visitorContact = (await db().ticket.findUniqueOrThrow({ where: { number: n } })).requesterId;
    const cookieBefore = visitor.cookie('relevo_chat');

    const code = await requestCode(visitor, 'bob@example.com');
    const [mail] = (await mailsTo('bob@example.com')).slice(-1);
    expect(mail?.subject).toBe('Your verification code');
    expect(mail?.from?.address).toBe(SUPPORT);
    expect(mail?.headers['auto-submitted']).toBe('auto-generated');
    expect(mail?.text).toContain('within 10 minutes');
    // Stored hashed (salted, slow), never as itself nor as its plain SHA-256.
    const row = await db().verificationCode.findFirstOrThrow({
      where: { email: 'bob@example.com', usedAt: null },
    });
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).not.toBe(createHash('sha256').update(code).digest('hex'));

    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await visitor.post('/webchat/api/verification/confirm', { code: wrongCode });
    expect(wrong).toEqual({
      status: 400,
      body: { error: { code: 'wrong_code', message: 'That code is not right. 4 attempts left.' } },
    });
    expect((await visitor.post('/webchat/api/verification/confirm', { code: 'abc' })).body.error.code).toBe(
      'invalid_code',
    );

    const ok = await visitor.post('/webchat/api/verification/confirm', { code: ` ${code} ` });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      contact: { name: 'Bob', email: 'bob@example.com', organisation: 'Acme' },
      verified: true,
      codes: true,
      language: 'en',
    });
    // The same conversation, now the verified customer's.
    const history = (await visitor.get('/webchat/api/messages')).body.messages;
    expect(history.some((m: any) => m.message.text === 'My invoices are missing')).toBe(true);
    const ticket = await db().ticket.findUniqueOrThrow({ where: { number: n }, include: { events: true } });
    expect(ticket.requesterId).toBe(bob.contactId);
    expect(ticket.events.find((e) => e.type === 'customer_message')?.authorContactId).toBe(bob.contactId);
    expect(
      ticket.events.find(
        (e) => e.type === 'private_note' && e.body.includes('proved they are bob@example.com'),
      )?.body,
    ).toContain('with a code mailed to that address');
    expect(await db().contact.findUnique({ where: { id: visitorContact } })).toBeNull();
    await t.app.settle();
    expect((await renderCard(db(), n, 'en')).fields?.find((f) => f.label === 'Requester')?.value).toBe('Bob');

    // The token was renewed: the cookie from before the proof is worth nothing now.
    expect(cookieBefore).toBeTruthy();
    expect(cookieBefore).not.toBe(visitor.cookie('relevo_chat'));
    expect(
      (await visitor.withCookie('relevo_chat', cookieBefore ?? '').get('/webchat/api/session')).status,
    ).toBe(401);
    expect((await visitor.get('/webchat/api/session')).body.verified).toBe(true);

    // Spent: the code works once, for that session only.
    expect((await db().verificationCode.findUniqueOrThrow({ where: { id: row.id } })).usedAt).not.toBeNull();
    const again = new Client(t.url);
    await again.post('/webchat/api/session', { name: 'Bob', email: 'bob@example.com' });
    expect((await again.post('/webchat/api/verification/confirm', { code })).body.error.code).toBe('no_code');

    // Neither the code nor a session token ever reached the log.
    expect(logs.text()).toContain('verification code mailed');
    for (const secret of [code, cookieBefore ?? 'none', visitor.cookie('relevo_chat') ?? 'none']) {
      expect(logs.text()).not.toContain(secret);
    }
  });

  it('a code allows five attempts and ten minutes', async () => {
    const visitor = new Client(t.url);
    await visitor.post('/webchat/api/session', { name: 'Carol', email: 'carol@example.com' });
    const confirm = (code: string) => visitor.post('/webchat/api/verification/confirm', { code });

    let code = await requestCode(visitor, 'carol@example.com');
    const wrongCode = code === '999999' ? '888888' : '999999';
    for (const left of [4, 3, 2, 1]) {
      expect((await confirm(wrongCode)).body.error.message).toBe(
        `That code is not right. ${left === 1 ? '1 attempt left' : `${left} attempts left`}.`,
      );
    }
    expect(await confirm(wrongCode)).toMatchObject({
      status: 429,
      body: { error: { code: 'too_many_attempts' } },
    });
    // Used up: even the right code does nothing now.
    expect(await confirm(code)).toMatchObject({ status: 400, body: { error: { code: 'no_code' } } });

    code = await requestCode(visitor, 'carol@example.com');
    clock.advance(10 * 60_000 + 1000);
    expect(await confirm(code)).toMatchObject({ status: 400, body: { error: { code: 'no_code' } } });

    // A new code replaces the previous one.
    const older = await requestCode(visitor, 'carol@example.com');
    const newer = await requestCode(visitor, 'carol@example.com');
    if (older !== newer) {
      expect(await confirm(older)).toMatchObject({ status: 400, body: { error: { code: 'wrong_code' } } });
    }
    expect((await confirm(newer)).body.verified).toBe(true);
  });

  it('sends at most five codes an hour to one address, and answers the same whether the address is known or not', async () => {
    clock.advance(2 * 3_600_000); // clear of the codes earlier tests sent
    const first = new Client(t.url);
    const second = new Client(t.url);
    await first.post('/webchat/api/session', { name: 'Dave', email: 'dave@example.com' });
    await second.post('/webchat/api/session', { name: 'Not Dave', email: 'dave@example.com' });
    for (const visitor of [first, second, first, second, first]) {
      expect((await visitor.post('/webchat/api/verification', {})).status).toBe(200);
    }
    const refused = await second.post('/webchat/api/verification', {});
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'too_many_codes' } } });
    expect(await mailsTo('dave@example.com')).toHaveLength(5);
    clock.advance(3_600_000 + 1000);
    expect((await second.post('/webchat/api/verification', {})).status).toBe(200);

    // alice@example.com is a known customer, nobody@example.com is not: nothing tells them apart.
    const answers = [];
    for (const email of ['alice@example.com', 'nobody@example.com']) {
      const visitor = new Client(t.url);
      const session = await visitor.post('/webchat/api/session', { name: 'Someone', email });
      const sent = await visitor.post('/webchat/api/verification', {});
      const mail = (await mailsTo(email)).at(-1);
      answers.push({
        session: { ...session.body, contact: { ...session.body.contact, email: 'x' } },
        sent: { status: sent.status, body: { sentTo: sent.body.sentTo === email } },
        mail: { subject: mail?.subject, text: mail?.text?.replace(/\d{6}/, 'CODE') },
      });
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('an identity signed by the embedding site arrives verified as the contact owning the address', async () => {
    const alice = await db().identity.findUniqueOrThrow({
      where: { platform_externalId: { platform: 'email', externalId: 'alice@example.com' } },
    });
    const visitor = new Client(t.url);
    const signed = await visitor.post('/webchat/api/session', {
      name: 'Alice',
      email: 'Alice@Example.com',
      signature: sign('alice@example.com'),
    });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({
      verified: true,
      contact: { name: 'Alice Real', email: 'alice@example.com', organisation: 'Acme' },
    });
    const session = await db().webchatSession.findUniqueOrThrow({
      where: { tokenHash: hashToken(visitor.cookie('relevo_chat') ?? '') },
    });
    expect(session.contactId).toBe(alice.contactId);
    // Already proven: no code to ask for.
    expect((await visitor.post('/webchat/api/verification', {})).body.error.code).toBe('already_verified');

    // Forged, for another address, or made with another secret: refused, logged, nothing created.
    const contacts = await db().contact.count();
    const sessions = await db().webchatSession.count();
    const forgeries = [
      sign('mallory@example.com'),
      sign('alice@example.com', 'a-different-secret-0123456789abcdef'),
      'f'.repeat(64),
      'not hex at all',
    ];
    for (const signature of forgeries) {
      const attempt = await new Client(t.url).post('/webchat/api/session', {
        name: 'Alice',
        email: 'alice@example.com',
        signature,
      });
      expect(attempt).toEqual({
        status: 401,
        body: {
          error: {
            code: 'bad_signature',
            message:
              'The page was opened with an identity that could not be verified. Sign in with your name and email instead.',
          },
        },
      });
    }
    expect(await db().contact.count()).toBe(contacts);
    expect(await db().webchatSession.count()).toBe(sessions);
    expect(logs.text()).toContain('an identity with a wrong signature, refused');
    for (const signature of [sign('alice@example.com'), ...forgeries.slice(0, 2)]) {
      expect(logs.text()).not.toContain(signature);
    }
  });

  it('refuses to make a customer of an agent’s address', async () => {
    const visitor = new Client(t.url);
    await visitor.post('/webchat/api/session', { name: 'Ana?', email: 'ana@support.test' });
    const code = await requestCode(visitor, 'ana@support.test');
    const answer = await visitor.post('/webchat/api/verification/confirm', { code });
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'agent_address' } } });
    expect((await visitor.get('/webchat/api/session')).body.verified).toBe(false);
    const signed = await new Client(t.url).post('/webchat/api/session', {
      name: 'Ana',
      email: 'ana@support.test',
      signature: sign('ana@support.test'),
    });
    expect(signed).toMatchObject({ status: 409, body: { error: { code: 'agent_address' } } });
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const visitor = new Client(t.url);
    expect((await visitor.post('/webchat/api/verification', {})).status).toBe(401);
    await visitor.post('/webchat/api/session', { name: 'Eve', email: 'eve@example.com' });
    const before = await db().verificationCode.count();
    expect((await visitor.post('/webchat/api/verification', { email: 'other@example.com' })).status).toBe(
      400,
    );
    expect((await visitor.post('/webchat/api/verification/confirm', {})).status).toBe(400);
    expect((await visitor.post('/webchat/api/verification/confirm', { code: 'x'.repeat(5000) })).status).toBe(
      400,
    );
    expect(
      (await visitor.post('/webchat/api/verification/confirm', { code: '123456' })).body.error.code,
    ).toBe('no_code');
    expect(
      (
        await new Client(t.url).post('/webchat/api/session', {
          name: 'E',
          email: 'eve@example.com',
          signature: 7,
        })
      ).status,
    ).toBe(400);
    expect(await db().verificationCode.count()).toBe(before);
  });
});

describe.each(databaseKinds)(
  'web chat identity without outgoing mail or a signing secret on %s',
  (database) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(async () => t?.stop());

    it('says clearly that codes cannot be mailed, in the customer’s language, and refuses signed identities', async () => {
      const en = new Client(t.url);
      expect(
        (await en.post('/webchat/api/session', { name: 'Fay', email: 'fay@example.com' })).body,
      ).toMatchObject({
        verified: false,
        codes: false,
      });
      expect(await en.post('/webchat/api/verification', {})).toEqual({
        status: 409,
        body: {
          error: {
            code: 'codes_unavailable',
            message:
              'We cannot send codes by email here (this help desk sends no email). You can go on writing as an unverified visitor, and an agent will confirm who you are.',
          },
        },
      });
      const es = new Client(t.url);
      await es.post('/webchat/api/session', { name: 'Lucía', email: 'lucia@globex.es' });
      expect((await es.post('/webchat/api/verification', {})).body.error.message).toContain(
        'Aquí no podemos enviar códigos por correo',
      );
      // The unverified visitor can still write and be answered.
      expect(
        (await es.post('/webchat/api/messages', { text: 'No puedo entrar', clientId: 'es-visitor-1' }))
          .status,
      ).toBe(202);

      const signed = await new Client(t.url).post('/webchat/api/session', {
        name: 'Fay',
        email: 'fay@example.com',
        signature: sign('fay@example.com'),
      });
      expect(signed).toMatchObject({ status: 400, body: { error: { code: 'signed_identities_off' } } });
    });
  },
);
