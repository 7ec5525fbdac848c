// What agents read about an alert group, in English and Spanish: the monitor channel's message, its
// buttons and forms, the notes on a ticket an alert opened. The message follows the team's language, as
// an SLA warning to the whole team does (core/config.ts teamLanguage).
import type { Localized } from './localized.ts';

const l = (en: string, es: string): Localized => ({ en, es });

export const alertTexts = {
  firing: l('Firing', 'Activa'),
  resolved: l('Resolved', 'Resuelta'),
  firingSince: (since: string): Localized => l(`🔥 Firing since ${since}`, `🔥 Activa desde ${since}`),
  resolvedAfter: (lasted: string, at: string): Localized =>
    l(`✅ Resolved at ${at}, after ${lasted}`, `✅ Resuelta a las ${at}, tras ${lasted}`),
  severity: l('Severity', 'Gravedad'),
  alerts: l('Alerts', 'Alertas'),
  counts: (firing: number, resolved: number): Localized =>
    l(`${firing} firing · ${resolved} resolved`, `${firing} activas · ${resolved} resueltas`),
  leftOut: (n: number): Localized =>
    l(`${n} more alerts not sent by the monitor`, `${n} alertas más que el monitor no envió`),
  moreNotShown: (n: number): Localized => l(`…and ${n} more`, `…y ${n} más`),
  organisation: l('Customer', 'Cliente'),
  unrouted: l(
    'No customer (no route in relevo.yaml matches)',
    'Sin cliente (ninguna ruta de relevo.yaml coincide)',
  ),
  openTickets: (list: string): Localized => l(`Open tickets: ${list}`, `Tickets abiertos: ${list}`),
  noOpenTickets: l('No open tickets', 'Sin tickets abiertos'),
  acknowledged: l('Acknowledged', 'Reconocida'),
  acknowledgedBy: (who: string, at: string): Localized => l(`${who}, ${at}`, `${who}, ${at}`),
  silence: l('Silence', 'Silencio'),
  silencedUntil: (id: string, until: string): Localized => l(`${id} until ${until}`, `${id} hasta ${until}`),
  ticket: l('Ticket', 'Ticket'),
  links: l('Links', 'Enlaces'),
  generator: l('Source', 'Origen'),
  dashboard: l('Dashboard', 'Panel'),
  runbook: l('Runbook', 'Runbook'),
  acknowledge: l('Acknowledge', 'Reconocer'),
  silenceButton: l('Silence…', 'Silenciar…'),
  openTicket: l('Open ticket', 'Abrir ticket'),
  // The Silence… form, in the language of the agent who pressed the button.
  silenceFormTitle: l('Silence alerts', 'Silenciar alertas'),
  silenceFormSubmit: l('Silence', 'Silenciar'),
  durationLabel: l('For how long', 'Durante cuánto tiempo'),
  // Short: Mattermost cuts a dialog element's name at 24 characters.
  otherDurationLabel: l('Or type one (e.g. 2h30m)', 'O escriba otra (2h30m)'),
  commentLabel: l('Why', 'Motivo'),
  commentPlaceholder: l('Alertmanager keeps it with the silence', 'Alertmanager lo guarda con el silencio'),
  // Notes on the ticket an alert opened.
  ticketNote: (group: string, monitor: string): Localized =>
    l(
      `Opened from the alert group "${group}" of monitor ${monitor}; its message in the monitor channel shows this ticket.`,
      `Abierto desde el grupo de alertas «${group}» del monitor ${monitor}; su mensaje en el canal de monitorización muestra este ticket.`,
    ),
  resolvedNote: (group: string, lasted: string): Localized =>
    l(
      `The alert group "${group}" resolved after ${lasted}.`,
      `El grupo de alertas «${group}» se resolvió tras ${lasted}.`,
    ),
  firingAgainNote: (group: string): Localized =>
    l(`The alert group "${group}" is firing again.`, `El grupo de alertas «${group}» vuelve a estar activo.`),
};
