// Fresh, isolated databases for tests: an in-memory PGlite from the template, or a new database on
// the PostgreSQL server, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/index.ts';

export type DatabaseKind = 'pglite' | 'postgresql';
export const databaseKinds: DatabaseKind[] = ['pglite', 'postgresql'];

export interface TestDatabase {
  env: { DATABASE_URL?: string; RELEVO_DATA_DIR: string; RELEVO_PGLITE_SNAPSHOT?: string };
  drop(): Promise<void>;
}

export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    return {
      env: { RELEVO_DATA_DIR: 'memory://', RELEVO_PGLITE_SNAPSHOT: inject('pgliteSnapshot') },
      drop: async () => {},
    };
  }
  const adminUrl = inject('pgAdminUrl');
  // The run's prefix: its teardown drops only its own leftovers, never another run's databases.
  const name = `${inject('pgRunPrefix')}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), RELEVO_DATA_DIR: 'memory://' },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A fresh, migrated database of `kind`, opened in this process: for tests of one mechanism (the outbox, a
 * lease) without a whole Relevo. `close` closes it and drops it.
 */
export async function openTestDatabase(
  kind: DatabaseKind,
): Promise<{ db: Database; close(): Promise<void>; url?: string }> {
  const test = await freshDatabase(kind);
  const db = await openDatabase({
    databaseUrl: test.env.DATABASE_URL,
    dataDir: test.env.RELEVO_DATA_DIR,
    pgliteSnapshot: test.env.RELEVO_PGLITE_SNAPSHOT,
  });
  await db.migrate();
  return {
    db,
    /** PostgreSQL: the database's URL, for a second connection of the test's own. */
    url: test.env.DATABASE_URL,
    async close() {
      await db.close();
      await test.drop();
    },
  };
}
