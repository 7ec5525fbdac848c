// The words of the triage card, the escalation post, the waiting-conversation notice and the forms their
// buttons open, in English and Spanish. A card or post in a channel is read by the whole team, so it is
// written in the team's language (core/config.ts teamLanguage); a form is read by the agent who pressed
// its button, so it speaks theirs. Only labels live here: a button's action id and value are what every
// platform sends back, and never change with the language.
// Statuses (core/tickets/lifecycle.ts statusLabel), categories (categories.ts), priorities (sla.ts) and
// the required-information items (required-info.ts) keep their words where they are defined.
import type { EscalationStatus } from '../db/generated/enums.ts';
import type { Language } from './index.ts';

/** The actions the card, the escalation post and the conversation notice offer as buttons. */
export type CardAction =
  | 'ticket.reopen'
  | 'ticket.spam'
  | 'ticket.wrong_recipient'
  | 'ticket.meant_for_person'
  | 'ticket.unsupported_product'
  | 'ticket.answer'
  | 'ticket.agent_action'
  | 'ticket.escalate'
  | 'ticket.take'
  | 'ticket.assign'
  | 'ticket.priority'
  | 'ticket.category'
  | 'ticket.product'
  | 'ticket.initial_response'
  | 'ticket.ask_info'
  | 'ticket.resolve'
  | 'ticket.reject'
  | 'escalation.claim'
  | 'escalation.diagnose'
  | 'conversation.create';

type Level = 'low' | 'medium' | 'high';

/** A form's own words: its title and submit button (Slack and Mattermost show 24 characters of each). */
interface FormWords {
  title: string;
  submit: string;
}

export interface CardTexts {
  /** Each button's label, by the action it sends. */
  button: Record<CardAction, string>;
  field: {
    status: string;
    priority: string;
    organisation: string;
    plan: string;
    requester: string;
    assignee: string;
    unassigned: string;
    category: string;
    /** Information an agent asked the customer for, not sent yet. */
    askedFor: string;
    /** Information the intake found missing, not asked for by an agent yet. */
    missingInfo: string;
    product: string;
    firstResponseDue: string;
    nextUpdateDue: string;
    resolutionDue: string;
    infrastructure: string;
    attachments: string;
    /** Solved tickets like this one (seed 004 step 9): their notes are the documentation. */
    similar: string;
    attachment: (filename: string, kilobytes: number, oversized: boolean) => string;
    escalation: string;
    escalationStatus: Record<EscalationStatus, string>;
    diagnosis: string;
    diagnosisValue: (diagnosis: string, certainty: string) => string;
    estimate: string;
    estimateValue: (estimate: string, confidence: string) => string;
    maintainer: string;
    nobodyYet: string;
    background: string;
    agentNotes: string;
  };
  /** A maintainer's certainty in a diagnosis and confidence in an estimate (core/tickets/escalation.ts). */
  level: Record<Level, string>;
  /** The card's footer: where the ticket came from and when it was opened. */
  opened: (source: string, moment: string) => string;
  escalationTitle: (ticket: number, subject: string, product: string) => string;
  escalationFooter: string;
  conversationTitle: (who: string) => string;
  aCustomer: string;
  ticketCreated: (ticket: number) => string;
  form: {
    resolve: FormWords & { message: string; technicalNote: string };
    answer: FormWords & { message: string; technicalNote: string };
    agentAction: FormWords & { message: string; technicalNote: string };
    initialResponse: FormWords & {
      required: string;
      optional: string;
      diagnosis: string;
      expected: string;
      workaround: string;
    };
    reject: FormWords & { reason: string };
    meantForPerson: FormWords & { contact: string };
    escalate: FormWords & { product: string; background: string; notes: string };
    assign: FormWords & { agent: string };
    priority: FormWords & { priority: string };
    category: FormWords & { category: string };
    product: FormWords & { product: string };
    diagnosis: FormWords & { summary: string; certainty: string; estimate: string; confidence: string };
  };
}

