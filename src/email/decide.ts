// What an inbound email means, decided in one pure function: a new ticket, a reply on one, an agent's
// answer, or something kept but not answered. Everything it needs from the database is read up front
// (facts.ts) and everything it changes is written afterwards in one go (apply.ts), so each class of mail
// is a unit test of decideEmail.
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
import { customerLanguage } from '../core/customer-language.ts';
import { organisationForEmail } from '../core/directory.ts';
import { isFinished, type Status } from '../core/tickets/lifecycle.ts';
import { type Language, t } from '../i18n/index.ts';
import { type AgentAuth, authenticateAgent } from './agent-auth.ts';
import { isPlainConfirmation } from './confirmation.ts';
import { type ForwardInfo, readForward } from './forward.ts';
import { type AutoReplyVerdict, autoReplyVerdict } from './loop-guard.ts';
import type { Address, ParsedEmail } from './parse.ts';
import { isOwnAddress } from './participants.ts';
import { baseSubject } from './reference.ts';
import type { ReplyTokenRow } from './reply-token.ts';
import { readVisible } from './visible-text.ts';

/** The person behind an address, as stored: an agent's identity, or a contact's. */
export interface KnownIdentity {
  agentId: string | null;
  agentActive: boolean;
  /** `language`: the one they read, once learnt (core/customer-language.ts); left out when not read. */
  contact: { id: string; organisationId: string; language?: string | null } | null;
}

/** The ticket a message refers to, with what deciding about it needs. */
export interface TicketFacts {
  number: number;
  status: Status;
  requesterId: string;
  organisationId: string;
  subject: string;
  /** Its organisation's language: the agents' notes about it (customers read theirs: customer-language.ts). */
  language: string;
  /** The sender may join its thread: requester, same organisation, or admitted to the thread. */
  senderMayJoin: boolean;
  /** The sender's contact may answer for it (requester or put on it by an agent): confirm, reopen. */
  senderMayAnswer: boolean;
  /** Its email conversation, when it has one (a ticket born in chat gets one on its first email). */
  emailThread: string | null;
  /** The requester's email address (an agent's reply to them need not be delivered when they were in copy). */
  requesterAddress: string | null;
  /** The assignee, when active with an email address: they get a personal copy of customer mail. */
  assigneeForCopies: string | null;
}

export interface EmailFacts {
  /** The same message was processed before. */
  duplicate: boolean;
  sender: KnownIdentity | null;
  /** The forwarded customer's identity, when the message is a forward naming someone else. */
  forwardedFrom: KnownIdentity | null;
  /** Stored reply tokens among those the message references, In-Reply-To first. */
  tokens: readonly ReplyTokenRow[];
  /** The ticket its headers, tokens or subject name (null when it is a forward). */
  ticket: TicketFacts | null;
  /** Automatic replies to the requester's address in the last hour (RFC 3834 per-sender limit), counted up to the limit. */
  autoRepliesLastHour: number;
  /** Agents' email addresses, lower case: a token-authenticated reply copied outside them retires its token. */
  agentAddresses: ReadonlySet<string>;
}

export interface DecideConfig {
  config: FileConfig;
  ownAddresses: readonly string[];
  trustedAuthservIds: readonly string[];
}

/** The stored original's bookkeeping (the ticket number comes from the decision or the intake). */
export interface RecordSpec {
  verdict: AutoReplyVerdict;
  note?: string;
  counterparty?: string;
  agentId?: string;
  agentAuth?: string;
}

export type NoteActor = { kind: 'system' } | { kind: 'agent'; agentId: string };

export interface NoteSpec {
  actor: NoteActor;
  /** The text, or the unverified-forward template rendered in the new ticket's language. */
  text: string | { unverifiedForward: { who: string; note: string } };
  origin?: { channelRef: string; via: string };
}

export type RequesterSpec =
  /** `language`: the contact's as read with them, passed on to the intake (it spares a statement). */
  | { contactId: string; language?: string | null }
  | { newContact: { address: string; name: string; organisationId: string } };

export interface LogLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  msg: string;
}

