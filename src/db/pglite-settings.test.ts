import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/env.ts';
import { openDatabase } from './index.ts';
import { parsePgliteSettings, pgliteConf } from './pglite-settings.ts';

describe('embedded database settings', () => {
  it('parses RELEVO_PGLITE_SETTINGS and lets it override the defaults', () => {
    const overrides = parsePgliteSettings(' shared_buffers = 64MB ; work_mem=8MB;');
    expect(overrides).toEqual({ shared_buffers: '64MB', work_mem: '8MB' });
    const conf = pgliteConf(overrides);
    expect(conf).toContain("shared_buffers = '64MB'");
    expect(conf).toContain("work_mem = '8MB'");
    expect(conf).toContain("maintenance_work_mem = '16MB'");
  });

  it('refuses a malformed value at start, naming the variable', () => {
    expect(() => parseEnv({ RELEVO_PGLITE_SETTINGS: 'shared_buffers' })).toThrow(/RELEVO_PGLITE_SETTINGS/);
  });

  it('runs PGlite with them', async () => {
    const db = await openDatabase({ dataDir: 'memory://', pgliteSettings: { work_mem: '8MB' } });
    try {
      const [row] = await db.prisma.$queryRaw<{ sb: string; wm: string }[]>`
        SELECT current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`;
      expect(row).toEqual({ sb: '16MB', wm: '8MB' });
    } finally {
      await db.close();
    }
  });
});
