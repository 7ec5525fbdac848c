// What an inbound email means: a new ticket, a reply on one, an agent's answer, or something kept but not
// answered. Runs inside the inbox's transaction, so the ticket, the stored original and the outbox rows
// commit together — or not at all, and the mail is processed again.
//
// Threading (seed 000, RFC 5322 §3.6.4): a reply joins its ticket by In-Reply-To/References, else by the
// [#n] token in the subject — but only when the sender is the requester, belongs to the ticket's
// organisation, or is on its thread (participants.ts). A stranger quoting someone else's ticket number
// gets a new ticket of their own, not access.
//
// Mail from an agent's address acts as that agent only when it is authenticated (agent-auth.ts). Any
// other such mail is held as an unverified private note: never sent to the customer, no change to the
// ticket, and nobody in its copy joins the thread.
import type { FileConfig } from '../config/file.ts';
import { findOrCreateContact, organisationForEmail } from '../core/directory.ts';
import { enqueue } from '../core/outbox.ts';
import type { Logger } from '../core/ports.ts';
import type { Actor, TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import { type AgentAuth, authenticateAgent } from './agent-auth.ts';
import { isPlainConfirmation } from './confirmation.ts';
import { type ForwardInfo, readForward } from './forward.ts';
import { type AutoReplyVerdict, autoReplyVerdict } from './loop-guard.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';
import { isOnThread, isOwnAddress } from './participants.ts';
import { baseSubject, ticketNumberInSubject } from './reference.ts';
import { findReplyTokens, type ReplyTokenRow, tokensReferenced } from './reply-token.ts';
import { readVisible } from './visible-text.ts';

export const EMAIL_CHANNEL = 'mail';

export interface EmailIngestDeps {
  config: FileConfig;
  tickets: TicketService;
  log: Logger;
  /** Relevo's own addresses (the support address, the group): mail from them is an echo. */
  ownAddresses: string[];
  attachmentMaxBytes: number;
  now: () => Date;
  /**
   * authserv-ids of the team's own mail servers (RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS): their
   * Authentication-Results can authenticate an agent's mail. Empty: only reply tokens can.
   */
  trustedAuthservIds: readonly string[];
  /**
   * Mail can be sent (RELEVO_SMTP_URL): the assignee of a ticket then gets a personal copy of each
   * customer mail on it, whose answer is authenticated by its reply token.
   */
  agentCopies: boolean;
}

export type IngestOutcome =
  | { kind: 'duplicate' }
  | { kind: 'kept'; reason: string }
  | { kind: 'created'; ticketNumber: number; acknowledged: boolean }
  | { kind: 'appended'; ticketNumber: number }
  | { kind: 'agent_reply'; ticketNumber: number }
  | { kind: 'unverified_agent'; ticketNumber: number }
  | { kind: 'confirmed'; ticketNumber: number };

export async function ingestEmail(tx: Tx, raw: Buffer, deps: EmailIngestDeps): Promise<IngestOutcome> {
  const email = await parseEmail(raw, { maxAttachmentBytes: deps.attachmentMaxBytes });
  if (await tx.emailMessage.findUnique({ where: { messageId: email.dedupeKey } }))
    return { kind: 'duplicate' };
  const verdict = autoReplyVerdict(email, { ownAddresses: deps.ownAddresses });
  const sender = email.from?.address;
  const keep = async (reason: string, ticketNumber?: number) => {
    await record(tx, email, raw, { ticketNumber, verdict, note: reason });
    deps.log.info(
      { messageId: email.dedupeKey, from: sender ?? null, reason },
      'email kept without a ticket',
    );
    return { kind: 'kept' as const, reason };
  };
  if (!sender) return keep('no sender address');
  if (!verdict.allowed && verdict.reason === 'own-address') return keep('our own message came back');

  const senderIdentity = await emailIdentity(tx, sender);
  const agent = senderIdentity?.agentId ?? null;
  const forwarder = agent || deps.config.email.forwardingAddresses.some((a) => a.toLowerCase() === sender);
  // A forward whose client showed only a name (no address) cannot credit anyone: treat it as the forwarder's.
  const found = forwarder ? readForward(email) : null;
  const forward = found?.originalFrom.address ? found : null;
  const shown = fit(
    readVisible(email).visible ||
      email.subject ||
      (email.attachments.length ? `(${email.attachments.map((a) => a.filename).join(', ')})` : '(no text)'),
    deps.config.tickets.maxMessageLength,
  );

  // A reply on an existing ticket?
  const tokens = await findReplyTokens(tx, tokensReferenced([email.inReplyTo, ...email.references]));
  const candidate = forward ? null : await referencedTicket(tx, email, tokens);
  // An agent (authenticated or not) is handled below; anyone else must be on the ticket's thread.
  const ticket =
    candidate && (agent || (await mayJoin(tx, candidate, sender, senderIdentity, deps))) ? candidate : null;
  if (candidate && !ticket) {
    deps.log.info(
      { ticket: candidate.number, from: sender },
      'email names a ticket its sender may not join: new ticket',
    );
  }
  // Mail from a deactivated agent's address is unverified whatever it carries.
  const auth =
    agent && senderIdentity?.agent?.active
      ? authenticateAgent({
          email,
          agentId: agent,
          ticketNumber: ticket?.number ?? null,
          tokens,
          trustedAuthservIds: deps.trustedAuthservIds,
        })
      : null;

  if (ticket && !verdict.allowed) {
    // An out-of-office or a bounce about a ticket is kept on it for the agents, but it is not the
    // customer's answer: it changes no status and is never answered.
    await deps.tickets.note(
      ticket.number,
      { kind: 'system' },
      fit(
        `Automatic mail from ${sender} (${verdict.reason}): ${email.subject}\n${shown.slice(0, 500)}`,
        deps.config.tickets.maxMessageLength,
      ),
      tx,
    );
    await record(tx, email, raw, { ticketNumber: ticket.number, verdict });
    return { kind: 'appended', ticketNumber: ticket.number };
  }

  if (ticket && agent && auth) {
    return agentReply(tx, email, raw, { ticket, agent, auth, shown, verdict }, deps);
  }
  if (ticket && agent) {
    return holdUnverified(tx, email, raw, { ticket, shown, verdict }, deps);
  }

  const requester = forward?.originalFrom ?? email.from;
  if (!requester) return keep('no sender address');
  if (!forward && agent)
    return keep("from an agent, neither a reply on a ticket nor a forward of a customer's mail");
  // An agent's forward credits the customer it names and is acknowledged to them only when it is
  // authenticated; a forged one still reaches the agents, silently, marked unverified.
  const unverifiedForward = forward !== null && agent !== null && !auth;
  const requesterIdentity =
    requester.address === sender ? senderIdentity : await emailIdentity(tx, requester.address);
  const organisationId = organisationFor(requester.address, requesterIdentity, deps.config);
  if (!organisationId)
    return keep('the sender matches no organisation (set email.defaultOrganisation to accept them)');
  const contact = await findOrCreateContact(tx, {
    platform: 'email',
    externalId: requester.address,
    name: requester.name || requester.address,
    organisationId,
  });
  const actor: Actor = { kind: 'contact', contactId: contact.id };

  if (ticket) {
    const texts = t(
      (await tx.organisation.findUniqueOrThrow({ where: { id: ticket.organisationId } })).language,
    );
    // Joining a ticket's thread lets a colleague add words to it; answering for it — confirming,
    // reopening — is its requester's, or theirs whom an agent put on it.
    const answerer = await deps.tickets.mayAnswer(tx, ticket, contact.id);
    if (ticket.status === 'awaiting_confirmation' && isPlainConfirmation(shown)) {
      if (answerer) {
        await deps.tickets.confirm(ticket.number, actor, true, tx);
        await record(tx, email, raw, { ticketNumber: ticket.number, verdict });
        return { kind: 'confirmed', ticketNumber: ticket.number };
      }
      deps.log.info(
        { ticket: ticket.number, from: sender },
        'a confirmation from someone who is not the requester: kept as a message, the ticket still waits',
      );
    }
    const finished = ['resolved', 'closed', 'spam', 'rejected'].includes(ticket.status);
    const reopen = finished && deps.config.email.closedReply === 'reopen' && answerer;
    if (reopen) await deps.tickets.reopenByCustomer(ticket.number, actor, tx);
    const thread = await emailThreadOf(tx, ticket.number, email.dedupeKey);
    const ackOk = await mayAutoReply(tx, verdict, sender, deps);
    const outcome = await deps.tickets.intake(
      {
        platform: 'email',
        channel: EMAIL_CHANNEL,
        thread,
        contactId: contact.id,
        text: shown,
        channelRef: `email:${email.dedupeKey}`,
      },
      tx,
      {
        // A bare "Thanks!" after a ticket is finished opens no follow-up.
        force: !finished,
        subject: texts.followUp(ticket.number, baseSubject(email.subject) || ticket.subject),
        silent: !ackOk,
        files: email.attachments.length,
      },
    );
    const n = outcome.kind === 'ignored_greeting' ? ticket.number : outcome.ticketNumber;
    await record(tx, email, raw, { ticketNumber: n, verdict });
    await attach(tx, email, n);
    if (outcome.kind === 'appended') await copyToAssignee(tx, n, email, deps);
    return outcome.kind === 'created'
      ? { kind: 'created', ticketNumber: n, acknowledged: ackOk }
      : { kind: 'appended', ticketNumber: n };
  }

  const acknowledged = !unverifiedForward && (await mayAutoReply(tx, verdict, requester.address, deps));
  const outcome = await deps.tickets.intake(
    {
      platform: 'email',
      channel: EMAIL_CHANNEL,
      thread: email.dedupeKey,
      contactId: contact.id,
      text: forward ? fit(forward.originalBody || shown, deps.config.tickets.maxMessageLength) : shown,
      channelRef: `email:${email.dedupeKey}`,
    },
    tx,
    {
      force: true,
      subject: (forward ? baseSubject(forward.originalSubject) : baseSubject(email.subject)) || shown,
      silent: !acknowledged,
      files: email.attachments.length,
    },
  );
  if (outcome.kind === 'ignored_greeting') return keep('empty');
  const n = outcome.ticketNumber;
  if (forward) await noteForward(tx, n, email, forward, { agent, auth }, deps);
  await record(tx, email, raw, {
    ticketNumber: n,
    verdict,
    counterparty: requester.address,
    ...(agent && auth ? { agentId: agent, agentAuth: auth.via } : {}),
  });
  await attach(tx, email, n);
  return { kind: 'created', ticketNumber: n, acknowledged };
}

/** Cut to the ticket's message limit; the whole message stays in the stored original. */
function fit(text: string, max: number): string {
  const tail = "\n… (cut here; the whole message is in the ticket's emails)";
  return text.length <= max ? text : `${text.slice(0, max - tail.length)}${tail}`;
}

function noteForForward(email: ParsedEmail, note: string) {
  const who = email.from ? `${email.from.name || email.from.address} <${email.from.address}>` : 'someone';
  return `Forwarded by ${who}.${note.trim() ? `\nForwarding note: ${note.trim()}` : ''}`;
}

/** Who forwarded a customer's mail, on the new ticket: the agent's own note, or a marked unverified one. */
async function noteForward(
  tx: Tx,
  n: number,
  email: ParsedEmail,
  forward: ForwardInfo,
  by: { agent: string | null; auth: AgentAuth | null },
  deps: EmailIngestDeps,
) {
  const max = deps.config.tickets.maxMessageLength;
  if (by.agent && by.auth) {
    await deps.tickets.note(
      n,
      { kind: 'agent', agentId: by.agent },
      fit(noteForForward(email, forward.forwarderNote), max),
      tx,
    );
  } else if (by.agent) {
    const texts = t(await languageOf(tx, n));
    const who = email.from ? `${email.from.name || email.from.address} <${email.from.address}>` : '';
    await deps.tickets.note(
      n,
      { kind: 'system' },
      fit(texts.unverifiedForward(who, forward.forwarderNote.trim()), max),
      tx,
      { channelRef: `email:${email.dedupeKey}`, via: 'email-unverified' },
    );
    deps.log.warn(
      { ticket: n, from: email.from?.address ?? null },
      "unverified forward from an agent's address: ticket opened without acknowledgement",
    );
  } else {
    await deps.tickets.note(
      n,
      { kind: 'system' },
      fit(noteForForward(email, forward.forwarderNote), max),
      tx,
    );
  }
}

async function languageOf(tx: Tx, ticketNumber: number): Promise<string> {
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { number: ticketNumber },
    select: { organisation: { select: { language: true } } },
  });
  return ticket.organisation.language;
}

