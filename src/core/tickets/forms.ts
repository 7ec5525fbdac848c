// The forms behind the card's buttons (seed 003): what a choice needs the agent to write, in the language
// of the agent who pressed the button (src/i18n/card.ts).
import type { Db } from '../../db/index.ts';
import { cardTexts, levelLabel } from '../../i18n/card.ts';
import type { Language } from '../../i18n/index.ts';
import { pick } from '../../i18n/localized.ts';
import { requiredInfoTexts } from '../../i18n/required-info.ts';
import { silenceForm } from '../alerts/actions.ts';
import { intakeForm, OPEN_CONVERSATION } from '../chat/intake-form.ts';
import type { FormField, FormSpec } from '../message.ts';
import { SURVEY_COMMENT, surveyCommentForm } from '../survey/message.ts';
import { categories, categoryLabel } from './categories.ts';
import { certaintyLevels } from './escalation.ts';
import { type InfoItem, infoItems, isInfoItem } from './required-info.ts';
import { priorityLabel } from './sla.ts';

const textarea = (id: string, label: string, required = false): FormField => ({
  id,
  label,
  kind: 'textarea',
  required,
});
const select = (
  id: string,
  label: string,
  options: { value: string; label: string }[],
  required = true,
): FormField => ({
  id,
  label,
  kind: 'select',
  required,
  options,
});

export function resolveForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.resolve;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [textarea('message', x.message, true), textarea('technicalNote', x.technicalNote)],
  };
}

export function answerForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.answer;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [textarea('message', x.message, true), textarea('technicalNote', x.technicalNote)],
  };
}

export function agentActionForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.agentAction;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [textarea('message', x.message, true), textarea('technicalNote', x.technicalNote)],
  };
}

export function initialResponseForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.initialResponse;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      textarea('required', x.required),
      textarea('optional', x.optional),
      textarea('diagnosis', x.diagnosis),
      { id: 'expected', label: x.expected, kind: 'text' },
      textarea('workaround', x.workaround),
    ],
  };
}

/** Seed 001/002's list as boxes, those the intake found missing already ticked, and the agent's own words. */
export function askInfoForm(missing: readonly InfoItem[], language: Language | string): FormSpec {
  const x = requiredInfoTexts(language);
  return {
    title: x.formTitle,
    submitLabel: x.formSubmit,
    fields: [
      {
        id: 'items',
        label: x.itemsLabel,
        kind: 'choices',
        options: infoItems.map((i) => ({ value: i, label: x.label[i] })),
        initial: missing,
      },
      textarea('other', x.otherLabel),
    ],
  };
}

export function rejectForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.reject;
  return { title: x.title, submitLabel: x.submit, fields: [textarea('reason', x.reason, true)] };
}

export function meantForPersonForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.meantForPerson;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [{ id: 'contact', label: x.contact, kind: 'text' }],
  };
}

export function escalateForm(
  products: { id: string; name: string }[],
  current: string | null,
  language: Language | string,
): FormSpec {
  const x = cardTexts(language).form.escalate;
  const ordered = [...products].sort((a, b) => Number(b.id === current) - Number(a.id === current));
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      select(
        'product',
        x.product,
        ordered.map((p) => ({ value: p.id, label: p.name })),
      ),
      textarea('background', x.background),
      textarea('notes', x.notes),
    ],
  };
}

export function assignForm(agents: { id: string; name: string }[], language: Language | string): FormSpec {
  const x = cardTexts(language).form.assign;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      select(
        'agent',
        x.agent,
        agents.map((a) => ({ value: a.id, label: a.name })),
      ),
    ],
  };
}

export function priorityForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.priority;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      select(
        'priority',
        x.priority,
        (['urgent', 'high', 'normal', 'low'] as const).map((p) => ({
          value: p,
          label: pick(priorityLabel[p], language),
        })),
      ),
    ],
  };
}

export function categoryForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.category;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      select(
        'category',
        x.category,
        categories.map((c) => ({ value: c, label: pick(categoryLabel[c], language) })),
      ),
    ],
  };
}

export function productForm(products: { id: string; name: string }[], language: Language | string): FormSpec {
  const x = cardTexts(language).form.product;
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      select(
        'product',
        x.product,
        products.map((p) => ({ value: p.id, label: p.name })),
      ),
    ],
  };
}

