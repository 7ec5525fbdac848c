// Opens the database: embedded PGlite in a data directory by default, PostgreSQL when DATABASE_URL is
// set. Same Prisma client, same schema, same migrations on both.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations, type MigrationResult, type SqlConnection } from './migrate.ts';
import { type Listening, type ListenOptions, listenPostgres } from './pg-listener.ts';
import { bytesAsBinary } from './pglite-bytea.ts';
import { mergeParsersOnce } from './pglite-parsers-once.ts';
import { pgliteConf } from './pglite-settings.ts';

export { Prisma } from './generated/client.ts';
export { PrismaClient };

export type Db = PrismaClient;
/** What a transaction callback receives; services accept it so callers can compose one transaction. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * One statement straight to the database driver, outside Prisma, committed on its own (on PGlite it waits
 * for an open transaction to end, never joins it). For the hot path's bytes: Prisma serialises a 50 KB
 * bytes parameter at ~1 ms of the main thread; the driver sends it as it is.
 */
export interface DirectSql {
  query<T = Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<T[]>;
}

export interface Database {
  prisma: Db;
  direct: DirectSql;
  kind: 'pglite' | 'postgresql';
  /** Where the data lives, for logs (never includes a password). */
  description: string;
  migrate(): Promise<MigrationResult>;
  /**
   * Calls `onPayload` for each NOTIFY on `channel`, from any connection or instance, once its
   * transaction commits (PostgreSQL on a dedicated connection; PGlite in process).
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<Listening>;
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
  /** PGlite: postgresql.conf overrides of Relevo's defaults (RELEVO_PGLITE_SETTINGS). */
  pgliteSettings?: Record<string, string>;
  /** Told what is happening while a new PGlite data directory is initialised (a few seconds). */
  onProgress?: (message: string) => void;
}

/** While a slow step runs, says every few seconds that it is still running. */
async function withProgress<T>(
  work: Promise<T>,
  what: string,
  onProgress: ((message: string) => void) | undefined,
): Promise<T> {
  if (!onProgress) return work;
  const started = Date.now();
  const timer = setInterval(
    () => onProgress(`${what}: still working (${Math.round((Date.now() - started) / 1000)} s)`),
    2000,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options);
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const { dataDir, pgliteSnapshot: snapshot, onProgress } = options;
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : path.resolve(dataDir, 'pglite');
  const settings = { postgresqlconf: pgliteConf(options.pgliteSettings), serializers: bytesAsBinary };
  let lite: PGlite;
  if (inMemory) {
    lite = await PGlite.create({
      ...settings,
      ...(snapshot ? { loadDataDir: new Blob([await readFile(snapshot)]) } : {}),
    });
  } else {
    const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
    await mkdir(dir, { recursive: true });
    if (fresh) onProgress?.(`Creating the embedded database in ${dir} (first start only, a few seconds)`);
    lite = await withProgress(
      PGlite.create(dir, settings),
      fresh ? 'Creating the embedded database' : 'Opening the embedded database',
      onProgress,
    );
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(mergeParsersOnce(lite)) });
  const conn: SqlConnection = {
    query: async (sql, params) => ({ rows: (await lite.query(sql, params)).rows as never[] }),
    exec: (sql) => lite.exec(sql),
  };
  return {
    prisma,
    direct: {
      query: async <T>(text: string, params: readonly unknown[]) =>
        (await lite.query<T>(text, [...params])).rows,
    },
    kind: 'pglite',
    description: inMemory ? 'PGlite (in memory)' : `PGlite in ${dir}`,
    migrate: () => applyMigrations(conn),
    listen: async (channel, onPayload) => {
      const unlisten = await lite.listen(channel, onPayload);
      let up = true;
      return {
        connected: () => up,
        close: async () => {
          up = false;
          await unlisten();
        },
      };
    },
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
  // One pool for Prisma and the direct statements; Prisma's disconnect ends it.
  const pool = new pg.Pool({ connectionString: url });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  const safe = new URL(url);
  safe.password = safe.password ? '***' : '';
  return {
    prisma,
    direct: {
      query: async <T>(text: string, params: readonly unknown[]) =>
        (await pool.query(text, [...params])).rows as T[],
    },
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
    listen: (channel, onPayload, options) => listenPostgres(url, channel, onPayload, options),
    close: () => prisma.$disconnect(),
  };
}
