// Buttons and forms, dispatched the same way from every platform. Permission is checked here, by
// the clicking person's role, never by hiding a button.
import { UserError } from './errors.ts';
import type { ActionInvocation } from './message.ts';
import type { Actor, TicketService } from './tickets/service.ts';

type Handler = (
  service: TicketService,
  actor: Actor,
  ticket: number,
  form: Record<string, string>,
) => Promise<string>;

const handlers: Record<string, Handler> = {
  'ticket.take': async (s, actor, n) => {
    if (actor.kind !== 'agent') throw new UserError('Only agents can take tickets.', 403, 'forbidden');
    await s.assign(n, actor, actor.agentId);
    return `You took ticket #${n}.`;
  },
  'ticket.resolve': async (s, actor, n, form) => {
    await s.resolve(n, actor, { message: form.message ?? '', technicalNote: form.technicalNote });
    return `Ticket #${n}: the customer has been asked to confirm the solution.`;
  },
  'ticket.spam': async (s, actor, n) => {
    await s.setStatus(n, actor, 'spam');
    return `Ticket #${n} marked as spam.`;
  },
  'ticket.reopen': async (s, actor, n) => {
    await s.setStatus(n, actor, 'open');
    return `Ticket #${n} reopened.`;
  },
  'ticket.confirm_yes': async (s, actor, n) => {
    await s.confirm(n, actor, true);
    return `Ticket #${n} confirmed as solved.`;
  },
  'ticket.confirm_no': async (s, actor, n) => {
    await s.confirm(n, actor, false);
    return `Ticket #${n} reopened.`;
  },
};

export const actionIds = Object.keys(handlers);

/** Runs an action; returns a short confirmation for the person who clicked. */
export async function runAction(
  service: TicketService,
  actor: Actor,
  inv: ActionInvocation,
): Promise<string> {
  const handler = handlers[inv.action];
  if (!handler) throw new UserError(`Unknown action "${inv.action}".`, 400, 'unknown_action');
  const ticket = Number(inv.value);
  if (!Number.isInteger(ticket) || ticket <= 0) throw new UserError('That button does not name a ticket.');
  return handler(service, actor, ticket, inv.form ?? {});
}
