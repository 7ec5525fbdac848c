// The messages agents and maintainers see: the triage card every new ticket posts in the agents'
// channels (seeds 001, 003), the escalation post in a product's maintainers' channel, and the notice
// of a conversation waiting for a ticket. All are re-rendered from the database and edited in place, in
// the language the caller names: a channel's team reads one (core/config.ts teamLanguage), the console
// the one its page speaks. Every word of a message is in that language, what is said about the customer
// included, so nobody reads a card in two.
import type { Db } from '../../db/index.ts';
import { type CardAction, cardTexts, levelLabel } from '../../i18n/card.ts';
import { formatMoment } from '../../i18n/durations.ts';
import { agentTexts, type Language } from '../../i18n/index.ts';
import { pick } from '../../i18n/localized.ts';
import { labelList } from '../../i18n/required-info.ts';
import { stars, surveyTexts } from '../../i18n/survey.ts';
import type { DeskConfig } from '../config.ts';
import type { Button, Field, OutMessage, Tone } from '../message.ts';
import { slaSummary } from '../sla/view.ts';
import { clockField } from '../sla/wording.ts';
import { categoryLabel } from './categories.ts';
import { canBecome, isActive, isFinished, type Status, statusLabel } from './lifecycle.ts';
import { isInfoItem } from './required-info.ts';
import { similarSolved } from './search.ts';
import { priorityLabel } from './sla.ts';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The triage card of ticket `ticketNumber`, in `language`. With `sla`, it shows the SLA clocks as they
 * stand at `sla.now` (delivery always passes it; a test about other fields may leave it out).
 *
 * @example await renderCard(db, 12, teamLanguage(config.agents), { config, now: clock.now() })
 */
export async function renderCard(
  db: Db,
  ticketNumber: number,
  language: Language | string,
  sla?: { config: DeskConfig; now: Date },
): Promise<OutMessage> {
  const x = cardTexts(language);
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
      satisfaction: { select: { score: true, comment: true } },
    },
  });
  const first = ticket.events[0]?.body ?? '';
  const value = String(ticket.number);
  const buttons: Button[] = [];
  const b = (action: CardAction, extra: Partial<Button> = {}) =>
    buttons.push({ action, label: x.button[action], value, ...extra });

  if (isFinished(ticket.status)) {
    b('ticket.reopen');
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
      b('ticket.spam', { style: 'danger' });
      b('ticket.wrong_recipient');
    }
    if (may('rejected')) {
      b('ticket.meant_for_person');
      b('ticket.unsupported_product');
    }
    if (worked) {
      b('ticket.answer');
      b('ticket.agent_action');
      if (products && !ticket.escalations.some((e) => e.status !== 'closed')) {
        b('ticket.escalate');
      }
    }
    // Then ownership and classification (seed 001), and the other replies.
    if (worked && !ticket.assigneeId) b('ticket.take', { style: 'primary' });
    b('ticket.assign');
    b('ticket.priority');
    b('ticket.category');
    if (products) b('ticket.product');
    if (worked) {
      b('ticket.initial_response');
      b('ticket.ask_info');
      b('ticket.resolve');
    }
    if (may('rejected')) b('ticket.reject');
    if (!worked) b('ticket.reopen');
  }
  const fields: Field[] = [
    { label: x.field.status, value: pick(statusLabel(ticket.status), language) },
    { label: x.field.priority, value: pick(priorityLabel[ticket.priority], language) },
    { label: x.field.organisation, value: ticket.organisation.name },
    { label: x.field.plan, value: ticket.organisation.plan },
    { label: x.field.requester, value: requesterLabel(ticket.contact, language) },
    { label: x.field.assignee, value: ticket.assignee?.name ?? x.field.unassigned },
  ];
  if (ticket.participants.length) {
    fields.push({
      label: agentTexts(language).alsoOnIt,
      value: ticket.participants.map((p) => p.contact.name).join(', '),
    });
  }
  if (ticket.category) {
    fields.push({ label: x.field.category, value: pick(categoryLabel[ticket.category], language) });
  }
  // What the intake or an agent's request found missing and the customer has not sent yet.
  if (!isFinished(ticket.status) && ticket.infoMissing.length) {
    fields.push({
      label: ticket.infoRequestedAt ? x.field.askedFor : x.field.missingInfo,
      value: labelList(ticket.infoMissing.filter(isInfoItem), language),
    });
  }
  if (ticket.product) fields.push({ label: x.field.product, value: ticket.product.name });
  // The SLA clocks as /ticket sla reads them (core/sla/view.ts, from the ticket's history): the kept
  // due-time columns cannot tell at risk from running, nor overdue from answered late.
  let tone: Tone | undefined;
  if (sla && !isFinished(ticket.status)) {
    const clocks = await slaSummary(db, sla.config, ticket.number, sla.now);
    for (const [name, label] of [
      ['firstResponse', x.field.firstResponseDue],
      ['nextUpdate', x.field.nextUpdateDue],
      ['resolution', x.field.resolutionDue],
    ] as const) {
      const clock = clocks?.[name];
      // A met clock, or one not started yet, asks nothing of anyone: left off the card.
      if (!clock || clock.state === 'met' || clock.pausedBy === 'not_started') continue;
      const field = clockField(label, clock, sla.now, language);
      fields.push(field);
      if (field.tone === 'danger' || (field.tone && !tone)) tone = field.tone;
    }
  }
  if (ticket.organisation.infraUrl)
    fields.push({ label: x.field.infrastructure, value: ticket.organisation.infraUrl });
  if (ticket.attachments.length) {
    fields.push({
      label: x.field.attachments,
      value: ticket.attachments
        .map((a) => x.field.attachment(a.filename, Math.ceil(a.size / 1024), a.oversized))
        .join(', '),
    });
  }
  // While it is being triaged, the solved tickets most like it: someone may have solved this already.
  if (ticket.status === 'new' || ticket.status === 'open') {
    const similar = await similarSolved(db, ticket.number);
    if (similar.length) {
      fields.push({
        label: x.field.similar,
        value: similar.map((hit) => clip(`#${hit.number} ${hit.subject}`, 80)).join('\n'),
      });
    }
  }
  // The customer's answer to the satisfaction survey, once they were asked (core/survey).
  if (ticket.satisfaction) fields.push(satisfactionField(ticket.satisfaction, language));
  const esc = ticket.escalations[0];
  if (esc) {
    fields.push({
      label: x.field.escalation,
      value: `${x.field.escalationStatus[esc.status]}${esc.maintainer ? ` · ${esc.maintainer.name}` : ''}`,
    });
    if (esc.diagnosis) fields.push(...diagnosisFields(esc, language));
  }
  return {
    title: `#${ticket.number} ${ticket.subject}`,
    text: clip(first, 600),
    fields,
    buttons,
    // The moment as the SLA fields write it ("2026-12-07 13:05 UTC"), not a machine's ISO string.
    context: x.opened(ticket.source, formatMoment(ticket.createdAt)),
    ...(tone ? { tone } : {}),
  };
}

