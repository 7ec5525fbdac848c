// Once per test run: a migrated PGlite template (each test database starts from it in ~0.5 s instead
// of a 3-6 s initdb) and a check that the PostgreSQL server is there for the PostgreSQL suites.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/index.ts';

export const PG_ADMIN_URL = process.env.RELEVO_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-test-'));
  const snapshot = path.join(dir, 'pglite-template.tar');
  const db = await openDatabase({ dataDir: 'memory://' });
  await db.migrate();
  await db.snapshot?.(snapshot);
  await db.close();
  project.provide('pgliteSnapshot', snapshot);

  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `The PostgreSQL suites need a server at ${PG_ADMIN_URL} (.ci/run starts one; set RELEVO_TEST_PG_URL to use another): ${(err as Error).message}`,
    );
  }
  project.provide('pgAdminUrl', PG_ADMIN_URL);
  const runPrefix = `relevo_t_${randomBytes(3).toString('hex')}_`;
  project.provide('pgRunPrefix', runPrefix);
  return async () => {
    // Drop whatever test databases a crashed test left behind.
    const { rows } = await admin.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      runPrefix,
    ]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgAdminUrl: string;
    pgRunPrefix: string;
  }
}
