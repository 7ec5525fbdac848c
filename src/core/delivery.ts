// Delivers outbox jobs through the chat adapters. The customer path refuses anything that is not a
// public event: it is the single road to a customer, so a private note cannot take it.
import type { Db } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import { renderAlertGroup } from './alerts/render.ts';
import { DeliveryFailure } from './chat/failure.ts';
import { type DeskConfig, teamLanguage } from './config.ts';
import { customerLanguage } from './customer-language.ts';
import { showLive } from './live-messages/show.ts';
import { liveSubject } from './live-messages/subjects.ts';
import type { OutMessage } from './message.ts';
import { syncOnboarding } from './onboarding/onboarding.ts';
import type { OutboxJob } from './outbox.ts';
import type { ChatAdapter, Clock } from './ports.ts';
import { postSlaWarning } from './sla/warning-delivery.ts';
import { syncSurvey } from './survey/message.ts';
import { renderCard, renderConversation, renderEscalation } from './tickets/card.ts';

/**
 * A private event on the customer's road: refused by construction, and never worth retrying (the event
 * stays private), so the outbox dead-letters it at once.
 */
export class PrivateEventDeliveryError extends DeliveryFailure {
  override name = 'PrivateEventDeliveryError';
  constructor(message: string) {
    super(message, { platform: 'none', code: 'refused', retryable: false });
  }
}

export interface DeliveryDeps {
  db: Db;
  adapters: ReadonlyMap<string, ChatAdapter>;
  /**
   * The agents (who an SLA warning addresses, by their id on each platform, in their language) and the
   * plans (a card's SLA clocks).
   */
  config: DeskConfig;
  /** The desk's clock, which a card's SLA clocks are read at; the system's when left out. */
  clock?: Clock;
  /** The satisfaction survey's signed link for a ticket (core/survey/link.ts): email carries it. */
  surveyLink?: (ticketNumber: number) => string;
  /** Collects the platforms a job went to (or tried to), for delivery metrics. */
  platforms?: Set<string>;
}

/** Delivers one job; `key` is the outbox item id, passed on so adapters can drop re-deliveries. */
export async function deliver(deps: DeliveryDeps, job: OutboxJob, key: string): Promise<void> {
  switch (job.kind) {
    case 'customer_event':
      return deliverToCustomer(deps, job.eventId, key);
    case 'card':
      return syncCard(deps, job, key);
    case 'escalation':
      return syncEscalation(deps, job, key);
    case 'conversation':
      return syncConversation(deps, job, key);
    case 'alert_message':
      return syncAlertMessage(deps, job, key);
    case 'onboarding':
      return syncOnboarding(deps.db, deps.config, adapterFor(deps, job.platform), job, key);
    case 'agent_notice':
      return noticeToAgent(deps, job, key);
    case 'survey':
      return syncSurvey(deps.db, adapterFor(deps, job.platform), job, key, deps.surveyLink);
    case 'sla_warning':
      return postSlaWarning(deps.db, deps.config, adapterFor(deps, job.platform), job, key);
  }
}

function adapterFor({ adapters, platforms }: DeliveryDeps, platform: string): ChatAdapter {
  platforms?.add(platform);
  const adapter = adapters.get(platform);
  if (!adapter) throw new Error(`no adapter for platform "${platform}" is running`);
  return adapter;
}

// A card, an escalation post and a conversation notice are live messages: posted once per channel and
// edited in place afterwards (core/live-messages). A card's and an escalation's threads are linked to
// their ticket, so replies there become its private notes. Each is read by a whole channel, so it is
// written in the team's language.

async function syncCard(deps: DeliveryDeps, job: Extract<OutboxJob, { kind: 'card' }>, key: string) {
  const adapter = adapterFor(deps, job.platform);
  const now = deps.clock?.now() ?? new Date();
  const language = teamLanguage(deps.config.agents);
  const message = await renderCard(deps.db, job.ticketNumber, language, { config: deps.config, now });
  await showLive(
    deps.db,
    adapter,
    {
      subject: liveSubject.card(job.ticketNumber),
      platform: job.platform,
      channel: job.channel,
      ticketNumber: job.ticketNumber,
      threadLink: 'agents',
    },
    message,
    key,
  );
}

async function syncEscalation(
  deps: DeliveryDeps,
  job: Extract<OutboxJob, { kind: 'escalation' }>,
  key: string,
) {
  const { db } = deps;
  const adapter = adapterFor(deps, job.platform);
  const message = await renderEscalation(db, job.escalationId, teamLanguage(deps.config.agents));
  const { ticketNumber } = await db.escalation.findUniqueOrThrow({
    where: { id: job.escalationId },
    select: { ticketNumber: true },
  });
  await showLive(
    db,
    adapter,
    {
      subject: liveSubject.escalation(job.escalationId),
      platform: job.platform,
      channel: job.channel,
      ticketNumber,
      threadLink: 'maintainers',
    },
    message,
    key,
  );
}

