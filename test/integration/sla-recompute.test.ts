// Edited promises reach open tickets (issue 13): the kept clocks behind the API's `sla` filter and the
// warning sweep are recomputed when relevo.yaml's SLA settings change between starts — on both databases,
// once, and shared without repeats between instances recomputing at the same moment.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/config/file.ts';
import { recomputeSlaIfChanged } from '../../src/core/sla/recompute.ts';
import { openDatabase } from '../../src/db/index.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../harness/databases.ts';
import { agentClient, eventually } from '../harness/http.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const normal = '      normal: { firstResponse: 4h, nextUpdate: 1d, resolution: 5d }';
/** Acme's plan promising a first response on a normal ticket in 1 h instead of 4 h. */
const fasterYaml = testConfigYaml.replace(normal, normal.replace('4h', '1h'));
/** The 4 h back, with agents warned at half of a target instead of three quarters. */
const earlierWarningYaml = `${testConfigYaml}tickets:\n  slaWarningShare: 0.5\n`;
const quiet = pino({ level: 'silent' });

describe.each(databaseKinds)('edited SLA promises on %s', (database) => {
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  const start = clock.now().getTime();
  const logged: { msg?: string; tickets?: number }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  let dir: string | undefined;
  let pg: TestDatabase | undefined;
  let t: TestApp | undefined;
  const numbers: number[] = [];

  // The data outlives each start: PGlite in a directory, or one PostgreSQL database dropped at the end.
  const restart = async (config: string) => {
    await t?.stop();
    const env = pg?.env ?? { RELEVO_DATA_DIR: dir ?? '' };
    t = await startTestApp({
      database: { env, drop: async () => {} },
      clock,
      config,
      logger,
      pollMs: 60_000,
    });
    return t;
  };
  const listed = async (state: string) =>
    (
      (await agentClient(t?.url ?? '', t?.apiToken ?? '').request('GET', `/api/v1/tickets?sla=${state}`))
        .body as { tickets: { number: number }[] }
    ).tickets.map((x) => x.number);

  beforeAll(async () => {
    if (database === 'pglite') dir = await mkdtemp(path.join(tmpdir(), 'relevo-sla-recompute-'));
    else pg = await freshDatabase('postgresql');
    const first = await restart(testConfigYaml);
    const api = agentClient(first.url, first.apiToken);
    for (const subject of ['Printer 4 is jammed', 'VPN drops every hour', 'Badge reader offline']) {
      const res = await api.request('POST', '/api/v1/tickets', {
        requesterEmail: 'carla@example.com',
        subject,
        body: subject,
      });
      numbers.push((res.body as { number: number }).number);
    }
    // A finished ticket keeps the clocks it stopped with.
    const [, , done] = numbers as [number, number, number];
    await first.app.tickets.setStatus(done, { kind: 'agent', agentId: 'ana' }, 'rejected', 'A duplicate');
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('recomputes open tickets once after a restart with other targets, and not again', async () => {
    const [a, b, done] = numbers as [number, number, number];
    clock.advance(2 * HOUR);
    expect(await listed('breached')).toEqual([]);
    const finished = () => t?.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: done } });
    const finishedBefore = await finished();

    const logsFrom = logged.length;
    await restart(fasterYaml);
    await eventually(
      async () => (await listed('breached')).sort().join() === [a, b].sort().join(),
      'the open tickets breached under the 1 h promise',
      30_000,
    );
    const kept = await t?.app.db.prisma.ticket.findMany({
      where: { number: { in: [a, b] } },
      select: { firstResponseDueAt: true, slaRiskAt: true },
    });
    // The first response breached, the next share to reach is the resolution's 75% of 5 days.
    expect(kept?.map((k) => [k.firstResponseDueAt?.getTime(), k.slaRiskAt?.getTime()])).toEqual([
      [start + HOUR, start + 90 * HOUR],
      [start + HOUR, start + 90 * HOUR],
    ]);
    // A finished ticket's clocks stopped with the promises it was worked under: left as they were.
    expect(await finished()).toEqual(finishedBefore);
    const recomputed = () => logged.slice(logsFrom).filter((l) => l.msg?.includes('SLA clocks recomputed'));
    await eventually(async () => recomputed().length === 1, 'the recompute logged', 30_000);
    expect(recomputed()[0]?.tickets).toBe(2);

    // Same promises: nothing to recompute (the call answers once it has compared the fingerprints).
    const again = await restart(fasterYaml);
    const config = parseConfigFile(fasterYaml, 'test');
    expect(await recomputeSlaIfChanged({ db: again.app.db.prisma, config, clock, log: quiet })).toBe(0);
  });

  it('shares one recompute between instances starting together, each ticket done once', async () => {
    const [a, b] = numbers as [number, number, number];
    await t?.stop();
    t = undefined;
    // Three at once on the stopped desk's database, as instances starting together would.
    const db = await openDatabase({ databaseUrl: pg?.env.DATABASE_URL, dataDir: dir ?? 'memory://' });
    const config = parseConfigFile(earlierWarningYaml, 'test');
    try {
      // One ticket per batch: the instances take turns on the shared cursor.
      const counts = await Promise.all(
        [1, 2, 3].map(() => recomputeSlaIfChanged({ db: db.prisma, config, clock, log: quiet, batch: 1 })),
      );
      expect(counts.reduce((x, y) => x + y)).toBe(2);
    } finally {
      await db.close();
    }
    await restart(earlierWarningYaml);
    // 2 h of the 4 h first response: past half, so at risk with the new share.
    expect((await listed('at_risk')).sort().join()).toBe([a, b].sort().join());
  });
});