const en: CardTexts = {
  button: {
    'ticket.reopen': 'Reopen',
    'ticket.spam': 'Spam',
    'ticket.wrong_recipient': 'Wrong recipient',
    'ticket.meant_for_person': 'Meant for a person',
    'ticket.unsupported_product': 'Unsupported product',
    'ticket.answer': 'Answer with information',
    'ticket.agent_action': 'Agent action',
    'ticket.escalate': 'Escalate',
    'ticket.take': 'Take it',
    'ticket.assign': 'Assign…',
    'ticket.priority': 'Priority…',
    'ticket.category': 'Category…',
    'ticket.product': 'Product…',
    'ticket.initial_response': 'Initial response…',
    'ticket.ask_info': 'Ask for information…',
    'ticket.resolve': 'Resolve…',
    'ticket.reject': 'Reject…',
    'escalation.claim': "I'll take it",
    'escalation.diagnose': 'Diagnosis…',
    'conversation.create': 'Create ticket',
  },
  field: {
    status: 'Status',
    priority: 'Priority',
    organisation: 'Organisation',
    plan: 'Plan',
    requester: 'Requester',
    assignee: 'Assignee',
    unassigned: 'unassigned',
    category: 'Category',
    askedFor: 'Asked for',
    missingInfo: 'Missing information',
    product: 'Product',
    firstResponseDue: 'First response due',
    nextUpdateDue: 'Next update due',
    resolutionDue: 'Resolution due',
    infrastructure: 'Infrastructure',
    attachments: 'Attachments',
    similar: 'Solved before',
    attachment: (name, kb, oversized) =>
      `${name} (${kb} KB${oversized ? ', over the size limit: not kept' : ''})`,
    escalation: 'Escalation',
    escalationStatus: { open: 'open', claimed: 'claimed', diagnosed: 'diagnosed', closed: 'closed' },
    diagnosis: 'Diagnosis',
    diagnosisValue: (diagnosis, certainty) => `${diagnosis} (certainty ${certainty})`,
    estimate: 'Estimate',
    estimateValue: (estimate, confidence) => `${estimate} (confidence ${confidence})`,
    maintainer: 'Maintainer',
    nobodyYet: 'nobody yet',
    background: 'Background',
    agentNotes: "Agent's notes",
  },
  level: { low: 'low', medium: 'medium', high: 'high' },
  opened: (source, moment) => `via ${source} · opened ${moment}`,
  escalationTitle: (n, subject, product) => `Escalation: #${n} ${subject} (${product})`,
  escalationFooter:
    'Replies in this thread are private notes on the ticket. Use "Share with customer" to send one.',
  conversationTitle: (who) => `Conversation from ${who}`,
  aCustomer: 'a customer',
  ticketCreated: (n) => `Ticket #${n} created.`,
  form: {
    resolve: {
      title: 'Resolve ticket',
      submit: 'Send to customer',
      message: 'Resolution message (the customer reads this)',
      technicalNote: 'How it was solved (internal technical note)',
    },
    answer: {
      title: 'Answer with information',
      submit: 'Send and ask to confirm',
      message: 'The information or documentation the customer needs',
      technicalNote: 'Internal note',
    },
    agentAction: {
      title: 'Agent action',
      submit: 'Send and ask to confirm',
      message: 'Summary of what you did (the customer reads this)',
      technicalNote: 'How it was done (internal technical note)',
    },
    initialResponse: {
      title: 'Initial response',
      submit: 'Send to customer',
      required: 'Information the customer MUST still send (the ticket then waits on them)',
      optional: 'Useful optional information',
      diagnosis: 'Diagnosis, in plain words',
      expected: 'Expected resolution time',
      workaround: 'Workaround meanwhile',
    },
    reject: { title: 'Reject ticket', submit: 'Reject', reason: 'Reason (the customer reads this)' },
    meantForPerson: {
      title: 'Meant for a person',
      submit: 'Tell the customer',
      contact: "That person's contact (leave empty to give the general contact)",
    },
    escalate: {
      title: 'Escalate to maintainers',
      submit: 'Escalate',
      product: 'Product',
      background: 'Background that helps the diagnosis',
      notes: 'What you know or suspect',
    },
    assign: { title: 'Assign ticket', submit: 'Assign', agent: 'Agent' },
    priority: { title: 'Priority', submit: 'Set', priority: 'Priority' },
    category: { title: 'Category', submit: 'Set', category: 'Category' },
    product: { title: 'Product', submit: 'Set', product: 'Product' },
    diagnosis: {
      title: 'Diagnosis',
      submit: 'Save diagnosis',
      summary: 'Diagnosis summary',
      certainty: 'Certainty of the diagnosis',
      estimate: 'Time estimate to solve it',
      confidence: 'Confidence in the estimate',
    },
  },
};

