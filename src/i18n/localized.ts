// One text in both languages Relevo speaks. Errors and confirmations are written where they are raised,
// in English and Spanish side by side, and the reader's language picks one when the text is shown: the
// type makes the Spanish as mandatory as the English, so the compiler finds any text that lacks it.
import type { Language } from './index.ts';

export interface Localized {
  readonly en: string;
  readonly es: string;
}

/** The text in `language`; anything but Spanish reads English, the desk's default. */
export function pick(text: Localized, language: Language | string): string {
  return language === 'es' ? text.es : text.en;
}

/** Both languages of a text kept in a table of src/i18n: `both((l) => t(l).verification.none)`. */
export function both(text: (language: Language) => string): Localized {
  return { en: text('en'), es: text('es') };
}
