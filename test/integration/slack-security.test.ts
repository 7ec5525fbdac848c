// What Slack sends is cleaned, not refused: control characters go, invisible-only messages open nothing,
// names lose bidi overrides (finding 6, 9).
// Slack requests are accepted only within 5 minutes of their timestamp, both ways, and a signed command or
// click replayed byte for byte does nothing the second time — on any instance sharing the database
// (security review finding 8). Slack: https://docs.slack.dev/authentication/verifying-requests-from-slack
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, eventually } from '../harness/http.ts';
import type { PreparedRequest } from '../harness/slack/signed-requests.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  type SlackTestApp,
  SUPPORT,
  startSlackApp,
} from '../harness/slack/slack-app.ts';

describe.each(databaseKinds)('Slack input, timestamps and replays on %s', (database) => {
  let s: SlackTestApp;
  let ticket: number;
  beforeAll(async () => {
    s = await startSlackApp(database);
    const created = await agentClient(s.t.url, s.t.apiToken).post('/api/v1/tickets', {
      requesterEmail: 'carla@example.com',
      subject: 'Export fails',
      body: 'Since this morning',
    });
    ticket = created.body.number;
  });
  afterAll(async () => s?.stop());

  const notes = (text: string) =>
    s.t.app.db.prisma.ticketEvent.count({
      where: { ticketNumber: ticket, type: 'private_note', body: text },
    });

  it('refuses a request dated 6 minutes in the future, as it refuses one 6 minutes old', async () => {
    const before = await s.t.app.db.prisma.inboundEvent.count();
    const msg = { channel: SUPPORT, user: 'U0CUSTOMER', text: 'from the future' };
    const future = await s.slack.message(msg, { timestampSkewSeconds: -6 * 60 });
    expect(future.status).toBe(401);
    expect(future.body.message).toMatch(/5 minutes/);
    expect((await s.slack.message(msg, { timestampSkewSeconds: 6 * 60 })).status).toBe(401);
    expect((await s.slack.urlVerification('near', { timestampSkewSeconds: -4 * 60 })).status).toBe(200);
    await s.t.app.settle();
    expect(await s.t.app.db.prisma.inboundEvent.count()).toBe(before);
  });

  it('drops control characters from what Slack sends, ignores invisible-only messages, cleans names', async () => {
    s.fake.addUser({
      id: 'U0MALLORY1',
      name: 'mallory',
      realName: 'Mallory \u202egnp.exe',
      email: 'm@example.com',
    });
    const sent = await s.slack.message({
      channel: SUPPORT,
      user: 'U0MALLORY1',
      text: 'printer\u0000 jammed\u0007',
    });
    expect(sent.status).toBe(200);
    await s.t.app.settle();
    const opened = await s.t.app.db.prisma.ticket.findFirst({
      where: { subject: { startsWith: 'printer' } },
      include: { contact: true },
    });
    expect(opened?.subject).toBe('printer jammed');
    expect(opened?.contact.name).toBe('Mallory gnp.exe');

    const before = await s.t.app.db.prisma.ticket.count();
    const blank = await s.slack.message({ channel: SUPPORT, user: 'U0CUSTOMER', text: '\u200b'.repeat(500) });
    expect(blank.status).toBe(200);
    await s.t.app.settle();
    expect(await s.t.app.db.prisma.ticket.count()).toBe(before);
    expect(await s.t.app.db.prisma.inboundEvent.count({ where: { lastError: { not: null } } })).toBe(0);
  });

  /** The same bytes with the same signature headers, as someone who captured the request would send them. */
  const capture = (req: PreparedRequest) => {
    const headers = s.slack.signer.headers(req.rawBody);
    return () => s.slack.send(req, { unsigned: true, headers });
  };

  it('acts on a replayed slash command once', async () => {
    const text = 'replayed note, once';
    const replay = capture(
      s.slack.buildSlashCommand({ text: `note ${ticket} ${text}`, user: ANA, channel: AGENTS }),
    );
    const first = await replay();
    expect(first.status).toBe(200);
    await eventually(async () => (await notes(text)) === 1, 'the note');
    const again = await replay();
    expect(again.status).toBe(200);
    // A later, genuine command from the same person is handled: by then the replay would have been too.
    const later = 'a later note';
    expect(
      (await s.slack.slashCommand({ text: `note ${ticket} ${later}`, user: ANA, channel: AGENTS })).status,
    ).toBe(200);
    await eventually(async () => (await notes(later)) === 1, 'the later note');
    expect(await notes(text)).toBe(1);
    expect(s.fake.responses(String(first.payload.response_url))).toHaveLength(1);
  });

  it('acts on a replayed button click once', async () => {
    const card = await eventually(
      async () => s.fake.messages(AGENTS).find((m) => buttonsOf(m).some((b) => b.label === 'Take it')),
      'the triage card',
    );
    const take = buttonsOf(card).find((b) => b.label === 'Take it')!;
    const responseUrl = s.fake.responseUrl();
    const replay = capture(
      s.slack.buildBlockAction({
        user: ANA,
        actionId: take.actionId,
        value: take.value,
        channel: AGENTS,
        messageTs: card.ts,
        responseUrl,
      }),
    );
    expect((await replay()).status).toBe(200);
    await s.fake.waitForResponse(responseUrl);
    expect((await replay()).status).toBe(200);
    const later = 'after the click';
    await s.slack.slashCommand({ text: `note ${ticket} ${later}`, user: ANA, channel: AGENTS });
    await eventually(async () => (await notes(later)) === 1, 'the later note');
    expect(s.fake.responses(responseUrl)).toHaveLength(1);
  });
});

describe('Slack replays across instances on one PostgreSQL', () => {
  let a: SlackTestApp;
  let b: SlackTestApp;
  beforeAll(async () => {
    a = await startSlackApp('postgresql');
    b = await startSlackApp('postgresql', { sameDatabaseAs: a });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a command handled by one instance does nothing when replayed to another', async () => {
    const number = (
      await agentClient(a.t.url, a.t.apiToken).post('/api/v1/tickets', {
        requesterEmail: 'carla@example.com',
        subject: 'Shared',
        body: 'One database',
      })
    ).body.number;
    const notes = (text: string) =>
      a.t.app.db.prisma.ticketEvent.count({
        where: { ticketNumber: number, type: 'private_note', body: text },
      });
    const req = a.slack.buildSlashCommand({ text: `note ${number} only once`, user: ANA, channel: AGENTS });
    const headers = a.slack.signer.headers(req.rawBody);
    expect((await a.slack.send(req, { unsigned: true, headers })).status).toBe(200);
    await eventually(async () => (await notes('only once')) === 1, 'the note');
    expect((await b.slack.send(req, { unsigned: true, headers })).status).toBe(200);
    await b.slack.slashCommand({ text: `note ${number} later on b`, user: ANA, channel: AGENTS });
    await eventually(async () => (await notes('later on b')) === 1, 'the later note on b');
    expect(await notes('only once')).toBe(1);
  });
});
