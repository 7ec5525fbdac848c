// The language a customer wrote in, when their words say so clearly enough to answer them in it. Judged
// by franc (franc-min: trigram profiles of the world's larger languages, ~150 kB, no model to download),
// asked to choose between the two languages Relevo speaks. Only prose is judged: a pasted log, a stack
// trace, addresses and codes are English-looking whatever language the customer writes in.
import { francAll } from 'franc-min';
import type { Language } from '../i18n/index.ts';

/**
 * Fewer words than this and the text is not judged: "ok", "gracias!", "still broken" say too little (franc
 * read "thanks a lot" as Spanish and "sigue fallando" as English).
 */
export const MIN_WORDS = 4;

/**
 * franc scores the best language 1 and the other by how close it came. Above this the two are too close to
 * call: of 141 short support messages of four words or more in both languages, the 6 franc got wrong all
 * scored the other language above 0.82 ("Please reset my password" read as Spanish at 0.87, "My password
 * reset link expired" at 0.99), and 124 of the 135 it got right scored it at most 0.8. A customer left
 * undecided keeps what they had.
 */
const MAX_RUNNER_UP = 0.8;

const francToOurs: Record<string, Language> = { spa: 'es', eng: 'en' };

/** Lines a machine wrote: stack frames, log lines, error names, quoted mail. */
const MACHINE_LINE = new RegExp(
  [
    String.raw`^\s+at\s`,
    String.raw`^\s*File ".+", line \d+`,
    String.raw`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}`,
    String.raw`^\s*\[?(ERROR|WARN(ING)?|FATAL|SEVERE|CRITICAL|DEBUG|INFO|TRACE)\]?[\s:]`,
    String.raw`\b[\w.]*(Exception|Error):`,
    String.raw`^\s*>`,
  ].join('|'),
  'u',
);

/** The customer's own sentences: no code blocks, machine lines, addresses, paths, codes or acronyms. */
export function proseOf(text: string): string {
  return (
    text
      .replace(/```[\s\S]*?```/g, ' ')
      .split('\n')
      .filter((line) => !MACHINE_LINE.test(line))
      .join('\n')
      .split(/\s+/)
      .map((token) => token.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
      // A word is letters, with an inner apostrophe or hyphen; anything with digits, slashes, dots or @ is
      // an identifier, a URL, a path or an address. Acronyms (SSO, PDF, API) belong to no language: franc
      // read "Can we get SSO?" as Spanish.
      .filter((token) => /^\p{L}+(['’-]\p{L}+)*$/u.test(token) && !/^\p{Lu}{2,}$/u.test(token))
      .join(' ')
  );
}

/**
 * The language of `text` when it is clear (Spanish or English), else undefined: too short, or too close to
 * call. A customer's language changes only on a clear judgement.
 *
 * @example languageOfText('La exportación a PDF falla desde ayer') // → 'es'
 * @example languageOfText('gracias!') // → undefined
 */
export function languageOfText(text: string): Language | undefined {
  // A few sentences tell the language; a 50 KB mail's whole body would cost its reading time again.
  const prose = proseOf(text.slice(0, 4000));
  if (prose.split(' ').filter((w) => w.length >= 2).length < MIN_WORDS) return undefined;
  const [best, runnerUp] = francAll(prose, { only: ['spa', 'eng'], minLength: 1 });
  const language = best ? francToOurs[best[0]] : undefined;
  if (!language) return undefined;
  if (runnerUp && runnerUp[1] > MAX_RUNNER_UP) return undefined;
  return language;
}
