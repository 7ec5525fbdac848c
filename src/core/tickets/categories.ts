// Ticket categories (seed 001), with the words agents see.
export const categories = [
  'question',
  'dev_incident',
  'prod_incident',
  'environment_problem',
  'improvement',
  'installation_upgrade',
] as const;
export type Category = (typeof categories)[number];

export const categoryLabel: Record<Category, string> = {
  question: 'Question or information request',
  dev_incident: 'Development-environment incident',
  prod_incident: 'Production incident',
  environment_problem: 'Environment problem',
  improvement: 'Improvement request',
  installation_upgrade: 'New installation or upgrade',
};
