// What the chat router says to a person on any platform, in Spanish and English: refusals and the few
// things it explains itself. The ticket service's refusals (UserError) and the actions' confirmations
// carry both languages where they are raised (src/i18n/localized.ts); the router picks the person's.
import type { Language } from './index.ts';

export interface ChatTexts {
  notKnown: string;
  agentsOnly: string;
  noteInSharedChannel: string;
  notANote: string;
  noWaitingConversation: string;
  noFormsHere: (label: string) => string;
  failed: string;
  /** A button or form whose signed reference (kit/signed-context.ts) has expired. */
  staleButton: string;
  /** A button or form whose reference Relevo did not sign: nothing was done. */
  unsignedButton: string;
  /** A form that could not open because the platform's deadline for it passed (Discord's 3 s). */
  formTooSlow: string;
  /** The button beside a refused form's reason, where the platform closed the form (Discord). */
  formAgain: string;
}

const en: ChatTexts = {
  notKnown: 'Relevo does not know you yet: ask an admin to add you to relevo.yaml.',
  agentsOnly: 'Only agents can do this.',
  noteInSharedChannel:
    'Saved as a private note. Careful: this channel is shared with the customer, who can read your message here; delete it and write notes in the ticket card’s thread instead.',
  notANote: 'This message is not a note on a ticket, so there is nothing to share.',
  noWaitingConversation: 'This message starts no conversation waiting for a ticket.',
  noFormsHere: (label) =>
    `“${label}” needs a form this platform cannot show: use /ticket in the chat, or the agent console.`,
  failed: 'Something went wrong on our side and nothing was changed. Please try again in a moment.',
  staleButton:
    'This button is too old to use and nothing was changed. Use /ticket show <number> for the ticket as it is now.',
  unsignedButton: 'Relevo did not recognise this button, so nothing was changed.',
  formTooSlow: 'The form took too long to open and nothing was changed: press the button again.',
  formAgain: 'Open the form again',
};

const es: ChatTexts = {
  notKnown: 'Relevo aún no le conoce: pida a un administrador que le añada a relevo.yaml.',
  agentsOnly: 'Solo los agentes pueden hacer esto.',
  noteInSharedChannel:
    'Guardado como nota privada. Cuidado: este canal se comparte con el cliente, que puede leer su mensaje aquí; bórrelo y escriba las notas en el hilo de la ficha del ticket.',
  notANote: 'Este mensaje no es una nota de un ticket, así que no hay nada que compartir.',
  noWaitingConversation: 'Este mensaje no inicia ninguna conversación que espere un ticket.',
  noFormsHere: (label) =>
    `«${label}» necesita un formulario que esta plataforma no puede mostrar: use /ticket en el chat o la consola de agentes.`,
  failed: 'Algo ha fallado por nuestra parte y no se ha cambiado nada. Inténtelo de nuevo en un momento.',
  staleButton:
    'Este botón es demasiado antiguo y no se ha cambiado nada. Use /ticket show <número> para ver el ticket como está ahora.',
  unsignedButton: 'Relevo no ha reconocido este botón, así que no se ha cambiado nada.',
  formTooSlow:
    'El formulario ha tardado demasiado en abrirse y no se ha cambiado nada: pulse el botón de nuevo.',
  formAgain: 'Abrir el formulario de nuevo',
};

export function chatTexts(language: Language | string): ChatTexts {
  return language === 'es' ? es : en;
}