async function syncConversation(
  deps: DeliveryDeps,
  job: Extract<OutboxJob, { kind: 'conversation' }>,
  key: string,
) {
  const adapter = adapterFor(deps, job.platform);
  const message = await renderConversation(deps.db, job.conversationId, teamLanguage(deps.config.agents));
  await showLive(
    deps.db,
    adapter,
    { subject: liveSubject.conversation(job.conversationId), platform: job.platform, channel: job.channel },
    message,
    key,
  );
}

/** An alert group's message in a monitor channel, in the team's language (read by the whole team). */
async function syncAlertMessage(
  deps: DeliveryDeps,
  job: Extract<OutboxJob, { kind: 'alert_message' }>,
  key: string,
) {
  const adapter = adapterFor(deps, job.platform);
  const now = deps.clock?.now() ?? new Date();
  const language = teamLanguage(deps.config.agents);
  const message = await renderAlertGroup(deps.db, job.groupId, { language, now });
  await showLive(
    deps.db,
    adapter,
    { subject: liveSubject.alert(job.groupId), platform: job.platform, channel: job.channel },
    message,
    key,
  );
}

async function noticeToAgent(
  deps: DeliveryDeps,
  job: Extract<OutboxJob, { kind: 'agent_notice' }>,
  key: string,
) {
  const adapter = adapterFor(deps, job.platform);
  if (!adapter.notifyAgent) throw new Error(`the ${job.platform} adapter cannot notify an agent`);
  const event = await deps.db.ticketEvent.findUniqueOrThrow({
    where: { id: job.eventId },
    include: {
      authorContact: { select: { name: true } },
      ticket: { select: { subject: true, organisation: { select: { language: true } } } },
    },
  });
  await adapter.notifyAgent(
    job.agentId,
    {
      ticketNumber: event.ticketNumber,
      subject: event.ticket.subject,
      from: event.authorContact?.name ?? '',
      text: event.body,
      language: event.ticket.organisation.language,
    },
    key,
  );
}

async function deliverToCustomer(deps: DeliveryDeps, eventId: string, key: string) {
  const { db } = deps;
  // One statement for the event, its author, the language its customer reads (customer-language.ts) and
  // where the customer is (the ORM's nested read took five): every message to a customer passes here.
  const [event] = await db.$queryRaw<
    {
      id: string;
      ticketNumber: number;
      visibility: string;
      body: string;
      data: unknown;
      authorName: string | null;
      language: string;
      contactLanguage: string | null;
      links: { id: string; platform: string; channel: string; thread: string }[];
    }[]
  >`
    SELECT e.id, e."ticketNumber", e.visibility::text AS visibility, e.body, e.data, a.name AS "authorName",
      o.language, c.language AS "contactLanguage",
      coalesce((SELECT json_agg(json_build_object('id', l.id, 'platform', l.platform, 'channel', l.channel,
          'thread', l.thread) ORDER BY l."createdAt", l.id)
        FROM "ConversationLink" l WHERE l."ticketNumber" = e."ticketNumber" AND l.kind = 'customer'), '[]') AS links
    FROM "TicketEvent" e
    JOIN "Ticket" t ON t.number = e."ticketNumber"
    JOIN "Organisation" o ON o.id = t."organisationId"
    JOIN "Contact" c ON c.id = t."requesterId"
    LEFT JOIN "Agent" a ON a.id = e."authorAgentId"
    WHERE e.id = ${eventId}`;
  if (!event) throw new Error(`no ticket event ${eventId}`);
  if (event.visibility !== 'public') {
    throw new PrivateEventDeliveryError(`refusing to deliver internal event ${event.id} to a customer`);
  }
  const message: OutMessage = { text: event.body };
  if (event.authorName !== null) message.author = event.authorName;
  const data = event.data as { kind?: string } | null;
  if (data?.kind === 'resolution_request') {
    const texts = t(customerLanguage({ language: event.contactLanguage }, event));
    const value = String(event.ticketNumber);
    message.buttons = [
      { action: 'ticket.confirm_yes', label: texts.confirmYes, value, style: 'primary' },
      { action: 'ticket.confirm_no', label: texts.confirmNo, value },
    ];
  }
  for (const link of event.links) {
    const adapter = adapterFor(deps, link.platform);
    await adapter.post({ channel: link.channel, thread: link.thread }, message, `${key}:${link.id}`);
  }
}
