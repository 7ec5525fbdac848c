// What a platform adapter keeps between runs and shares with the other instances on the database
// (PlatformState): a secret it generated once, tokens it was given, a socket's catch-up cursor.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/index.ts';

/**
 * The secret stored under `key`, generated on first use. Every instance reads the same one: the first to
 * insert wins and the others read its value.
 *
 * @example const secret = await sharedSecret(db, 'mattermost:context-secret');
 */
export async function sharedSecret(db: Db, key: string): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  await db.$executeRaw`
    INSERT INTO "PlatformState" (key, value, "updatedAt") VALUES (${key}, ${fresh}, now())
    ON CONFLICT (key) DO NOTHING`;
  const row = await db.platformState.findUniqueOrThrow({ where: { key } });
  return row.value;
}

/** Values whose keys start with `prefix` (e.g. every registered command's token). */
export async function statesUnder(db: Db, prefix: string): Promise<{ key: string; value: string }[]> {
  return db.platformState.findMany({
    where: { key: { startsWith: prefix } },
    select: { key: true, value: true },
  });
}

export async function writeState(db: Db, key: string, value: string): Promise<void> {
  await db.platformState.upsert({ where: { key }, create: { key, value }, update: { value } });
}

export async function readState(db: Db, key: string): Promise<string | undefined> {
  return (await db.platformState.findUnique({ where: { key } }))?.value;
}

/**
 * Moves a numeric cursor (a time in ms) forward to `value`, never back: two instances briefly holding a
 * socket during a take-over may write in any order.
 */
export async function advanceCursor(db: Db, key: string, value: number): Promise<void> {
  const v = String(Math.floor(value));
  await db.$executeRaw`
    INSERT INTO "PlatformState" (key, value, "updatedAt") VALUES (${key}, ${v}, now())
    ON CONFLICT (key) DO UPDATE
      SET value = GREATEST("PlatformState".value::bigint, EXCLUDED.value::bigint)::text, "updatedAt" = now()`;
}
