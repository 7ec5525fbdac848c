// Slack end to end against a fake Slack on 127.0.0.1: really signed requests in, the official Bolt and
// WebClient out. The whole flow of issue 3: customer message → ticket → card → triage → escalation →
// maintainer diagnosis → reply → resolve → confirmation, plus retries, forgeries and permissions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActionId } from '../../adapters/slack/blocks.ts';
import { opensForm } from '../../src/core/tickets/forms.ts';
import { newTicketCardButtons } from '../fixtures/card.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  CUSTOMER,
  MAINTAINERS,
  MIA,
  type SlackTestApp,
  STRANGER,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const inputs = (values: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]),
  );
const choice = (id: string, value: string) => ({
  [id]: {
    [id]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
  },
});

for (const database of ['pglite', 'postgresql'] as const) {
  describe(`Slack on ${database}`, () => {
    let s: SlackTestApp;
    beforeAll(async () => {
      s = await startSlackApp(database);
    });
    afterAll(async () => {
      await s?.stop();
    });

    const db = () => s.t.app.db.prisma;
    const settle = () => s.t.app.settle();
    const botPosts = (channel: string, thread?: string) =>
      s.fake.messages(channel, thread).filter((m) => m.bot_id || m.user === s.fake.botUserId);
    const cardOf = (n: number) => botPosts(AGENTS).find((m) => textOf(m).includes(`#${n} `));
    /** Clicks a button; one without a form is done when Relevo's private answer arrives. */
    const click = async (user: string, message: any, channel: string, label: string) => {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!button) throw new Error(`no "${label}" button; have ${buttonsOf(message).map((b) => b.label)}`);
      const responseUrl = s.fake.responseUrl();
      const res = await s.slack.blockAction({
        user,
        actionId: button.actionId,
        value: button.value,
        channel,
        messageTs: message.ts,
        responseUrl,
      });
      expect(res.status).toBe(200);
      // A button whose action has a form opens a modal (see fill); the others answer privately.
      if (!opensForm(parseActionId(button.actionId)?.action ?? '')) await s.fake.waitForResponse(responseUrl);
      return res;
    };
    /** Clicks a button that opens a modal, then submits the modal with `values`. */
    const fill = async (user: string, message: any, channel: string, label: string, values: any) => {
      const before = s.fake.callsTo('views.open').length;
      await click(user, message, channel, label);
      const opened = await eventually(
        async () => s.fake.callsTo('views.open')[before],
        `the "${label}" modal to open`,
      );
      const res = await s.slack.viewSubmission({ user, viewId: opened.response.view.id, values });
      expect(res.status).toBe(200);
      return res;
    };

    it('refuses forged, stale and unsigned requests with 401 and stores nothing', async () => {
      const before = await db().inboundEvent.count();
      const msg = { channel: SUPPORT, user: CUSTOMER, text: 'Forged: please delete everything' };
      expect((await s.slack.message(msg, { badSignature: true })).status).toBe(401);
      expect((await s.slack.message(msg, { timestampSkewSeconds: 6 * 60 })).status).toBe(401);
      expect((await s.slack.message(msg, { unsigned: true })).status).toBe(401);
      expect((await s.slack.raw('{not json', 'application/json')).status).toBe(400);
      await settle();
      expect(await db().inboundEvent.count()).toBe(before);
      expect(await db().ticket.count()).toBe(0);
    });

    it('answers Slack’s URL verification challenge', async () => {
      const res = await s.slack.urlVerification('challenge-123');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ challenge: 'challenge-123' });
    });

    let ticket = 0;
    let threadTs = '';

    it('opens a ticket from a customer message, answers in the thread and posts a card, once despite retries', async () => {
      const first = await s.slack.message({
        channel: SUPPORT,
        user: CUSTOMER,
        text: 'The invoice export fails with error 500 &amp; nothing downloads',
      });
      expect(first.status).toBe(200);
      threadTs = first.payload.event.ts;
      // Slack retries (a timeout on its side): the same bytes, the same event_id, twice more.
      expect((await s.slack.resend(first, { retryNum: 1 })).status).toBe(200);
      expect((await s.slack.resend(first, { retryNum: 2 })).status).toBe(200);
      await settle();

      const tickets = await db().ticket.findMany();
      expect(tickets).toHaveLength(1);
      ticket = tickets[0]?.number ?? 0;
      expect(tickets[0]).toMatchObject({ source: 'slack', organisationId: 'acme' });
      expect(tickets[0]?.subject).toBe('The invoice export fails with error 500 & nothing downloads');
      const contact = await db().contact.findUniqueOrThrow({ where: { id: tickets[0]?.requesterId } });
      expect(contact.name).toBe('Carla Customer');

      const acks = botPosts(SUPPORT, threadTs).filter((m) => textOf(m).includes(`#${ticket}`));
      expect(acks).toHaveLength(1);
      expect(acks[0]?.thread_ts).toBe(threadTs);
      const card = cardOf(ticket);
      expect(buttonsOf(card).map((b) => b.label)).toEqual(newTicketCardButtons);
      expect(textOf(card)).toContain('Acme');
      expect(textOf(card)).toContain('https://wiki.example.com/acme');
    });

    it('opens nothing for a greeting alone', async () => {
      await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'hi, thanks!' });
      await settle();
      expect(await db().ticket.count()).toBe(1);
    });

    it('adds thread replies to the ticket; agent replies are public, "note:" replies private', async () => {
      await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'It started this morning', threadTs });
      await s.slack.message({ channel: SUPPORT, user: ANA, text: 'Looking into it now', threadTs });
      await s.slack.message({
        channel: SUPPORT,
        user: ANA,
        text: 'note: probably the S3 credentials',
        threadTs,
      });
      await settle();
      const events = await db().ticketEvent.findMany({
        where: { ticketNumber: ticket },
        orderBy: { createdAt: 'asc' },
      });
      expect(events.map((e) => [e.type, e.body])).toEqual(
        expect.arrayContaining([
          ['customer_message', 'It started this morning'],
          ['public_reply', 'Looking into it now'],
          ['private_note', 'probably the S3 credentials'],
        ]),
      );
      // Relevo repeats neither in the customer's thread: the reply is already there, the note never goes.
      const posted = botPosts(SUPPORT, threadTs).map(textOf).join('\n');
      expect(posted).not.toContain('Looking into it now');
      expect(posted).not.toContain('S3 credentials');
      // The agent is warned, privately, that the shared channel shows what they typed.
      const whisper = await s.fake.waitForCall('chat.postEphemeral', (c) => c.args.user === ANA);
      expect(whisper.args.text).toMatch(/shared with the customer/);
    });

    it('refuses agent buttons to a customer and to a stranger, explaining privately', async () => {
      const before = await db().ticket.findUniqueOrThrow({ where: { number: ticket } });
      for (const user of [CUSTOMER, STRANGER]) {
        const responseUrl = s.fake.responseUrl();
        const button = buttonsOf(cardOf(ticket)).find((b) => b.label === 'Spam');
        await s.slack.blockAction({
          user,
          actionId: button?.actionId ?? '',
          value: button?.value,
          channel: AGENTS,
          messageTs: cardOf(ticket)?.ts,
          responseUrl,
        });
        const [answer] = await s.fake.waitForResponse(responseUrl).then(() => s.fake.responses(responseUrl));
        expect(answer.response_type).toBe('ephemeral');
        expect(answer.text).toMatch(/only agents|does not know you/i);
      }
      expect((await db().ticket.findUniqueOrThrow({ where: { number: ticket } })).status).toBe(before.status);
      expect(before.status).not.toBe('spam');
    });

    it('takes, classifies and sets priority from the card; the card is edited in place', async () => {
      const updatesBefore = s.fake.callsTo('chat.update').length;
      await click(ANA, cardOf(ticket), AGENTS, 'Take it');
      await fill(ANA, cardOf(ticket), AGENTS, 'Category…', choice('category', 'prod_incident'));
      await fill(ANA, cardOf(ticket), AGENTS, 'Priority…', choice('priority', 'high'));
      await settle();
      const t = await db().ticket.findUniqueOrThrow({ where: { number: ticket } });
      expect(t).toMatchObject({
        assigneeId: 'ana',
        category: 'prod_incident',
        priority: 'high',
        status: 'open',
      });
      expect(s.fake.callsTo('chat.update').length).toBeGreaterThan(updatesBefore);
      expect(botPosts(AGENTS).filter((m) => textOf(m).includes(`#${ticket} `))).toHaveLength(1);
      expect(textOf(cardOf(ticket))).toContain('Production incident');
      expect(buttonsOf(cardOf(ticket)).map((b) => b.label)).not.toContain('Take it');
    });

    it('a modal submission with a mistake keeps the modal open with the error under the field', async () => {
      const before = s.fake.callsTo('views.open').length;
      await click(ANA, cardOf(ticket), AGENTS, 'Reject…');
      const opened = await eventually(async () => s.fake.callsTo('views.open')[before], 'the reject modal');
      const res = await s.slack.viewSubmission({
        user: ANA,
        viewId: opened.response.view.id,
        values: inputs({ reason: ' ' }),
      });
      expect(JSON.parse(res.text)).toMatchObject({ response_action: 'errors' });
      expect((await db().ticket.findUniqueOrThrow({ where: { number: ticket } })).status).toBe('open');
    });

    let escalationTs = '';

    it('escalates into the maintainers’ channel; a maintainer claims it and gives a diagnosis', async () => {
      await fill(ANA, cardOf(ticket), AGENTS, 'Escalate', {
        ...choice('product', 'platform'),
        ...inputs({ background: 'Since the 2.3 deploy', notes: 'S3 keys rotated?' }),
      });
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: ticket } })).status).toBe('on_hold');
      const post = await eventually(async () => botPosts(MAINTAINERS)[0], 'the escalation post');
      escalationTs = post.ts;
      for (const words of ['invoice export fails', 'Since the 2.3 deploy', 'S3 keys rotated?', 'Acme']) {
        expect(textOf(post)).toContain(words);
      }

      await click(MIA, post, MAINTAINERS, "I'll take it");
      await settle();
      await fill(MIA, botPosts(MAINTAINERS)[0], MAINTAINERS, 'Diagnosis…', {
        ...inputs({ summary: 'Expired S3 credentials in the export worker', estimate: '2 hours' }),
        ...choice('certainty', 'high'),
        ...choice('confidence', 'medium'),
      });
      await settle();
      const esc = await db().escalation.findFirstOrThrow({ where: { ticketNumber: ticket } });
      expect(esc).toMatchObject({
        status: 'diagnosed',
        maintainerId: 'mia',
        diagnosis: 'Expired S3 credentials in the export worker',
        certainty: 'high',
        estimate: '2 hours',
        estimateConfidence: 'medium',
      });
      expect(textOf(cardOf(ticket))).toContain('Expired S3 credentials in the export worker');
      expect(textOf(botPosts(MAINTAINERS)[0])).toContain('Mia');
    });

    it('maintainers’ thread replies are private notes; only Share with customer sends one', async () => {
      const reply = await s.slack.message({
        channel: MAINTAINERS,
        user: MIA,
        text: 'Fixed: new credentials deployed, exports work again',
        threadTs: escalationTs,
      });
      await s.slack.message({
        channel: MAINTAINERS,
        user: MIA,
        text: 'internal: root cause was the vault TTL',
        threadTs: escalationTs,
      });
      await settle();
      const notes = await db().ticketEvent.findMany({
        where: { ticketNumber: ticket, type: 'private_note' },
      });
      expect(notes.map((n) => n.body)).toEqual(
        expect.arrayContaining([
          'Fixed: new credentials deployed, exports work again',
          'internal: root cause was the vault TTL',
        ]),
      );
      expect(botPosts(SUPPORT, threadTs).map(textOf).join()).not.toContain('new credentials deployed');

      const responseUrl = s.fake.responseUrl();
      const res = await s.slack.messageShortcut({
        user: MIA,
        callbackId: 'relevo_share',
        channel: MAINTAINERS,
        message: { user: MIA, ts: reply.payload.event.ts, threadTs: escalationTs, text: 'Fixed…' },
        responseUrl,
      });
      expect(res.status).toBe(200);
      await s.fake.waitForResponse(responseUrl);
      await settle();
      const customerSees = botPosts(SUPPORT, threadTs).map(textOf).join('\n');
      expect(customerSees).toContain('new credentials deployed');
      expect(customerSees).not.toContain('vault TTL');
      expect(customerSees).not.toContain('S3 credentials in the export worker');
    });

    it('resolves with a message and a technical note; the customer confirms with a button', async () => {
      await fill(
        ANA,
        cardOf(ticket),
        AGENTS,
        'Resolve…',
        inputs({
          message: 'Exports work again, please check.',
          technicalNote: 'Rotated S3 keys; vault TTL raised',
        }),
      );
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: ticket } })).status).toBe(
        'awaiting_confirmation',
      );
      const ask = await eventually(
        async () =>
          botPosts(SUPPORT, threadTs).find((m) => buttonsOf(m).some((b) => b.label === 'Yes, solved')),
        'the confirmation question',
      );
      expect(textOf(ask)).toContain('Exports work again');
      expect(textOf(ask)).not.toContain('vault TTL');
      await click(CUSTOMER, ask, SUPPORT, 'Yes, solved');
      await settle();
      expect((await db().ticket.findUniqueOrThrow({ where: { number: ticket } })).status).toBe('resolved');
    });

    it('never posted a private note in a customer channel', async () => {
      const notes = await db().ticketEvent.findMany({ where: { visibility: 'internal' } });
      const customerText = s.fake.messages(SUPPORT).flatMap((m) => s.fake.messages(SUPPORT, m.ts));
      const seen = customerText
        .filter((m) => m.bot_id || m.user === s.fake.botUserId)
        .map(textOf)
        .join('\n');
      for (const n of notes) {
        if (n.body.includes('new credentials deployed')) continue; // shared on purpose above
        expect(seen).not.toContain(n.body.slice(0, 40));
      }
    });

    it('answers /ticket commands privately, with help for mistakes', async () => {
      const answerTo = async (res: { payload: { response_url?: string } }) => {
        const url = res.payload.response_url ?? '';
        await s.fake.waitForResponse(url);
        return s.fake.responses(url)[0];
      };
      const help = await s.slack.slashCommand({ text: 'help', user: ANA, channel: AGENTS });
      expect(help.status).toBe(200);
      expect(textOf(await answerTo(help))).toContain('/ticket new');

      const show = await s.slack.slashCommand({ text: `show ${ticket}`, user: ANA, channel: AGENTS });
      expect(textOf(await answerTo(show))).toContain('invoice export fails');

      const wrong = await answerTo(
        await s.slack.slashCommand({ text: 'frobnicate', user: ANA, channel: AGENTS }),
      );
      expect(wrong.response_type).toBe('ephemeral');
      expect(textOf(wrong)).toMatch(/help/);

      const customer = await s.slack.slashCommand({
        text: `reply ${ticket} hello`,
        user: CUSTOMER,
        channel: SUPPORT,
      });
      expect(textOf(await answerTo(customer))).toMatch(/is for agents|only agents/i);
    });

    it('in an on-request channel the conversation waits for 🎫, then becomes one ticket', async () => {
      const before = await db().ticket.count();
      const msg = await s.slack.message({
        channel: SUPPORT_ON_REQUEST,
        user: CUSTOMER,
        text: 'Can we get SSO for our team?',
      });
      await s.slack.message({
        channel: SUPPORT_ON_REQUEST,
        user: CUSTOMER,
        text: 'We use Okta',
        threadTs: msg.payload.event.ts,
      });
      await settle();
      expect(await db().ticket.count()).toBe(before);
      const notice = await eventually(
        async () => botPosts(AGENTS).find((m) => textOf(m).includes('Can we get SSO')),
        'the conversation notice',
      );
      expect(buttonsOf(notice).map((b) => b.label)).toEqual(['Create ticket']);

      // A customer's 🎫 does nothing; an agent's opens the ticket, and a second one changes nothing.
      await s.slack.reactionAdded({
        user: CUSTOMER,
        reaction: 'ticket',
        channel: SUPPORT_ON_REQUEST,
        ts: msg.payload.event.ts,
      });
      await settle();
      expect(await db().ticket.count()).toBe(before);
      await s.slack.reactionAdded({
        user: ANA,
        reaction: 'ticket',
        channel: SUPPORT_ON_REQUEST,
        ts: msg.payload.event.ts,
      });
      await click(ANA, notice, AGENTS, 'Create ticket');
      await settle();
      const created = await db().ticket.findMany({ where: { number: { gt: ticket } } });
      expect(created).toHaveLength(1);
      const events = await db().ticketEvent.findMany({
        where: { ticketNumber: created[0]?.number, type: 'customer_message' },
        orderBy: { createdAt: 'asc' },
      });
      expect(events.map((e) => e.body)).toEqual(['Can we get SSO for our team?', 'We use Okta']);
      const acks = botPosts(SUPPORT_ON_REQUEST, msg.payload.event.ts).filter((m) =>
        textOf(m).includes(`#${created[0]?.number}`),
      );
      expect(acks).toHaveLength(1);
    });

    it('every triage choice works from Slack: templated answers reach the thread, modals carry their fields', async () => {
      const open = async (text: string) => {
        const m = await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text });
        await settle();
        const t = await db().ticket.findFirstOrThrow({ where: { subject: text } });
        return { n: t.number, ts: m.payload.event.ts as string };
      };
      const status = async (n: number) =>
        (await db().ticket.findUniqueOrThrow({ where: { number: n } })).status;
      const thread = (ts: string) => botPosts(SUPPORT, ts).map(textOf).join('\n');

      const wrong = await open('Please send me the invoice of the cleaning company');
      await click(ANA, cardOf(wrong.n), AGENTS, 'Wrong recipient');
      await settle();
      expect(await status(wrong.n)).toBe('spam');
      expect(thread(wrong.ts)).toContain('only for support of our products');
      await click(ANA, cardOf(wrong.n), AGENTS, 'Reopen');
      expect(await status(wrong.n)).toBe('open');

      const unsupported = await open('Our coffee machine is broken');
      await click(ANA, cardOf(unsupported.n), AGENTS, 'Unsupported product');
      await settle();
      expect(await status(unsupported.n)).toBe('rejected');
      expect(thread(unsupported.ts)).toContain('The products we support for you are: Platform');

      const person = await open('A message for Pedro from accounting');
      await fill(
        ANA,
        cardOf(person.n),
        AGENTS,
        'Meant for a person',
        inputs({ contact: 'pedro@acme.example' }),
      );
      await settle();
      expect(await status(person.n)).toBe('rejected');
      expect(thread(person.ts)).toContain('pedro@acme.example');

      const spam = await open('Buy cheap watches now');
      const before = thread(spam.ts);
      await click(ANA, cardOf(spam.n), AGENTS, 'Spam');
      await settle();
      expect(await status(spam.n)).toBe('spam');
      expect(thread(spam.ts)).toBe(before);

      const question = await open('How do I export reports to PDF?');
      await fill(
        ANA,
        cardOf(question.n),
        AGENTS,
        'Initial response…',
        inputs({ required: 'Which report do you export?', diagnosis: 'Exports work from the Reports page' }),
      );
      await fill(ANA, cardOf(question.n), AGENTS, 'Assign…', choice('agent', 'ben'));
      await fill(ANA, cardOf(question.n), AGENTS, 'Product…', choice('product', 'platform'));
      await settle();
      expect(await db().ticket.findUniqueOrThrow({ where: { number: question.n } })).toMatchObject({
        status: 'waiting_on_customer',
        assigneeId: 'ben',
        productId: 'platform',
      });
      expect(thread(question.ts)).toContain('Which report do you export?');
      await fill(
        ANA,
        cardOf(question.n),
        AGENTS,
        'Answer with information',
        inputs({ message: 'Use Reports → Export → PDF.' }),
      );
      await settle();
      expect(await status(question.n)).toBe('awaiting_confirmation');

      const action = await open('Please reset my password');
      await fill(
        ANA,
        cardOf(action.n),
        AGENTS,
        'Agent action',
        inputs({ message: 'Done: your password was reset.', technicalNote: 'reset from the admin panel' }),
      );
      await settle();
      expect(thread(action.ts)).toContain('Done: your password was reset.');
      expect(thread(action.ts)).not.toContain('admin panel');
      const ask = botPosts(SUPPORT, action.ts).find((m) =>
        buttonsOf(m).some((b) => b.label === 'Still happening'),
      );
      await click(CUSTOMER, ask, SUPPORT, 'Still happening');
      await settle();
      expect(await status(action.n)).toBe('open');
    });

    it('opens a waiting conversation by /ticket create <message link> and by the Create ticket shortcut', async () => {
      const first = await s.slack.message({
        channel: SUPPORT_ON_REQUEST,
        user: CUSTOMER,
        text: 'The audit log is empty',
      });
      const second = await s.slack.message({
        channel: SUPPORT_ON_REQUEST,
        user: CUSTOMER,
        text: 'Webhooks stopped firing',
      });
      await settle();
      const link = (ts: string) =>
        `https://acme.slack.com/archives/${SUPPORT_ON_REQUEST}/p${ts.replace('.', '')}`;

      const bad = await s.slack.slashCommand({
        text: 'create https://example.com/nothing',
        user: ANA,
        channel: AGENTS,
      });
      await s.fake.waitForResponse(bad.payload.response_url ?? '');
      expect(textOf(s.fake.responses(bad.payload.response_url ?? '')[0])).toMatch(/Copy link|🎫/);

      const cmd = await s.slack.slashCommand({
        text: `create ${link(first.payload.event.ts)}`,
        user: ANA,
        channel: AGENTS,
      });
      await s.fake.waitForResponse(cmd.payload.response_url ?? '');
      expect(textOf(s.fake.responses(cmd.payload.response_url ?? '')[0])).toMatch(/Ticket #\d+ created/);

      const responseUrl = s.fake.responseUrl();
      await s.slack.messageShortcut({
        user: ANA,
        callbackId: 'relevo_create_ticket',
        channel: SUPPORT_ON_REQUEST,
        message: { user: CUSTOMER, ts: second.payload.event.ts, text: 'Webhooks stopped firing' },
        responseUrl,
      });
      await s.fake.waitForResponse(responseUrl);
      await settle();
      for (const subject of ['The audit log is empty', 'Webhooks stopped firing']) {
        expect(await db().ticket.count({ where: { subject } })).toBe(1);
      }
    });

    it('ignores channels that are not in relevo.yaml and buttons it did not make', async () => {
      const before = await db().inboundEvent.count();
      const res = await s.slack.message({
        channel: 'C0UNKNOWN1',
        user: CUSTOMER,
        text: 'Hello from elsewhere',
      });
      expect(res.status).toBe(200);
      const card = botPosts(AGENTS)[0];
      const foreign = await s.slack.blockAction({
        user: ANA,
        actionId: 'someone_elses_button',
        value: 'x',
        channel: AGENTS,
        messageTs: card?.ts,
      });
      expect(foreign.status).toBe(200);
      await settle();
      expect(await db().inboundEvent.count()).toBe(before);
    });

    it('honours a 429 with Retry-After and still delivers', async () => {
      s.fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 1 });
      await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Second problem: login page is slow' });
      await settle();
      const limited = s.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      const t = await db().ticket.findFirstOrThrow({
        where: { subject: { contains: 'login page is slow' } },
      });
      await eventually(
        async () => botPosts(AGENTS).some((m) => textOf(m).includes(`#${t.number} `)),
        'the card after the 429',
      );
    });
  });
}
