#!/usr/bin/env node
// Entry point of the `relevo` command: runs the JavaScript that `npm run build` compiled into dist/.
// (`npm run dev -- <command>` runs the TypeScript sources directly, for development.)
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('Relevo is not built yet: run `npm run build` (npm install does it too).');
  process.exit(1);
}
await import(cli.href);
