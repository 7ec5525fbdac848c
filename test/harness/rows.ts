// How many rows each table holds: a refused request must leave every count as it was.
import type { Db } from '../../src/db/index.ts';

export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const [
    tickets,
    ticketEvents,
    contacts,
    identities,
    webchatSessions,
    webchatPosts,
    inboundEvents,
    outboxItems,
  ] = await Promise.all([
    db.ticket.count(),
    db.ticketEvent.count(),
    db.contact.count(),
    db.identity.count(),
    db.webchatSession.count(),
    db.webchatPost.count(),
    db.inboundEvent.count(),
    db.outboxItem.count(),
  ]);
  return {
    tickets,
    ticketEvents,
    contacts,
    identities,
    webchatSessions,
    webchatPosts,
    inboundEvents,
    outboxItems,
  };
}
