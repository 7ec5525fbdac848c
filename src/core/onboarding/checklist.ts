// What a new agent must be given before they can work (seed 000, "Procedimiento de inducción al equipo de
// Soporte"): relevo.yaml `onboarding.checklist`, these six when it is left out. Each item is written in both
// languages the desk speaks, because the checklist is shown in the new agent's.

/** One access to give a new agent; `id` is what a ticked item is recorded under. */
export interface OnboardingItemSettings {
  readonly id: string;
  readonly en: string;
  readonly es: string;
}

export interface OnboardingSettings {
  readonly checklist: readonly OnboardingItemSettings[];
}

/**
 * At most this many items: each not yet done is a button on one chat message, and Discord shows at most
 * 25 buttons on a message (5 rows of 5), Slack's actions block 25 elements.
 */
export const MAX_ONBOARDING_ITEMS = 20;

/** Item ids travel in buttons (a Discord custom_id holds 100 characters, the action and checklist id too). */
export const MAX_ONBOARDING_ITEM_ID = 32;

/** Seed 000's six accesses, in its order. */
export const seedChecklist: readonly OnboardingItemSettings[] = [
  {
    id: 'helpdesk',
    en: 'Help desk user (the ticket platform)',
    es: 'Usuario en la mesa de ayuda (la plataforma de tickets)',
  },
  {
    id: 'monitor',
    en: 'Link to the current monitor, and credentials to see it',
    es: 'Enlace al monitor vigente y credenciales para verlo',
  },
  {
    id: 'wiki',
    en: 'User on Plone and/or the team’s wikis',
    es: 'Usuario en Plone y/o las wikis del equipo',
  },
  {
    id: 'email',
    en: 'Corporate email account, added to the support mail group',
    es: 'Cuenta de correo corporativa, incorporada al grupo de correo de soporte',
  },
  {
    id: 'chat',
    en: 'User on the company’s internal chat, with access to the team’s channels',
    es: 'Usuario en la plataforma de comunicación interna, con acceso a los canales del equipo',
  },
  {
    id: 'softphone',
    en: 'Softphone set up with their own extension number',
    es: 'Softphone configurado con número de interno propio',
  },
];
