// What decideEmail needs to know from the database, read up front and only as far as the message needs:
// who sent it, which ticket it names and where that ticket stands, the loop guard's counts. Reads only;
// apply.ts writes.
import type { FileConfig } from '../config/file.ts';
import type { Status } from '../core/tickets/lifecycle.ts';
import { Prisma, type Tx } from '../db/index.ts';
import {
  type EmailFacts,
  forwardOf,
  joinsByIdentity,
  type KnownIdentity,
  type TicketFacts,
} from './decide.ts';
import type { ParsedEmail } from './parse.ts';
import { isOnThread } from './participants.ts';
import { ticketNumberInSubject } from './reference.ts';
import { findReplyTokens, tokensReferenced } from './reply-token.ts';

export interface FactsDeps {
  config: FileConfig;
  ownAddresses: readonly string[];
  agentCopies: boolean;
  now: () => Date;
}

/**
 * The decision's facts, and the number of the ticket the message names (headers, reply token, subject)
 * whether or not it exists: a run of mail whose new tickets are not written yet needs to know (ingest.ts).
 */
export type ReadFacts = EmailFacts & { namedTicket: number | null; requesterAddress: string | null };

/** `known`: the message's first facts, when read already (firstFacts for a run). */
export async function readEmailFacts(
  tx: Tx,
  email: ParsedEmail,
  deps: FactsDeps,
  known?: FirstFacts,
): Promise<ReadFacts> {
  const none: ReadFacts = {
    namedTicket: null,
    requesterAddress: null,
    duplicate: false,
    sender: null,
    forwardedFrom: null,
    tokens: [],
    ticket: null,
    autoRepliesLastHour: 0,
    agentAddresses: new Set(),
  };
  const sender = email.from?.address;
  const limit = deps.config.email.autoRepliesPerHour;
  const since = new Date(deps.now().getTime() - 3_600_000);
  const first = known ?? ((await firstFacts(tx, [email], deps))[0] as FirstFacts);
  if (first.duplicate) return { ...none, duplicate: true };
  if (!sender) return none;
  const identity = first.identity;
  const forward = forwardOf(email, identity, deps.config);
  const forwardedFrom =
    forward && forward.originalFrom.address !== sender
      ? await knownIdentity(tx, forward.originalFrom.address)
      : null;
  const tokens = await findReplyTokens(tx, tokensReferenced([email.inReplyTo, ...email.references]));
  // By the Message-IDs it replies to (Relevo's stored mail, read with the first facts), then the personal
  // mails whose tokens it carries (findReplyTokens keeps the order of the references: In-Reply-To, the
  // direct parent, first), else by the [#n] token in the subject.
  const namedTicket = forward ? null : (first.repliedTo ?? tokens[0]?.ticketNumber ?? first.subjectNumber);
  // Stored mail and reply tokens name tickets that exist; a number in the subject that is no ticket
  // (another help desk's, a typo) was seen not to exist already.
  const exists = namedTicket !== first.subjectNumber || first.subjectTicketExists;
  const ticket = namedTicket && exists ? await ticketFacts(tx, namedTicket, email, identity, deps) : null;
  const agent = identity?.agentId;
  const requester = forward?.originalFrom.address ?? sender;
  return {
    namedTicket,
    requesterAddress: requester,
    duplicate: false,
    sender: identity,
    forwardedFrom,
    tokens,
    ticket,
    autoRepliesLastHour:
      agent && ticket
        ? 0
        : requester === sender
          ? first.autoReplies
          : await autoRepliesLastHour(tx, requester, since, limit),
    agentAddresses: agent && ticket ? await agentAddresses(tx) : new Set(),
  };
}

type IdentityRow = {
  agentId: string | null;
  agentActive: boolean | null;
  contactId: string | null;
  organisationId: string | null;
  contactLanguage: string | null;
};

/** What every message needs first (firstFacts). */
export interface FirstFacts {
  duplicate: boolean;
  identity: KnownIdentity | null;
  autoReplies: number;
  repliedTo: number | null;
  subjectNumber: number | null;
  subjectTicketExists: boolean;
}

