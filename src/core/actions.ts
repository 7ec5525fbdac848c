// Buttons and forms, dispatched the same way from every platform. Permission is checked here and in the
// service, by the clicking person's role, never by hiding a button.
import type { Db, Tx } from '../db/index.ts';
import { t } from '../i18n/index.ts';
import { type Localized, pick } from '../i18n/localized.ts';
import { alertHandlers } from './alerts/actions.ts';
import { OPEN_CONVERSATION } from './chat/intake-form.ts';
import type { DeskConfig } from './config.ts';
import { customerLanguage } from './customer-language.ts';
import { ForbiddenError, NotFoundError, refusal, UserError } from './errors.ts';
import { type ActionInvocation, ticked } from './message.ts';
import { ONBOARD_TICK, tickOnboarding } from './onboarding/onboarding.ts';
import { answerSurvey, customerOf, parseRating } from './survey/answer.ts';
import { SURVEY_COMMENT, SURVEY_RATE } from './survey/message.ts';
import type { Conversations } from './tickets/conversations.ts';
import type { Escalations } from './tickets/escalation.ts';
import { isInfoItem } from './tickets/required-info.ts';
import { type Actor, fieldNameEs, type TicketField, type TicketService } from './tickets/service.ts';

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
) => Promise<Localized>;

const agentOnly = (actor: Actor): Extract<Actor, { kind: 'agent' }> => {
  if (actor.kind !== 'agent') throw new ForbiddenError(refusal.agentsOnly);
  return actor;
};

/** The ticket, and the texts its customer reads (in their language: customer-language.ts). */
async function texts(tx: Tx, number: number) {
  const ticket = await tx.ticket.findUnique({
    where: { number },
    include: { organisation: true, contact: { select: { language: true } } },
  });
  if (!ticket) throw new NotFoundError(refusal.noTicket(number));
  return { ticket, texts: t(customerLanguage(ticket.contact, ticket.organisation)) };
}

/** Seed 003's chain: a templated answer in the customer's language, then the ticket ends. */
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
    return end === 'spam'
      ? {
          en: `Ticket #${n}: the customer was told and the ticket is marked as spam.`,
          es: `Ticket #${n}: se ha avisado al cliente y el ticket queda marcado como spam.`,
        }
      : {
          en: `Ticket #${n}: the customer was told and the ticket is rejected.`,
          es: `Ticket #${n}: se ha avisado al cliente y el ticket queda rechazado.`,
        };
  };

const resolveWith: Handler = async (deps, actor, n, form) => {
  await deps.tickets.resolve(n, actor, { message: form.message ?? '', technicalNote: form.technicalNote });
  return {
    en: `Ticket #${n}: the customer has been asked to confirm the solution.`,
    es: `Ticket #${n}: se ha pedido al cliente que confirme la solución.`,
  };
};

const setField =
  (field: TicketField, formKey: string): Handler =>
  async (deps, actor, n, form) => {
    const value = form[formKey]?.trim();
    if (!value) throw new UserError({ en: `Choose a ${field}.`, es: `Elija ${fieldNameEs[field]}.` });
    await deps.tickets.setField(n, actor, field, value);
    return {
      en: `Ticket #${n}: ${field} set to ${value}.`,
      es: `Ticket #${n}: ${fieldNameEs[field]} es ahora ${value}.`,
    };
  };

const reopened = (n: number): Localized => ({ en: `Ticket #${n} reopened.`, es: `Ticket #${n} reabierto.` });

