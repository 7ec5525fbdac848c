// Each class of inbound mail as a decision: a parsed message plus what the database knows → what to do.
// The integration tests (test/integration/email*.test.ts) check the same classes end to end.
import { describe, expect, it } from 'vitest';
import { testConfigYaml } from '../../test/fixtures/config.ts';
import { parseConfigFile } from '../config/file.ts';
import {
  type Decision,
  decideEmail,
  type EmailFacts,
  type KnownIdentity,
  type TicketFacts,
} from './decide.ts';
import { parseEmail } from './parse.ts';
import type { ReplyTokenRow } from './reply-token.ts';

const SUPPORT = 'support@support.test';
const configWith = (email = '') =>
  parseConfigFile(`${testConfigYaml}${email ? `email:\n${email}` : ''}`, 'decide test');
const cfg = (email = '') => ({
  config: configWith(email),
  ownAddresses: [SUPPORT],
  trustedAuthservIds: ['mx.support.test'],
});
const DMARC_PASS = 'Authentication-Results: mx.support.test; dmarc=pass header.from=support.test';

function mail(headers: string[], body = 'The printer is on fire.') {
  const all = headers.some((h) => /^to:/i.test(h)) ? headers : [...headers, `To: ${SUPPORT}`];
  return parseEmail(`${all.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
}

const facts = (over: Partial<EmailFacts> = {}): EmailFacts => ({
  duplicate: false,
  sender: null,
  forwardedFrom: null,
  tokens: [],
  ticket: null,
  autoRepliesLastHour: 0,
  agentAddresses: new Set(['ana@support.test']),
  ...over,
});
const contact = (id: string, organisationId = 'acme'): KnownIdentity => ({
  agentId: null,
  agentActive: false,
  contact: { id, organisationId },
});
const ANA: KnownIdentity = { agentId: 'ana', agentActive: true, contact: null };
const ticket = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  number: 7,
  status: 'open',
  requesterId: 'c-bob',
  organisationId: 'acme',
  subject: 'Printer on fire',
  language: 'en',
  senderMayJoin: true,
  senderMayAnswer: true,
  emailThread: '<first@example.com>',
  requesterAddress: 'bob@example.com',
  assigneeForCopies: null,
  ...over,
});
const token = (over: Partial<ReplyTokenRow> = {}): ReplyTokenRow => ({
  token: 'tok1',
  agentId: 'ana',
  ticketNumber: 7,
  outboxKey: 'k',
  sentAt: null,
  revokedAt: null,
  createdAt: new Date(0),
  ...over,
});
const only = <K extends Decision['kind']>(d: Decision, kind: K) => {
  expect(d.kind).toBe(kind);
  return d as Extract<Decision, { kind: K }>;
};

const FROM_BOB = ['From: Bob <bob@example.com>', 'Subject: Printer on fire', 'Message-ID: <m1@example.com>'];
const REPLY_BOB = [
  'From: Bob <bob@example.com>',
  'Subject: Re: [#7] Printer on fire',
  'Message-ID: <m2@example.com>',
  'In-Reply-To: <first@example.com>',
];

describe('decideEmail: new mail', () => {
  it('opens a ticket for a stranger of a known domain, acknowledged, as a new contact', async () => {
    const d = only(decideEmail(await mail(FROM_BOB), facts(), cfg()), 'intake');
    expect(d.ticket).toBeNull();
    expect(d.requester).toEqual({
      newContact: { address: 'bob@example.com', name: 'Bob', organisationId: 'acme' },
    });
    expect(d).toMatchObject({
      text: 'The printer is on fire.',
      subject: 'Printer on fire',
      force: true,
      acknowledge: true,
      forwardNote: null,
      record: { verdict: { allowed: true }, counterparty: 'bob@example.com' },
    });
  });

  it('reads an HTML-only reply with the quote its client marked left out (Outlook’s header border)', async () => {
    const html =
      '<div><p>It still fails after the restart.</p><div id="divRplyFwdMsg"><b>From:</b> Support<br>' +
      '<b>Sent:</b> Monday<br><b>Subject:</b> RE: [#7] Printer on fire</div><p>Did you restart it?</p></div>';
    const parsed = await parseEmail(
      `${[...REPLY_BOB, `To: ${SUPPORT}`].join('\r\n')}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
    );
    const d = only(
      decideEmail(parsed, facts({ sender: contact('c-bob'), ticket: ticket() }), cfg()),
      'intake',
    );
    expect(d.text).toBe('It still fails after the restart.');
  });

  it('credits a known contact', async () => {
    const d = only(decideEmail(await mail(FROM_BOB), facts({ sender: contact('c-bob') }), cfg()), 'intake');
    expect(d.requester).toEqual({ contactId: 'c-bob' });
  });

  it('keeps mail from an unknown domain without a ticket unless there is a default organisation', async () => {
    const stranger = ['From: x@nowhere.test', 'Subject: hi', 'Message-ID: <s@nowhere.test>'];
    const kept = only(decideEmail(await mail(stranger), facts(), cfg()), 'keep');
    expect(kept.reason).toMatch(/matches no organisation/);
    const d = only(
      decideEmail(await mail(stranger), facts(), cfg('  defaultOrganisation: globex\n')),
      'intake',
    );
    expect(d.requester).toMatchObject({ newContact: { organisationId: 'globex' } });
  });

  it('keeps mail without a sender, our own echoes and duplicates', async () => {
    expect(only(decideEmail(await mail(['Subject: x']), facts(), cfg()), 'keep').reason).toBe(
      'no sender address',
    );
    const echo = [`From: ${SUPPORT}`, 'Subject: x'];
    expect(only(decideEmail(await mail(echo), facts(), cfg()), 'keep').reason).toBe(
      'our own message came back',
    );
    expect(decideEmail(await mail(FROM_BOB), facts({ duplicate: true }), cfg()).kind).toBe('duplicate');
  });

  it('does not acknowledge past the per-sender hourly limit', async () => {
    const d = only(decideEmail(await mail(FROM_BOB), facts({ autoRepliesLastHour: 5 }), cfg()), 'intake');
    expect(d.acknowledge).toBe(false);
  });

  it('opens a silent ticket for an auto-reply or a bounce, recording the verdict', async () => {
    const ooo = only(
      decideEmail(await mail([...FROM_BOB, 'Auto-Submitted: auto-replied']), facts(), cfg()),
      'intake',
    );
    expect(ooo).toMatchObject({
      acknowledge: false,
      record: { verdict: { allowed: false, reason: 'auto-submitted' } },
    });
    const bounce = [
      'From: MAILER-DAEMON@example.com',
      'Subject: Undelivered Mail',
      'Message-ID: <b@example.com>',
    ];
    expect(only(decideEmail(await mail(bounce), facts(), cfg()), 'intake').acknowledge).toBe(false);
  });
});

