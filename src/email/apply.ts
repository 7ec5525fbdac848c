// Carries out decideEmail's decision in the inbox's transaction, through the ticket service: the ticket,
// the stored original and the outbox rows commit together — or not at all, and the mail is processed
// again. No choices are made here beyond what the ticket service itself decides (a greeting ignored).
import { findOrCreateContact } from '../core/directory.ts';
import { enqueue } from '../core/outbox.ts';
import type { Logger } from '../core/ports.ts';
import type { Actor, IntakeOutcome, TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import type { Decision, KnownIdentity, NoteSpec, RecordSpec, RequesterSpec } from './decide.ts';
import type { ParsedEmail } from './parse.ts';

type IntakeDecision = Extract<Decision, { kind: 'intake' }>;

export const EMAIL_CHANNEL = 'mail';

export type IngestOutcome =
  | { kind: 'duplicate' }
  | { kind: 'kept'; reason: string }
  | { kind: 'created'; ticketNumber: number; acknowledged: boolean }
  | { kind: 'appended'; ticketNumber: number }
  | { kind: 'agent_reply'; ticketNumber: number }
  | { kind: 'unverified_agent'; ticketNumber: number }
  | { kind: 'confirmed'; ticketNumber: number };

export interface ApplyDeps {
  tickets: TicketService;
  log: Logger;
  now: () => Date;
}

export async function applyDecision(
  tx: Tx,
  email: ParsedEmail,
  inboxKey: string,
  decision: Decision,
  deps: ApplyDeps,
): Promise<IngestOutcome> {
  for (const line of decision.logs ?? []) deps.log[line.level](line.fields, line.msg);
  const store = (record: RecordSpec, ticketNumber?: number, eventId?: string) =>
    storeOriginals(tx, [{ email, inboxKey, record, ticketNumber, eventId }]);
  switch (decision.kind) {
    case 'duplicate':
      // Nothing refers to this copy's bytes (the first one's are kept): the inbox row lets them go.
      await tx.$executeRaw`UPDATE "InboundEvent" SET blob = NULL WHERE key = ${inboxKey}`;
      return { kind: 'duplicate' };
    case 'keep':
      await store(decision.record, decision.ticketNumber);
      logKept(deps, email, decision.reason);
      return { kind: 'kept', reason: decision.reason };
    case 'note':
      await addNote(tx, decision.ticketNumber, decision.note, deps);
      await store(decision.record, decision.ticketNumber);
      return { kind: decision.outcome, ticketNumber: decision.ticketNumber };
    case 'agent_reply': {
      const eventId = await deps.tickets.reply(
        decision.ticketNumber,
        { kind: 'agent', agentId: decision.agentId },
        decision.text,
        decision.inThread ? { channelRef: `email:${email.dedupeKey}` } : undefined,
        tx,
      );
      await store(decision.record, decision.ticketNumber, eventId);
      if (decision.retireToken) {
        await tx.emailReplyToken.update({
          where: { token: decision.retireToken },
          data: { revokedAt: deps.now() },
        });
      }
      return { kind: 'agent_reply', ticketNumber: decision.ticketNumber };
    }
    case 'confirm':
      await deps.tickets.confirm(
        decision.ticketNumber,
        { kind: 'contact', contactId: decision.contactId },
        true,
        tx,
      );
      await store(decision.record, decision.ticketNumber);
      return { kind: 'confirmed', ticketNumber: decision.ticketNumber };
    case 'intake':
      if (decision.ticket) return intake(tx, email, inboxKey, { ...decision, ticket: decision.ticket }, deps);
      return (
        await applyNewTickets(
          tx,
          [{ email, inboxKey, decision, ...(await newTicketRequester(tx, decision.requester)) }],
          deps,
        )
      )[0] as IngestOutcome;
  }
}

/** A customer's message on a ticket it names (a new ticket goes through applyNewTickets). */
async function intake(
  tx: Tx,
  email: ParsedEmail,
  inboxKey: string,
  d: IntakeDecision & { ticket: NonNullable<IntakeDecision['ticket']> },
  deps: ApplyDeps,
): Promise<IngestOutcome> {
  const { id: contactId, language: contactLanguage } = await requesterContact(tx, d.requester);
  const actor: Actor = { kind: 'contact', contactId };
  if (d.ticket.reopen) await deps.tickets.reopenByCustomer(d.ticket.number, actor, tx);
  if (d.ticket.createThread) {
    await tx.conversationLink.create({
      data: {
        platform: 'email',
        channel: EMAIL_CHANNEL,
        thread: d.ticket.thread,
        kind: 'customer',
        ticketNumber: d.ticket.number,
      },
    });
  }
  const outcome = await deps.tickets.intake(
    {
      platform: 'email',
      channel: EMAIL_CHANNEL,
      thread: d.ticket.thread,
      contactId,
      contactLanguage,
      text: d.text,
      channelRef: `email:${email.dedupeKey}`,
    },
    tx,
    { force: d.force, subject: d.subject, silent: !d.acknowledge, files: email.attachments.length },
  );
  const n = outcome.kind === 'ignored_greeting' ? d.ticket.number : outcome.ticketNumber;
  if (d.forwardNote) await addNote(tx, n, d.forwardNote, deps);
  await storeOriginals(tx, [{ email, inboxKey, record: d.record, ticketNumber: n }]);
  await attach(tx, [{ email, inboxKey, ticketNumber: n }]);
  if (outcome.kind === 'appended' && d.copyTo) await copyToAssignee(tx, n, d.copyTo, email);
  return outcome.kind === 'created'
    ? { kind: 'created', ticketNumber: n, acknowledged: d.acknowledge }
    : { kind: 'appended', ticketNumber: n };
}

/** A message that opens a ticket (a decision to intake with no ticket named), its requester known. */
export interface NewTicketMail {
  email: ParsedEmail;
  inboxKey: string;
  decision: IntakeDecision;
  contactId: string;
  /** The requester's language as read with them, when it was (passed on to the intake). */
  contactLanguage?: string | null;
}

/**
 * Messages that each open a ticket, applied together: the tickets through the ticket service's intakeMany,
 * the stored originals and attachments in one statement each. One message is a run of one.
 */
export async function applyNewTickets(
  tx: Tx,
  mails: readonly NewTicketMail[],
  deps: ApplyDeps,
): Promise<IngestOutcome[]> {
  if (!mails.length) return [];
  const intakes = await deps.tickets.intakeMany(
    mails.map(({ email, decision: d, contactId, contactLanguage }) => ({
      msg: {
        platform: 'email',
        channel: EMAIL_CHANNEL,
        thread: email.dedupeKey,
        contactId,
        contactLanguage,
        text: d.text,
        channelRef: `email:${email.dedupeKey}`,
      },
      options: {
        force: d.force,
        subject: d.subject,
        silent: !d.acknowledge,
        files: email.attachments.length,
      },
    })),
    tx,
  );
  const outcomes: IngestOutcome[] = [];
  const originals: Original[] = [];
  const files: Files[] = [];
  for (const [i, { email, inboxKey, decision: d }] of mails.entries()) {
    const outcome = intakes[i] as IntakeOutcome;
    if (outcome.kind === 'ignored_greeting') {
      // A bare greeting opens nothing (intake's rule): the message is kept, unanswered.
      originals.push({ email, inboxKey, record: { verdict: d.record.verdict, note: 'empty' } });
      logKept(deps, email, 'empty');
      outcomes.push({ kind: 'kept', reason: 'empty' });
      continue;
    }
    const n = outcome.ticketNumber;
    if (d.forwardNote) await addNote(tx, n, d.forwardNote, deps);
    originals.push({ email, inboxKey, record: d.record, ticketNumber: n });
    files.push({ email, inboxKey, ticketNumber: n });
    outcomes.push({ kind: 'created', ticketNumber: n, acknowledged: d.acknowledge });
  }
  await storeOriginals(tx, originals);
  await attach(tx, files);
  return outcomes;
}

/** The requester of a mail that opens a ticket, as NewTicketMail carries them. */
async function newTicketRequester(
  tx: Tx,
  requester: RequesterSpec,
): Promise<{ contactId: string; contactLanguage?: string | null }> {
  const { id, language } = await requesterContact(tx, requester);
  return { contactId: id, contactLanguage: language };
}

/**
 * The requester's contact, with their language when it was read (undefined: not read), and for one made
 * now, the identity a later message of its run now has.
 */
export async function requesterContact(
  tx: Tx,
  requester: RequesterSpec,
): Promise<{ id: string; language?: string | null; made?: KnownIdentity }> {
  if ('contactId' in requester) return { id: requester.contactId, language: requester.language };
  const { address, name, organisationId } = requester.newContact;
  // Through the directory: one person writing through two instances at once becomes one contact.
  const contact = await findOrCreateContact(tx, {
    platform: 'email',
    externalId: address,
    name,
    organisationId,
  });
  const made = { id: contact.id, organisationId: contact.organisationId, language: contact.language };
  return {
    id: contact.id,
    language: contact.language,
    made: { agentId: null, agentActive: false, contact: made },
  };
}

async function addNote(tx: Tx, ticketNumber: number, note: NoteSpec, deps: ApplyDeps) {
  let text: string;
  if (typeof note.text === 'string') {
    text = note.text;
  } else {
    // Rendered here: the new ticket's language is its organisation's, known once it exists.
    const row = await tx.ticket.findUniqueOrThrow({
      where: { number: ticketNumber },
      select: { organisation: { select: { language: true } } },
    });
    const { who, note: forwarderNote } = note.text.unverifiedForward;
    text = t(row.organisation.language).unverifiedForward(who, forwarderNote);
  }
  await deps.tickets.note(ticketNumber, note.actor, text, tx, note.origin);
}

function logKept(deps: ApplyDeps, email: ParsedEmail, reason: string) {
  deps.log.info(
    { messageId: email.dedupeKey, from: email.from?.address ?? null, reason },
    'email kept without a ticket',
  );
}

/** The assignee's personal copy of a customer's mail on their ticket, whose answer its reply token authenticates. */
async function copyToAssignee(tx: Tx, ticketNumber: number, agentId: string, email: ParsedEmail) {
  const event = await tx.ticketEvent.findFirst({
    where: { ticketNumber, type: 'customer_message', channelRef: `email:${email.dedupeKey}` },
    select: { id: true },
  });
  if (!event) return;
  await enqueue(tx, { kind: 'agent_notice', eventId: event.id, agentId, platform: 'email' });
}

interface Original {
  email: ParsedEmail;
  inboxKey: string;
  record: RecordSpec;
  ticketNumber?: number;
  eventId?: string;
}

/**
 * Messages as received, kept with what Relevo made of them: one statement for all. A message's bytes stay
 * in the inbox row they were stored in before "250 OK" (written once, never copied or sent back), which its
 * record names; events stored before raw bytes had a column of their own carry them base64 in the payload,
 * copied here.
 */
async function storeOriginals(tx: Tx, originals: readonly Original[]) {
  if (!originals.length) return;
  const rows = originals.map(({ email, inboxKey, record, ticketNumber, eventId }) => ({
    id: crypto.randomUUID(),
    key: inboxKey,
    messageId: email.dedupeKey,
    ticketNumber: ticketNumber ?? null,
    eventId: eventId ?? null,
    fromAddress: email.from?.address ?? '',
    toAddresses: email.to.map((a) => a.address),
    ccAddresses: email.cc.map((a) => a.address),
    subject: email.subject,
    counterparty: record.counterparty ?? email.from?.address ?? '',
    loopVerdict: record.verdict.allowed ? null : record.verdict.reason,
    error: record.note ?? null,
    agentId: record.agentId ?? null,
    agentAuth: record.agentAuth ?? null,
  }));
  const stored = await tx.$executeRaw`
    INSERT INTO "EmailMessage" (id, "messageId", direction, "ticketNumber", "eventId", "fromAddress",
      "toAddresses", "ccAddresses", subject, counterparty, "loopVerdict", error, "agentId", "agentAuth",
      "inboundKey", raw, "createdAt")
    SELECT r.id, r."messageId", 'inbound'::"EmailDirection", r."ticketNumber", r."eventId", r."fromAddress",
      r."toAddresses", r."ccAddresses", r.subject, r.counterparty, r."loopVerdict", r.error, r."agentId",
      r."agentAuth", CASE WHEN e.blob IS NOT NULL THEN e.key END,
      CASE WHEN e.blob IS NULL THEN decode(e.payload->>'raw', 'base64') END, ${new Date()}::timestamp(3)
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id text, key text, "messageId" text,
      "ticketNumber" int, "eventId" text, "fromAddress" text, "toAddresses" text[], "ccAddresses" text[],
      subject text, counterparty text, "loopVerdict" text, error text, "agentId" text, "agentAuth" text)
    JOIN "InboundEvent" e ON e.key = r.key`;
  if (stored !== rows.length) {
    throw new Error(`the inbox holds ${stored} of the ${rows.length} messages to keep`);
  }
}

type Files = { email: ParsedEmail; inboxKey: string; ticketNumber: number };

/**
 * The files that came with messages, on their tickets: one statement for all. Their bytes are not copied:
 * each names its message's original (kept in the inbox row, storeOriginals) and its place among the
 * message's attachments, and is read from there when downloaded (attachment-bytes.ts).
 */
async function attach(tx: Tx, mails: readonly Files[]) {
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const { email, inboxKey, ticketNumber } of mails) {
    for (const [part, a] of email.attachments.entries()) {
      if (a.inline && a.contentType.startsWith('image/') && a.size < 2048) continue; // tracking pixels, logos
      const at = values.push(
        crypto.randomUUID(),
        ticketNumber,
        a.filename,
        a.contentType,
        a.size,
        a.oversized,
        inboxKey,
        part,
      );
      rows.push(
        `($${at - 7}, $${at - 6}::int, $${at - 5}, $${at - 4}, $${at - 3}::int, $${at - 2}::boolean, $${at - 1}, $${at}::int)`,
      );
    }
  }
  if (!rows.length) return;
  // Placeholders only: every value is a parameter.
  await tx.$executeRawUnsafe(
    `INSERT INTO "Attachment" (id, "ticketNumber", filename, "contentType", size, oversized, "inboundKey", part)
     VALUES ${rows.join(', ')}`,
    ...values,
  );
}
