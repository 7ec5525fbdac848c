// A new ticket's kept clocks are written with the ticket itself (no reading back of a history that has
// nothing in it yet): they must be exactly what a refresh from its history writes, on every kind of plan —
// business hours opened outside them, round the clock, several priorities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSla } from '../../src/core/sla/refresh.ts';
import { businessHoursConfigYaml } from '../fixtures/business-hours.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient } from '../harness/http.ts';

// The two business-hours plans, and one round the clock.
const config = businessHoursConfigYaml
  .replace(
    'plans:\n',
    `plans:
  always:
    name: Round the clock
    sla:
      urgent: { firstResponse: 30m, nextUpdate: 1h, resolution: 4h }
      high: { firstResponse: 1h, nextUpdate: 4h, resolution: 1d }
      normal: { firstResponse: 4h, nextUpdate: 1d, resolution: 5d }
      low: { firstResponse: 1d, nextUpdate: 2d, resolution: 10d }
`,
  )
  .replace(
    'organisations:\n',
    'organisations:\n  - { id: globex, name: Globex, plan: always, language: es, emailDomains: [globex.es] }\n',
  );

const kept = {
  firstResponseDueAt: true,
  nextUpdateDueAt: true,
  resolutionDueAt: true,
  slaRiskAt: true,
  slaCheckAt: true,
} as const;

describe.each(databaseKinds)('a new ticket’s kept clocks on %s', (database) => {
  let t: TestApp;
  // A Friday evening in Madrid: outside business hours, with a holiday the next Tuesday.
  const clock = new FakeClock(new Date('2026-12-04T19:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ database, clock, config, pollMs: 60_000 });
  });
  afterAll(async () => t?.stop());

  it('are what a refresh from the ticket’s history writes', async () => {
    const api = agentClient(t.url, t.apiToken);
    const cases = [
      { email: 'pat@example.com', priority: 'urgent' },
      { email: 'pat@example.com', priority: 'low' },
      { email: 'lu@globex.es', priority: 'urgent' },
      { email: 'lu@globex.es', priority: 'normal' },
      { email: 'sol@andes.cl', priority: 'high' },
    ];
    for (const c of cases) {
      const created = await api.request('POST', '/api/v1/tickets', {
        requesterEmail: c.email,
        subject: `Opened ${c.priority}`,
        body: 'Something is wrong.',
        priority: c.priority,
      });
      const { number } = created.body as { number: number };
      const db = t.app.db.prisma;
      const atOpening = await db.ticket.findUniqueOrThrow({ where: { number }, select: kept });
      await db.$transaction((tx) => refreshSla(tx, t.config, number, clock.now()));
      const refreshed = await db.ticket.findUniqueOrThrow({ where: { number }, select: kept });
      expect(atOpening, `${c.email} ${c.priority}`).toEqual(refreshed);
      if (c.email.endsWith('initech.test'))
        expect(Object.values(atOpening).every((v) => v === null)).toBe(true);
      else expect(atOpening.firstResponseDueAt).not.toBeNull();
    }
  });
});