describe('decideEmail: replies', () => {
  it('appends a reply threaded by headers to its ticket in its email thread', async () => {
    const d = only(
      decideEmail(await mail(REPLY_BOB), facts({ sender: contact('c-bob'), ticket: ticket() }), cfg()),
      'intake',
    );
    expect(d.ticket).toEqual({
      number: 7,
      thread: '<first@example.com>',
      createThread: false,
      reopen: false,
    });
    expect(d).toMatchObject({ force: true, acknowledge: true, requester: { contactId: 'c-bob' } });
  });

  it('gives a ticket born in chat an email thread on its first mail', async () => {
    const d = only(
      decideEmail(
        await mail(REPLY_BOB),
        facts({ sender: contact('c-bob'), ticket: ticket({ emailThread: null }) }),
        cfg(),
      ),
      'intake',
    );
    expect(d.ticket).toMatchObject({ thread: '<m2@example.com>', createThread: true });
  });

  it('gives a stranger naming a ticket a new ticket of their own', async () => {
    const d = decideEmail(await mail(REPLY_BOB), facts({ ticket: ticket({ senderMayJoin: false }) }), cfg());
    expect(only(d, 'intake').ticket).toBeNull();
    expect(d.logs?.[0]?.msg).toMatch(/may not join/);
  });

  it('lets the assignee have a personal copy of an appended customer mail', async () => {
    const d = only(
      decideEmail(
        await mail(REPLY_BOB),
        facts({ sender: contact('c-bob'), ticket: ticket({ assigneeForCopies: 'ana' }) }),
        cfg(),
      ),
      'intake',
    );
    expect(d.copyTo).toBe('ana');
  });

  it('confirms on a plain "yes" from the requester', async () => {
    const f = facts({ sender: contact('c-bob'), ticket: ticket({ status: 'awaiting_confirmation' }) });
    expect(decideEmail(await mail(REPLY_BOB, 'Yes'), f, cfg())).toMatchObject({
      kind: 'confirm',
      ticketNumber: 7,
      contactId: 'c-bob',
    });
  });

  it('keeps a "yes" from someone who may not answer as a message; the ticket still waits', async () => {
    const f = facts({
      sender: contact('c-carol'),
      ticket: ticket({ status: 'awaiting_confirmation', senderMayAnswer: false }),
    });
    const d = decideEmail(await mail(REPLY_BOB, 'Yes'), f, cfg());
    expect(only(d, 'intake').ticket?.number).toBe(7);
    expect(d.logs?.some((l) => /not the requester/.test(l.msg))).toBe(true);
  });

  it('on a finished ticket: reopens with closedReply reopen (answerers only), else a follow-up', async () => {
    const f = (senderMayAnswer = true) =>
      facts({ sender: contact('c-bob'), ticket: ticket({ status: 'resolved', senderMayAnswer }) });
    const reopen = only(decideEmail(await mail(REPLY_BOB), f(), cfg('  closedReply: reopen\n')), 'intake');
    expect(reopen.ticket?.reopen).toBe(true);
    expect(reopen.force).toBe(false);
    const notAnswerer = only(
      decideEmail(await mail(REPLY_BOB), f(false), cfg('  closedReply: reopen\n')),
      'intake',
    );
    expect(notAnswerer.ticket?.reopen).toBe(false);
    const followUp = only(decideEmail(await mail(REPLY_BOB), f(), cfg()), 'intake');
    expect(followUp.ticket?.reopen).toBe(false);
    expect(followUp.subject).toContain('#7');
    expect(followUp.force).toBe(false);
  });

  it('keeps an out-of-office about a ticket as a note on it, changing nothing', async () => {
    const d = only(
      decideEmail(
        await mail([...REPLY_BOB, 'Auto-Submitted: auto-replied']),
        facts({ sender: contact('c-bob'), ticket: ticket() }),
        cfg(),
      ),
      'note',
    );
    expect(d).toMatchObject({ ticketNumber: 7, outcome: 'appended', note: { actor: { kind: 'system' } } });
    expect(d.note.text).toMatch(/^Automatic mail from bob@example.com \(auto-submitted\)/);
  });
});

