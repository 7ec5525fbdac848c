// Process managers signal the top process. Under `npm start` that is npm: SIGTERM to it must stop Relevo
// cleanly (exit 0, nothing left serving), as SIGTERM to `node dist/src/cli.js start` under systemd does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, healthy, startRelevo } from '../harness/process.ts';

describe('signals', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.each([
    ['npm start', ['npm', 'start', '--silent']],
    ['node dist/src/cli.js start', [process.execPath, 'dist/src/cli.js', 'start']],
  ])(
    'SIGTERM to %s stops Relevo and everything it started',
    async (_name, command) => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'relevo-signal-'));
      dirs.push(dataDir);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const top = startRelevo(
        { PORT: String(port), RELEVO_DATA_DIR: dataDir, RELEVO_API_TOKEN: 'signal-test-token-0123456789' },
        command,
      );
      await healthy(base, top, 120_000);
      top.kill('SIGTERM');
      await exited(top);
      expect(top.exitCode).toBe(0);
      // Nothing is left serving on the port: the child that served it is gone too.
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    },
    180_000,
  );
});
