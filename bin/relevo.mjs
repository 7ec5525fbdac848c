#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --v8-pool-size=1 --max-semi-space-size=2
// Entry point of the `relevo` command: runs the JavaScript that `npm run build` compiled into dist/.
// The runtime settings on the first line keep a small help desk small (measured by bench/runtime.ts):
// on two cores, V8's extra compile threads and their glibc malloc arenas held ~75 MB at idle and
// slowed start-up, and a 2 MB young generation is plenty for a help desk's request sizes.
// Running `node bin/relevo.mjs` directly skips them; the systemd unit in the README sets them too.
// (`npm run dev -- <command>` runs the TypeScript sources directly, for development.)
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('Relevo is not built yet: run `npm run build` (npm install does it too).');
  process.exit(1);
}
await import(cli.href);
