// Transaction-scoped named locks (PostgreSQL advisory locks, held until commit or rollback; re-entrant
// within a transaction). Several are taken in one statement in the order of their names, so two
// transactions locking overlapping sets wait on each other in turn instead of deadlocking.
import type { Tx } from '../db/index.ts';

export async function lockNames(tx: Tx, names: Iterable<string>): Promise<void> {
  const sorted = [...new Set(names)].sort();
  if (!sorted.length) return;
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${sorted}::text[]) WITH ORDINALITY AS u(k, i)
    ORDER BY i`;
}
