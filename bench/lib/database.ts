// The database a bench runs Relevo on: PGlite in a temp data directory (as `relevo start` runs it), in
// memory, or a throw-away PostgreSQL database dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FileConfig } from '../../src/config/file.ts';
import { syncDirectory } from '../../src/core/directory.ts';
import { type Database, openDatabase } from '../../src/db/index.ts';

export interface BenchDatabase {
  /** Relevo's environment for it (RELEVO_DATA_DIR, DATABASE_URL). */
  env: Record<string, string>;
  description: string;
  drop(): Promise<void>;
}

/** `kind`: `dir` (the default), `memory` or `postgres` (a new database on `pgUrl`); `tag` names the temp dir. */
export async function openDatabaseEnv(kind: string, pgUrl: string, tag: string): Promise<BenchDatabase> {
  if (kind === 'memory') {
    return { env: { RELEVO_DATA_DIR: 'memory://' }, description: 'PGlite, in memory', drop: async () => {} };
  }
  if (kind === 'postgres') {
    const name = `relevo_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    const safe = new URL(url);
    safe.password = '';
    return {
      env: { DATABASE_URL: url.toString(), RELEVO_DATA_DIR: 'memory://' },
      description: `PostgreSQL, throw-away database ${safe.host}${safe.pathname}`,
      drop: async () => {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  if (kind !== 'dir') throw new Error(`unknown bench database "${kind}": dir, memory or postgres`);
  const dir = await mkdtemp(path.join(tmpdir(), `relevo-bench-${tag}-`));
  return {
    env: { RELEVO_DATA_DIR: dir },
    description: 'PGlite in a new temp data directory (as `relevo start` runs it)',
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A bench's database opened directly (no app around it), migrated and holding `config`'s organisations,
 * plans and agents; `close` closes and drops it.
 */
export async function openMigratedDatabase(
  kind: string,
  pgUrl: string,
  tag: string,
  config: FileConfig,
): Promise<{ db: Database; description: string; close(): Promise<void> }> {
  const target = await openDatabaseEnv(kind, pgUrl, tag);
  const db = await openDatabase({
    databaseUrl: target.env.DATABASE_URL,
    dataDir: target.env.RELEVO_DATA_DIR ?? 'memory://',
  });
  const close = async () => {
    await db.close();
    await target.drop();
  };
  try {
    await db.migrate();
    await syncDirectory(db.prisma, config);
  } catch (err) {
    await close();
    throw err;
  }
  return { db, description: target.description, close };
}