export type Decision = (
  | { kind: 'duplicate' }
  | { kind: 'keep'; reason: string; ticketNumber?: number; record: RecordSpec }
  /** A note on the ticket and nothing else: automatic mail about it, or unverified agent mail. */
  | {
      kind: 'note';
      ticketNumber: number;
      note: NoteSpec;
      record: RecordSpec;
      outcome: 'appended' | 'unverified_agent';
    }
  | {
      kind: 'agent_reply';
      ticketNumber: number;
      agentId: string;
      text: string;
      /** The customer was in To/Cc: they have it, so it is not delivered again. */
      inThread: boolean;
      /** A reply token exposed to people outside the team: revoked. */
      retireToken: string | null;
      record: RecordSpec;
    }
  | { kind: 'confirm'; ticketNumber: number; contactId: string; record: RecordSpec }
  /** A customer's message through the ticket service: appended to `ticket`, or a new ticket. */
  | {
      kind: 'intake';
      requester: RequesterSpec;
      /** The ticket replied to, with its email thread (to create when `createThread`). */
      ticket: { number: number; thread: string; createThread: boolean; reopen: boolean } | null;
      text: string;
      subject: string;
      /** Open a ticket even for a bare greeting (false: a "Thanks!" after a finished ticket opens nothing). */
      force: boolean;
      /** Acknowledge a new ticket (RFC 3834, per-sender limit, verified forward). */
      acknowledge: boolean;
      forwardNote: NoteSpec | null;
      /** Enqueue the assignee's personal copy when the message is appended. */
      copyTo: string | null;
      record: RecordSpec;
    }
) & { logs?: LogLine[] };

/** A forward whose client showed only a name (no address) cannot credit anyone: the forwarder's own. */
export function forwardOf(
  email: ParsedEmail,
  sender: KnownIdentity | null,
  config: FileConfig,
): ForwardInfo | null {
  const address = email.from?.address;
  if (!address) return null;
  const forwarder =
    Boolean(sender?.agentId) || config.email.forwardingAddresses.some((a) => a.toLowerCase() === address);
  const found = forwarder ? readForward(email) : null;
  return found?.originalFrom.address ? found : null;
}

/** Whether a non-agent may write on the ticket without being on its thread (the thread is looked up otherwise). */
export function joinsByIdentity(
  ticket: { requesterId: string; organisationId: string },
  sender: string,
  identity: KnownIdentity | null,
  config: FileConfig,
): boolean {
  if (identity?.contact && identity.contact.id === ticket.requesterId) return true;
  // The catch-all organisations hold strangers: belonging to one proves nothing.
  const catchAll = [config.email.defaultOrganisation, config.webchat.defaultOrganisation];
  if (
    identity?.contact?.organisationId === ticket.organisationId &&
    !catchAll.includes(ticket.organisationId)
  ) {
    return true;
  }
  return !identity?.contact && organisationForEmail(config, sender) === ticket.organisationId;
}

/** Cut to the ticket's message limit; the whole message stays in the stored original. */
export function fit(text: string, max: number): string {
  const tail = "\n… (cut here; the whole message is in the ticket's emails)";
  return text.length <= max ? text : `${text.slice(0, max - tail.length)}${tail}`;
}

/** The language Relevo writes to a mail's requester in: theirs once learnt, else their organisation's. */
function followUpLanguage(
  config: FileConfig,
  organisationId: string,
  requester: KnownIdentity | null,
): Language {
  const organisation = config.organisations.find((o) => o.id === organisationId);
  return customerLanguage(requester?.contact ?? null, organisation ?? { language: 'en' });
}

function who(email: ParsedEmail): string {
  return email.from ? `${email.from.name || email.from.address} <${email.from.address}>` : 'someone';
}

