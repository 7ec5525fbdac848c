// Full-text search over tickets, for agents only: the words are kept on each ticket by the database
// (Ticket.searchVector, see its migration), stemmed in Spanish and in English, and a query is read in both
// languages, so "facturas" finds "factura" and "invoices" finds "invoice" whatever the ticket was written in.
// Private notes are among the words: nothing here may ever answer a customer.
import { type Db, Prisma } from '../../db/index.ts';

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

/** Where a ticket has a solution to learn from: proposed and awaiting confirmation, resolved or closed. */
export const solvedStatuses = ['awaiting_confirmation', 'resolved', 'closed'] as const;

export interface SolvedHit {
  number: number;
  subject: string;
  status: (typeof solvedStatuses)[number];
  organisationId: string;
  productId: string | null;
  resolvedAt: Date | null;
  /** ts_rank_cd of the ticket's words against the query: higher is closer. */
  rank: number;
  snippet: SnippetPart[] | null;
  /** The solution proposed to the customer, and the technical note kept with it (the latest of each). */
  solution: string | null;
  technicalNote: string | null;
}

interface SolvedRow extends Omit<SolvedHit, 'snippet'> {
  snippet: string | null;
}

const clip = (text: string | null, max = 600) =>
  text && text.length > max ? `${text.slice(0, max - 1)}…` : text;

/**
 * Solved tickets matching `query` (a tsquery expression), best first: the seed's "technical notes kept as
 * documentation". Agents only — the caller checks; technical notes are internal.
 */
const CANDIDATES = 2000;

async function solvedMatching(
  db: Db,
  query: Prisma.Sql,
  text: string | null,
  options: { limit: number; exclude?: number },
): Promise<SolvedHit[]> {
  // Ranked among the most recent matches only: a common word (or a new ticket's many words, OR'ed) can match
  // most of a large desk, and ranking every match is what would cost; the best of the latest thousands is
  // what a support team looks for.
  const rows = await db.$queryRaw<SolvedRow[]>`
    WITH q AS (SELECT ${query} AS q), candidates AS (
      SELECT t.number FROM "Ticket" t, q
      WHERE t.status IN ('awaiting_confirmation', 'resolved', 'closed') AND t."searchVector" @@ q.q
        AND t.number <> ${options.exclude ?? 0}
      ORDER BY t.number DESC LIMIT ${CANDIDATES}
    )
    SELECT t.number, t.subject, t.status::text AS status, t."organisationId", t."productId", t."resolvedAt",
      ts_rank_cd(t."searchVector", q.q, 1)::float8 AS rank,
      ${text ? snippetColumn(text) : Prisma.sql`NULL::text AS snippet`},
      (SELECT e.body FROM "TicketEvent" e WHERE e."ticketNumber" = t.number
        AND e.data->>'kind' = 'resolution_request' ORDER BY e."createdAt" DESC, e.id DESC LIMIT 1) AS solution,
      (SELECT e.body FROM "TicketEvent" e WHERE e."ticketNumber" = t.number
        AND e.data->>'kind' = 'technical_note' ORDER BY e."createdAt" DESC, e.id DESC LIMIT 1) AS "technicalNote"
    FROM candidates c JOIN "Ticket" t ON t.number = c.number, q
    ORDER BY rank DESC, t.number DESC
    LIMIT ${options.limit}`;
  return rows.map((r) => ({
    ...r,
    snippet: snippetParts(r.snippet),
    solution: clip(r.solution),
    technicalNote: clip(r.technicalNote),
  }));
}

/** Searches the solved tickets (subjects, messages, replies, notes) for `text`, ranked. */
export function searchSolved(db: Db, text: string, limit = 20): Promise<SolvedHit[]> {
  return solvedMatching(db, tsQuery(text), text, { limit: Math.min(Math.max(limit, 1), 50) });
}

/**
 * Up to `limit` solved tickets like ticket `number`: any of the words of its subject and the start of its first message,
 * ranked by how many and how close (ts_rank_cd), so the best matches share the most words.
 */
export async function similarSolved(db: Db, number: number, limit = 3): Promise<SolvedHit[]> {
  const [own] = await db.$queryRaw<{ words: string | null }[]>`
    SELECT t.subject || E'\n' || coalesce((SELECT left(e.body, 500) FROM "TicketEvent" e
      WHERE e."ticketNumber" = t.number AND e.type = 'customer_message'
      ORDER BY e."createdAt", e.id LIMIT 1), '') AS words
    FROM "Ticket" t WHERE t.number = ${number}`;
  if (!own?.words?.trim()) return [];
  // Any of its words (OR), each as the lexeme the stored words hold: quoted, so no word is read as syntax.
  const anyWord = Prisma.sql`(SELECT coalesce(string_agg(quote_literal(w), ' | '), '')::tsquery
    FROM unnest(tsvector_to_array(relevo_search_words(${own.words}, 'B'))) AS w)`;
  return solvedMatching(db, anyWord, null, { limit, exclude: number });
}