/**
 * What every message needs first, for several messages in one statement (a run of mail: planning it is
 * most of its cost on the embedded database, so once for all): whether it was processed already, who its
 * sender is (identity, agent, contact), the automatic replies their address got this hour, the ticket of
 * the latest stored mail it replies to (In-Reply-To, References), and whether the ticket its subject's
 * [#n] names exists. In the messages' order.
 */
export async function firstFacts(
  tx: Tx,
  emails: readonly ParsedEmail[],
  deps: Pick<FactsDeps, 'config' | 'now'>,
): Promise<FirstFacts[]> {
  const since = new Date(deps.now().getTime() - 3_600_000);
  const limit = deps.config.email.autoRepliesPerHour;
  const subjects = emails.map((e) => ticketNumberInSubject(e.subject));
  const refs = emails.map((e) => [e.inReplyTo, ...e.references].filter((x): x is string => Boolean(x)));
  const rows = await tx.$queryRaw<
    (IdentityRow & {
      duplicate: boolean;
      identity: boolean;
      autoReplies: number;
      repliedTo: number | null;
      subjectTicket: boolean;
    })[]
  >`
    SELECT EXISTS (SELECT 1 FROM "EmailMessage" WHERE "messageId" = u.key) AS duplicate,
      i.id IS NOT NULL AS identity, i."agentId", a.active AS "agentActive", c.id AS "contactId", c."organisationId",
      c.language AS "contactLanguage",
      (${autoRepliesSql(Prisma.sql`u.sender`, since, limit)}) AS "autoReplies",
      (SELECT m."ticketNumber" FROM "EmailMessage" m
       WHERE m."messageId" = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(refs)}::jsonb -> (u.n - 1)::int)))
         AND m."ticketNumber" IS NOT NULL
       ORDER BY m."createdAt" DESC LIMIT 1) AS "repliedTo",
      EXISTS (SELECT 1 FROM "Ticket" WHERE number = u.subject) AS "subjectTicket"
    FROM unnest(${emails.map((e) => e.dedupeKey)}::text[], ${emails.map((e) => e.from?.address ?? '')}::text[],
      ${subjects.map((n) => n ?? 0)}::int[]) WITH ORDINALITY AS u(key, sender, subject, n)
    LEFT JOIN "Identity" i ON i.platform = 'email' AND i."externalId" = u.sender
    LEFT JOIN "Agent" a ON a.id = i."agentId"
    LEFT JOIN "Contact" c ON c.id = i."contactId"
    ORDER BY u.n`;
  if (rows.length !== emails.length) throw new Error('first facts: a row for each message was expected');
  return rows.map((row, k) => ({
    duplicate: row.duplicate,
    identity: row.identity ? knownFrom(row) : null,
    autoReplies: row.autoReplies,
    repliedTo: row.repliedTo,
    subjectNumber: subjects[k] ?? null,
    subjectTicketExists: row.subjectTicket,
  }));
}

function knownFrom(row: IdentityRow): KnownIdentity {
  return {
    agentId: row.agentId,
    agentActive: row.agentActive ?? false,
    contact:
      row.contactId && row.organisationId
        ? { id: row.contactId, organisationId: row.organisationId, language: row.contactLanguage }
        : null,
  };
}

async function knownIdentity(tx: Tx, address: string): Promise<KnownIdentity | null> {
  // One statement for the identity, its agent and its contact (the ORM's nested read took three).
  const [row] = await tx.$queryRaw<IdentityRow[]>`
    SELECT i."agentId", a.active AS "agentActive", c.id AS "contactId", c."organisationId",
      c.language AS "contactLanguage"
    FROM "Identity" i
    LEFT JOIN "Agent" a ON a.id = i."agentId"
    LEFT JOIN "Contact" c ON c.id = i."contactId"
    WHERE i.platform = 'email' AND i."externalId" = ${address}`;
  return row ? knownFrom(row) : null;
}