export function decideEmail(email: ParsedEmail, facts: EmailFacts, cfg: DecideConfig): Decision {
  if (facts.duplicate) return { kind: 'duplicate' };
  const { config } = cfg;
  const max = config.tickets.maxMessageLength;
  const verdict = autoReplyVerdict(email, { ownAddresses: cfg.ownAddresses });
  const sender = email.from?.address;
  const keep = (reason: string, logs: LogLine[] = []): Decision => ({
    kind: 'keep',
    reason,
    record: { verdict, note: reason },
    logs,
  });
  if (!sender) return keep('no sender address');
  if (!verdict.allowed && verdict.reason === 'own-address') return keep('our own message came back');

  const identity = facts.sender;
  const agent = identity?.agentId ?? null;
  const forward = forwardOf(email, identity, config);
  const shown = fit(
    readVisible(email).visible ||
      email.subject ||
      (email.attachments.length ? `(${email.attachments.map((a) => a.filename).join(', ')})` : '(no text)'),
    max,
  );
  const logs: LogLine[] = [];
  const candidate = forward ? null : facts.ticket;
  // An agent (authenticated or not) is handled below; anyone else must be on the ticket's thread.
  const ticket = candidate && (agent || candidate.senderMayJoin) ? candidate : null;
  if (candidate && !ticket) {
    logs.push({
      level: 'info',
      fields: { ticket: candidate.number, from: sender },
      msg: 'email names a ticket its sender may not join: new ticket',
    });
  }
  // Mail from a deactivated agent's address is unverified whatever it carries.
  const auth: AgentAuth | null =
    agent && identity?.agentActive
      ? authenticateAgent({
          email,
          agentId: agent,
          ticketNumber: ticket?.number ?? null,
          tokens: facts.tokens,
          trustedAuthservIds: cfg.trustedAuthservIds,
        })
      : null;

  if (ticket && !verdict.allowed) {
    // An out-of-office or a bounce about a ticket is kept on it for the agents, but it is not the
    // customer's answer: it changes no status and is never answered.
    return {
      kind: 'note',
      ticketNumber: ticket.number,
      note: {
        actor: { kind: 'system' },
        text: fit(
          `Automatic mail from ${sender} (${verdict.reason}): ${email.subject}\n${shown.slice(0, 500)}`,
          max,
        ),
      },
      record: { verdict },
      outcome: 'appended',
      logs,
    };
  }
  if (ticket && agent && auth)
    return agentReply(email, ticket, agent, auth, shown, verdict, facts, cfg, logs);
  if (ticket && agent) return holdUnverified(email, ticket, shown, verdict, cfg, logs);

  const requester: Address | null = forward?.originalFrom ?? email.from;
  if (!requester) return keep('no sender address', logs);
  if (!forward && agent)
    return keep("from an agent, neither a reply on a ticket nor a forward of a customer's mail", logs);
  const requesterIdentity = requester.address === sender ? identity : facts.forwardedFrom;
  const organisationId =
    requesterIdentity?.contact?.organisationId ??
    organisationForEmail(config, requester.address) ??
    config.email.defaultOrganisation;
  if (!organisationId)
    return keep('the sender matches no organisation (set email.defaultOrganisation to accept them)', logs);
  const requesterSpec: RequesterSpec = requesterIdentity?.contact
    ? { contactId: requesterIdentity.contact.id, language: requesterIdentity.contact.language }
    : {
        newContact: { address: requester.address, name: requester.name || requester.address, organisationId },
      };
  // RFC 3834 plus a per-sender limit: counted when decided, not when sent, so while outgoing mail is
  // failing a burst does not queue a reply each.
  const mayAutoReply = verdict.allowed && facts.autoRepliesLastHour < config.email.autoRepliesPerHour;

  if (ticket) {
    // Joining a ticket's thread lets a colleague add words to it; answering for it — confirming,
    // reopening — is its requester's, or theirs whom an agent put on it.
    const answerer = 'contactId' in requesterSpec && ticket.senderMayAnswer;
    if (ticket.status === 'awaiting_confirmation' && isPlainConfirmation(shown)) {
      if (answerer && 'contactId' in requesterSpec) {
        return {
          kind: 'confirm',
          ticketNumber: ticket.number,
          contactId: requesterSpec.contactId,
          record: { verdict },
          logs,
        };
      }
      logs.push({
        level: 'info',
        fields: { ticket: ticket.number, from: sender },
        msg: 'a confirmation from someone who is not the requester: kept as a message, the ticket still waits',
      });
    }
    const finished = isFinished(ticket.status);
    return {
      kind: 'intake',
      requester: requesterSpec,
      ticket: {
        number: ticket.number,
        thread: ticket.emailThread ?? email.dedupeKey,
        createThread: ticket.emailThread === null,
        reopen: finished && config.email.closedReply === 'reopen' && answerer,
      },
      text: shown,
      // The follow-up's subject is in what its requester reads, as known when the mail arrives.
      subject: t(followUpLanguage(config, organisationId, requesterIdentity)).followUp(
        ticket.number,
        baseSubject(email.subject) || ticket.subject,
      ),
      // A bare "Thanks!" after a ticket is finished opens no follow-up.
      force: !finished,
      acknowledge: mayAutoReply,
      forwardNote: null,
      copyTo: ticket.assigneeForCopies,
      record: { verdict },
      logs,
    };
  }

  // An agent's forward credits the customer it names and is acknowledged to them only when it is
  // authenticated; a forged one still reaches the agents, silently, marked unverified.
  const unverifiedForward = forward !== null && agent !== null && !auth;
  return {
    kind: 'intake',
    requester: requesterSpec,
    ticket: null,
    text: forward ? fit(forward.originalBody || shown, max) : shown,
    subject: (forward ? baseSubject(forward.originalSubject) : baseSubject(email.subject)) || shown,
    force: true,
    acknowledge: !unverifiedForward && mayAutoReply,
    forwardNote: forward ? forwardNote(email, forward, agent, auth, max) : null,
    copyTo: null,
    record: {
      verdict,
      counterparty: requester.address,
      ...(agent && auth ? { agentId: agent, agentAuth: auth.via } : {}),
    },
    logs: unverifiedForward
      ? [
          ...logs,
          {
            level: 'warn',
            fields: { from: sender },
            msg: "unverified forward from an agent's address: ticket opened without acknowledgement",
          },
        ]
      : logs,
  };
}

