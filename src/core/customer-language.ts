// Which language Relevo writes to a customer in: the contact's own once it is known, else their
// organisation's (relevo.yaml's `language` is only the default). Every text Relevo itself writes to a
// customer picks its language here; texts for agents keep theirs.
//
// A contact's language is learnt from the latest clear signal: the language they pick in the web chat
// (stored when they pick it), or the language of what they write elsewhere (email, Slack, Mattermost,
// Discord), judged at the ticket service's intake when the words say so clearly (language-of-text.ts).
import type { Tx } from '../db/index.ts';
import type { Language } from '../i18n/index.ts';

export const LANGUAGES: readonly Language[] = ['es', 'en'];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to write to this customer in.
 *
 * @example customerLanguage({ language: 'es' }, { language: 'en' }) // → 'es'
 * @example customerLanguage({ language: null }, { language: 'en' }) // → 'en'
 */
export function customerLanguage(
  contact: { language?: string | null } | null | undefined,
  organisation: { language: string },
): Language {
  if (isLanguage(contact?.language)) return contact.language;
  return organisation.language === 'es' ? 'es' : 'en';
}

/**
 * Stores what was learnt of contacts' languages, the last of each contact winning, in one statement that
 * writes only the rows whose language changes (the same language again writes nothing). Returns the
 * contacts changed.
 */
export async function rememberLanguages(
  tx: Tx,
  learnt: readonly { contactId: string; language: Language }[],
): Promise<number> {
  if (!learnt.length) return 0;
  const latest = new Map(learnt.map((l) => [l.contactId, l.language]));
  return tx.$executeRaw`
    UPDATE "Contact" c SET language = v.language
    FROM unnest(${[...latest.keys()]}::text[], ${[...latest.values()]}::text[]) AS v(id, language)
    WHERE c.id = v.id AND c.language IS DISTINCT FROM v.language`;
}

/**
 * The language a ticket's messages are written in: its requester's (read with their organisation's, and
 * the organisation's plan, in one statement).
 */
export async function ticketCustomer(
  tx: Tx,
  ticketNumber: number,
): Promise<{ language: Language; plan: string } | undefined> {
  const [row] = await tx.$queryRaw<{ contactLanguage: string | null; language: string; plan: string }[]>`
    SELECT c.language AS "contactLanguage", o.language, o.plan
    FROM "Ticket" t
    JOIN "Contact" c ON c.id = t."requesterId"
    JOIN "Organisation" o ON o.id = t."organisationId"
    WHERE t.number = ${ticketNumber}`;
  if (!row) return undefined;
  return { language: customerLanguage({ language: row.contactLanguage }, row), plan: row.plan };
}
