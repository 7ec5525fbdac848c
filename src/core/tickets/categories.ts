// Ticket categories (seed 001), with the words agents see in both languages (the card and its form).
import type { Localized } from '../../i18n/localized.ts';

export const categories = [
  'question',
  'dev_incident',
  'prod_incident',
  'environment_problem',
  'improvement',
  'installation_upgrade',
] as const;
export type Category = (typeof categories)[number];

export const categoryLabel: Record<Category, Localized> = {
  question: { en: 'Question or information request', es: 'Consulta o petición de información' },
  dev_incident: { en: 'Development-environment incident', es: 'Incidencia en entorno de desarrollo' },
  prod_incident: { en: 'Production incident', es: 'Incidencia en producción' },
  environment_problem: { en: 'Environment problem', es: 'Problema del entorno' },
  improvement: { en: 'Improvement request', es: 'Petición de mejora' },
  installation_upgrade: { en: 'New installation or upgrade', es: 'Nueva instalación o actualización' },
};