async function ticketFacts(
  tx: Tx,
  number: number,
  email: ParsedEmail,
  identity: KnownIdentity | null,
  deps: FactsDeps,
): Promise<TicketFacts | null> {
  const contactId = identity?.contact?.id ?? null;
  // One statement for the ticket, its language, the requester's address, whether the sender's contact was
  // put on it, its assignee's standing and its first email conversation (the ORM's nested read took seven):
  // every message on a ticket passes here.
  const [row] = await tx.$queryRaw<
    {
      number: number;
      status: string;
      requesterId: string;
      organisationId: string;
      subject: string;
      language: string;
      requesterAddress: string | null;
      participant: boolean;
      assigneeForCopies: string | null;
      emailThread: string | null;
    }[]
  >`
    SELECT t.number, t.status::text AS status, t."requesterId", t."organisationId", t.subject, o.language,
      (SELECT i."externalId" FROM "Identity" i
        WHERE i."contactId" = t."requesterId" AND i.platform = 'email' ORDER BY i.id LIMIT 1) AS "requesterAddress",
      EXISTS (SELECT 1 FROM "TicketParticipant" p
        WHERE p."ticketNumber" = t.number AND p."contactId" = ${contactId}::text) AS participant,
      (SELECT a.id FROM "Agent" a WHERE a.id = t."assigneeId" AND a.active
        AND EXISTS (SELECT 1 FROM "Identity" i WHERE i."agentId" = a.id AND i.platform = 'email')) AS "assigneeForCopies",
      (SELECT l.thread FROM "ConversationLink" l
        WHERE l."ticketNumber" = t.number AND l.platform = 'email' AND l.kind = 'customer'
        ORDER BY l."createdAt", l.id LIMIT 1) AS "emailThread"
    FROM "Ticket" t JOIN "Organisation" o ON o.id = t."organisationId"
    WHERE t.number = ${number}`;
  if (!row) return null;
  const sender = email.from?.address ?? '';
  const agent = Boolean(identity?.agentId);
  const senderMayJoin =
    agent ||
    joinsByIdentity(row, sender, identity, deps.config) ||
    (await isOnThread(tx, row.number, sender, deps.ownAddresses));
  return {
    number: row.number,
    status: row.status as Status,
    requesterId: row.requesterId,
    organisationId: row.organisationId,
    subject: row.subject,
    language: row.language,
    senderMayJoin,
    senderMayAnswer: contactId !== null && (contactId === row.requesterId || row.participant),
    emailThread: row.emailThread,
    requesterAddress: row.requesterAddress,
    assigneeForCopies: deps.agentCopies ? row.assigneeForCopies : null,
  };
}

async function agentAddresses(tx: Tx): Promise<Set<string>> {
  const rows = await tx.identity.findMany({
    where: { platform: 'email', agentId: { not: null } },
    select: { externalId: true },
  });
  return new Set(rows.map((r) => r.externalId.toLowerCase()));
}

/**
 * Automatic replies (system messages) on the tickets of whoever has this address, in the last hour —
 * counted up to `limit`, all the decision needs: under a storm from one sender the count stays one short
 * index walk instead of growing with every ticket the storm opened. Read from the identity outwards (the
 * ORM's form of this query scanned every system message of the hour, whoever it was for).
 */
function autoRepliesSql(address: Prisma.Sql, since: Date, limit: number) {
  return Prisma.sql`
    SELECT count(*)::int FROM (
      SELECT 1 FROM "Identity" i
      JOIN "Ticket" t ON t."requesterId" = i."contactId"
      JOIN "TicketEvent" e ON e."ticketNumber" = t.number
      WHERE i.platform = 'email' AND i."externalId" = ${address}
        AND e.type = 'system' AND e."createdAt" >= ${since}::timestamp(3)
      LIMIT ${limit}) AS recent`;
}

async function autoRepliesLastHour(tx: Tx, address: string, since: Date, limit: number): Promise<number> {
  const [row] = await tx.$queryRaw<
    { n: number }[]
  >`SELECT (${autoRepliesSql(Prisma.sql`${address}`, since, limit)}) AS n`;
  return row?.n ?? 0;
}
