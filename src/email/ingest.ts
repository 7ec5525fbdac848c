// What an inbound email means: a new ticket, a reply on one, an agent's answer, or something kept but not
// answered. Runs inside the inbox's transaction, so the ticket, the stored original and the outbox rows
// commit together — or not at all, and the mail is processed again.
//
// Threading (seed 000, RFC 5322 §3.6.4): a reply joins its ticket by In-Reply-To/References, else by the
// [#n] token in the subject — but only when the sender belongs to the ticket's organisation, was on its
// thread, or is an agent. A stranger quoting someone else's ticket number gets a new ticket, not access.
import type { FileConfig } from '../config/file.ts';
import { findOrCreateContact, organisationForEmail } from '../core/directory.ts';
import type { Logger } from '../core/ports.ts';
import type { Actor, TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import { isPlainConfirmation } from './confirmation.ts';
import { readForward } from './forward.ts';
import { type AutoReplyVerdict, autoReplyVerdict } from './loop-guard.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';
import { baseSubject, ticketNumberInSubject } from './reference.ts';
import { visibleText } from './visible-text.ts';

export const EMAIL_CHANNEL = 'mail';

export interface EmailIngestDeps {
  config: FileConfig;
  tickets: TicketService;
  log: Logger;
  /** Relevo's own addresses (the support address, the group): mail from them is an echo. */
  ownAddresses: string[];
  attachmentMaxBytes: number;
  now: () => Date;
}

export type IngestOutcome =
  | { kind: 'duplicate' }
  | { kind: 'kept'; reason: string }
  | { kind: 'created'; ticketNumber: number; acknowledged: boolean }
  | { kind: 'appended'; ticketNumber: number }
  | { kind: 'agent_reply'; ticketNumber: number }
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
    visibleText(email.text).visible ||
      email.subject ||
      (email.attachments.length ? `(${email.attachments.map((a) => a.filename).join(', ')})` : '(no text)'),
    deps.config.tickets.maxMessageLength,
  );

  // A reply on an existing ticket?
  const candidate = forward ? null : await referencedTicket(tx, email);
  const ticket =
    candidate && (await mayJoin(tx, candidate, sender, senderIdentity, deps.config)) ? candidate : null;
  if (candidate && !ticket) {
    deps.log.info(
      { ticket: candidate.number, from: sender },
      'email names a ticket its sender may not join: new ticket',
    );
  }

  if (ticket && !verdict.allowed) {
    // An out-of-office or a bounce about a ticket is kept on it for the agents, but it is not the
    // customer's answer: it changes no status and is never answered.
    await deps.tickets.note(
      ticket.number,
      { kind: 'system' },
      `Automatic mail from ${sender} (${verdict.reason}): ${email.subject}\n${shown.slice(0, 500)}`,
      tx,
    );
    await record(tx, email, raw, { ticketNumber: ticket.number, verdict });
    return { kind: 'appended', ticketNumber: ticket.number };
  }

  if (ticket && agent) {
    // An agent answering by mail: a public reply. If the customer was in copy they already have it.
    const requester = await requesterEmail(tx, ticket.requesterId);
    const alreadyThere =
      requester !== null && [...email.to, ...email.cc].some((a) => a.address === requester);
    const eventId = await deps.tickets.reply(
      ticket.number,
      { kind: 'agent', agentId: agent },
      shown,
      alreadyThere ? { channelRef: `email:${email.dedupeKey}` } : undefined,
      tx,
    );
    await record(tx, email, raw, { ticketNumber: ticket.number, eventId, verdict });
    return { kind: 'agent_reply', ticketNumber: ticket.number };
  }

  const requester = forward?.originalFrom ?? email.from;
  if (!requester) return keep('no sender address');
  if (!forward && agent)
    return keep("from an agent, neither a reply on a ticket nor a forward of a customer's mail");
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
      },
    );
    const n = outcome.kind === 'ignored_greeting' ? ticket.number : outcome.ticketNumber;
    await record(tx, email, raw, { ticketNumber: n, verdict });
    await attach(tx, email, n);
    return outcome.kind === 'created'
      ? { kind: 'created', ticketNumber: n, acknowledged: ackOk }
      : { kind: 'appended', ticketNumber: n };
  }

  const acknowledged = await mayAutoReply(tx, verdict, requester.address, deps);
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
    },
  );
  if (outcome.kind === 'ignored_greeting') return keep('empty');
  const n = outcome.ticketNumber;
  if (forward && agent) {
    await deps.tickets.note(
      n,
      { kind: 'agent', agentId: agent },
      noteForForward(email, forward.forwarderNote),
      tx,
    );
  } else if (forward) {
    await deps.tickets.note(n, { kind: 'system' }, noteForForward(email, forward.forwarderNote), tx);
  }
  await record(tx, email, raw, { ticketNumber: n, verdict, counterparty: requester.address });
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

/** The person behind an address: an agent's identity, or a contact's (with their organisation). */
function emailIdentity(tx: Tx, address: string) {
  return tx.identity.findUnique({
    where: { platform_externalId: { platform: 'email', externalId: address } },
    include: { contact: true },
  });
}
type EmailIdentity = Awaited<ReturnType<typeof emailIdentity>>;

async function requesterEmail(tx: Tx, contactId: string): Promise<string | null> {
  const identity = await tx.identity.findFirst({ where: { contactId, platform: 'email' } });
  return identity?.externalId ?? null;
}

/** The ticket a message refers to: by the Message-IDs it replies to, else by the [#n] token. */
async function referencedTicket(tx: Tx, email: ParsedEmail) {
  const ids = [email.inReplyTo, ...email.references].filter((x): x is string => Boolean(x));
  if (ids.length) {
    const known = await tx.emailMessage.findFirst({
      where: { messageId: { in: ids }, ticketNumber: { not: null } },
      orderBy: { createdAt: 'desc' },
    });
    if (known?.ticketNumber) return tx.ticket.findUnique({ where: { number: known.ticketNumber } });
  }
  const n = ticketNumberInSubject(email.subject);
  return n ? tx.ticket.findUnique({ where: { number: n } }) : null;
}

async function mayJoin(
  tx: Tx,
  ticket: { number: number; organisationId: string },
  sender: string,
  identity: EmailIdentity,
  config: FileConfig,
): Promise<boolean> {
  if (identity?.agentId) return true;
  // The catch-all organisation holds strangers: belonging to it proves nothing.
  if (
    identity?.contact?.organisationId === ticket.organisationId &&
    ticket.organisationId !== config.email.defaultOrganisation
  ) {
    return true;
  }
  if (!identity?.contact && organisationForEmail(config, sender) === ticket.organisationId) return true;
  const onThread = await tx.emailMessage.findFirst({
    where: {
      ticketNumber: ticket.number,
      OR: [{ fromAddress: sender }, { toAddresses: { has: sender } }, { ccAddresses: { has: sender } }],
    },
    select: { id: true },
  });
  return onThread !== null;
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
