// Only a ticket's requester — or someone an agent put on it with /ticket cc — confirms, says "still
// happening" or reopens it, on every path: web chat buttons, Slack buttons in a shared channel, and
// email replies. Colleagues and strangers of the same (or the catch-all) organisation may write on the
// ticket; they cannot answer for it. On PGlite and PostgreSQL.

import { createHmac, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActionId } from '../../adapters/slack/blocks.ts';
import { opensForm } from '../../src/core/tickets/forms.ts';
import { type ParsedEmail, parseEmail } from '../../src/email/parse.ts';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import {
  buttonsOf,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
} from '../harness/slack/slack-app.ts';

const SUPPORT_ADDRESS = 'soporte@acme.example';
const SECRET = 'embedding-site-secret-0123456789abcdef';
// Strangers of the web chat and of email land in acme: a catch-all organisation.
const config = `${testConfigYaml}
webchat:
  defaultOrganisation: acme
email:
  defaultOrganisation: acme
  closedReply: reopen
`;

describe.each(databaseKinds)('answering for a ticket on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  let transport: Transporter;
  const db = () => t.app.db.prisma;
  const agent = () => agentClient(t.url, t.apiToken, 'ana');
  const status = async (n: number) => (await db().ticket.findUniqueOrThrow({ where: { number: n } })).status;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      config,
      env: {
        RELEVO_SUPPORT_ADDRESS: SUPPORT_ADDRESS,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_SMTP_LISTEN_PORT: '0',
        RELEVO_WEBCHAT_IDENTITY_SECRET: SECRET,
      },
    });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort(), secure: false });
  });
  afterAll(async () => {
    transport?.close();
    await t?.stop();
    await sink?.close();
  });

  // ── web chat ───────────────────────────────────────────────────────────────
  const visitor = async (name: string, email: string, signed = false) => {
    const c = new Client(t.url);
    const signature = signed ? createHmac('sha256', SECRET).update(email).digest('hex') : undefined;
    const session = await c.post('/webchat/api/session', { name, email, signature });
    expect(session.status).toBe(200);
    return c;
  };
  const chatTicket = async (c: Client, text: string) => {
    await c.post('/webchat/api/messages', { text, clientId: randomUUID() });
    const ack = await eventually(async () => {
      const { body } = await c.get('/webchat/api/messages');
      return body.messages.find((m: any) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text));
    }, 'the acknowledgement');
    return Number(/#(\d+)/.exec(ack.message.text)?.[1]);
  };
  const press = (c: Client, action: string, n: number) =>
    c.post('/webchat/api/actions', { action, value: String(n) });

  it('web chat: a colleague of the same organisation can neither confirm nor reopen the requester’s ticket', async () => {
    const carla = await visitor('Carla', 'carla@example.com', true);
    const n = await chatTicket(carla, 'The label printer prints blank pages');
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'New ribbon fitted.' });
    const dan = await visitor('Dan', 'dan@example.com', true);
    for (const action of ['ticket.confirm_yes', 'ticket.confirm_no']) {
      expect(await press(dan, action, n)).toEqual({
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            message: `Only the person who asked for ticket #${n}, or someone our team added to it, can confirm or reopen it.`,
          },
        },
      });
    }
    expect(await status(n)).toBe('awaiting_confirmation');
    const events = await db().ticketEvent.count({ where: { ticketNumber: n } });
    // The requester can.
    expect((await press(carla, 'ticket.confirm_no', n)).status).toBe(200);
    expect(await status(n)).toBe('open');
    expect(await db().ticketEvent.count({ where: { ticketNumber: n } })).toBeGreaterThan(events);
  });

  it('web chat: a confirmation’s buttons give way to what came of the press — on the presser’s own post only', async () => {
    const request = async (c: Client, n: number) =>
      eventually(async () => {
        const { body } = await c.get('/webchat/api/messages');
        return body.messages.find((m: any) =>
          m.message.buttons?.some((b: any) => b.action === 'ticket.confirm_yes' && b.value === String(n)),
        );
      }, `the resolution request of #${n}`);
    const irma = await visitor('Irma', 'irma@example.com', true);
    const n = await chatTicket(irma, 'The scanner sends blank pages');
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'Cleaned the scanner glass.' });
    const irmas = await request(irma, n);
    const jon = await visitor('Jon', 'jon@example.com', true);
    const m = await chatTicket(jon, 'The badge reader is offline');
    await agent().post(`/api/v1/tickets/${m}/resolve`, { message: 'Restarted the badge reader.' });
    const jons = await request(jon, m);
    const read = async (c: Client, id: string) =>
      (await c.get('/webchat/api/messages')).body.messages.find((p: any) => p.id === id);

    // Jon's press is taken, naming Irma's post: hers is not his to change (nor is his, not named).
    expect(
      (
        await jon.post('/webchat/api/actions', {
          action: 'ticket.confirm_no',
          value: String(m),
          post: irmas.id,
        })
      ).status,
    ).toBe(200);
    expect(await read(irma, irmas.id)).toEqual(irmas);
    expect(await read(jon, jons.id)).toEqual(jons);
    // A post id that is not a number is refused before anything happens.
    expect(
      (await irma.post('/webchat/api/actions', { action: 'ticket.confirm_yes', value: String(n), post: 'x' }))
        .status,
    ).toBe(400);
    expect(await status(n)).toBe('awaiting_confirmation');

    // Irma's press on her own post: it keeps its words, loses its buttons and says what came of it — so
    // the same question cannot be answered twice, also after a reload.
    const pressed = await irma.post('/webchat/api/actions', {
      action: 'ticket.confirm_yes',
      value: String(n),
      post: irmas.id,
    });
    expect(pressed.status).toBe(200);
    expect(await status(n)).toBe('resolved');
    const after = await read(irma, irmas.id);
    expect(after.message.text).toBe(irmas.message.text);
    expect(after.message.buttons).toBeUndefined();
    expect(after.message.context).toBe(`✓ ${pressed.body.text}`);
  });

  it('web chat: strangers filed under the catch-all organisation cannot answer for each other', async () => {
    const first = await visitor('First', 'first@nowhere.test');
    const n = await chatTicket(first, 'Our site shows a certificate warning');
    expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).organisationId).toBe('acme');
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'Certificate renewed.' });
    const second = await visitor('Second', 'second@elsewhere.test');
    expect((await press(second, 'ticket.confirm_yes', n)).status).toBe(403);
    expect(await status(n)).toBe('awaiting_confirmation');
    // Their own ticket, unverified or not, is theirs to confirm.
    expect((await press(first, 'ticket.confirm_yes', n)).status).toBe(200);
    expect(await status(n)).toBe('resolved');
  });

  it('web chat: someone an agent put on the ticket with /ticket cc may confirm it — once they are who they say', async () => {
    const gina = await visitor('Gina', 'gina@example.com', true);
    const n = await chatTicket(gina, 'The meeting room screen stays black');
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We replaced the HDMI cable.' });
    const cc = await agent().post('/console/api/commands', { text: `/ticket cc #${n} hal@example.com` });
    expect(cc.body.message.text).toBe(
      `hal <hal@example.com> is now on ticket #${n}: they get its email in copy and may confirm or reopen it.`,
    );
    const shown = await agent().post('/console/api/commands', { text: `/ticket show ${n}` });
    expect(shown.body.message.fields).toContainEqual({ label: 'Also on it', value: 'hal' });
    // Typing Hal's address proves nothing: that visitor is not Hal.
    const typedOnly = await visitor('Hal', 'hal@example.com');
    expect((await press(typedOnly, 'ticket.confirm_yes', n)).status).toBe(403);
    const hal = await visitor('Hal', 'hal@example.com', true);
    expect((await press(hal, 'ticket.confirm_yes', n)).status).toBe(200);
    expect(await status(n)).toBe('resolved');
  });

  // ── email ──────────────────────────────────────────────────────────────────
  const parsed = new Map<Buffer, ParsedEmail>();
  const outgoing = async () => {
    const out: ParsedEmail[] = [];
    for (const m of sink.messages) {
      if (!parsed.has(m.raw)) parsed.set(m.raw, await parseEmail(m.raw));
      out.push(parsed.get(m.raw) as ParsedEmail);
    }
    return out;
  };
  const send = async (from: string, subject: string, text: string, extra: object = {}) =>
    (await transport.sendMail({ from, to: SUPPORT_ADDRESS, subject, text, ...extra })).messageId;
  const openByMail = async (from: string, subject: string) => {
    const id = await send(from, subject, `${subject}, since this morning.`);
    await t.app.settle();
    const row = await db().emailMessage.findUniqueOrThrow({ where: { messageId: id } });
    return row.ticketNumber as number;
  };
  /** A reply to Relevo's latest mail on ticket n, threaded by its headers. */
  const reply = async (n: number, from: string, text: string) => {
    const parent = await db().emailMessage.findFirstOrThrow({
      where: { ticketNumber: n, direction: 'outbound' },
      orderBy: { createdAt: 'desc' },
    });
    const id = await send(from, `Re: ${parent.subject}`, text, {
      inReplyTo: parent.messageId,
      references: [parent.messageId],
    });
    await t.app.settle();
    return id;
  };
  const resolveAndMail = async (n: number, message: string) => {
    expect((await agent().post(`/api/v1/tickets/${n}/resolve`, { message })).status).toBe(200);
    await t.app.settle();
  };

  it('email: a colleague’s "yes" to the resolution mail does not resolve the ticket; the requester’s does', async () => {
    const n = await openByMail('erin@example.com', 'VPN drops every hour');
    await resolveAndMail(n, 'We raised the VPN timeout.');
    await reply(n, 'frank@example.com', 'Yes, thanks!');
    expect(await status(n)).toBe('awaiting_confirmation');
    // His words are on the ticket for the agents all the same.
    const said = await db().ticketEvent.findMany({ where: { ticketNumber: n, type: 'customer_message' } });
    expect(said.at(-1)?.body).toBe('Yes, thanks!');
    // Nor does his "still broken" reopen it.
    await reply(n, 'frank@example.com', 'It still drops for me at 10:00.');
    expect(await status(n)).toBe('awaiting_confirmation');
    await reply(n, 'erin@example.com', 'Yes');
    expect(await status(n)).toBe('resolved');
  });

  it('email: a colleague writing after the ticket closed gets a follow-up; the requester reopens it (closedReply: reopen)', async () => {
    const n = await openByMail('ivy@example.com', 'Shared drive is read-only');
    await resolveAndMail(n, 'Permissions fixed.');
    await reply(n, 'ivy@example.com', 'Yes');
    expect((await agent().post(`/api/v1/tickets/${n}/status`, { status: 'closed' })).status).toBe(200);
    const fromColleague = await reply(n, 'jack@example.com', 'The drive is read-only again.');
    const followUp = (await db().emailMessage.findUniqueOrThrow({ where: { messageId: fromColleague } }))
      .ticketNumber;
    expect(followUp).not.toBe(n);
    expect(await status(n)).toBe('closed');
    await reply(n, 'ivy@example.com', 'It is read-only again since the update.');
    expect(await status(n)).toBe('open');
  });

  it('email: someone put on the ticket gets its mail in copy and may confirm it', async () => {
    const n = await openByMail('kim@example.com', 'Printer on floor 3 offline');
    await agent().post('/console/api/commands', { text: `/ticket cc ${n} leo@example.com` });
    await resolveAndMail(n, 'The printer is back online.');
    const ask = (await outgoing()).find((m) => m.text?.includes('The printer is back online.'));
    expect(ask?.to.map((a) => a.address)).toEqual(['kim@example.com']);
    expect(ask?.cc.map((a) => a.address)).toContain('leo@example.com');
    await reply(n, 'leo@example.com', 'Yes, solved');
    expect(await status(n)).toBe('resolved');
  });
});

