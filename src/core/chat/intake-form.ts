// A ticket panel (seeds 001/002): in a support channel with `panel: true`, customers open a ticket with a
// button and a form that asks what support needs to start — the project, the environment, a description —
// and each ticket gets a private place of its own on the platform (a Discord private thread with the
// customer and the agents). The words, the form and what the answers become are platform-neutral; the
// adapter posts the panel and opens the private place (ChatAdapter.openPrivateConversation).
import type { Language } from '../../i18n/index.ts';
import { type Localized, pick } from '../../i18n/localized.ts';
import type { FormSpec, OutMessage } from '../message.ts';

/** The panel's button: its value is the channel's organisation, for the form's products and language. */
export const OPEN_CONVERSATION = 'conversation.open';

const texts = {
  panelTitle: { en: 'Support', es: 'Soporte' },
  panelText: (org: string): Localized => ({
    en: `Need help from ${org}'s support team? Press *Open ticket*: tell us about the problem and we answer you in a private thread only you and our agents see.`,
    es: `¿Necesita ayuda del equipo de soporte de ${org}? Pulse *Abrir ticket*: cuéntenos el problema y le responderemos en un hilo privado que solo usted y nuestros agentes ven.`,
  }),
  openTicket: { en: 'Open ticket', es: 'Abrir ticket' },
  formTitle: { en: 'Open a support ticket', es: 'Abrir un ticket de soporte' },
  submit: { en: 'Open ticket', es: 'Abrir ticket' },
  project: { en: 'Project or product', es: 'Proyecto o producto' },
  environment: { en: 'Environment (URL or name)', es: 'Entorno (URL o nombre)' },
  environmentHint: {
    en: 'e.g. production, https://app.example.com',
    es: 'p. ej. producción, https://app.example.com',
  },
  description: { en: 'What happens?', es: '¿Qué ocurre?' },
  descriptionHint: {
    en: 'What you did, what you expected, what happened instead; paste any error',
    es: 'Qué hizo, qué esperaba y qué pasó en su lugar; pegue cualquier error',
  },
  opened: (n: number): Localized => ({
    en: `Ticket #${n} is open: we answer you in its private thread.`,
    es: `El ticket #${n} está abierto: le responderemos en su hilo privado.`,
  }),
  notHere: {
    en: 'Tickets cannot be opened from this channel. Ask the support team where to write.',
    es: 'Desde este canal no se pueden abrir tickets. Pregunte al equipo de soporte dónde escribir.',
  },
  agentsUseCommand: {
    en: 'Agents open tickets for customers with /ticket new.',
    es: 'Los agentes abren tickets para los clientes con /ticket new.',
  },
} satisfies Record<string, Localized | ((...a: never[]) => Localized)>;

/** The message with the *Open ticket* button, in the organisation's language. */
export function panelMessage(org: { id: string; name: string; language: string }): OutMessage {
  const l = org.language;
  return {
    title: pick(texts.panelTitle, l),
    text: pick(texts.panelText(org.name), l),
    buttons: [
      { action: OPEN_CONVERSATION, value: org.id, label: pick(texts.openTicket, l), style: 'primary' },
    ],
  };
}

/** The form the button opens: a product select when the organisation has products, else free text. */
export function intakeForm(language: string, products: { id: string; name: string }[]): FormSpec {
  const l = language;
  return {
    title: pick(texts.formTitle, l),
    submitLabel: pick(texts.submit, l),
    fields: [
      products.length
        ? {
            id: 'product',
            label: pick(texts.project, l),
            kind: 'select',
            required: true,
            options: products.map((p) => ({ value: p.id, label: p.name })),
          }
        : { id: 'project', label: pick(texts.project, l), kind: 'text', required: true },
      {
        id: 'environment',
        label: pick(texts.environment, l),
        kind: 'text',
        required: true,
        placeholder: pick(texts.environmentHint, l),
      },
      {
        id: 'description',
        label: pick(texts.description, l),
        kind: 'textarea',
        required: true,
        placeholder: pick(texts.descriptionHint, l),
      },
    ],
  };
}

/**
 * The answers as the ticket's first message: the description first (it titles the ticket), then the
 * project and environment as labelled lines agents read at a glance.
 */
export function intakeText(
  values: Record<string, string>,
  language: string,
  productName: string | undefined,
): { subject: string; text: string } {
  const description = (values.description ?? '').trim();
  const project = productName ?? values.project?.trim();
  const lines = [
    description,
    '',
    project ? `${pick(texts.project, language)}: ${project}` : undefined,
    values.environment?.trim()
      ? `${pick(texts.environment, language)}: ${values.environment.trim()}`
      : undefined,
  ].filter((x) => x !== undefined);
  const subject = description.split('\n').find((l) => l.trim()) ?? project ?? 'Support';
  return { subject, text: lines.join('\n').trim() };
}

export const intakeTexts = {
  opened: (n: number, l: Language | string) => pick(texts.opened(n), l),
  notHere: (l: string) => pick(texts.notHere, l),
  agentsUseCommand: (l: string) => pick(texts.agentsUseCommand, l),
};
