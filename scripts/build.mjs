// `npm run build`: compiles src/, adapters/ and commands/ to dist/ with tsc (imports rewritten from .ts
// to .js), then copies the files the code finds beside itself through import.meta.url: the demo
// configuration, the web chat's pages and the migrations.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
for (const asset of ['src/config/demo.yaml', 'adapters/webchat/public', 'prisma/migrations']) {
  cpSync(`${root}${asset}`, `${dist}/${asset}`, { recursive: true });
}
