// How many rows each table holds: a refused request must leave every count as it was.
import type { Db } from '../../src/db/index.ts';

export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts = {
    tickets: db.ticket.count(),
    ticketEvents: db.ticketEvent.count(),
    contacts: db.contact.count(),
    identities: db.identity.count(),
    webchatSessions: db.webchatSession.count(),
    webchatPosts: db.webchatPost.count(),
    inboundEvents: db.inboundEvent.count(),
    outboxItems: db.outboxItem.count(),
  };
  const entries = await Promise.all(
    Object.entries(counts).map(async ([table, n]) => [table, await n] as const),
  );
  return Object.fromEntries(entries);
}
