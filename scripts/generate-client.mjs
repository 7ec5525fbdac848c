// Generates the Prisma client into src/db/generated (runs after npm install).
// `prisma generate` needs no schema engine, but the CLI checks that one exists and would try to
// download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check offline.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
