// Opens the database: embedded PGlite in a data directory by default, PostgreSQL when DATABASE_URL is
// set. Same Prisma client, same schema, same migrations on both.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations, type MigrationResult, type SqlConnection } from './migrate.ts';

export type { Prisma } from './generated/client.ts';
export { PrismaClient };

export type Db = PrismaClient;
/** What a transaction callback receives; services accept it so callers can compose one transaction. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface Database {
  prisma: Db;
  kind: 'pglite' | 'postgresql';
  /** Where the data lives, for logs (never includes a password). */
  description: string;
  migrate(): Promise<MigrationResult>;
  close(): Promise<void>;
  /** PGlite only: dumps the data directory to a file (the test harness's template database). */
  snapshot?(file: string): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  /** A PGlite data-directory dump to start an in-memory database from (tests: skips initdb). */
  pgliteSnapshot?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl)
    : openPglite(options.dataDir, options.pgliteSnapshot);
}

async function openPglite(dataDir: string, snapshot?: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : path.resolve(dataDir, 'pglite');
  if (!inMemory) await mkdir(dir, { recursive: true });
  const lite = inMemory
    ? await PGlite.create(snapshot ? { loadDataDir: new Blob([await readFile(snapshot)]) } : {})
    : await PGlite.create(dir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  const conn: SqlConnection = {
    query: async (sql, params) => ({ rows: (await lite.query(sql, params)).rows as never[] }),
    exec: (sql) => lite.exec(sql),
  };
  return {
    prisma,
    kind: 'pglite',
    description: inMemory ? 'PGlite (in memory)' : `PGlite in ${dir}`,
    migrate: () => applyMigrations(conn),
    close: async () => {
      await prisma.$disconnect();
      await lite.close();
    },
    snapshot: async (file: string) => {
      const blob = await lite.dumpDataDir('none');
      await writeFile(file, Buffer.from(await blob.arrayBuffer()));
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  const safe = new URL(url);
  safe.password = safe.password ? '***' : '';
  return {
    prisma,
    kind: 'postgresql',
    description: `PostgreSQL at ${safe.host}${safe.pathname}`,
    migrate: async () => {
      // A dedicated connection: BEGIN, the advisory lock and COMMIT must share one session.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await applyMigrations({
          query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
          exec: (sql) => client.query(sql),
        });
      } finally {
        await client.end();
      }
    },
    close: () => prisma.$disconnect(),
  };
}
