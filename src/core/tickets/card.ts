// The messages agents and maintainers see: the triage card every new ticket posts in the agents'
// channels (seeds 001, 003), the escalation post in a product's maintainers' channel, and the notice
// of a conversation waiting for a ticket. All are re-rendered from the database and edited in place.
import type { Db } from '../../db/index.ts';
import { formatMoment } from '../../i18n/durations.ts';
import { agentTexts } from '../../i18n/index.ts';
import { labelList } from '../../i18n/required-info.ts';
import type { DeskConfig } from '../config.ts';
import type { Button, Field, OutMessage, Tone } from '../message.ts';
import { slaSummary } from '../sla/view.ts';
import { clockField } from '../sla/wording.ts';
import { categoryLabel } from './categories.ts';
import { canBecome, isActive, isFinished, label, type Status } from './lifecycle.ts';
import { isInfoItem } from './required-info.ts';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The triage card of ticket `ticketNumber`. With `sla`, it shows the SLA clocks as they stand at `sla.now`
 * (delivery always passes it; a test about other fields may leave it out).
 */
export async function renderCard(
  db: Db,
  ticketNumber: number,
  sla?: { config: DeskConfig; now: Date },
): Promise<OutMessage> {
  const ticket = await db.ticket.findUniqueOrThrow({
    where: { number: ticketNumber },
    include: {
      organisation: true,
      contact: { select: { name: true, verified: true, claimedEmail: true } },
      participants: { include: { contact: { select: { name: true } } }, orderBy: { createdAt: 'asc' } },
      assignee: { select: { name: true } },
      product: { select: { name: true } },
      events: {
        where: { type: 'customer_message' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 1,
      },
      escalations: {
        orderBy: { createdAt: 'desc' },
        take: 1,
        include: { maintainer: { select: { name: true } } },
      },
      attachments: { select: { filename: true, size: true, oversized: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  const first = ticket.events[0]?.body ?? '';
  const value = String(ticket.number);
  const buttons: Button[] = [];
  const b = (action: string, text: string, extra: Partial<Button> = {}) =>
    buttons.push({ action, label: text, value, ...extra });

  if (isFinished(ticket.status)) {
    b('ticket.reopen', 'Reopen');
  } else {
    // Only whether there are products matters here: the forms list them when opened (forms.ts formFor).
    const products = await db.product.count({ where: { id: { in: ticket.organisation.products } } });
    // Only what makes sense where the ticket stands: a ticket being worked on gets the whole triage; one
    // awaiting the customer's confirmation is not triaged, taken or answered again — its classification
    // can still change, and the agent can take it back (Reopen). Each triage outcome is offered only where
    // the ticket may go to it (spam, rejected: lifecycle.ts).
    const worked = isActive(ticket.status);
    const may = (to: Status) => canBecome(ticket.status, to);
    // Seed 003's decision chain, in its order.
    if (may('spam')) {
      b('ticket.spam', 'Spam', { style: 'danger' });
      b('ticket.wrong_recipient', 'Wrong recipient');
    }
    if (may('rejected')) {
      b('ticket.meant_for_person', 'Meant for a person');
      b('ticket.unsupported_product', 'Unsupported product');
    }
    if (worked) {
      b('ticket.answer', 'Answer with information');
      b('ticket.agent_action', 'Agent action');
      if (products && !ticket.escalations.some((e) => e.status !== 'closed')) {
        b('ticket.escalate', 'Escalate');
      }
    }
    // Then ownership and classification (seed 001), and the other replies.
    if (worked && !ticket.assigneeId) b('ticket.take', 'Take it', { style: 'primary' });
    b('ticket.assign', 'Assign…');
    b('ticket.priority', 'Priority…');
    b('ticket.category', 'Category…');
    if (products) b('ticket.product', 'Product…');
    if (worked) {
      b('ticket.initial_response', 'Initial response…');
      b('ticket.ask_info', 'Ask for information…');
      b('ticket.resolve', 'Resolve…');
    }
    if (may('rejected')) b('ticket.reject', 'Reject…');
    if (!worked) b('ticket.reopen', 'Reopen');
  }
  const fields: Field[] = [
    { label: 'Status', value: label[ticket.status] },
    { label: 'Priority', value: ticket.priority },
    { label: 'Organisation', value: ticket.organisation.name },
    { label: 'Plan', value: ticket.organisation.plan },
    { label: 'Requester', value: requesterLabel(ticket.contact, ticket.organisation.language) },
    { label: 'Assignee', value: ticket.assignee?.name ?? 'unassigned' },
  ];
  if (ticket.participants.length) {
    fields.push({
      label: agentTexts(ticket.organisation.language).alsoOnIt,
      value: ticket.participants.map((p) => p.contact.name).join(', '),
    });
  }
  if (ticket.category) fields.push({ label: 'Category', value: categoryLabel[ticket.category] });
  // What the intake or an agent's request found missing and the customer has not sent yet.
  if (!isFinished(ticket.status) && ticket.infoMissing.length) {
    fields.push({
      label: ticket.infoRequestedAt ? 'Asked for' : 'Missing information',
      value: labelList(ticket.infoMissing.filter(isInfoItem), 'en'),
    });
  }
  if (ticket.product) fields.push({ label: 'Product', value: ticket.product.name });
  // The SLA clocks as /ticket sla reads them (core/sla/view.ts, from the ticket's history): the kept
  // due-time columns cannot tell at risk from running, nor overdue from answered late.
  let tone: Tone | undefined;
  if (sla && !isFinished(ticket.status)) {
    const clocks = await slaSummary(db, sla.config, ticket.number, sla.now);
    for (const [name, label] of [
      ['firstResponse', 'First response due'],
      ['nextUpdate', 'Next update due'],
      ['resolution', 'Resolution due'],
    ] as const) {
      const clock = clocks?.[name];
      // A met clock, or one not started yet, asks nothing of anyone: left off the card.
      if (!clock || clock.state === 'met' || clock.pausedBy === 'not_started') continue;
      const field = clockField(label, clock, sla.now, ticket.organisation.language);
      fields.push(field);
      if (field.tone === 'danger' || (field.tone && !tone)) tone = field.tone;
    }
  }
  if (ticket.organisation.infraUrl)
    fields.push({ label: 'Infrastructure', value: ticket.organisation.infraUrl });
  if (ticket.attachments.length) {
    fields.push({
      label: 'Attachments',
      value: ticket.attachments
        .map(
          (a) =>
            `${a.filename} (${Math.ceil(a.size / 1024)} KB${a.oversized ? ', over the size limit: not kept' : ''})`,
        )
        .join(', '),
    });
  }
  const esc = ticket.escalations[0];
  if (esc) {
    fields.push({
      label: 'Escalation',
      value: `${esc.status}${esc.maintainer ? ` · ${esc.maintainer.name}` : ''}`,
    });
    if (esc.diagnosis) {
      fields.push({ label: 'Diagnosis', value: `${esc.diagnosis} (certainty ${esc.certainty})` });
      fields.push({ label: 'Estimate', value: `${esc.estimate} (confidence ${esc.estimateConfidence})` });
    }
  }
  return {
    title: `#${ticket.number} ${ticket.subject}`,
    text: clip(first, 600),
    fields,
    buttons,
    // The moment as the SLA fields write it ("2026-12-07 13:05 UTC"), not a machine's ISO string.
    context: `via ${ticket.source} · opened ${formatMoment(ticket.createdAt)}`,
    ...(tone ? { tone } : {}),
  };
}

/** The requester's name, or a warning that nobody proved who they are (a web chat visitor). */
export function requesterLabel(
  contact: { name: string; verified: boolean; claimedEmail: string | null },
  language: string,
): string {
  return contact.verified
    ? contact.name
    : `⚠ ${agentTexts(language).unverifiedRequester(contact.name, contact.claimedEmail)}`;
}

/** The escalation post that opens the maintainers' thread (seed 003: report, background, notes). */
export async function renderEscalation(db: Db, escalationId: string): Promise<OutMessage> {
  const esc = await db.escalation.findUniqueOrThrow({
    where: { id: escalationId },
    include: {
      maintainer: { select: { name: true } },
      product: { select: { name: true } },
      ticket: {
        include: {
          organisation: { select: { name: true, plan: true } },
          events: {
            where: { type: 'customer_message' },
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            take: 1,
          },
        },
      },
    },
  });
  const value = String(esc.ticketNumber);
  const fields = [
    { label: 'Organisation', value: `${esc.ticket.organisation.name} (${esc.ticket.organisation.plan})` },
    { label: 'Priority', value: esc.ticket.priority },
    { label: 'Maintainer', value: esc.maintainer?.name ?? 'nobody yet' },
  ];
  if (esc.background) fields.push({ label: 'Background', value: esc.background });
  if (esc.agentNotes) fields.push({ label: "Agent's notes", value: esc.agentNotes });
  if (esc.diagnosis) {
    fields.push({ label: 'Diagnosis', value: `${esc.diagnosis} (certainty ${esc.certainty})` });
    fields.push({ label: 'Estimate', value: `${esc.estimate} (confidence ${esc.estimateConfidence})` });
  }
  const buttons: Button[] = [];
  if (!esc.maintainerId)
    buttons.push({ action: 'escalation.claim', label: "I'll take it", value, style: 'primary' });
  buttons.push({ action: 'escalation.diagnose', label: 'Diagnosis…', value });
  return {
    title: `Escalation: #${esc.ticketNumber} ${esc.ticket.subject} (${esc.product.name})`,
    text: clip(esc.ticket.events[0]?.body ?? '', 1500),
    fields,
    buttons,
    context: 'Replies in this thread are private notes on the ticket. Use "Share with customer" to send one.',
  };
}

/** A customer conversation waiting for an agent to turn it into a ticket. */
export async function renderConversation(db: Db, conversationId: string): Promise<OutMessage> {
  const conv = await db.pendingConversation.findUniqueOrThrow({ where: { id: conversationId } });
  const contact = await db.contact.findUnique({
    where: { id: conv.contactId },
    include: { organisation: true },
  });
  const messages = conv.messages as unknown as { text: string }[];
  const who = contact ? `${contact.name} (${contact.organisation.name})` : 'a customer';
  return {
    title: `Conversation from ${who}`,
    text: clip(messages.map((m) => m.text).join('\n'), 1000),
    buttons: conv.ticketNumber
      ? []
      : [{ action: 'conversation.create', label: 'Create ticket', value: conv.id, style: 'primary' }],
    context: conv.ticketNumber
      ? `Ticket #${conv.ticketNumber} created.`
      : `${conv.platform} · ${conv.channel}`,
  };
}
