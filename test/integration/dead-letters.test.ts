// Dead letters made visible (issue 10), on a real Relevo (PGlite and PostgreSQL): what Slack or the mail server
// refuses for good is given up after one attempt, leaves one note on its ticket — in the ticket's language,
// saying what did not arrive, why and what to do — and shows in /metrics by platform and cause. A card that
// keeps dying is noted once (its note would otherwise queue the next card, forever), and catches up at the
// ticket's next change once the cause is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../harness/databases.ts';
import { mailRelevo } from '../harness/email/mail-relevo.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { eventually } from '../harness/http.ts';
import { sampleValue, scrape } from '../harness/prometheus.ts';
import {
  AGENTS,
  CUSTOMER,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const SUPPORT_ADDRESS = 'support@support.test';

describe.each(databaseKinds)('dead letters on %s', (database) => {
  let s: SlackTestApp;
  let sink: SmtpSink;
  const db = () => s.t.app.db.prisma;
  const notesOf = async (n: number) =>
    (
      await db().ticketEvent.findMany({
        where: { ticketNumber: n, type: 'private_note' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((e) => e.body);
  const outboxOf = (n: number) =>
    db().outboxItem.findMany({
      where: { payload: { path: ['ticketNumber'], equals: n } },
      orderBy: { id: 'asc' },
    });
  const settled = async () =>
    (await db().outboxItem.count({ where: { status: 'pending' } })) === 0 &&
    (await db().inboundEvent.count({ where: { processedAt: null } })) === 0;

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
  afterAll(async () => {
    await s?.stop();
    await sink?.close();
  });

  it('Slack refusing the channel: each delivery dead at once, one note per undelivered thing, counted by cause', async () => {
    s.fake.failNext('chat.postMessage', { error: 'channel_not_found', times: 1_000_000 });
    const res = await s.slack.message({
      channel: SUPPORT,
      user: CUSTOMER,
      text: 'The dashboard will not load',
    });
    expect(res.status).toBe(200);
    const ticket = await eventually(
      async () =>
        (await db().ticket.findFirst({ where: { subject: 'The dashboard will not load' } })) ?? undefined,
      'the ticket',
    );
    const gaveUp = async () => (await notesOf(ticket.number)).filter((b) => b.includes('gave up delivering'));
    // Both notes written and nothing left to do: the notes did not feed each other.
    const notes = await eventually(
      async () => (await settled()) && (await gaveUp()).length === 2 && gaveUp(),
      'two notes and a settled outbox',
      30_000,
    );

    const slackItems = (await outboxOf(ticket.number)).filter((i) => i.platform === 'slack');
    // The acknowledgement to the customer, the card, and the card(s) the notes queued: each tried once.
    expect(slackItems.filter((i) => i.kind === 'customer_event')).toHaveLength(1);
    expect(slackItems.filter((i) => i.kind === 'card').length).toBeGreaterThanOrEqual(2);
    expect(slackItems.every((i) => i.status === 'dead' && i.attempts === 1)).toBe(true);
    expect(
      slackItems.every((i) => i.lastError?.startsWith('[channel_unavailable] Slack chat.postMessage')),
    ).toBe(true);
    expect(await gaveUp()).toHaveLength(2);
    const [cardNote, messageNote] = notes;
    expect(cardNote).toContain(
      "Relevo gave up delivering the ticket's card in the agents' channel (on Slack)",
    );
    expect(messageNote).toContain('Relevo gave up delivering a message to the customer (through Slack)');
    for (const note of notes) {
      expect(note).toContain('does not exist, is archived, or Relevo is not in it: check relevo.yaml');
      expect(note).toContain('Detail: Slack chat.postMessage: channel_not_found');
    }
    expect(messageNote).toContain('The customer has not received it');

    const m = await scrape(s.t.url);
    expect(
      sampleValue(m, 'relevo_dead_letters_total', { platform: 'slack', code: 'channel_unavailable' }),
    ).toBe(3);
    expect(sampleValue(m, 'relevo_outbox_dead', { platform: 'slack' })).toBe(3);
    expect(sampleValue(m, 'relevo_deliveries_total', { platform: 'slack', outcome: 'dead' })).toBe(3);

    // Fixed (Relevo invited to the channel): the ticket's next change brings the card.
    s.fake.failNext('chat.postMessage', { times: 0 });
    const note = await fetch(`${s.t.url}/api/v1/tickets/${ticket.number}/notes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${s.t.apiToken}`,
        'x-relevo-agent': 'ana',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: 'Relevo is in the channel now' }),
    });
    expect(note.status).toBe(201);
    await eventually(
      async () => s.fake.messages(AGENTS).some((msg) => textOf(msg).includes(`#${ticket.number} `)),
      'the card at the next change',
      30_000,
    );
  });

  it('the mail server refusing an acknowledgement for good: dead at once, noted in the ticket’s language (es)', async () => {
    sink.failNext(1, 550);
    await mailRelevo(s.t.app, {
      from: 'Luis <luis@globex.es>',
      to: SUPPORT_ADDRESS,
      subject: 'No funciona la VPN',
      text: 'Nadie puede conectarse desde esta mañana.',
    });
    const ticket = await eventually(
      async () => (await db().ticket.findFirst({ where: { subject: 'No funciona la VPN' } })) ?? undefined,
      'the ticket',
    );
    const gaveUp = async () =>
      (await notesOf(ticket.number)).filter((b) => b.includes('Relevo dejó de intentar'));
    const notes = await eventually(
      async () => (await settled()) && (await gaveUp()).length === 1 && gaveUp(),
      'the note and a settled outbox',
      30_000,
    );
    const ack = (await outboxOf(ticket.number)).find((i) => i.kind === 'customer_event');
    expect(ack).toMatchObject({ platform: 'email', status: 'dead', attempts: 1 });
    expect(ack?.lastError).toMatch(/^\[refused\] SMTP server refused the message/);
    expect(notes[0]).toContain(
      'Relevo dejó de intentar entregar un mensaje al cliente (vía el servidor de correo) tras un intento.',
    );
    expect(notes[0]).toContain('El servidor de correo lo rechazó.');
    expect(notes[0]).toContain('El cliente no lo ha recibido');
    expect(notes[0]).toContain('Detalle: SMTP server refused the message');
    // Nothing reached the customer, and the mail server was asked once.
    expect(sink.messages.filter((msg) => msg.envelope.to.includes('luis@globex.es'))).toEqual([]);

    const m = await scrape(s.t.url);
    expect(sampleValue(m, 'relevo_dead_letters_total', { platform: 'email', code: 'refused' })).toBe(1);
    expect(sampleValue(m, 'relevo_outbox_dead', { platform: 'email' })).toBe(1);
  });
});