type Ticket = NonNullable<Awaited<ReturnType<Tx['ticket']['findUnique']>>>;

/**
 * An authenticated agent answering by mail: a public reply, which Relevo delivers to the customer unless
 * they were in copy (then they have it already). Whoever the agent put in To/Cc joins the thread.
 */
async function agentReply(
  tx: Tx,
  email: ParsedEmail,
  raw: Buffer,
  m: { ticket: Ticket; agent: string; auth: AgentAuth; shown: string; verdict: AutoReplyVerdict },
  deps: EmailIngestDeps,
): Promise<IngestOutcome> {
  const requester = await requesterEmail(tx, m.ticket.requesterId);
  const recipients = [...email.to, ...email.cc].map((a) => a.address);
  const alreadyThere = requester !== null && recipients.includes(requester);
  const eventId = await deps.tickets.reply(
    m.ticket.number,
    { kind: 'agent', agentId: m.agent },
    m.shown,
    alreadyThere ? { channelRef: `email:${email.dedupeKey}` } : undefined,
    tx,
  );
  await record(tx, email, raw, {
    ticketNumber: m.ticket.number,
    eventId,
    verdict: m.verdict,
    agentId: m.agent,
    agentAuth: m.auth.via,
  });
  if (m.auth.via === 'token') {
    // The reply carries the token in its In-Reply-To/References; whoever else it went to could now
    // forge "From: the agent" around it. It has done its job once: retire it. The next personal copy
    // brings a fresh one.
    const agents = await agentAddresses(tx);
    const exposed = recipients.some((a) => !isOwnAddress(a, deps.ownAddresses) && !agents.has(a));
    if (exposed) {
      await tx.emailReplyToken.update({ where: { token: m.auth.token }, data: { revokedAt: deps.now() } });
      deps.log.info(
        { ticket: m.ticket.number, agent: m.agent },
        "reply token retired: the agent's reply also went to people outside the team",
      );
    }
  }
  return { kind: 'agent_reply', ticketNumber: m.ticket.number };
}

