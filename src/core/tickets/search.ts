// Full-text search over tickets, for agents only: the words are kept on each ticket by the database
// (Ticket.searchVector, see its migration), stemmed in Spanish and in English, and a query is read in both
// languages, so "facturas" finds "factura" and "invoices" finds "invoice" whatever the ticket was written in.
// Private notes are among the words: nothing here may ever answer a customer.
import { Prisma } from '../../db/index.ts';

/** The most a query may be: a search is a few words, not a pasted log. */
export const searchTextMax = 200;

/** `#42` or `42`: the ticket number someone typed into the search box. */
export function numberIn(text: string): number | null {
  const m = /^\s*#?(\d{1,9})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/** The query, as a tsquery expression: what was typed, read as web search syntax in both languages. */
export function tsQuery(text: string): Prisma.Sql {
  return Prisma.sql`(websearch_to_tsquery('spanish', ${text}) || websearch_to_tsquery('english', ${text}))`;
}

/** Tickets whose words match `text` (alias `t`), or whose number it is. */
export function matchesText(text: string): Prisma.Sql {
  const number = numberIn(text);
  const words = Prisma.sql`t."searchVector" @@ ${tsQuery(text)}`;
  return number === null ? words : Prisma.sql`(${words} OR t.number = ${number})`;
}

// Control characters mark the matched words inside the snippet: they cannot come from what people wrote
// (they are taken out first), so the marks are unambiguous and no HTML ever travels in a snippet.
const START = '\u0001';
const STOP = '\u0002';
const headlineOptions = `StartSel="${START}", StopSel="${STOP}", MaxWords=24, MinWords=10, MaxFragments=1`;

/**
 * A column `snippet`: the first message, reply or note of ticket `t` that matches, cut around the matched
 * words (null when only the subject or the number matched). Computed for the page's rows only.
 */
export function snippetColumn(text: string): Prisma.Sql {
  const q = tsQuery(text);
  return Prisma.sql`(
    SELECT CASE WHEN to_tsvector('spanish'::regconfig, hit.body) @@ ${q}
      THEN ts_headline('spanish'::regconfig, hit.body, ${q}, ${headlineOptions})
      ELSE ts_headline('english'::regconfig, hit.body, ${q}, ${headlineOptions}) END
    FROM (
      SELECT translate(left(e.body, 4000), ${START + STOP}, '') AS body FROM "TicketEvent" e
      WHERE e."ticketNumber" = t.number AND e.type IN ('customer_message', 'public_reply', 'private_note')
        AND relevo_search_words(e.body, 'B') @@ ${q}
      ORDER BY e."createdAt", e.id LIMIT 1
    ) hit
  ) AS snippet`;
}

export interface SnippetPart {
  text: string;
  /** A word the query matched. */
  match: boolean;
}

/** The snippet as parts to show, matched words marked; the page draws them as text, never as HTML. */
export function snippetParts(snippet: string | null): SnippetPart[] | null {
  if (!snippet) return null;
  const parts: SnippetPart[] = [];
  for (const piece of snippet.split(START)) {
    const [matched, rest] = piece.includes(STOP) ? piece.split(STOP, 2) : [null, piece];
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}
