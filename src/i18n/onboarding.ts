// What `/ticket onboard` says, in English and Spanish: the checklist's message (in the new agent's
// language), its buttons, and the private answers to whoever typed the command or pressed a button (in
// theirs).
import type { Localized } from './localized.ts';

const l = (en: string, es: string): Localized => ({ en, es });

export const onboardingTexts = {
  title: (person: string): Localized => l(`Onboarding of ${person}`, `Incorporación de ${person}`),
  intro: (person: string): Localized =>
    l(
      `The accesses ${person} needs to work in support. Press “Done” once each is given.`,
      `Los accesos que ${person} necesita para trabajar en soporte. Pulse «Hecho» cuando se habilite cada uno.`,
    ),
  done: (item: string, who: string, when: string): Localized =>
    l(`✓ ${item} — ${who}, ${when}`, `✓ ${item} — ${who}, ${when}`),
  pending: (item: string): Localized => l(`☐ ${item}`, `☐ ${item}`),
  progress: (done: number, total: number): Localized =>
    l(`${done} of ${total} done`, `${done} de ${total} hechos`),
  complete: (person: string, who: string, when: string): Localized =>
    l(
      `✅ The onboarding of ${person} is complete — the last item was done by ${who}, ${when}.`,
      `✅ La incorporación de ${person} está completa — el último punto lo hizo ${who}, ${when}.`,
    ),
  button: (item: string): Localized => l(`Done: ${item}`, `Hecho: ${item}`),

  // Answers to the person who typed the command.
  posted: (person: string, done: number, total: number): Localized =>
    l(
      `Posted the onboarding checklist of ${person} in the agents’ channel (${done} of ${total} done).`,
      `Se ha publicado la lista de incorporación de ${person} en el canal de agentes (${done} de ${total} hechos).`,
    ),
  completeAlready: (person: string): Localized =>
    l(
      `The onboarding of ${person} is already complete; its checklist is shown in the agents’ channel.`,
      `La incorporación de ${person} ya está completa; su lista se muestra en el canal de agentes.`,
    ),
  noAgentsChannel: l(
    'There is no agents’ channel on this platform to post the checklist in: add one under channels in relevo.yaml.',
    'No hay un canal de agentes en esta plataforma donde publicar la lista: añada uno en channels de relevo.yaml.',
  ),
  notAnAgent: (who: string): Localized =>
    l(
      `“${who}” is not an agent: give the id of an agent in relevo.yaml, their email, or @mention them.`,
      `«${who}» no es un agente: indique el id de un agente de relevo.yaml, su correo, o menciónelo con @.`,
    ),

  // Answers to the person who pressed a button.
  // An item's text is itself in both languages: each answer reads the item in its own.
  ticked: (item: Localized, person: string): Localized =>
    l(`Done for ${person}: ${item.en}.`, `Hecho para ${person}: ${item.es}.`),
  tickedLast: (person: string): Localized =>
    l(
      `That was the last item: the onboarding of ${person} is complete.`,
      `Era el último punto: la incorporación de ${person} está completa.`,
    ),
  alreadyDone: (item: Localized, who: string, when: string): Localized =>
    l(`Already done: ${item.en} (${who}, ${when}).`, `Ya estaba hecho: ${item.es} (${who}, ${when}).`),
  noChecklist: l('That onboarding checklist no longer exists.', 'Esa lista de incorporación ya no existe.'),
  noItem: l(
    'That item is no longer on the onboarding checklist (relevo.yaml onboarding.checklist).',
    'Ese punto ya no está en la lista de incorporación (onboarding.checklist de relevo.yaml).',
  ),
};
