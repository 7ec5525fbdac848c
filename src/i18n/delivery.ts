// What agents read on a ticket when Relevo could not deliver something for it (a system note), in the
// ticket's organisation's language like everything about a ticket. The adapter's own words follow as a
// detail line, untranslated: they are what the log says, for whoever fixes the cause.
import type { FailureCode } from '../core/chat/failure.ts';

/** The jobs that belong to a ticket (a waiting conversation's message belongs to none). */
export type UndeliveredKind = 'customer_event' | 'card' | 'escalation' | 'agent_notice' | 'sla_warning';

export interface DeliveryTexts {
  /** Where it was going, as a sentence reads it: Slack, the mail server… */
  platform: (platform: string) => string;
  what: Record<UndeliveredKind, (platform: string) => string>;
  gaveUp: (what: string, attempts: number) => string;
  /** A message to the customer failed once and is being retried. */
  notYet: (cause: string) => string;
  cause: Record<FailureCode, (platform: string) => string>;
  /** What to do now that it will not be retried. */
  next: Record<UndeliveredKind, string>;
  detail: (text: string) => string;
}

const platformNames: Record<string, { en: string; es: string }> = {
  slack: { en: 'Slack', es: 'Slack' },
  email: { en: 'the mail server', es: 'el servidor de correo' },
  webchat: { en: 'the web chat', es: 'el chat web' },
  mattermost: { en: 'Mattermost', es: 'Mattermost' },
  discord: { en: 'Discord', es: 'Discord' },
};

const en: DeliveryTexts = {
  platform: (p) => platformNames[p]?.en ?? p,
  what: {
    customer_event: (p) => `a message to the customer (through ${p})`,
    card: (p) => `the ticket's card in the agents' channel (on ${p})`,
    escalation: (p) => `the escalation to the product's maintainers (on ${p})`,
    agent_notice: (p) => `the personal copy of a customer's message to the ticket's agent (through ${p})`,
    sla_warning: (p) => `a warning to agents about the ticket's SLA (on ${p})`,
  },
  gaveUp: (what, n) =>
    `Relevo gave up delivering ${what} after ${n === 1 ? 'one attempt' : `${n} attempts`}.`,
  notYet: (cause) => `A message could not be delivered to the customer yet: ${cause} Relevo keeps retrying.`,
  cause: {
    unreachable: (p) => `${capital(p)} could not be reached.`,
    timeout: (p) => `${capital(p)} did not answer in time.`,
    server_error: (p) => `${capital(p)} was failing on its side.`,
    rate_limited: (p) => `${capital(p)} refused Relevo for sending too fast.`,
    temporary: (p) => `${capital(p)} deferred it.`,
    unauthorized: (p) =>
      `${capital(p)} refused Relevo's credentials (wrong, revoked, or the account disabled): fix them in Relevo's environment and restart it.`,
    forbidden: (p) =>
      `${capital(p)} refused: Relevo lacks a permission there. Grant it (reinstall the app with the permissions it asks for).`,
    channel_unavailable: (p) =>
      `The channel on ${p} does not exist, is archived, or Relevo is not in it: check relevo.yaml and invite Relevo to the channel.`,
    message_invalid: (p) => `${capital(p)} refused the message itself: it cannot be sent as it is.`,
    message_gone: (p) => `The message to update no longer exists on ${p}.`,
    recipient_refused: (p) => `${capital(p)} refused the recipient: check the address Relevo has for them.`,
    refused: (p) => `${capital(p)} refused it.`,
    unexpected: () => 'An unexpected error happened (Relevo’s log has the details).',
  },
  next: {
    customer_event:
      'The customer has not received it: once the cause is fixed, send it again or reach them another way.',
    card: 'The card catches up at the ticket’s next change once the cause is fixed.',
    escalation: 'The maintainers have not been told: once the cause is fixed, tell them directly.',
    agent_notice: 'The message is on the ticket: the agent can read it there.',
    sla_warning: 'Agents were not warned there: check the ticket’s due times yourself.',
  },
  detail: (text) => `Detail: ${text}`,
};

const es: DeliveryTexts = {
  platform: (p) => platformNames[p]?.es ?? p,
  what: {
    customer_event: (p) => `un mensaje al cliente (vía ${p})`,
    card: (p) => `la tarjeta del ticket en el canal de agentes (en ${p})`,
    escalation: (p) => `la escalada a los responsables del producto (en ${p})`,
    agent_notice: (p) => `la copia personal de un mensaje del cliente al agente del ticket (vía ${p})`,
    sla_warning: (p) => `un aviso a los agentes sobre el SLA del ticket (en ${p})`,
  },
  gaveUp: (what, n) =>
    `Relevo dejó de intentar entregar ${what} tras ${n === 1 ? 'un intento' : `${n} intentos`}.`,
  notYet: (cause) => `Aún no se pudo entregar un mensaje al cliente: ${cause} Relevo sigue intentándolo.`,
  cause: {
    unreachable: (p) => `No se pudo conectar con ${p}.`,
    timeout: (p) => `${capital(p)} no respondió a tiempo.`,
    server_error: (p) => `${capital(p)} estaba fallando por su parte.`,
    rate_limited: (p) => `${capital(p)} rechazó a Relevo por enviar demasiado rápido.`,
    temporary: (p) => `${capital(p)} lo aplazó.`,
    unauthorized: (p) =>
      `${capital(p)} rechazó las credenciales de Relevo (erróneas, revocadas o de una cuenta desactivada): corríjalas en el entorno de Relevo y reinícielo.`,
    forbidden: (p) =>
      `${capital(p)} lo rechazó: a Relevo le falta un permiso allí. Concédalo (reinstale la aplicación con los permisos que pide).`,
    channel_unavailable: (p) =>
      `El canal en ${p} no existe, está archivado o Relevo no está en él: revise relevo.yaml e invite a Relevo al canal.`,
    message_invalid: (p) => `${capital(p)} rechazó el propio mensaje: no se puede enviar tal como está.`,
    message_gone: (p) => `El mensaje que había que actualizar ya no existe en ${p}.`,
    recipient_refused: (p) =>
      `${capital(p)} rechazó al destinatario: revise la dirección que Relevo tiene de esa persona.`,
    refused: (p) => `${capital(p)} lo rechazó.`,
    unexpected: () => 'Ocurrió un error inesperado (el registro de Relevo tiene los detalles).',
  },
  next: {
    customer_event:
      'El cliente no lo ha recibido: cuando se corrija la causa, envíelo de nuevo o contacte con él por otra vía.',
    card: 'La tarjeta se pondrá al día con el siguiente cambio del ticket, una vez corregida la causa.',
    escalation: 'Los responsables no han sido avisados: cuando se corrija la causa, avíseles directamente.',
    agent_notice: 'El mensaje está en el ticket: el agente puede leerlo allí.',
    sla_warning: 'Los agentes no recibieron el aviso allí: revise usted los vencimientos del ticket.',
  },
  detail: (text) => `Detalle: ${text}`,
};

export function deliveryTexts(language: string): DeliveryTexts {
  return language === 'es' ? es : en;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