/**
 * Mail from an agent's address that is not authenticated: a private note marked unverified, for the
 * agents to look at. Nothing is sent, the ticket does not change, and its To/Cc join nothing (the
 * stored row has no agentId, which is what participants.ts looks at).
 */
async function holdUnverified(
  tx: Tx,
  email: ParsedEmail,
  raw: Buffer,
  m: { ticket: Ticket; shown: string; verdict: AutoReplyVerdict },
  deps: EmailIngestDeps,
): Promise<IngestOutcome> {
  const texts = t(await languageOf(tx, m.ticket.number));
  const from = email.from ? `${email.from.name ? `${email.from.name} ` : ''}<${email.from.address}>` : '';
  const copies = [...email.to, ...email.cc]
    .map((a) => a.address)
    .filter((a) => !isOwnAddress(a, deps.ownAddresses));
  await deps.tickets.note(
    m.ticket.number,
    { kind: 'system' },
    fit(
      texts.unverifiedAgentMail({ from, subject: email.subject, text: m.shown, copies }),
      deps.config.tickets.maxMessageLength,
    ),
    tx,
    { channelRef: `email:${email.dedupeKey}`, via: 'email-unverified' },
  );
  await record(tx, email, raw, {
    ticketNumber: m.ticket.number,
    verdict: m.verdict,
    note: "unverified mail from an agent's address: held as a private note",
  });
  deps.log.warn(
    { ticket: m.ticket.number, from: email.from?.address ?? null },
    "unverified mail from an agent's address held as a private note (no valid reply token, no trusted DMARC/DKIM pass)",
  );
  return { kind: 'unverified_agent', ticketNumber: m.ticket.number };
}

