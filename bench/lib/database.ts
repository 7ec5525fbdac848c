// The database a bench runs Relevo on: PGlite in a temp data directory (as `relevo start` runs it), in
// memory, or a throw-away PostgreSQL database dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

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
