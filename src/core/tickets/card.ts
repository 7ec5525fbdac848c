// The triage card every new ticket posts in the agents' channels (seed 001), edited in place.
import type { Db } from '../../db/index.ts';
import type { Button, OutMessage } from '../message.ts';
import { isFinished, label } from './lifecycle.ts';

const resolveForm = {
  title: 'Resolve ticket',
  submitLabel: 'Send to customer',
  fields: [
    {
      id: 'message',
      label: 'Resolution message (the customer reads this)',
      kind: 'textarea' as const,
      required: true,
    },
    { id: 'technicalNote', label: 'How it was solved (internal technical note)', kind: 'textarea' as const },
  ],
};

export async function renderCard(db: Db, ticketNumber: number): Promise<OutMessage> {
  const ticket = await db.ticket.findUniqueOrThrow({
    where: { number: ticketNumber },
    include: {
      organisation: true,
      contact: { select: { name: true } },
      assignee: { select: { name: true } },
      events: { where: { type: 'customer_message' }, orderBy: { createdAt: 'asc' }, take: 1 },
    },
  });
  const first = ticket.events[0]?.body ?? '';
  const value = String(ticket.number);
  const buttons: Button[] = [];
  if (isFinished(ticket.status)) {
    buttons.push({ action: 'ticket.reopen', label: 'Reopen', value });
  } else {
    if (!ticket.assigneeId)
      buttons.push({ action: 'ticket.take', label: 'Take it', value, style: 'primary' });
    if (ticket.status !== 'awaiting_confirmation') {
      buttons.push({ action: 'ticket.resolve', label: 'Resolve…', value, form: resolveForm });
    }
    buttons.push({ action: 'ticket.spam', label: 'Spam', value, style: 'danger' });
  }
  const fields = [
    { label: 'Status', value: label[ticket.status] },
    { label: 'Priority', value: ticket.priority },
    { label: 'Organisation', value: ticket.organisation.name },
    { label: 'Plan', value: ticket.organisation.plan },
    { label: 'Requester', value: ticket.contact.name },
    { label: 'Assignee', value: ticket.assignee?.name ?? 'unassigned' },
  ];
  if (ticket.category) fields.push({ label: 'Category', value: ticket.category });
  if (ticket.productId) fields.push({ label: 'Product', value: ticket.productId });
  if (ticket.firstResponseDueAt && !ticket.firstRespondedAt) {
    fields.push({ label: 'First response due', value: ticket.firstResponseDueAt.toISOString() });
  }
  if (ticket.organisation.infraUrl)
    fields.push({ label: 'Infrastructure', value: ticket.organisation.infraUrl });
  return {
    title: `#${ticket.number} ${ticket.subject}`,
    text: first.length > 600 ? `${first.slice(0, 597)}…` : first,
    fields,
    buttons,
    context: `via ${ticket.source} · opened ${ticket.createdAt.toISOString()}`,
  };
}