export function diagnosisForm(language: Language | string): FormSpec {
  const x = cardTexts(language).form.diagnosis;
  const levels = certaintyLevels.map((l) => ({ value: l, label: levelLabel(l, language) }));
  return {
    title: x.title,
    submitLabel: x.submit,
    fields: [
      textarea('summary', x.summary, true),
      select('certainty', x.certainty, levels),
      { id: 'estimate', label: x.estimate, kind: 'text', required: true },
      select('confidence', x.confidence, levels),
    ],
  };
}

type FormSource = (
  db: Db,
  value: string,
  language: Language | string,
) => FormSpec | Promise<FormSpec | undefined>;

/** The ticket a button's value names, with what its forms offer (its organisation's products). */
async function ticketProducts(db: Db, value: string) {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) return undefined;
  const ticket = await db.ticket.findUnique({
    where: { number },
    select: { productId: true, organisation: { select: { products: true } } },
  });
  if (!ticket) return undefined;
  const products = await db.product.findMany({
    where: { id: { in: ticket.organisation.products } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
  return { products, current: ticket.productId };
}

const formsByAction: Record<string, FormSource> = {
  'ticket.meant_for_person': (_db, _value, language) => meantForPersonForm(language),
  'ticket.answer': (_db, _value, language) => answerForm(language),
  'ticket.agent_action': (_db, _value, language) => agentActionForm(language),
  'ticket.escalate': async (db, value, language) => {
    const t = await ticketProducts(db, value);
    return t && escalateForm(t.products, t.current, language);
  },
  'ticket.assign': async (db, _value, language) =>
    assignForm(
      await db.agent.findMany({
        where: { active: true },
        orderBy: { name: 'asc' },
        select: { id: true, name: true },
      }),
      language,
    ),
  'ticket.priority': (_db, _value, language) => priorityForm(language),
  'ticket.category': (_db, _value, language) => categoryForm(language),
  'ticket.product': async (db, value, language) => {
    const t = await ticketProducts(db, value);
    return t && productForm(t.products, language);
  },
  'ticket.initial_response': (_db, _value, language) => initialResponseForm(language),
  'ticket.ask_info': async (db, value, language) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) return undefined;
    const ticket = await db.ticket.findUnique({ where: { number }, select: { infoMissing: true } });
    return ticket ? askInfoForm(ticket.infoMissing.filter(isInfoItem), language) : undefined;
  },
  'ticket.resolve': (_db, _value, language) => resolveForm(language),
  'ticket.reject': (_db, _value, language) => rejectForm(language),
  'escalation.diagnose': (_db, _value, language) => diagnosisForm(language),
  // Only Alertmanager's silences are made here: for other sources the button answers at once with the
  // source's own silence page (core/alerts/actions.ts), rather than after a form filled in for nothing.
  'alert.silence': async (db, value, language) => {
    const group = await db.alertGroup.findUnique({ where: { id: value }, select: { source: true } });
    return group?.source === 'alertmanager' ? silenceForm(language) : undefined;
  },
  // A ticket panel's button: its value is the channel's organisation (core/chat/intake-form.ts). The form
  // speaks the language of the customer who pressed it.
  [OPEN_CONVERSATION]: async (db, value, language) => {
    const org = await db.organisation.findUnique({ where: { id: value } });
    if (!org) return undefined;
    const products = await db.product.findMany({
      where: { id: { in: org.products } },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    });
    return intakeForm(language, products);
  },
  // The customer's comment on a resolved ticket's satisfaction survey (core/survey), in their language.
  [SURVEY_COMMENT]: (_db, _value, language) => surveyCommentForm(language),
};

/**
 * The form a button opens, looked up when it is pressed — never carried in the button, which would not
 * fit Discord's 100-character custom_id nor stay current (a new agent, another product). Undefined: the
 * action runs at once.
 *
 * @example await formFor(db, 'ticket.assign', '12', 'es') // → { title: 'Asignar ticket', fields: [agent select] }
 */
export async function formFor(
  db: Db,
  action: string,
  value: string,
  /**
   * The language of the person who pressed the button: whoever fills a form in reads it, not the team
   * that reads the card it came from (a ticket panel's customer reads it in theirs).
   */
  language: Language | string,
): Promise<FormSpec | undefined> {
  return formsByAction[action]?.(db, value, language);
}

/** Whether pressing `action` opens a form, without reading one (tests driving a platform use it). */
export const opensForm = (action: string): boolean => action in formsByAction;
