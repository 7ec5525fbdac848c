// Carries out decideEmail's decision in the inbox's transaction, through the ticket service: the ticket,
// the stored original and the outbox rows commit together — or not at all, and the mail is processed
// again. No choices are made here beyond what the ticket service itself decides (a greeting ignored).
import { findOrCreateContact } from '../core/directory.ts';
import { enqueue } from '../core/outbox.ts';
import type { Logger } from '../core/ports.ts';
import type { Actor, TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import type { Decision, NoteSpec, RecordSpec, RequesterSpec } from './decide.ts';
import type { ParsedEmail } from './parse.ts';

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
    storeOriginal(tx, email, inboxKey, record, ticketNumber, eventId);
  switch (decision.kind) {
    case 'duplicate':
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
      return intake(tx, email, inboxKey, decision, deps);
  }
}

async function intake(
  tx: Tx,
  email: ParsedEmail,
  inboxKey: string,
  d: Extract<Decision, { kind: 'intake' }>,
  deps: ApplyDeps,
): Promise<IngestOutcome> {
  const contactId = await contactOf(tx, d.requester);
  const actor: Actor = { kind: 'contact', contactId };
  if (d.ticket?.reopen) await deps.tickets.reopenByCustomer(d.ticket.number, actor, tx);
  if (d.ticket?.createThread) {
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
      thread: d.ticket?.thread ?? email.dedupeKey,
      contactId,
      text: d.text,
      channelRef: `email:${email.dedupeKey}`,
    },
    tx,
    { force: d.force, subject: d.subject, silent: !d.acknowledge, files: email.attachments.length },
  );
  if (outcome.kind === 'ignored_greeting' && !d.ticket) {
    await storeOriginal(tx, email, inboxKey, { verdict: d.record.verdict, note: 'empty' });
    logKept(deps, email, 'empty');
    return { kind: 'kept', reason: 'empty' };
  }
  const n = outcome.kind === 'ignored_greeting' ? (d.ticket?.number as number) : outcome.ticketNumber;
  if (d.forwardNote) await addNote(tx, n, d.forwardNote, deps);
  await storeOriginal(tx, email, inboxKey, d.record, n);
  await attach(tx, email, n);
  if (outcome.kind === 'appended' && d.copyTo) await copyToAssignee(tx, n, d.copyTo, email);
  if (d.ticket) {
    return outcome.kind === 'created'
      ? { kind: 'created', ticketNumber: n, acknowledged: d.acknowledge }
      : { kind: 'appended', ticketNumber: n };
  }
  return { kind: 'created', ticketNumber: n, acknowledged: d.acknowledge };
}

async function contactOf(tx: Tx, requester: RequesterSpec): Promise<string> {
  if ('contactId' in requester) return requester.contactId;
  const { address, name, organisationId } = requester.newContact;
  // Through the directory: one person writing through two instances at once becomes one contact.
  const contact = await findOrCreateContact(tx, {
    platform: 'email',
    externalId: address,
    name,
    organisationId,
  });
  return contact.id;
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

/**
 * The message as received, kept with what Relevo made of it. Its bytes are copied inside the database from
 * the inbox row they were stored in before "250 OK" (written once from Node, never sent back): one
 * statement. Events stored before raw bytes had a column of their own carry them base64 in the payload.
 */
async function storeOriginal(
  tx: Tx,
  email: ParsedEmail,
  inboxKey: string,
  record: RecordSpec,
  ticketNumber?: number,
  eventId?: string,
) {
  const stored = await tx.$executeRaw`
    INSERT INTO "EmailMessage" (id, "messageId", direction, "ticketNumber", "eventId", "fromAddress",
      "toAddresses", "ccAddresses", subject, counterparty, "loopVerdict", error, "agentId", "agentAuth",
      raw, "createdAt")
    SELECT ${crypto.randomUUID()}, ${email.dedupeKey}, 'inbound'::"EmailDirection", ${ticketNumber ?? null}::int,
      ${eventId ?? null}::text, ${email.from?.address ?? ''}, ${email.to.map((a) => a.address)}::text[],
      ${email.cc.map((a) => a.address)}::text[], ${email.subject}, ${record.counterparty ?? email.from?.address ?? ''},
      ${record.verdict.allowed ? null : record.verdict.reason}::text, ${record.note ?? null}::text,
      ${record.agentId ?? null}::text, ${record.agentAuth ?? null}::text,
      coalesce(e.blob, decode(e.payload->>'raw', 'base64')), ${new Date()}::timestamp(3)
    FROM "InboundEvent" e WHERE e.key = ${inboxKey}`;
  if (stored !== 1) throw new Error(`the inbox holds no message under ${inboxKey}`);
}

async function attach(tx: Tx, email: ParsedEmail, ticketNumber: number) {
  for (const a of email.attachments) {
    if (a.inline && a.contentType.startsWith('image/') && a.size < 2048) continue; // tracking pixels, logos
    await tx.$executeRaw`
      INSERT INTO "Attachment" (id, "ticketNumber", filename, "contentType", size, content, oversized)
      VALUES (${crypto.randomUUID()}, ${ticketNumber}, ${a.filename}, ${a.contentType}, ${a.size},
              ${a.content ?? null}::bytea, ${a.oversized})`;
  }
}
