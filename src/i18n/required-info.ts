// Asking a customer for the information their request lacks (seeds 001, 002), and the labels agents
// read for the same items, in Spanish and English. Each item says what to send and why it helps, so the
// customer can answer in one message.
import type { InfoItem } from '../core/tickets/required-info.ts';
import type { Language } from './index.ts';

interface RequiredInfoTexts {
  /** What the customer is asked for, item by item. */
  ask: Record<InfoItem, string>;
  /** The item's short name, for the agents' card and form. */
  label: Record<InfoItem, string>;
  /** Relevo's own question at intake, when the first message lacks what the plan requires. */
  intakeAsk: (n: number, items: string) => string;
  /** An agent's question (the *Ask for information…* form): the items, then anything they wrote. */
  agentAsk: (n: number, items: string, other: string) => string;
  /** The reason given when a ticket is rejected because the information never came. */
  rejectReason: (waited: string, items: string) => string;
  /** The form's free-text field. */
  otherLabel: string;
  formTitle: string;
  formSubmit: string;
  itemsLabel: string;
}

const en: RequiredInfoTexts = {
  ask: {
    project: 'the project or product it is about',
    environment_url: 'the URL of the environment where it happens (e.g. https://test.example.com)',
    access: 'how we can access that environment (a user we may use, or whom to ask for one)',
    description: 'a description of what happens: what you did, what you expected and what you got instead',
    evidence:
      'evidence: a screenshot, the error message or the log of the moment it happened (attach it here)',
    steps: 'the screen, the parameters and the filters you used, so we can reproduce it',
  },
  label: {
    project: 'project',
    environment_url: 'environment URL',
    access: 'access',
    description: 'description',
    evidence: 'evidence (screenshot, log)',
    steps: 'steps to reproduce',
  },
  intakeAsk: (n, items) =>
    `To start on ticket #${n} we need a little more:\n${items}\nPlease reply here with it. Until then the ticket waits for you, and its response times are paused.`,
  agentAsk: (n, items, other) =>
    `To go on with ticket #${n} we need:\n${[items, other].filter(Boolean).join('\n')}\nPlease reply here with it; the ticket waits for your answer.`,
  rejectReason: (waited, items) =>
    `the information it needs did not arrive in ${waited}${items ? ` (${items})` : ''}. Write again with it and we will open a new ticket.`,
  otherLabel: 'Anything else to ask (the customer reads this)',
  formTitle: 'Ask for information',
  formSubmit: 'Ask the customer',
  itemsLabel: 'What is missing',
};

const es: RequiredInfoTexts = {
  ask: {
    project: 'el proyecto o producto al que se refiere',
    environment_url: 'la URL del entorno donde ocurre (p. ej. https://test.example.com)',
    access: 'cómo podemos acceder a ese entorno (un usuario que podamos usar, o a quién pedirlo)',
    description: 'una descripción de lo que ocurre: qué hizo, qué esperaba y qué obtuvo en su lugar',
    evidence:
      'evidencias: una captura de pantalla, el mensaje de error o el log del momento en que ocurrió (adjúntelo aquí)',
    steps: 'la pantalla, los parámetros y los filtros que usó, para poder reproducirlo',
  },
  label: {
    project: 'proyecto',
    environment_url: 'URL del entorno',
    access: 'acceso',
    description: 'descripción',
    evidence: 'evidencias (captura, log)',
    steps: 'pasos para reproducirlo',
  },
  intakeAsk: (n, items) =>
    `Para empezar con el ticket #${n} necesitamos algo más:\n${items}\nResponda aquí con ello, por favor. Mientras tanto el ticket queda a la espera de su respuesta y sus plazos de atención se detienen.`,
  agentAsk: (n, items, other) =>
    `Para continuar con el ticket #${n} necesitamos:\n${[items, other].filter(Boolean).join('\n')}\nResponda aquí con ello, por favor; el ticket queda a la espera de su respuesta.`,
  rejectReason: (waited, items) =>
    `no hemos recibido en ${waited} la información que necesita${items ? ` (${items})` : ''}. Escríbanos de nuevo con ella y abriremos un ticket nuevo.`,
  otherLabel: 'Algo más que preguntar (el cliente lo leerá)',
  formTitle: 'Pedir información',
  formSubmit: 'Preguntar al cliente',
  itemsLabel: 'Qué falta',
};

export function requiredInfoTexts(language: string): RequiredInfoTexts {
  return (language as Language) === 'es' ? es : en;
}

/** The items as a bulleted list for the customer. */
export const askList = (items: readonly InfoItem[], language: string): string =>
  items.map((i) => `• ${requiredInfoTexts(language).ask[i]}`).join('\n');

/** The items' short names, joined for one line. */
export const labelList = (items: readonly InfoItem[], language: string): string =>
  items.map((i) => requiredInfoTexts(language).label[i]).join(', ');