/** The assignee's personal copy of a customer's mail on their ticket (see EmailIngestDeps.agentCopies). */
async function copyToAssignee(tx: Tx, ticketNumber: number, email: ParsedEmail, deps: EmailIngestDeps) {
  if (!deps.agentCopies) return;
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { number: ticketNumber },
    select: {
      assignee: { select: { id: true, active: true, identities: { where: { platform: 'email' } } } },
    },
  });
  const assignee = ticket.assignee;
  if (!assignee?.active || assignee.identities.length === 0) return;
  const event = await tx.ticketEvent.findFirst({
    where: { ticketNumber, type: 'customer_message', channelRef: `email:${email.dedupeKey}` },
    select: { id: true },
  });
  if (!event) return;
  await enqueue(tx, { kind: 'agent_notice', eventId: event.id, agentId: assignee.id, platform: 'email' });
}

/** The person behind an address: an agent's identity, or a contact's (with their organisation). */
function emailIdentity(tx: Tx, address: string) {
  return tx.identity.findUnique({
    where: { platform_externalId: { platform: 'email', externalId: address } },
    include: { contact: true, agent: { select: { active: true } } },
  });
}
type EmailIdentity = Awaited<ReturnType<typeof emailIdentity>>;

async function agentAddresses(tx: Tx): Promise<Set<string>> {
  const rows = await tx.identity.findMany({
    where: { platform: 'email', agentId: { not: null } },
    select: { externalId: true },
  });
  return new Set(rows.map((r) => r.externalId.toLowerCase()));
}

