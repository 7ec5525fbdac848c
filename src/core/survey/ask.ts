// The satisfaction survey is asked once per ticket, the first time it is resolved (the customer
// confirmed, or the confirmation window passed), in every conversation the customer has about it — after
// the message that closes the ticket and says how to reach support again (seed 004 steps 7–8). The
// ticket's row in SatisfactionSurvey is what makes it once: its primary key lets one instance in.
import type { Tx } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import type { EventOf, Subscriber } from '../events.ts';
import { enqueueSyncs } from '../outbox.ts';

/** Subscribes to `ticket.confirmed`; relevo.yaml `tickets.satisfactionSurvey: false` turns it off. */
export function askForSatisfaction(
  config: Pick<DeskConfig, 'tickets'>,
): Subscriber<EventOf<'ticket.confirmed'>> {
  return async ({ tx, ticketNumber }) => {
    if (config.tickets.satisfactionSurvey === false) return;
    // Only where the customer can be asked: a ticket entered for them with no conversation gets none.
    // Asked when resolved, by the desk's clock (which set resolvedAt in this transaction).
    const [asked] = await tx.$queryRaw<{ ticketNumber: number }[]>`
      INSERT INTO "SatisfactionSurvey" ("ticketNumber", "askedAt")
      SELECT t.number, t."resolvedAt" FROM "Ticket" t
      WHERE t.number = ${ticketNumber} AND t."resolvedAt" IS NOT NULL
        AND EXISTS (SELECT 1 FROM "ConversationLink" l WHERE l."ticketNumber" = t.number AND l.kind = 'customer')
      ON CONFLICT ("ticketNumber") DO NOTHING
      RETURNING "ticketNumber"`;
    if (asked) await showSurvey(tx, ticketNumber);
  };
}

/** Posts the survey, or edits it to its current state, in each of the customer's conversations. */
export async function showSurvey(tx: Tx, ticketNumber: number): Promise<void> {
  const links = await tx.conversationLink.findMany({
    where: { ticketNumber, kind: 'customer' },
    select: { platform: true, channel: true, thread: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  await enqueueSyncs(
    tx,
    links.map((link) => ({ kind: 'survey' as const, ticketNumber, ...link })),
  );
}
