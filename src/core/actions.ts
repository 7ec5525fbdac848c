// Buttons and forms, dispatched the same way from every platform. Permission is checked here and in the
// service, by the clicking person's role, never by hiding a button.
import type { Db, Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import type { DeskConfig } from './config.ts';
import { ForbiddenError, NotFoundError, UserError } from './errors.ts';
import type { ActionInvocation } from './message.ts';
import type { Conversations } from './tickets/conversations.ts';
import type { Escalations } from './tickets/escalation.ts';
import type { Actor, TicketField, TicketService } from './tickets/service.ts';

export interface ActionDeps {
  db: Db;
  config: DeskConfig;
  tickets: TicketService;
  escalations: Escalations;
  conversations: Conversations;
}

type Handler = (
  deps: ActionDeps,
  actor: Actor,
  ticket: number,
  form: Record<string, string>,
) => Promise<string>;

const agentOnly = (actor: Actor): Extract<Actor, { kind: 'agent' }> => {
  if (actor.kind !== 'agent') throw new ForbiddenError('Only agents can do this.');
  return actor;
};

async function texts(tx: Tx, number: number) {
  const ticket = await tx.ticket.findUnique({ where: { number }, include: { organisation: true } });
  if (!ticket) throw new NotFoundError(`There is no ticket #${number}.`);
  return { ticket, texts: t(ticket.organisation.language) };
}

/** Seed 003's chain: a templated answer in the organisation's language, then the ticket ends. */
const replyAndEnd =
  (
    end: 'spam' | 'rejected',
    reason: string,
    message: (
      d: ActionDeps,
      x: Awaited<ReturnType<typeof texts>>,
      n: number,
      form: Record<string, string>,
    ) => string,
  ): Handler =>
  async (deps, actor, n, form) => {
    agentOnly(actor);
    await deps.db.$transaction(async (tx) => {
      const info = await texts(tx, n);
      await deps.tickets.reply(n, actor, message(deps, info, n, form), undefined, tx);
      await deps.tickets.setStatus(n, actor, end, reason, tx);
    });
    return `Ticket #${n}: the customer was told and the ticket is ${end === 'spam' ? 'marked as spam' : 'rejected'}.`;
  };

const resolveWith: Handler = async (deps, actor, n, form) => {
  await deps.tickets.resolve(n, actor, { message: form.message ?? '', technicalNote: form.technicalNote });
  return `Ticket #${n}: the customer has been asked to confirm the solution.`;
};

const setField =
  (field: TicketField, formKey: string): Handler =>
  async (deps, actor, n, form) => {
    const value = form[formKey]?.trim();
    if (!value) throw new UserError(`Choose a ${field}.`);
    await deps.tickets.setField(n, actor, field, value);
    return `Ticket #${n}: ${field} set to ${value}.`;
  };

const handlers: Record<string, Handler> = {
  'ticket.take': async (d, actor, n) => {
    const agent = agentOnly(actor);
    await d.tickets.assign(n, actor, agent.agentId);
    return `You took ticket #${n}.`;
  },
  'ticket.assign': async (d, actor, n, form) => {
    if (!form.agent) throw new UserError('Choose the agent to assign.');
    await d.tickets.assign(n, actor, form.agent);
    return `Ticket #${n} assigned.`;
  },
  'ticket.priority': setField('priority', 'priority'),
  'ticket.category': setField('category', 'category'),
  'ticket.product': setField('product', 'product'),
  'ticket.spam': async (d, actor, n) => {
    await d.tickets.setStatus(n, actor, 'spam');
    return `Ticket #${n} marked as spam.`;
  },
  'ticket.wrong_recipient': replyAndEnd('spam', 'Wrong recipient', (_d, x, n) => x.texts.wrongRecipient(n)),
  'ticket.meant_for_person': replyAndEnd('rejected', 'Meant for a person', (d, x, n, form) => {
    const contact = form.contact?.trim() || d.config.tickets.generalContact;
    if (!contact) {
      throw new UserError(
        "Give that person's contact, or set tickets.generalContact in relevo.yaml for the general address.",
      );
    }
    return x.texts.meantForPerson(n, contact);
  }),
  'ticket.unsupported_product': replyAndEnd('rejected', 'Unsupported product', (d, x, n) => {
    const names = x.ticket.organisation.products.map(
      (id) => d.config.products.find((p) => p.id === id)?.name ?? id,
    );
    return x.texts.unsupportedProduct(n, names.length ? names.join(', ') : x.texts.noProducts);
  }),
  'ticket.answer': resolveWith,
  'ticket.agent_action': resolveWith,
  'ticket.resolve': resolveWith,
  'ticket.initial_response': async (d, actor, n, form) => {
    agentOnly(actor);
    const parts = ['required', 'optional', 'diagnosis', 'expected', 'workaround'] as const;
    if (!parts.some((p) => form[p]?.trim()))
      throw new UserError('Fill in at least one part of the initial response.');
    await d.db.$transaction(async (tx) => {
      const { ticket, texts: x } = await texts(tx, n);
      const body = parts
        .filter((p) => form[p]?.trim())
        .map((p) => `${x.initialResponse[p]}:\n${form[p]?.trim()}`)
        .join('\n\n');
      await d.tickets.reply(n, actor, body, undefined, tx);
      // Missing required information: the ticket waits on the customer (seeds 001, 002).
      // Asking again while it already waits (a follow-up) keeps it waiting.
      if (form.required?.trim() && ticket.status !== 'waiting_on_customer') {
        await d.tickets.setStatus(n, actor, 'waiting_on_customer', undefined, tx);
      }
    });
    return `Ticket #${n}: initial response sent${form.required?.trim() ? '; waiting on the customer' : ''}.`;
  },
  'ticket.reject': async (d, actor, n, form) => {
    const reason = form.reason?.trim() ?? '';
    if (!reason) throw new UserError('Say why the ticket is rejected: the customer reads the reason.');
    return replyAndEnd('rejected', reason, (_d, x) => x.texts.rejected(n, reason))(d, actor, n, form);
  },
  'ticket.escalate': async (d, actor, n, form) => {
    await d.escalations.escalate(n, actor, {
      product: form.product,
      background: form.background,
      notes: form.notes,
    });
    return `Ticket #${n} escalated to the maintainers.`;
  },
  'ticket.reopen': async (d, actor, n) => {
    await d.tickets.setStatus(n, actor, 'open');
    return `Ticket #${n} reopened.`;
  },
  'ticket.confirm_yes': async (d, actor, n) => {
    await d.tickets.confirm(n, actor, true);
    return `Ticket #${n} confirmed as solved.`;
  },
  'ticket.confirm_no': async (d, actor, n) => {
    await d.tickets.confirm(n, actor, false);
    return `Ticket #${n} reopened.`;
  },
  'escalation.claim': async (d, actor, n) => d.escalations.claim(n, actor),
  'escalation.diagnose': async (d, actor, n, form) =>
    d.escalations.diagnose(n, actor, {
      summary: form.summary ?? '',
      certainty: form.certainty ?? '',
      estimate: form.estimate ?? '',
      confidence: form.confidence ?? '',
    }),
};

const customerActions = new Set(['ticket.confirm_yes', 'ticket.confirm_no']);

/** Actions whose value is not a ticket number. */
const special: Record<string, (deps: ActionDeps, actor: Actor, value: string) => Promise<string>> = {
  'conversation.create': async (d, actor, id) => {
    const n = await d.conversations.createTicket(id, actor);
    return `Ticket #${n} created from the conversation.`;
  },
  'note.share': async (d, actor, value) => {
    const [number, eventId] = value.split(':');
    await d.tickets.shareWithCustomer(Number(number), actor, eventId ?? '');
    return `Shared with the customer of ticket #${number}.`;
  },
};

export const actionIds = [...Object.keys(handlers), ...Object.keys(special)];

/**
 * Whether this person may press this button at all. Checked before a form opens, so a customer never
 * sees an agent's form; the service checks again, by role, whatever path the action takes.
 */
export function mayRun(actor: Actor, action: string): boolean {
  return actor.kind === 'agent' || customerActions.has(action);
}

/** Runs an action; returns a short confirmation for the person who clicked. */
export async function runAction(deps: ActionDeps, actor: Actor, inv: ActionInvocation): Promise<string> {
  const other = special[inv.action];
  if (other) return other(deps, actor, inv.value);
  const handler = handlers[inv.action];
  if (!handler) throw new UserError(`Unknown action "${inv.action}".`, 400, 'unknown_action');
  // Only the confirmation buttons are the customer's; say "not yours" before judging the form.
  if (!mayRun(actor, inv.action)) {
    throw new ForbiddenError('Only agents can do this.');
  }
  const ticket = Number(inv.value);
  if (!Number.isInteger(ticket) || ticket <= 0) throw new UserError('That button does not name a ticket.');
  return handler(deps, actor, ticket, inv.form ?? {});
}