const es: CardTexts = {
  button: {
    'ticket.reopen': 'Reabrir',
    'ticket.spam': 'Spam',
    'ticket.wrong_recipient': 'Destinatario equivocado',
    'ticket.meant_for_person': 'Dirigido a una persona',
    'ticket.unsupported_product': 'Producto sin soporte',
    'ticket.answer': 'Responder con información',
    'ticket.agent_action': 'Acción del agente',
    'ticket.escalate': 'Escalar',
    'ticket.take': 'Tomarlo',
    'ticket.assign': 'Asignar…',
    'ticket.priority': 'Prioridad…',
    'ticket.category': 'Categoría…',
    'ticket.product': 'Producto…',
    'ticket.initial_response': 'Respuesta inicial…',
    'ticket.ask_info': 'Pedir información…',
    'ticket.resolve': 'Resolver…',
    'ticket.reject': 'Rechazar…',
    'escalation.claim': 'Me encargo yo',
    'escalation.diagnose': 'Diagnóstico…',
    'conversation.create': 'Crear ticket',
  },
  field: {
    status: 'Estado',
    priority: 'Prioridad',
    organisation: 'Organización',
    plan: 'Plan',
    requester: 'Solicitante',
    assignee: 'Asignado a',
    unassigned: 'sin asignar',
    category: 'Categoría',
    askedFor: 'Pedido al cliente',
    missingInfo: 'Falta información',
    product: 'Producto',
    firstResponseDue: 'Plazo de primera respuesta',
    nextUpdateDue: 'Plazo de próxima actualización',
    resolutionDue: 'Plazo de resolución',
    infrastructure: 'Infraestructura',
    attachments: 'Adjuntos',
    similar: 'Resuelto antes',
    attachment: (name, kb, oversized) =>
      `${name} (${kb} KB${oversized ? ', supera el tamaño máximo: no se guardó' : ''})`,
    escalation: 'Escalada',
    escalationStatus: { open: 'abierta', claimed: 'tomada', diagnosed: 'diagnosticada', closed: 'cerrada' },
    diagnosis: 'Diagnóstico',
    diagnosisValue: (diagnosis, certainty) => `${diagnosis} (certeza ${certainty})`,
    estimate: 'Estimación',
    estimateValue: (estimate, confidence) => `${estimate} (confianza ${confidence})`,
    maintainer: 'Mantenedor',
    nobodyYet: 'nadie aún',
    background: 'Contexto',
    agentNotes: 'Notas del agente',
  },
  level: { low: 'baja', medium: 'media', high: 'alta' },
  opened: (source, moment) => `vía ${source} · abierto ${moment}`,
  escalationTitle: (n, subject, product) => `Escalada: #${n} ${subject} (${product})`,
  escalationFooter:
    'Las respuestas en este hilo son notas privadas del ticket. Para enviar una al cliente, use «Share with customer» o /ticket share.',
  conversationTitle: (who) => `Conversación de ${who}`,
  aCustomer: 'un cliente',
  ticketCreated: (n) => `Ticket #${n} creado.`,
  form: {
    resolve: {
      title: 'Resolver ticket',
      submit: 'Enviar al cliente',
      message: 'Mensaje de resolución (el cliente lo leerá)',
      technicalNote: 'Cómo se resolvió (nota técnica interna)',
    },
    answer: {
      title: 'Enviar información',
      submit: 'Enviar para confirmar',
      message: 'La información o documentación que el cliente necesita',
      technicalNote: 'Nota interna',
    },
    agentAction: {
      title: 'Acción del agente',
      submit: 'Enviar para confirmar',
      message: 'Resumen de lo que hizo (el cliente lo leerá)',
      technicalNote: 'Cómo se hizo (nota técnica interna)',
    },
    initialResponse: {
      title: 'Respuesta inicial',
      submit: 'Enviar al cliente',
      required: 'Información que el cliente AÚN DEBE enviar (el ticket queda a la espera)',
      optional: 'Información opcional útil',
      diagnosis: 'Diagnóstico, en palabras sencillas',
      expected: 'Plazo esperado de resolución',
      workaround: 'Solución provisional mientras tanto',
    },
    reject: { title: 'Rechazar ticket', submit: 'Rechazar', reason: 'Motivo (el cliente lo leerá)' },
    meantForPerson: {
      title: 'Dirigido a una persona',
      submit: 'Avisar al cliente',
      contact: 'Contacto de esa persona (vacío para dar el contacto general)',
    },
    escalate: {
      title: 'Escalar a mantenedores',
      submit: 'Escalar',
      product: 'Producto',
      background: 'Contexto que ayude al diagnóstico',
      notes: 'Lo que sabe o sospecha',
    },
    assign: { title: 'Asignar ticket', submit: 'Asignar', agent: 'Agente' },
    priority: { title: 'Prioridad', submit: 'Guardar', priority: 'Prioridad' },
    category: { title: 'Categoría', submit: 'Guardar', category: 'Categoría' },
    product: { title: 'Producto', submit: 'Guardar', product: 'Producto' },
    diagnosis: {
      title: 'Diagnóstico',
      submit: 'Guardar diagnóstico',
      summary: 'Resumen del diagnóstico',
      certainty: 'Certeza del diagnóstico',
      estimate: 'Tiempo estimado para resolverlo',
      confidence: 'Confianza en la estimación',
    },
  },
};

export function cardTexts(language: Language | string): CardTexts {
  return language === 'es' ? es : en;
}

/** A certainty or confidence level in words; anything not one of the levels is shown as it was written. */
export function levelLabel(level: string | null, language: Language | string): string {
  const words = cardTexts(language).level;
  return level && Object.hasOwn(words, level) ? words[level as Level] : (level ?? '');
}
