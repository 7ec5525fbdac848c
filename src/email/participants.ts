// Who is on a ticket's email thread: the people Relevo copies on the ticket's mail, and who may write to
// the ticket by quoting its number or answering its mail.
//
// Anyone can put any address in the Cc of a mail they send to the support address. Copying every
// such address on the next agent reply is how a forged mail planted an outsider on a thread and got
// them the agent's next answer. So an address newly in copy joins the thread only when
//   - it belongs to the ticket's organisation (one of its configured email domains), or
//   - an agent added it: it was in To/Cc of mail authenticated as an agent (src/email/agent-auth.ts), or
//     an agent put its contact on the ticket (`/ticket cc`), or
//   - it is an agent's own address.
// The requester is always on the thread. Everything is derived from the stored mail at read time, so
// the rule also applies to threads stored before it existed.
import { type Db, Prisma, type Tx } from '../db/index.ts';

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Relevo's own addresses, also with a "+tag" (support+anything@…): mail to them reaches Relevo, so
 * they are never copied, and mail from them is an echo.
 */
export function isOwnAddress(address: string, own: readonly string[]): boolean {
  const a = address.toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0) return false;
  const base = `${a.slice(0, at).split('+')[0]}${a.slice(at)}`;
  return own.some((o) => {
    const mine = o.toLowerCase();
    return mine === a || mine === base;
  });
}

export interface ThreadParticipants {
  /** The requester's address; null when they have none (a ticket opened in chat). */
  requester: string | null;
  /** Everyone else on the thread, in the order they appeared; never Relevo's own addresses. */
  copies: string[];
}

/** What the participants are derived from, read by `threadColumns` (one statement with the ticket). */
export interface ThreadRow {
  domains: string[];
  requester: string | null;
  participants: string[];
  agents: string[];
  mail: { fromAddress: string; toAddresses: string[]; ccAddresses: string[]; agentId: string | null }[];
}

/**
 * The columns of a ThreadRow, for a query that has the ticket as `t` and its organisation as `o` (the
 * ORM's nested form took nine statements): the organisation's domains, the requester's address, the
 * addresses of the people put on the ticket in the order they were put on it, the agents' addresses, and
 * the ticket's inbound mail, oldest first. The mailer reads them with the rest of what it sends.
 */
export const threadColumns = Prisma.sql`
  o."emailDomains" AS domains,
  (SELECT i."externalId" FROM "Identity" i
    WHERE i."contactId" = t."requesterId" AND i.platform = 'email' ORDER BY i.id LIMIT 1) AS requester,
  ARRAY(SELECT i."externalId" FROM "TicketParticipant" p
    JOIN "Identity" i ON i."contactId" = p."contactId" AND i.platform = 'email'
    WHERE p."ticketNumber" = t.number ORDER BY p."createdAt", i.id) AS participants,
  ARRAY(SELECT i."externalId" FROM "Identity" i
    WHERE i.platform = 'email' AND i."agentId" IS NOT NULL) AS agents,
  coalesce((SELECT json_agg(json_build_object('fromAddress', m."fromAddress", 'toAddresses', m."toAddresses",
      'ccAddresses', m."ccAddresses", 'agentId', m."agentId") ORDER BY m."createdAt", m.id)
    FROM "EmailMessage" m WHERE m."ticketNumber" = t.number AND m.direction = 'inbound'), '[]') AS mail`;

export async function threadParticipants(
  db: Db | Tx,
  ticketNumber: number,
  own: readonly string[],
): Promise<ThreadParticipants> {
  const [ticket] = await db.$queryRaw<ThreadRow[]>`
    SELECT ${threadColumns}
    FROM "Ticket" t JOIN "Organisation" o ON o.id = t."organisationId"
    WHERE t.number = ${ticketNumber}`;
  if (!ticket) throw new Error(`no ticket #${ticketNumber}`);
  return participantsOf(ticket, own);
}

/** The thread's people from its row (see the rules above). */
export function participantsOf(ticket: ThreadRow, own: readonly string[]): ThreadParticipants {
  const requester = ticket.requester?.toLowerCase() ?? null;
  const domains = new Set(ticket.domains.map((d) => d.toLowerCase()));
  const agents = new Set(ticket.agents.map((a) => a.toLowerCase()));
  const copies: string[] = [];
  for (const row of ticket.mail) {
    for (const raw of [row.fromAddress, ...row.toAddresses, ...row.ccAddresses]) {
      const address = raw.toLowerCase();
      if (!address.includes('@') || address === requester || copies.includes(address)) continue;
      if (isOwnAddress(address, own)) continue;
      const admitted = row.agentId !== null || agents.has(address) || domains.has(domainOf(address));
      if (admitted) copies.push(address);
    }
  }
  for (const externalId of ticket.participants) {
    const address = externalId.toLowerCase();
    if (address !== requester && !copies.includes(address) && !isOwnAddress(address, own))
      copies.push(address);
  }
  return { requester, copies };
}

/** Whether `address` is on the ticket's thread (see above). */
export async function isOnThread(
  db: Db | Tx,
  ticketNumber: number,
  address: string,
  own: readonly string[],
): Promise<boolean> {
  const { requester, copies } = await threadParticipants(db, ticketNumber, own);
  const a = address.toLowerCase();
  return a === requester || copies.includes(a);
}