/** Who forwarded a customer's mail, on the new ticket: the agent's own note, or a marked unverified one. */
function forwardNote(
  email: ParsedEmail,
  forward: ForwardInfo,
  agent: string | null,
  auth: AgentAuth | null,
  max: number,
): NoteSpec {
  const note = forward.forwarderNote.trim();
  const text = fit(`Forwarded by ${who(email)}.${note ? `\nForwarding note: ${note}` : ''}`, max);
  if (agent && auth) return { actor: { kind: 'agent', agentId: agent }, text };
  if (!agent) return { actor: { kind: 'system' }, text };
  return {
    actor: { kind: 'system' },
    text: { unverifiedForward: { who: email.from ? who(email) : '', note } },
    origin: { channelRef: `email:${email.dedupeKey}`, via: 'email-unverified' },
  };
}

/**
 * An authenticated agent answering by mail: a public reply, which Relevo delivers to the customer unless
 * they were in copy (then they have it already). Whoever the agent put in To/Cc joins the thread.
 */
function agentReply(
  email: ParsedEmail,
  ticket: TicketFacts,
  agent: string,
  auth: AgentAuth,
  shown: string,
  verdict: AutoReplyVerdict,
  facts: EmailFacts,
  cfg: DecideConfig,
  logs: LogLine[],
): Decision {
  const recipients = [...email.to, ...email.cc].map((a) => a.address);
  // The reply carries the token in its In-Reply-To/References; whoever else it went to could now forge
  // "From: the agent" around it. It has done its job once: retire it. The next personal copy brings a
  // fresh one.
  const exposed =
    auth.via === 'token' &&
    recipients.some((a) => !isOwnAddress(a, cfg.ownAddresses) && !facts.agentAddresses.has(a));
  if (exposed) {
    logs.push({
      level: 'info',
      fields: { ticket: ticket.number, agent },
      msg: "reply token retired: the agent's reply also went to people outside the team",
    });
  }
  return {
    kind: 'agent_reply',
    ticketNumber: ticket.number,
    agentId: agent,
    text: shown,
    inThread: ticket.requesterAddress !== null && recipients.includes(ticket.requesterAddress),
    retireToken: exposed && auth.via === 'token' ? auth.token : null,
    record: { verdict, agentId: agent, agentAuth: auth.via },
    logs,
  };
}

/**
 * Mail from an agent's address that is not authenticated: a private note marked unverified, for the
 * agents to look at. Nothing is sent, the ticket does not change, and its To/Cc join nothing (the
 * stored row has no agentId, which is what participants.ts looks at).
 */
function holdUnverified(
  email: ParsedEmail,
  ticket: TicketFacts,
  shown: string,
  verdict: AutoReplyVerdict,
  cfg: DecideConfig,
  logs: LogLine[],
): Decision {
  const from = email.from ? `${email.from.name ? `${email.from.name} ` : ''}<${email.from.address}>` : '';
  const copies = [...email.to, ...email.cc]
    .map((a) => a.address)
    .filter((a) => !isOwnAddress(a, cfg.ownAddresses));
  return {
    kind: 'note',
    ticketNumber: ticket.number,
    note: {
      actor: { kind: 'system' },
      text: fit(
        t(ticket.language).unverifiedAgentMail({ from, subject: email.subject, text: shown, copies }),
        cfg.config.tickets.maxMessageLength,
      ),
      origin: { channelRef: `email:${email.dedupeKey}`, via: 'email-unverified' },
    },
    record: { verdict, note: "unverified mail from an agent's address: held as a private note" },
    outcome: 'unverified_agent',
    logs: [
      ...logs,
      {
        level: 'warn',
        fields: { ticket: ticket.number, from: email.from?.address ?? null },
        msg: "unverified mail from an agent's address held as a private note (no valid reply token, no trusted DMARC/DKIM pass)",
      },
    ],
  };
}