/** "★★★★☆ 4/5 — “Quick and clear”", or that the customer has not answered yet. */
export function satisfactionField(
  survey: { score: number | null; comment: string | null },
  language: string,
): Field {
  const rating = survey.score === null ? pick(surveyTexts.field.waiting, language) : stars(survey.score);
  const comment = survey.comment === null ? '' : ` — “${clip(survey.comment, 200)}”`;
  return { label: pick(surveyTexts.field.label, language), value: `${rating}${comment}` };
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

/** A maintainer's diagnosis and estimate, with how sure they are of each. */
function diagnosisFields(
  esc: {
    diagnosis: string | null;
    certainty: string | null;
    estimate: string | null;
    estimateConfidence: string | null;
  },
  language: Language | string,
): Field[] {
  const x = cardTexts(language).field;
  return [
    { label: x.diagnosis, value: x.diagnosisValue(esc.diagnosis ?? '', levelLabel(esc.certainty, language)) },
    {
      label: x.estimate,
      value: x.estimateValue(esc.estimate ?? '', levelLabel(esc.estimateConfidence, language)),
    },
  ];
}

/** The escalation post that opens the maintainers' thread (seed 003: report, background, notes), in `language`. */
export async function renderEscalation(
  db: Db,
  escalationId: string,
  language: Language | string,
): Promise<OutMessage> {
  const x = cardTexts(language);
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
  const fields: Field[] = [
    {
      label: x.field.organisation,
      value: `${esc.ticket.organisation.name} (${esc.ticket.organisation.plan})`,
    },
    { label: x.field.priority, value: pick(priorityLabel[esc.ticket.priority], language) },
    { label: x.field.maintainer, value: esc.maintainer?.name ?? x.field.nobodyYet },
  ];
  if (esc.background) fields.push({ label: x.field.background, value: esc.background });
  if (esc.agentNotes) fields.push({ label: x.field.agentNotes, value: esc.agentNotes });
  if (esc.diagnosis) fields.push(...diagnosisFields(esc, language));
  const buttons: Button[] = [];
  const b = (action: CardAction, extra: Partial<Button> = {}) =>
    buttons.push({ action, label: x.button[action], value, ...extra });
  if (!esc.maintainerId) b('escalation.claim', { style: 'primary' });
  b('escalation.diagnose');
  return {
    title: x.escalationTitle(esc.ticketNumber, esc.ticket.subject, esc.product.name),
    text: clip(esc.ticket.events[0]?.body ?? '', 1500),
    fields,
    buttons,
    context: x.escalationFooter,
  };
}

/** A customer conversation waiting for an agent to turn it into a ticket, in `language`. */
export async function renderConversation(
  db: Db,
  conversationId: string,
  language: Language | string,
): Promise<OutMessage> {
  const x = cardTexts(language);
  const conv = await db.pendingConversation.findUniqueOrThrow({ where: { id: conversationId } });
  const contact = await db.contact.findUnique({
    where: { id: conv.contactId },
    include: { organisation: true },
  });
  const messages = conv.messages as unknown as { text: string }[];
  const who = contact ? `${contact.name} (${contact.organisation.name})` : x.aCustomer;
  const create: CardAction = 'conversation.create';
  return {
    title: x.conversationTitle(who),
    text: clip(messages.map((m) => m.text).join('\n'), 1000),
    buttons: conv.ticketNumber
      ? []
      : [{ action: create, label: x.button[create], value: conv.id, style: 'primary' }],
    context: conv.ticketNumber ? x.ticketCreated(conv.ticketNumber) : `${conv.platform} · ${conv.channel}`,
  };
}
