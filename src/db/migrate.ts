// Applies prisma/migrations/*/migration.sql in order and records them in `_prisma_migrations`,
// the same table and rows `prisma migrate deploy` writes, so either tool can take over later.
// Works offline on PGlite and PostgreSQL alike; several instances starting together are serialised
// by a transaction-scoped advisory lock.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The least a SQL connection must offer to run migrations. */
export interface SqlConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<unknown>;
}

export const migrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

const LOCK_ID = 7_418_275_119; // arbitrary, constant: "relevo migrations"

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function readMigrations(dir: string): Promise<Migration[]> {
  const names = await migrationNames(dir);
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * The committed migrations this database has not applied (readiness: a newer build started against a
 * database nobody migrated, or `_prisma_migrations` lost a row). A missing table means all of them.
 */
export async function pendingMigrations(
  conn: Pick<SqlConnection, 'query'>,
  dir = migrationsDir,
): Promise<string[]> {
  const names = await migrationNames(dir);
  const { rows } = await conn.query<{ relation: string | null }>(
    `SELECT to_regclass('"_prisma_migrations"')::text AS relation`,
  );
  if (!rows[0]?.relation) return names;
  const applied = await conn.query<{ migration_name: string }>(
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const done = new Set(applied.rows.map((r) => r.migration_name));
  return names.filter((name) => !done.has(name));
}

export async function applyMigrations(conn: SqlConnection, dir = migrationsDir): Promise<MigrationResult> {
  const migrations = await readMigrations(dir);
  await conn.exec('BEGIN');
  try {
    await conn.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await conn.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await conn.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const m of migrations) {
      const recorded = done.get(m.name);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied to this database. Restore the committed file; add a new migration for new changes.`,
          );
        }
        continue;
      }
      await conn.exec(m.sql);
      await conn.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      applied.push(m.name);
    }
    await conn.exec('COMMIT');
    return { applied, alreadyApplied: done.size };
  } catch (err) {
    await conn.exec('ROLLBACK');
    throw err;
  }
}