const handlers: Record<string, Handler> = {
  'ticket.take': async (d, actor, n) => {
    const agent = agentOnly(actor);
    await d.tickets.assign(n, actor, agent.agentId);
    return { en: `You took ticket #${n}.`, es: `Ha tomado el ticket #${n}.` };
  },
  'ticket.assign': async (d, actor, n, form) => {
    if (!form.agent)
      throw new UserError({ en: 'Choose the agent to assign.', es: 'Elija el agente al que asignarlo.' });
    await d.tickets.assign(n, actor, form.agent);
    return { en: `Ticket #${n} assigned.`, es: `Ticket #${n} asignado.` };
  },
  'ticket.priority': setField('priority', 'priority'),
  'ticket.category': setField('category', 'category'),
  'ticket.product': setField('product', 'product'),
  'ticket.spam': async (d, actor, n) => {
    await d.tickets.setStatus(n, actor, 'spam');
    return { en: `Ticket #${n} marked as spam.`, es: `Ticket #${n} marcado como spam.` };
  },
  'ticket.wrong_recipient': replyAndEnd('spam', 'Wrong recipient', (_d, x, n) => x.texts.wrongRecipient(n)),
  'ticket.meant_for_person': replyAndEnd('rejected', 'Meant for a person', (d, x, n, form) => {
    const contact = form.contact?.trim() || d.config.tickets.generalContact;
    if (!contact) {
      throw new UserError({
        en: "Give that person's contact, or set tickets.generalContact in relevo.yaml for the general address.",
        es: 'Indique el contacto de esa persona, o configure tickets.generalContact en relevo.yaml con la dirección general.',
      });
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
      throw new UserError({
        en: 'Fill in at least one part of the initial response.',
        es: 'Rellene al menos una parte de la respuesta inicial.',
      });
    await d.db.$transaction(async (tx) => {
      const { ticket, texts: x } = await texts(tx, n);
      const body = parts
        .filter((p) => form[p]?.trim())
        .map((p) => `${x.initialResponse[p]}:\n${form[p]?.trim()}`)
        .join('\n\n');
      await d.tickets.reply(n, actor, body, undefined, tx);
      // Missing required information: the ticket waits on the customer (seeds 001, 002), with what
      // the intake found missing still shown; asking again while it already waits keeps it waiting.
      if (form.required?.trim()) {
        await d.tickets.waitForInformation(tx, n, actor, ticket.infoMissing.filter(isInfoItem));
      }
    });
    return form.required?.trim()
      ? {
          en: `Ticket #${n}: initial response sent; waiting on the customer.`,
          es: `Ticket #${n}: respuesta inicial enviada; a la espera del cliente.`,
        }
      : { en: `Ticket #${n}: initial response sent.`, es: `Ticket #${n}: respuesta inicial enviada.` };
  },
  'ticket.ask_info': async (d, actor, n, form) => {
    agentOnly(actor);
    const items = ticked(form.items);
    const unknown = items.find((i) => !isInfoItem(i));
    if (unknown) {
      throw new UserError({
        en: `"${unknown}" is not something Relevo asks for.`,
        es: `«${unknown}» no es algo que Relevo pida.`,
      });
    }
    await d.tickets.requestInformation(n, actor, { items: items.filter(isInfoItem), other: form.other });
    return {
      en: `Ticket #${n}: the customer was asked for the information; the ticket waits on them.`,
      es: `Ticket #${n}: se ha pedido la información al cliente; el ticket queda a la espera de su respuesta.`,
    };
  },
  'ticket.reject': async (d, actor, n, form) => {
    const reason = form.reason?.trim() ?? '';
    if (!reason) {
      throw new UserError({
        en: 'Say why the ticket is rejected: the customer reads the reason.',
        es: 'Indique por qué se rechaza el ticket: el cliente leerá el motivo.',
      });
    }
    return replyAndEnd('rejected', reason, (_d, x) => x.texts.rejected(n, reason))(d, actor, n, form);
  },
  'ticket.escalate': async (d, actor, n, form) => {
    await d.escalations.escalate(n, actor, {
      product: form.product,
      background: form.background,
      notes: form.notes,
    });
    return {
      en: `Ticket #${n} escalated to the maintainers.`,
      es: `Ticket #${n} escalado a los mantenedores.`,
    };
  },
  'ticket.reopen': async (d, actor, n) => {
    await d.tickets.setStatus(n, actor, 'open');
    return reopened(n);
  },
  'ticket.confirm_yes': async (d, actor, n) => {
    await d.tickets.confirm(n, actor, true);
    return { en: `Ticket #${n} confirmed as solved.`, es: `Ticket #${n} confirmado como resuelto.` };
  },
  'ticket.confirm_no': async (d, actor, n) => {
    await d.tickets.confirm(n, actor, false);
    return reopened(n);
  },
  // The maintainers' own words, also kept as a note on the ticket.
  'escalation.claim': async (d, actor, n) => d.escalations.claim(n, actor),
  'escalation.diagnose': async (d, actor, n, form) =>
    d.escalations.diagnose(n, actor, {
      summary: form.summary ?? '',
      certainty: form.certainty ?? '',
      estimate: form.estimate ?? '',
      confidence: form.confidence ?? '',
    }),
};

// A ticket panel's button is for customers too: the router opens the conversation (chat/intake-form.ts).
const customerActions = new Set([
  'ticket.confirm_yes',
  'ticket.confirm_no',
  OPEN_CONVERSATION,
  SURVEY_RATE,
  SURVEY_COMMENT,
]);

/** Actions whose value is not a ticket number. */
const special: Record<
  string,
  (
    deps: ActionDeps,
    actor: Actor,
    value: string,
    form: Record<string, string>,
    platform: string,
  ) => Promise<Localized>
> = {
  // An alert group's buttons (core/alerts/actions.ts): the value is the group's id.
  ...alertHandlers,
  // A new agent's onboarding checklist (core/onboarding): the value is "<checklist id>:<item id>".
  [ONBOARD_TICK]: (d, actor, value) =>
    tickOnboarding({ db: d.db, config: d.config, now: () => d.tickets.now() }, actor, value),
  'conversation.create': async (d, actor, id) => {
    const n = await d.conversations.createTicket(id, actor);
    return {
      en: `Ticket #${n} created from the conversation.`,
      es: `Ticket #${n} creado a partir de la conversación.`,
    };
  },
  // A resolved ticket's satisfaction survey (core/survey): the customer's own buttons.
  [SURVEY_RATE]: (d, actor, value, _form, platform) => {
    const { ticketNumber, score } = parseRating(value);
    return answerSurvey(d, customerOf(actor, platform), ticketNumber, { score });
  },
  [SURVEY_COMMENT]: (d, actor, value, form, platform) =>
    answerSurvey(d, customerOf(actor, platform), ticketNumberOf(value), { comment: form.comment ?? '' }),
  'note.share': async (d, actor, value) => {
    const [number, eventId] = value.split(':');
    await d.tickets.shareWithCustomer(Number(number), actor, eventId ?? '');
    return {
      en: `Shared with the customer of ticket #${number}.`,
      es: `Compartido con el cliente del ticket #${number}.`,
    };
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

/**
 * Runs an action; returns a short confirmation for the person who clicked, in their `language` (a
 * customer pressing "Yes, solved" reads their organisation's; the chat router always says which).
 * Refusals are UserErrors carrying both languages.
 */
export async function runAction(
  deps: ActionDeps,
  actor: Actor,
  inv: ActionInvocation,
  language = 'en',
): Promise<string> {
  return pick(await confirmation(deps, actor, inv), language);
}

async function confirmation(deps: ActionDeps, actor: Actor, inv: ActionInvocation): Promise<Localized> {
  const other = special[inv.action];
  if (other) return other(deps, actor, inv.value, inv.form ?? {}, inv.platform ?? 'unknown');
  const handler = handlers[inv.action];
  if (!handler) {
    throw new UserError(
      { en: `Unknown action "${inv.action}".`, es: `Acción desconocida: «${inv.action}».` },
      400,
      'unknown_action',
    );
  }
  // Only the confirmation buttons are the customer's; say "not yours" before judging the form.
  if (!mayRun(actor, inv.action)) {
    throw new ForbiddenError(refusal.agentsOnly);
  }
  return handler(deps, actor, ticketNumberOf(inv.value), inv.form ?? {});
}

/** The ticket a button's value names. */
function ticketNumberOf(value: string): number {
  const ticket = Number(value);
  if (!Number.isInteger(ticket) || ticket <= 0) throw new UserError(refusal.noTicketButton);
  return ticket;
}
