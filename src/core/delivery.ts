// Delivers outbox jobs through the chat adapters. The customer path refuses anything that is not a
// public event: it is the single road to a customer, so a private note cannot take it.
import type { Db } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import type { OutMessage } from './message.ts';
import type { OutboxJob } from './outbox.ts';
import type { ChatAdapter } from './ports.ts';
import { renderCard } from './tickets/card.ts';

export class PrivateEventDeliveryError extends Error {
  override name = 'PrivateEventDeliveryError';
}

export interface DeliveryDeps {
  db: Db;
  adapters: ReadonlyMap<string, ChatAdapter>;
}

/** Delivers one job; `key` is the outbox item id, passed on so adapters can drop re-deliveries. */
export async function deliver(deps: DeliveryDeps, job: OutboxJob, key: string): Promise<void> {
  if (job.kind === 'customer_event') return deliverToCustomer(deps, job.eventId, key);
  return syncCard(deps, job, key);
}

async function deliverToCustomer({ db, adapters }: DeliveryDeps, eventId: string, key: string) {
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
    const adapter = adapters.get(link.platform);
    if (!adapter) throw new Error(`no adapter for platform "${link.platform}" is running`);
    await adapter.post({ channel: link.channel, thread: link.thread }, message, `${key}:${link.id}`);
  }
}

async function syncCard(
  { db, adapters }: DeliveryDeps,
  job: Extract<OutboxJob, { kind: 'card' }>,
  key: string,
) {
  const adapter = adapters.get(job.platform);
  if (!adapter) throw new Error(`no adapter for platform "${job.platform}" is running`);
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
