// Signed requests that carry no id of their own (a Slack slash command, a button click) are named by the
// hash of exactly what was signed. The first delivery records the name; a replay of the same bytes finds
// it and does nothing. The row lives as long as the signature's timestamp would still be accepted, and is
// in the database so every instance agrees.
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';

/** The key for a signed base string, e.g. Slack's `v0:<timestamp>:<body>`. */
export function replayKey(scope: string, signedBase: string): string {
  return `${scope}:${createHash('sha256').update(signedBase).digest('hex')}`;
}

/** Records `key` until `expiresAt`; false when it was already there (a replay). */
export async function firstSight(db: Db, key: string, expiresAt: Date): Promise<boolean> {
  const rows = await db.$executeRaw`
    INSERT INTO "SeenRequest" (key, "expiresAt") VALUES (${key}, ${expiresAt})
    ON CONFLICT (key) DO NOTHING`;
  return rows === 1;
}

/** Forgets keys whose window has passed (any instance may run it). */
export async function sweepSeenRequests(db: Db, now: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM "SeenRequest" WHERE "expiresAt" < ${now}`;
}