describe.each(databaseKinds)('answering for a ticket from Slack on %s', (database) => {
  const COLLEAGUE = 'U0COLLEAG1';
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackApp(database);
    s.fake.addUser({ id: COLLEAGUE, name: 'cole', realName: 'Cole Colleague', email: 'cole@example.com' });
  });
  afterAll(async () => s?.stop());

  const botPosts = (thread: string) =>
    s.fake.messages(SUPPORT, thread).filter((m) => m.bot_id || m.user === s.fake.botUserId);
  const press = async (user: string, message: any, label: string) => {
    const button = buttonsOf(message).find((b) => b.label === label);
    if (!button) throw new Error(`no "${label}" button`);
    expect(opensForm(parseActionId(button.actionId)?.action ?? '')).toBe(false);
    const responseUrl = s.fake.responseUrl();
    const res = await s.slack.blockAction({
      user,
      actionId: button.actionId,
      value: button.value,
      channel: SUPPORT,
      messageTs: message.ts,
      responseUrl,
    });
    expect(res.status).toBe(200);
    return s.fake.waitForResponse(responseUrl);
  };

  it('a colleague in the shared channel pressing "Yes, solved" is told privately it is not theirs; the requester’s press resolves', async () => {
    const first = await s.slack.message({
      channel: SUPPORT,
      user: CUSTOMER,
      text: 'The payroll export is empty',
    });
    const thread = first.payload.event.ts;
    // Cole speaks in the channel, so Relevo knows him as a contact of acme.
    await s.slack.message({ channel: SUPPORT, user: COLLEAGUE, text: 'hi' });
    await s.t.app.settle();
    const [ticket] = await s.t.app.db.prisma.ticket.findMany();
    const n = ticket?.number ?? 0;
    await agentClient(s.t.url, s.t.apiToken).post(`/api/v1/tickets/${n}/resolve`, {
      message: 'The export job is fixed.',
    });
    await s.t.app.settle();
    const ask = await eventually(
      async () => botPosts(thread).find((m) => buttonsOf(m).some((b) => b.label === 'Yes, solved')),
      'the confirmation question',
    );
    for (const label of ['Yes, solved', 'Still happening']) {
      const answer = await press(COLLEAGUE, ask, label);
      expect(answer.response_type).toBe('ephemeral');
      expect(answer.text).toBe(
        `Only the person who asked for ticket #${n}, or someone our team added to it, can confirm or reopen it.`,
      );
    }
    const db = s.t.app.db.prisma;
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe(
      'awaiting_confirmation',
    );
    await press(CUSTOMER, ask, 'Yes, solved');
    await s.t.app.settle();
    expect((await db.ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe('resolved');
  });
});
