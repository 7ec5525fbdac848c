// The forms behind the card's buttons (seed 003): what a choice needs the agent to write.
import type { Db } from '../../db/index.ts';
import { requiredInfoTexts } from '../../i18n/required-info.ts';
import { silenceForm } from '../alerts/actions.ts';
import { intakeForm, OPEN_CONVERSATION } from '../chat/intake-form.ts';
import type { FormField, FormSpec } from '../message.ts';
import { categories, categoryLabel } from './categories.ts';
import { certaintyLevels } from './escalation.ts';
import { type InfoItem, infoItems, isInfoItem } from './required-info.ts';

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

export const resolveForm: FormSpec = {
  title: 'Resolve ticket',
  submitLabel: 'Send to customer',
  fields: [
    textarea('message', 'Resolution message (the customer reads this)', true),
    textarea('technicalNote', 'How it was solved (internal technical note)'),
  ],
};

export const answerForm: FormSpec = {
  title: 'Answer with information',
  submitLabel: 'Send and ask to confirm',
  fields: [
    textarea('message', 'The information or documentation the customer needs', true),
    textarea('technicalNote', 'Internal note'),
  ],
};

export const agentActionForm: FormSpec = {
  title: 'Agent action',
  submitLabel: 'Send and ask to confirm',
  fields: [
    textarea('message', 'Summary of what you did (the customer reads this)', true),
    textarea('technicalNote', 'How it was done (internal technical note)'),
  ],
};

export const initialResponseForm: FormSpec = {
  title: 'Initial response',
  submitLabel: 'Send to customer',
  fields: [
    textarea('required', 'Information the customer MUST still send (the ticket then waits on them)'),
    textarea('optional', 'Useful optional information'),
    textarea('diagnosis', 'Diagnosis, in plain words'),
    { id: 'expected', label: 'Expected resolution time', kind: 'text' },
    textarea('workaround', 'Workaround meanwhile'),
  ],
};

/** Seed 001/002's list as boxes, those the intake found missing already ticked, and the agent's own words. */
export function askInfoForm(missing: readonly InfoItem[]): FormSpec {
  const x = requiredInfoTexts('en');
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

export const rejectForm: FormSpec = {
  title: 'Reject ticket',
  submitLabel: 'Reject',
  fields: [textarea('reason', 'Reason (the customer reads this)', true)],
};

export const meantForPersonForm: FormSpec = {
  title: 'Meant for a person',
  submitLabel: 'Tell the customer',
  fields: [
    {
      id: 'contact',
      label: "That person's contact (leave empty to give the general contact)",
      kind: 'text',
    },
  ],
};

export function escalateForm(products: { id: string; name: string }[], current: string | null): FormSpec {
  const ordered = [...products].sort((a, b) => Number(b.id === current) - Number(a.id === current));
  return {
    title: 'Escalate to maintainers',
    submitLabel: 'Escalate',
    fields: [
      select(
        'product',
        'Product',
        ordered.map((p) => ({ value: p.id, label: p.name })),
      ),
      textarea('background', 'Background that helps the diagnosis'),
      textarea('notes', 'What you know or suspect'),
    ],
  };
}

export function assignForm(agents: { id: string; name: string }[]): FormSpec {
  return {
    title: 'Assign ticket',
    submitLabel: 'Assign',
    fields: [
      select(
        'agent',
        'Agent',
        agents.map((a) => ({ value: a.id, label: a.name })),
      ),
    ],
  };
}

export const priorityForm: FormSpec = {
  title: 'Priority',
  submitLabel: 'Set',
  fields: [
    select(
      'priority',
      'Priority',
      ['urgent', 'high', 'normal', 'low'].map((p) => ({ value: p, label: p })),
    ),
  ],
};

export const categoryForm: FormSpec = {
  title: 'Category',
  submitLabel: 'Set',
  fields: [
    select(
      'category',
      'Category',
      categories.map((c) => ({ value: c, label: categoryLabel[c] })),
    ),
  ],
};

export function productForm(products: { id: string; name: string }[]): FormSpec {
  return {
    title: 'Product',
    submitLabel: 'Set',
    fields: [
      select(
        'product',
        'Product',
        products.map((p) => ({ value: p.id, label: p.name })),
      ),
    ],
  };
}

const levels = certaintyLevels.map((l) => ({ value: l, label: l }));
export const diagnosisForm: FormSpec = {
  title: 'Diagnosis',
  submitLabel: 'Save diagnosis',
  fields: [
    textarea('summary', 'Diagnosis summary', true),
    select('certainty', 'Certainty of the diagnosis', levels),
    { id: 'estimate', label: 'Time estimate to solve it', kind: 'text', required: true },
    select('confidence', 'Confidence in the estimate', levels),
  ],
};

type FormSource = (db: Db, value: string, language: string) => FormSpec | Promise<FormSpec | undefined>;

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
  'ticket.meant_for_person': () => meantForPersonForm,
  'ticket.answer': () => answerForm,
  'ticket.agent_action': () => agentActionForm,
  'ticket.escalate': async (db, value) => {
    const t = await ticketProducts(db, value);
    return t && escalateForm(t.products, t.current);
  },
  'ticket.assign': async (db) =>
    assignForm(
      await db.agent.findMany({
        where: { active: true },
        orderBy: { name: 'asc' },
        select: { id: true, name: true },
      }),
    ),
  'ticket.priority': () => priorityForm,
  'ticket.category': () => categoryForm,
  'ticket.product': async (db, value) => {
    const t = await ticketProducts(db, value);
    return t && productForm(t.products);
  },
  'ticket.initial_response': () => initialResponseForm,
  'ticket.ask_info': async (db, value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) return undefined;
    const ticket = await db.ticket.findUnique({ where: { number }, select: { infoMissing: true } });
    return ticket ? askInfoForm(ticket.infoMissing.filter(isInfoItem)) : undefined;
  },
  'ticket.resolve': () => resolveForm,
  'ticket.reject': () => rejectForm,
  'escalation.diagnose': () => diagnosisForm,
  // Only Alertmanager's silences are made here: for other sources the button answers at once with the
  // source's own silence page (core/alerts/actions.ts), rather than after a form filled in for nothing.
  'alert.silence': async (db, value, language) => {
    const group = await db.alertGroup.findUnique({ where: { id: value }, select: { source: true } });
    return group?.source === 'alertmanager' ? silenceForm(language) : undefined;
  },
  // A ticket panel's button: its value is the channel's organisation (core/chat/intake-form.ts).
  [OPEN_CONVERSATION]: async (db, value) => {
    const org = await db.organisation.findUnique({ where: { id: value } });
    if (!org) return undefined;
    const products = await db.product.findMany({
      where: { id: { in: org.products } },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    });
    return intakeForm(org.language, products);
  },
};

/**
 * The form a button opens, looked up when it is pressed — never carried in the button, which would not
 * fit Discord's 100-character custom_id nor stay current (a new agent, another product). Undefined: the
 * action runs at once.
 *
 * @example await formFor(db, 'ticket.assign', '12') // → { title: 'Assign ticket', fields: [agent select] }
 */
export async function formFor(
  db: Db,
  action: string,
  value: string,
  /** The language of the person who pressed the button (the alert forms speak it; the card's are English). */
  language = 'en',
): Promise<FormSpec | undefined> {
  return formsByAction[action]?.(db, value, language);
}

/** Whether pressing `action` opens a form, without reading one (tests driving a platform use it). */
export const opensForm = (action: string): boolean => action in formsByAction;
