// The ticket priorities and the ways tickets come in, named in English and Spanish: one list for what the
// console's ticket list and new-ticket form and the dashboard offer and show. The values are the API's.
export const priorities = [
  { value: 'urgent', en: 'urgent', es: 'urgente' },
  { value: 'high', en: 'high', es: 'alta' },
  { value: 'normal', en: 'normal', es: 'normal' },
  { value: 'low', en: 'low', es: 'baja' },
];

export const sources = [
  { value: 'email', en: 'email', es: 'email' },
  { value: 'webchat', en: 'web chat', es: 'chat web' },
  { value: 'slack', en: 'Slack', es: 'Slack' },
  { value: 'mattermost', en: 'Mattermost', es: 'Mattermost' },
  { value: 'discord', en: 'Discord', es: 'Discord' },
  { value: 'api', en: 'API', es: 'API' },
  { value: 'manual', en: '/ticket new', es: '/ticket new' },
  { value: 'monitor', en: 'monitoring', es: 'monitorización' },
];

/** The name of `value` in `language`, or the value itself when the list does not have it. */
export function optionName(list, value, language) {
  return list.find((option) => option.value === value)?.[language] ?? value;
}

/**
 * Fills a filter's options from `list` in `language`, after its first one ("any", named by the page's
 * words), keeping what was chosen: called once at start and again on each change of language.
 */
export function fillOptions(select, list, language) {
  const chosen = select.value;
  const first = select.options[0];
  select.replaceChildren(
    first,
    ...list.map((option) => {
      const node = document.createElement('option');
      node.value = option.value;
      node.textContent = option[language];
      return node;
    }),
  );
  select.value = chosen;
}