describe('decideEmail: agents', () => {
  const FROM_ANA = [
    'From: Ana <ana@support.test>',
    'Subject: Re: [#7] Printer on fire',
    'Message-ID: <a1@support.test>',
  ];

  it('an agent answering through their reply token replies publicly; copied outside the team retires it', async () => {
    const headers = [
      ...FROM_ANA,
      'In-Reply-To: <tok1@support.test>',
      'To: bob@example.com',
      'Cc: eve@else.test',
    ];
    const d = only(
      decideEmail(await mail(headers), facts({ sender: ANA, ticket: ticket(), tokens: [token()] }), cfg()),
      'agent_reply',
    );
    expect(d).toMatchObject({ ticketNumber: 7, agentId: 'ana', inThread: true, retireToken: 'tok1' });
    expect(d.record).toMatchObject({ agentId: 'ana', agentAuth: 'token' });
  });

  it('a trusted DMARC pass authenticates an agent; the customer not in copy gets the reply delivered', async () => {
    const d = only(
      decideEmail(await mail([DMARC_PASS, ...FROM_ANA]), facts({ sender: ANA, ticket: ticket() }), cfg()),
      'agent_reply',
    );
    expect(d).toMatchObject({ inThread: false, retireToken: null, record: { agentAuth: 'dmarc' } });
  });

  it("holds unauthenticated mail from an agent's address, or a deactivated agent's, as an unverified note", async () => {
    const d = only(
      decideEmail(await mail(FROM_ANA), facts({ sender: ANA, ticket: ticket() }), cfg()),
      'note',
    );
    expect(d).toMatchObject({ outcome: 'unverified_agent', record: { verdict: { allowed: true } } });
    expect(d.record.agentId).toBeUndefined();
    const inactive = { ...ANA, agentActive: false };
    expect(
      only(
        decideEmail(
          await mail([DMARC_PASS, ...FROM_ANA]),
          facts({ sender: inactive, ticket: ticket() }),
          cfg(),
        ),
        'note',
      ).outcome,
    ).toBe('unverified_agent');
  });

  it('keeps an agent mail that neither replies on a ticket nor forwards', async () => {
    const d = only(
      decideEmail(
        await mail([DMARC_PASS, 'From: ana@support.test', 'Subject: lunch?']),
        facts({ sender: ANA }),
        cfg(),
      ),
      'keep',
    );
    expect(d.reason).toMatch(/from an agent/);
  });

  const FORWARD = [
    'Please look at this.',
    '',
    '---------- Forwarded message ---------',
    'From: Bob <bob@example.com>',
    'Date: Tue, 4 Mar 2025 at 11:47',
    'Subject: Printer on fire',
    'To: <ana@support.test>',
    '',
    'It is burning.',
  ].join('\r\n');

  it("an authenticated agent's forward credits the customer, acknowledged, with the agent's note", async () => {
    const headers = [DMARC_PASS, 'From: Ana <ana@support.test>', 'Subject: Fwd: Printer on fire'];
    const d = only(decideEmail(await mail(headers, FORWARD), facts({ sender: ANA }), cfg()), 'intake');
    expect(d).toMatchObject({
      requester: { newContact: { address: 'bob@example.com', organisationId: 'acme' } },
      text: 'It is burning.',
      subject: 'Printer on fire',
      acknowledge: true,
      forwardNote: { actor: { kind: 'agent', agentId: 'ana' } },
      record: { counterparty: 'bob@example.com', agentId: 'ana', agentAuth: 'dmarc' },
    });
    expect(d.forwardNote?.text).toMatch(/Forwarding note: Please look at this\./);
  });

  it("an unverified agent's forward opens the ticket silently with an unverified note", async () => {
    const headers = ['From: Ana <ana@support.test>', 'Subject: Fwd: Printer on fire'];
    const d = only(decideEmail(await mail(headers, FORWARD), facts({ sender: ANA }), cfg()), 'intake');
    expect(d.acknowledge).toBe(false);
    expect(d.forwardNote).toMatchObject({ text: { unverifiedForward: { note: 'Please look at this.' } } });
    expect(d.record.agentId).toBeUndefined();
  });

  it("a forwarding address's forward credits the customer with a system note", async () => {
    const headers = ['From: inbox@example.com', 'Subject: Fwd: Printer on fire'];
    const config = cfg('  forwardingAddresses: [inbox@example.com]\n');
    const d = only(decideEmail(await mail(headers, FORWARD), facts(), config), 'intake');
    expect(d).toMatchObject({
      requester: { newContact: { address: 'bob@example.com' } },
      acknowledge: true,
      forwardNote: { actor: { kind: 'system' } },
    });
  });
});
