// Delivers outbox jobs through the chat adapters. The customer path refuses anything that is not a
// public event: it is the single road to a customer, so a private note cannot take it.
import type { Db } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import type { OutMessage } from './message.ts';
import type { OutboxJob } from './outbox.ts';
import type { ChatAdapter, ChatTarget } from './ports.ts';
import { renderCard, renderConversation, renderEscalation } from './tickets/card.ts';

export class PrivateEventDeliveryError extends Error {
  override name = 'PrivateEventDeliveryError';
}

export interface DeliveryDeps {
  db: Db;
  adapters: ReadonlyMap<string, ChatAdapter>;
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
      return syncEscalation(deps, job);
    case 'conversation':
      return syncConversation(deps, job);
    case 'agent_notice':
      return noticeToAgent(deps, job, key);
  }
}

function adapterFor({ adapters, platforms }: DeliveryDeps, platform: string): ChatAdapter {
  platforms?.add(platform);
  const adapter = adapters.get(platform);
  if (!adapter) throw new Error(`no adapter for platform "${platform}" is running`);
  return adapter;
}

/** Posts once under `key` (SentMessage), edits afterwards; returns the ref and whether it was new. */
async function postOrUpdate(
  db: Db,
  adapter: ChatAdapter,
  key: string,
  target: ChatTarget,
  message: OutMessage,
): Promise<{ ref: string; created: boolean }> {
  const sent = await db.sentMessage.findUnique({ where: { key } });
  if (sent) {
    await adapter.update(sent.ref, message);
    return { ref: sent.ref, created: false };
  }
  const ref = await adapter.post(target, message, key);
  await db.sentMessage.create({ data: { key, platform: adapter.platform, ref } });
  return { ref, created: true };
}

async function syncEscalation(deps: DeliveryDeps, job: Extract<OutboxJob, { kind: 'escalation' }>) {
  const { db } = deps;
  const adapter = adapterFor(deps, job.platform);
  const message = await renderEscalation(db, job.escalationId);
  const { ref, created } = await postOrUpdate(
    db,
    adapter,
    `escalation:${job.escalationId}:${job.platform}:${job.channel}`,
    { channel: job.channel },
    message,
  );
  if (!created) return;
  // The post opens the maintainers' thread: their replies there become private notes on the ticket.
  const thread = adapter.threadOf?.(ref) ?? { channel: job.channel, thread: ref };
  const esc = await db.escalation.update({ where: { id: job.escalationId }, data: { threadRef: ref } });
  await db.conversationLink.upsert({
    where: {
      platform_channel_thread: {
        platform: job.platform,
        channel: thread.channel,
        thread: thread.thread ?? ref,
      },
    },
    create: {
      platform: job.platform,
      channel: thread.channel,
      thread: thread.thread ?? ref,
      kind: 'maintainers',
      ticketNumber: esc.ticketNumber,
    },
    update: {},
  });
}

async function syncConversation(deps: DeliveryDeps, job: Extract<OutboxJob, { kind: 'conversation' }>) {
  const { db } = deps;
  const adapter = adapterFor(deps, job.platform);
  const message = await renderConversation(db, job.conversationId);
  await postOrUpdate(
    db,
    adapter,
    `conversation:${job.conversationId}:${job.platform}:${job.channel}`,
    { channel: job.channel },
    message,
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
  const event = await db.ticketEvent.findUniqueOrThrow({
    where: { id: eventId },
    include: {
      authorAgent: { select: { name: true } },
      ticket: {
        include: { links: { where: { kind: 'customer' } }, organisation: { select: { language: true } } },
      },
    },
  });
  if (event.visibility !== 'public') {
    throw new PrivateEventDeliveryError(`refusing to deliver internal event ${event.id} to a customer`);
  }
  const message: OutMessage = { text: event.body };
  if (event.authorAgent) message.author = event.authorAgent.name;
  const data = event.data as { kind?: string } | null;
  if (data?.kind === 'resolution_request') {
    const texts = t(event.ticket.organisation.language);
    const value = String(event.ticketNumber);
    message.buttons = [
      { action: 'ticket.confirm_yes', label: texts.confirmYes, value, style: 'primary' },
      { action: 'ticket.confirm_no', label: texts.confirmNo, value },
    ];
  }
  for (const link of event.ticket.links) {
    const adapter = adapterFor(deps, link.platform);
    await adapter.post({ channel: link.channel, thread: link.thread }, message, `${key}:${link.id}`);
  }
}

async function syncCard(deps: DeliveryDeps, job: Extract<OutboxJob, { kind: 'card' }>, key: string) {
  const { db } = deps;
  const adapter = adapterFor(deps, job.platform);
  const message = await renderCard(db, job.ticketNumber);
  const where = {
    purpose_ticketNumber_platform: {
      purpose: 'card',
      ticketNumber: job.ticketNumber,
      platform: `${job.platform}:${job.channel}`,
    },
  };
  const existing = await db.chatMessageRef.findUnique({ where });
  if (existing) {
    await adapter.update(existing.ref, message);
    return;
  }
  const ref = await adapter.post({ channel: job.channel }, message, key);
  await db.chatMessageRef.create({ data: { ...where.purpose_ticketNumber_platform, ref } });
}
