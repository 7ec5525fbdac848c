// Issue 10: one unreachable platform never delays another's deliveries, and Slack's requests are still
// acknowledged while its Web API is down. A real Relevo (PGlite and PostgreSQL) with Slack over HTTP against
// the fake Web API, told to hang (it takes each call and does not answer until the test resumes it), and
// email in through the SMTP listener and out to the SMTP sink. Proven by order and state, never by time:
// the acknowledgement mail is in the sink while the Slack card of the same ticket is still unanswered.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../harness/databases.ts';
import { mailRelevo } from '../harness/email/mail-relevo.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const SUPPORT_ADDRESS = 'support@support.test';
const SLOW = 30_000;

describe.each(databaseKinds)('platform isolation on %s', (database) => {
  let s: SlackTestApp;
  let sink: SmtpSink;
  const db = () => s.t.app.db.prisma;
  /** Relevo's posts in the agents' channel naming ticket #n (its card). */
  const cardsOf = (n: number) => s.fake.messages(AGENTS).filter((m) => textOf(m).includes(`#${n} `));

  beforeAll(async () => {
    sink = await startSmtpSink();
    s = await startSlackApp(database, {
      env: {
        RELEVO_SUPPORT_ADDRESS: SUPPORT_ADDRESS,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_SMTP_LISTEN_PORT: '0',
      },
    });
  });
  afterEach(() => {
    s?.fake.resume(); // a failed test must not leave Slack hanging for the next one
  });
  afterAll(async () => {
    await s?.stop();
    await sink?.close();
  });

  it('a customer’s email is acknowledged while the Slack card of its ticket hangs unanswered', async () => {
    // Relevo's posts hang; Relevo's start-up check of its channels (conversations.info) may still be going.
    s.fake.hang({ methods: ['chat.postMessage', 'chat.update'] });
    await mailRelevo(s.t.app, {
      from: 'Carla <carla@example.com>',
      to: SUPPORT_ADDRESS,
      subject: 'VPN down',
      text: 'Nobody can connect since this morning.',
    });

    const ticket = await eventually(
      async () => (await db().ticket.findFirst({ where: { subject: 'VPN down' } })) ?? undefined,
      'the ticket of the email',
      SLOW,
    );
    // Slack holds the card's chat.postMessage: Relevo is waiting on it…
    await s.fake.waitForHanging(1, SLOW);
    // …and the acknowledgement went out all the same.
    const [ack] = await sink.waitFor(1, SLOW);
    expect(ack?.envelope.to).toEqual(['carla@example.com']);
    expect(ack?.raw.toString()).toContain(`[#${ticket.number}]`);
    // Meanwhile the card's first and only call to Slack is still open, Relevo still waiting on it: the
    // acknowledgement did not wait for that attempt to end (no failure recorded, nothing retried).
    expect(cardsOf(ticket.number)).toEqual([]);
    expect(s.fake.hanging).toBe(1);
    expect(s.fake.hangingWithCaller).toBe(1);
    const slackCard = await db().outboxItem.findFirstOrThrow({
      where: { kind: 'card', platform: 'slack', payload: { path: ['ticketNumber'], equals: ticket.number } },
    });
    expect(slackCard).toMatchObject({ status: 'pending', attempts: 1, lastError: null });
    const emailAck = await db().outboxItem.findFirstOrThrow({
      where: { kind: 'customer_event', platform: 'email' },
    });
    await eventually(
      async () => (await db().outboxItem.findUnique({ where: { id: emailAck.id } }))?.status === 'done',
      'the acknowledgement recorded as delivered',
      SLOW,
    );

    // Slack back: the held call is answered and the card is there.
    s.fake.resume();
    await eventually(async () => cardsOf(ticket.number).length === 1, 'the card once Slack answers', SLOW);
    await eventually(
      async () => (await db().outboxItem.findUnique({ where: { id: slackCard.id } }))?.status === 'done',
      'the card recorded as delivered',
      SLOW,
    );
  }, 120_000);

  it('Slack’s Events API requests get their 200 while the Web API hangs, and are answered once it is back', async () => {
    // Carla is known from an earlier message, so reading her needs no Web API call (users.info).
    const known = await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Printer jams on page 2' });
    expect(known.status).toBe(200);
    await s.t.app.settle();

    s.fake.hang();
    const first = await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Billing page is blank' });
    expect(first.status).toBe(200);
    await s.fake.waitForHanging(1, SLOW);
    // Acknowledged while Relevo's own calls to Slack are held unanswered.
    const second = await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Exports are empty' });
    expect(second.status).toBe(200);
    expect(s.fake.hanging).toBeGreaterThanOrEqual(1);

    // Stored and processed meanwhile: the tickets exist, only their messages wait for Slack.
    const tickets = await eventually(async () => {
      const found = await db().ticket.findMany({
        where: { subject: { in: ['Billing page is blank', 'Exports are empty'] } },
      });
      return found.length === 2 && found;
    }, 'both tickets opened');
    for (const t of tickets) expect(cardsOf(t.number)).toEqual([]);

    s.fake.resume();
    for (const t of tickets) {
      await eventually(async () => cardsOf(t.number).length === 1, `the card of #${t.number}`, SLOW);
      const thread = (t.subject === 'Billing page is blank' ? first : second).payload.event.ts;
      await eventually(
        async () =>
          s.fake
            .messages(SUPPORT, thread)
            .some((m) => m.bot_id === s.fake.botId && textOf(m).includes(`#${t.number}`)),
        `the acknowledgement of #${t.number} in the customer’s thread`,
        SLOW,
      );
    }
  }, 120_000);
});
