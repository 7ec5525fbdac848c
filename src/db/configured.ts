// The database the environment names (DATABASE_URL, else PGlite in RELEVO_DATA_DIR), with its settings.
import type { Env } from '../config/env.ts';
import { type Database, openDatabase } from './index.ts';
import { parsePgliteSettings } from './pglite-settings.ts';

export function openConfiguredDatabase(env: Env, onProgress?: (message: string) => void): Promise<Database> {
  return openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.RELEVO_DATA_DIR,
    pgliteSnapshot: env.RELEVO_PGLITE_SNAPSHOT,
    pgliteSettings: parsePgliteSettings(env.RELEVO_PGLITE_SETTINGS),
    ...(onProgress ? { onProgress } : {}),
  });
}
