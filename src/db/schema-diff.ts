// Computes the SQL that takes the committed migrations to the current prisma/schema.prisma, offline,
// with Prisma's WASM schema engine on an in-memory PGlite (the native engine would need a download).
// Used by `npm run migration:new` to write the next migration and by a test that fails when the
// schema changed without a migration.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const require = createRequire(import.meta.url);

interface SchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}

async function loadEngine(schemaPath: string, schemaText: string): Promise<SchemaEngine> {
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './schema_engine_bg.js': bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite()));
  return bg.SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    () => {},
    adapter,
  ) as Promise<SchemaEngine>;
}

/** Returns the SQL of the migration still missing ('' when the migrations match the schema). */
export async function pendingSchemaSql(prismaDir: string): Promise<string> {
  const schemaPath = path.join(prismaDir, 'schema.prisma');
  const schemaText = await readFile(schemaPath, 'utf8');
  const baseDir = path.join(prismaDir, 'migrations');
  const names = (await readdir(baseDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: path.join(baseDir, name),
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: await readFile(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockfile = {
    path: 'migration_lock.toml',
    content: await readFile(path.join(baseDir, 'migration_lock.toml'), 'utf8'),
  };
  const engine = await loadEngine(schemaPath, schemaText);
  const result = await engine.diff({
    from: { tag: 'migrations', baseDir, lockfile, shadowDbInitScript: '', migrationDirectories },
    to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schemaText }] },
    script: true,
    shadowDatabaseUrl: null,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  const sql = result.stdout ?? '';
  return sql.includes('This is an empty migration') ? '' : sql.trim();
}