async function requesterEmail(tx: Tx, contactId: string): Promise<string | null> {
  const identity = await tx.identity.findFirst({ where: { contactId, platform: 'email' } });
  return identity?.externalId ?? null;
}

/**
 * The ticket a message refers to: by the Message-IDs it replies to (Relevo's stored mail, then the
 * personal mails whose tokens it carries), else by the [#n] token.
 */
async function referencedTicket(tx: Tx, email: ParsedEmail, tokens: readonly ReplyTokenRow[]) {
  const ids = [email.inReplyTo, ...email.references].filter((x): x is string => Boolean(x));
  if (ids.length) {
    const known = await tx.emailMessage.findFirst({
      where: { messageId: { in: ids }, ticketNumber: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    if (known?.ticketNumber) return tx.ticket.findUnique({ where: { number: known.ticketNumber } });
  }
  // findReplyTokens keeps the order of the references: In-Reply-To, the direct parent, first.
  const byToken = tokens[0]?.ticketNumber;
  if (byToken) return tx.ticket.findUnique({ where: { number: byToken } });
  const n = ticketNumberInSubject(email.subject);
  return n ? tx.ticket.findUnique({ where: { number: n } }) : null;
}

/** Whether a non-agent sender may write on the ticket: the requester, the organisation, the thread. */
async function mayJoin(
  tx: Tx,
  ticket: Ticket,
  sender: string,
  identity: EmailIdentity,
  deps: EmailIngestDeps,
): Promise<boolean> {
  const config = deps.config;
  if (identity?.contact && identity.contact.id === ticket.requesterId) return true;
  // The catch-all organisations hold strangers: belonging to one proves nothing.
  const catchAll = [config.email.defaultOrganisation, config.webchat.defaultOrganisation];
  if (
    identity?.contact?.organisationId === ticket.organisationId &&
    !catchAll.includes(ticket.organisationId)
  ) {
    return true;
  }
  if (!identity?.contact && organisationForEmail(config, sender) === ticket.organisationId) return true;
  // Being named in someone's Cc is not enough: only addresses admitted to the thread count.
  return isOnThread(tx, ticket.number, sender, deps.ownAddresses);
}

function organisationFor(address: string, identity: EmailIdentity, config: FileConfig): string | undefined {
  return (
    identity?.contact?.organisationId ??
    organisationForEmail(config, address) ??
    config.email.defaultOrganisation
  );
}

/** The email conversation of a ticket; a ticket born elsewhere (chat) gets one on its first email. */
async function emailThreadOf(tx: Tx, ticketNumber: number, fallback: string): Promise<string> {
  const link = await tx.conversationLink.findFirst({
    where: { ticketNumber, platform: 'email', kind: 'customer' },
    orderBy: { createdAt: 'asc' },
  });
  if (link) return link.thread;
  await tx.conversationLink.create({
    data: { platform: 'email', channel: EMAIL_CHANNEL, thread: fallback, kind: 'customer', ticketNumber },
  });
  return fallback;
}

/** RFC 3834 plus a per-sender limit: never more than N automatic replies an hour to one address. */
async function mayAutoReply(tx: Tx, verdict: AutoReplyVerdict, address: string, deps: EmailIngestDeps) {
  if (!verdict.allowed) return false;
  const since = new Date(deps.now().getTime() - 3_600_000);
  // Counted when decided, not when sent: while outgoing mail is failing, a burst must not queue a reply each.
  const sent = await tx.ticketEvent.count({
    where: {
      type: 'system',
      createdAt: { gte: since },
      ticket: { contact: { identities: { some: { platform: 'email', externalId: address } } } },
    },
  });
  return sent < deps.config.email.autoRepliesPerHour;
}

async function record(
  tx: Tx,
  email: ParsedEmail,
  raw: Buffer,
  extra: {
    ticketNumber?: number;
    eventId?: string;
    verdict: AutoReplyVerdict;
    note?: string;
    counterparty?: string;
    agentId?: string;
    agentAuth?: string;
  },
) {
  await tx.emailMessage.create({
    data: {
      messageId: email.dedupeKey,
      direction: 'inbound',
      ticketNumber: extra.ticketNumber ?? null,
      eventId: extra.eventId ?? null,
      fromAddress: email.from?.address ?? '',
      toAddresses: email.to.map((a) => a.address),
      ccAddresses: email.cc.map((a) => a.address),
      subject: email.subject,
      counterparty: extra.counterparty ?? email.from?.address ?? '',
      loopVerdict: extra.verdict.allowed ? null : extra.verdict.reason,
      error: extra.note ?? null,
      agentId: extra.agentId ?? null,
      agentAuth: extra.agentAuth ?? null,
      raw: new Uint8Array(raw),
    },
  });
}

async function attach(tx: Tx, email: ParsedEmail, ticketNumber: number) {
  for (const a of email.attachments) {
    if (a.inline && a.contentType.startsWith('image/') && a.size < 2048) continue; // tracking pixels, logos
    await tx.attachment.create({
      data: {
        ticketNumber,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        content: a.content ? new Uint8Array(a.content) : null,
        oversized: a.oversized,
      },
    });
  }
}
