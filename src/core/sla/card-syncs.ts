// Card re-renders for a sweep's batch: a ticket whose clock crossed a warning share or its target is shown
// at risk or overdue on its triage card, which otherwise changes only when the ticket does. Like
// `enqueue` for a sync, a card that already has an untouched pending sync gets no second one (it renders
// the ticket as it is when delivered); unlike it, the whole batch takes one statement.
import type { Tx } from '../../db/index.ts';
import { valuesList } from '../../db/sql-values.ts';
import { agentChannels, type DeskConfig } from '../config.ts';
import { laneOf } from '../outbox.ts';

export async function enqueueCardSyncs(
  tx: Tx,
  config: Pick<DeskConfig, 'channels'>,
  ticketNumbers: readonly number[],
): Promise<void> {
  const places = agentChannels(config);
  const jobs = ticketNumbers.flatMap((ticketNumber) =>
    places.map((place) => ({ kind: 'card' as const, ticketNumber, ...place })),
  );
  if (!jobs.length) return;
  // Dated by this process's clock, as Prisma dates the rows `enqueue` writes.
  const written = new Date();
  const values = valuesList(
    jobs.map(({ kind, ...payload }) => [
      JSON.stringify(payload),
      laneOf({ kind, ...payload }),
      payload.platform,
    ]),
    ['jsonb', 'text', 'text'],
    1,
  );
  // A card's lane names its ticket and channel: the lane index finds its pending sync.
  await tx.$executeRawUnsafe(
    `INSERT INTO "OutboxItem" (kind, payload, lane, platform, status, attempts, "nextAttemptAt", "createdAt")
     SELECT 'card', v.payload, v.lane, v.platform, 'pending', 0, $1::timestamp(3), $1::timestamp(3)
     FROM (VALUES ${values.sql}) AS v(payload, lane, platform)
     WHERE NOT EXISTS (SELECT 1 FROM "OutboxItem" o
       WHERE o.lane = v.lane AND o.kind = 'card' AND o.status = 'pending' AND o.attempts = 0)`,
    written,
    ...values.params,
  );
}
