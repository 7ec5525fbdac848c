// Failed deliveries made visible where agents look: a system note on the ticket the job belongs to, in the
// ticket's language, saying what did not arrive, why, and what to do.
//
// A message to the customer is noted when it first fails (it is being retried) and when it is given up;
// anything else that belongs to a ticket when it is given up. A card or an escalation post renders the
// current state, so the next one that succeeds supersedes a dead one: only the first dead item of a run
// in its lane is noted. That also keeps the note from feeding itself — a note changes the ticket, which
// queues a new card; were a card that keeps dying noted each time, the two would go round forever.
import type { Db } from '../db/index.ts';
import { deliveryTexts, type UndeliveredKind } from '../i18n/delivery.ts';
import type { DeliveryFailure } from './chat/failure.ts';
import type { OutboxJob } from './outbox.ts';
import type { TicketService } from './tickets/service.ts';

/** The outbox item as it stands after the attempt that failed. */
export interface FailedItem {
  id: bigint;
  lane: string | null;
  attempts: number;
  dead: boolean;
}

export interface DeliveryFailureDeps {
  db: Db;
  tickets: Pick<TicketService, 'note'>;
}

export async function noteDeliveryFailure(
  deps: DeliveryFailureDeps,
  job: OutboxJob,
  failure: DeliveryFailure,
  item: FailedItem,
): Promise<void> {
  // A waiting conversation has no ticket yet, and an alert group's message and an onboarding checklist
  // belong to none; a survey that does not arrive asks nothing of agents: the log has it.
  if (
    job.kind === 'conversation' ||
    job.kind === 'alert_message' ||
    job.kind === 'onboarding' ||
    job.kind === 'survey'
  )
    return;
  const firstRetry = job.kind === 'customer_event' && item.attempts === 1 && !item.dead;
  if (!item.dead && !firstRetry) return;
  if ((job.kind === 'card' || job.kind === 'escalation') && (await previousDied(deps.db, item, job.kind))) {
    return;
  }
  const number = await ticketOf(deps.db, job);
  if (number === undefined) return;
  const ticket = await deps.db.ticket.findUnique({
    where: { number },
    select: { organisation: { select: { language: true } } },
  });
  if (!ticket) return;
  const texts = deliveryTexts(ticket.organisation.language);
  const platform = texts.platform(failure.platform);
  const cause = texts.cause[failure.code](platform);
  const kind: UndeliveredKind = job.kind;
  const lines = firstRetry
    ? [texts.notYet(cause)]
    : [texts.gaveUp(texts.what[kind](platform), item.attempts), cause, texts.next[kind]];
  lines.push(texts.detail(failure.message.slice(0, 300)));
  await deps.tickets.note(number, { kind: 'system' }, lines.join('\n'));
}

/** The item before this one of its kind in its lane died too (a card's lane also carries SLA warnings). */
async function previousDied(db: Db, item: FailedItem, kind: string): Promise<boolean> {
  if (!item.lane) return false;
  const previous = await db.outboxItem.findFirst({
    where: { lane: item.lane, kind, id: { lt: item.id } },
    orderBy: { id: 'desc' },
    select: { status: true },
  });
  return previous?.status === 'dead';
}

async function ticketOf(
  db: Db,
  job: Exclude<OutboxJob, { kind: 'conversation' | 'alert_message' | 'onboarding' | 'survey' }>,
): Promise<number | undefined> {
  switch (job.kind) {
    case 'customer_event':
    case 'card':
    case 'sla_warning':
      return job.ticketNumber;
    case 'escalation':
      return (
        await db.escalation.findUnique({ where: { id: job.escalationId }, select: { ticketNumber: true } })
      )?.ticketNumber;
    case 'agent_notice':
      return (await db.ticketEvent.findUnique({ where: { id: job.eventId }, select: { ticketNumber: true } }))
        ?.ticketNumber;
  }
}
