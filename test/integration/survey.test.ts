// The satisfaction survey (issue 17, seed 004 steps 7–8) end to end, on both databases: asked once when a
// ticket is resolved, where the customer wrote, in their language, after the closing message; answered
// from the web chat's buttons and form, and from the email's signed link over real SMTP (the chat
// platforms' buttons run in the flow suite, test/flow). Answering twice, for someone else's ticket, with a
// forged link or a bad value changes nothing.
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noLimitsYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { parsedMail, type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';

const SUPPORT = 'soporte@acme.example';
const DAY = 86_400_000;

describe.each(databaseKinds)('satisfaction survey on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  let transport: Transporter;
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  const db = () => t.app.db.prisma;
  const settle = () => t.app.settle();
  const agent = () => agentClient(t.url, t.apiToken, 'ana');
  const survey = (n: number) => db().satisfactionSurvey.findUnique({ where: { ticketNumber: n } });
  /** What a refusal leaves unchanged: the survey and the ticket's history. */
  const snapshot = async (n: number) => ({
    survey: await survey(n),
    events: await db().ticketEvent.count({ where: { ticketNumber: n } }),
  });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      clock,
      config: `${testConfigYaml}${noLimitsYaml}`,
      env: { RELEVO_SUPPORT_ADDRESS: SUPPORT, RELEVO_SMTP_URL: sink.url, RELEVO_SMTP_LISTEN_PORT: '0' },
    });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort(), secure: false });
  });
  afterAll(async () => {
    transport?.close();
    await t?.stop();
    await sink?.close();
  });

  // ── web chat ────────────────────────────────────────────────────────────
  /** A web chat customer who opened a ticket, and had its solution proposed; returns the page and number. */
  async function webchatTicket(email: string, text: string, language?: 'es' | 'en') {
    const page = new Client(t.url);
    const session = await page.post('/webchat/api/session', { name: 'Carla', email, language });
    expect(session.status).toBe(200);
    expect((await page.post('/webchat/api/messages', { text, clientId: `${email}-1` })).status).toBe(202);
    await settle();
    const ticket = await db().ticket.findFirstOrThrow({
      where: { contact: { claimedEmail: email } },
      orderBy: { number: 'desc' },
    });
    expect(
      (await agent().post(`/api/v1/tickets/${ticket.number}/resolve`, { message: 'Fixed.' })).status,
    ).toBe(200);
    await settle();
    return { page, n: ticket.number };
  }
  const posts = async (page: Client) =>
    (
      (await page.get('/webchat/api/messages')).body.messages as {
        id: string;
        authorKind: string;
        message: { text: string; buttons?: { action: string; label: string; value: string }[] };
      }[]
    ).filter((p) => p.authorKind !== 'customer');
  const press = (page: Client, action: string, value: string, form?: Record<string, string>) =>
    page.post('/webchat/api/actions', { action, value, ...(form ? { form } : {}) });

  it('web chat: asked after the closing message, answered with a button and a comment; a stale press changes nothing', async () => {
    const { page, n } = await webchatTicket('survey-1@example.com', 'The printer prints blank pages');
    expect(await survey(n)).toBeNull(); // not while the solution awaits the customer's word
    expect((await press(page, 'ticket.confirm_yes', String(n))).status).toBe(200);
    await settle();

    const [closing, ask] = (await posts(page)).slice(-2);
    expect(closing?.message.text).toMatch(
      `ticket #${n} is resolved. Should you need anything else, write here again`,
    );
    expect(ask?.message.text).toBe(
      `How did we do with ticket #${n}? Rate us from 1 (poor) to 5 (excellent).`,
    );
    expect(ask?.message.buttons?.map((b) => [b.action, b.value])).toEqual(
      [1, 2, 3, 4, 5].map((s) => ['survey.rate', `${n}:${s}`]),
    );
    expect(await survey(n)).toMatchObject({ askedAt: clock.now(), score: null });

    const rated = await press(page, 'survey.rate', `${n}:4`);
    expect(rated.status).toBe(200);
    expect(rated.body.text).toBe(`Thank you for rating ticket #${n} 4 of 5.`);
    await settle();
    const edited = (await posts(page)).find((p) => p.id === ask?.id);
    expect(edited?.message.text).toBe(`Thank you: you rated ticket #${n} 4 of 5.`);
    expect(edited?.message.buttons?.map((b) => b.label)).toEqual(['Add a comment…']);

    // The old buttons, pressed again (a page that was not refreshed): refused, the first answer stands.
    const before = await snapshot(n);
    const again = await press(page, 'survey.rate', `${n}:1`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `You already rated ticket #${n} 4 of 5; that answer stands. Thank you!`,
    );
    expect(await snapshot(n)).toEqual(before);

    // The comment: its form first, then its submission; empty or too long is refused and changes nothing.
    const form = await press(page, 'survey.comment', String(n));
    expect(form.body.form).toMatchObject({
      title: 'Your comment',
      fields: [{ id: 'comment', kind: 'textarea' }],
    });
    expect((await press(page, 'survey.comment', String(n), { comment: '   ' })).status).toBe(400);
    expect((await press(page, 'survey.comment', String(n), { comment: 'x'.repeat(2001) })).status).toBe(400);
    expect(await snapshot(n)).toEqual(before);
    const commented = await press(page, 'survey.comment', String(n), { comment: 'Fast <b>and</b> kind' });
    expect(commented.body.text).toBe(`Thank you for your comment on ticket #${n}.`);
    expect((await press(page, 'survey.comment', String(n), { comment: 'Changed my mind' })).status).toBe(409);
    await settle();
    expect(await survey(n)).toMatchObject({
      score: 4,
      comment: 'Fast <b>and</b> kind',
      answeredVia: 'webchat',
      answeredAt: clock.now(),
    });
    const done = (await posts(page)).find((p) => p.id === ask?.id)?.message;
    expect(done?.text).toBe(`Thank you: you rated ticket #${n} 4 of 5. We have your comment too.`);
    expect(done?.buttons ?? []).toEqual([]);

    // Agents read it on the ticket (API and history); the customer's page never shows the history rows.
    const { body } = await agent().get(`/api/v1/tickets/${n}`);
    expect(body.ticket.satisfaction).toMatchObject({
      score: 4,
      comment: 'Fast <b>and</b> kind',
      answeredVia: 'webchat',
    });
    const customerView = JSON.stringify(await posts(page));
    expect(customerView).not.toContain('Satisfaction:');
  });

  it('web chat: someone else’s ticket — a colleague, another organisation, an agent — changes nothing', async () => {
    const { page, n } = await webchatTicket('survey-2@example.com', 'Login loops forever');
    await press(page, 'ticket.confirm_yes', String(n));
    await settle();
    const before = await snapshot(n);
    const colleague = new Client(t.url);
    await colleague.post('/webchat/api/session', { name: 'Otto', email: 'otto@example.com' });
    const outsider = new Client(t.url);
    await outsider.post('/webchat/api/session', { name: 'Luis', email: 'luis@globex.es' });
    for (const who of [colleague, outsider]) {
      const res = await press(who, 'survey.rate', `${n}:1`);
      expect([403, 404]).toContain(res.status);
      expect(
        (await press(who, 'survey.comment', String(n), { comment: 'Terrible' })).status,
      ).toBeGreaterThanOrEqual(403);
    }
    const byAgent = await agent().post('/console/api/actions', { action: 'survey.rate', value: `${n}:1` });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.message).toBe('Only the customer answers the satisfaction survey.');
    for (const value of [`${n}:0`, `${n}:6`, `${n}:x`, 'nope']) {
      expect((await press(page, 'survey.rate', value)).status).toBe(400);
    }
    expect(await snapshot(n)).toEqual(before);
  });

  it('web chat: a Spanish customer is asked in Spanish', async () => {
    const { page, n } = await webchatTicket('survey-3@example.com', 'La impresora no imprime nada', 'es');
    await press(page, 'ticket.confirm_yes', String(n));
    await settle();
    expect((await posts(page)).at(-1)?.message.text).toBe(
      `¿Qué tal lo hicimos con el ticket #${n}? Valórenos de 1 (mal) a 5 (excelente).`,
    );
    expect((await press(page, 'survey.rate', `${n}:5`)).body.text).toBe(
      `Gracias por valorar el ticket #${n} con 5 de 5.`,
    );
  });

  it('asked once: a ticket reopened and resolved again is not asked again; the confirmation window asks too', async () => {
    const { page, n } = await webchatTicket('survey-4@example.com', 'Reports export empty');
    await press(page, 'ticket.confirm_yes', String(n));
    await settle();
    const asks = async () =>
      (await posts(page)).filter((p) => p.message.text.includes('How did we do')).length;
    expect(await asks()).toBe(1);
    expect((await agent().post(`/api/v1/tickets/${n}/status`, { status: 'open' })).status).toBe(200);
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'Fixed for good.' });
    await settle();
    await press(page, 'ticket.confirm_yes', String(n));
    await settle();
    expect(await asks()).toBe(1);
    expect(await db().satisfactionSurvey.count({ where: { ticketNumber: n } })).toBe(1);

    // Nobody answers the confirmation: the window resolves the ticket, and the survey follows.
    const quiet = await webchatTicket('survey-5@example.com', 'Calendar sync stopped');
    clock.advance(8 * DAY);
    await t.app.resolveUnconfirmed();
    await settle();
    const [closing, ask] = (await posts(quiet.page)).slice(-2);
    expect(closing?.message.text).toMatch(`Ticket #${quiet.n} is now resolved`);
    expect(ask?.message.text).toContain(`How did we do with ticket #${quiet.n}?`);
  });

  // ── email ───────────────────────────────────────────────────────────────
  const outgoing = parsedMail(() => sink);
  const mailsAbout = async (n: number) =>
    (await outgoing()).filter((m) => m.mail.subject.endsWith(`[#${n}]`));

  /** A ticket opened by mail, resolved and confirmed by mail; returns its number and the survey's link. */
  async function emailTicket(from: string) {
    const sent = await transport.sendMail({
      from,
      to: SUPPORT,
      subject: 'VPN drops',
      text: 'The VPN drops hourly.',
    });
    await settle();
    const { ticketNumber: n } = await db().emailMessage.findUniqueOrThrow({
      where: { messageId: sent.messageId },
    });
    if (n === null) throw new Error('the mail opened no ticket');
    await agent().post(`/api/v1/tickets/${n}/resolve`, { message: 'We replaced the VPN gateway.' });
    await settle();
    const parent = await db().emailMessage.findFirstOrThrow({
      where: { ticketNumber: n, direction: 'outbound' },
      orderBy: { createdAt: 'desc' },
    });
    await transport.sendMail({
      from,
      to: SUPPORT,
      subject: `Re: ${parent.subject}`,
      inReplyTo: parent.messageId,
      references: [parent.messageId],
      text: 'Yes, thanks',
    });
    await settle();
    const mails = await eventually(async () => {
      const all = await mailsAbout(n);
      return all.some((m) => m.mail.text.includes('How did we do')) ? all : undefined;
    }, `the survey mail of #${n}`);
    const ask = mails.at(-1)?.mail.text ?? '';
    const link = /(http:\/\/\S+\/survey\/\S+)/.exec(ask)?.[1];
    if (!link) throw new Error(`no survey link in: ${ask}`);
    return { n, mails, link: new URL(link) };
  }
  const form = (url: URL | string, fields: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('email: the closing mail, then the survey’s signed link; its page takes a rating and a comment once, without signing in', async () => {
    const { n, mails, link } = await emailTicket('vera@example.com');
    const texts = mails.map((m) => m.mail.text);
    const closing = texts.findIndex((text) => text.includes('Thank you for confirming'));
    expect(closing).toBeGreaterThan(-1);
    expect(texts.at(-1)).toContain(`How did we do with ticket #${n}?`);
    expect(texts.length - 1).toBeGreaterThan(closing);
    expect(mails.at(-1)?.mail.to.map((a) => a.address)).toEqual(['vera@example.com']);
    expect(link.origin).toBe(new URL(t.url).origin);
    expect(link.pathname).toMatch(new RegExp(`^/survey/${n}\\.[\\w-]{43}$`));

    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain(`<h1>Ticket #${n}: how did we do?</h1>`);
    expect(html.match(/type="radio" name="score"/g)).toHaveLength(5);
    expect(await (await fetch(`${link}?lang=es`)).text()).toContain(`Ticket #${n}: ¿qué tal lo hicimos?`);

    const before = await snapshot(n);
    expect((await form(link, { score: '9', comment: 'x' })).status).toBe(400);
    expect((await form(link, { comment: 'no rating' })).status).toBe(400);
    expect(await snapshot(n)).toEqual(before);

    const answered = await form(link, { score: '5', comment: 'Great <script>alert(1)</script>', lang: 'en' });
    expect(answered.status).toBe(200);
    const thanks = await answered.text();
    expect(thanks).toContain(`Thank you: you rated ticket #${n} 5 of 5. We have your comment too.`);
    expect(await survey(n)).toMatchObject({
      score: 5,
      comment: 'Great <script>alert(1)</script>',
      answeredVia: 'link',
      answeredById: null,
    });
    const history = await db().ticketEvent.findMany({
      where: { ticketNumber: n, type: 'field_change' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    expect(history.map((e) => e.body).slice(-2)).toEqual([
      'Satisfaction: ★★★★★ 5/5 (email link)',
      'Satisfaction comment: Great <script>alert(1)</script>',
    ]);

    // A second answer changes nothing, and the page shows the first one; the link keeps working to read it.
    const after = await snapshot(n);
    const again = await form(link, { score: '1', comment: 'Awful' });
    expect(again.status).toBe(409);
    const refusal = await again.text();
    expect(refusal).toContain(`You already rated ticket #${n} 5 of 5`);
    expect(refusal).not.toContain('<script>');
    expect(await snapshot(n)).toEqual(after);
    expect(await (await fetch(link)).text()).toContain(`you rated ticket #${n} 5 of 5`);

    // The card shows it to agents.
    const { renderCard } = await import('../../src/core/tickets/card.ts');
    expect((await renderCard(db(), n, 'en')).fields).toContainEqual({
      label: 'Satisfaction',
      value: '★★★★★ 5/5 — “Great <script>alert(1)</script>”',
    });
  });

  it('email: a forged or altered link, or one for another ticket, is refused with 404 and changes nothing', async () => {
    const { n, link } = await emailTicket('walt@example.com');
    const before = await snapshot(n);
    const signature = link.pathname.split('.')[1] as string;
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const forged = [
      new URL(`/survey/${n}.${flipped}`, link),
      new URL(`/survey/${n + 1}.${signature}`, link),
      new URL(`/survey/${n}`, link),
      new URL(`/survey/${n}.${'A'.repeat(43)}`, link),
    ];
    for (const url of forged) {
      expect((await fetch(url)).status).toBe(404);
      const res = await form(url, { score: '1' });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('This survey link is not valid.');
    }
    expect(await snapshot(n)).toEqual(before);
    // A genuine signature of a ticket that was never asked (opened by an agent, no conversation): no survey.
    const { SurveyLinks } = await import('../../src/core/survey/link.ts');
    const entered = (
      await agent().post('/api/v1/tickets', {
        requesterEmail: 'walt@example.com',
        subject: 'Call me',
        body: 'Call',
      })
    ).body.number as number;
    const real = new SurveyLinks(t.apiToken, () => t.url).url(entered);
    expect((await form(real, { score: '3' })).status).toBe(404);
    expect(await survey(entered)).toBeNull();
  });

  it('shows in the reports: asked, answered, average, 4–5 share and each score’s count', async () => {
    const { body } = await agent().get('/api/v1/reports/summary?from=2026-12-01&to=2026-12-31');
    const rows = await db().satisfactionSurvey.findMany();
    const scores = rows.flatMap((r) => (r.score === null ? [] : [r.score]));
    expect(scores.length).toBeGreaterThan(2);
    expect(body.satisfaction).toEqual({
      asked: rows.length,
      answered: scores.length,
      responseRate: scores.length / rows.length,
      average: scores.reduce((a, b) => a + b, 0) / scores.length,
      satisfied: scores.filter((s) => s >= 4).length / scores.length,
      scores: [1, 2, 3, 4, 5].map((s) => scores.filter((x) => x === s).length),
      comments: rows.filter((r) => r.comment !== null).length,
    });
  });
});

describe('satisfaction survey turned off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: `${testConfigYaml}\ntickets:\n  satisfactionSurvey: false\n` });
  });
  afterAll(async () => t?.stop());

  it('tickets.satisfactionSurvey: false asks nobody', async () => {
    const page = new Client(t.url);
    expect(
      (await page.post('/webchat/api/session', { name: 'Carla', email: 'off@example.com' })).status,
    ).toBe(200);
    const sent = await page.post('/webchat/api/messages', {
      text: 'The wiki is down',
      clientId: 'survey-off-1',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await t.app.settle();
    const { number: n } = await t.app.db.prisma.ticket.findFirstOrThrow({});
    await agentClient(t.url, t.apiToken, 'ana').post(`/api/v1/tickets/${n}/resolve`, { message: 'Back.' });
    await t.app.settle();
    expect(
      (await page.post('/webchat/api/actions', { action: 'ticket.confirm_yes', value: String(n) })).status,
    ).toBe(200);
    await t.app.settle();
    expect(await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } })).toMatchObject({
      status: 'resolved',
    });
    expect(await t.app.db.prisma.satisfactionSurvey.count()).toBe(0);
    const { body } = await page.get('/webchat/api/messages');
    expect(JSON.stringify(body)).not.toContain('How did we do');
  });
});
