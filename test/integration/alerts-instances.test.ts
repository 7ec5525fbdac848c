// Three Relevo instances on one PostgreSQL, one chat platform (architecture rule 3): the same alert
// notifications reaching all three at once (Alertmanager in HA sends each to every peer's receiver, and a
// retried delivery may land anywhere) make one message per group in the monitor channel, edited in place,
// and one automatic ticket per group. The group's row lock (apply.ts) and the outbox's lanes do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertBatch, alertsYaml, deliverAlerts } from '../harness/alerts.ts';
import { type MemoryTestApp, MONITOR, memoryConfigYaml, startMemoryApp } from '../harness/memory-app.ts';

describe('alert groups with three instances on one PostgreSQL', () => {
  const apps: MemoryTestApp[] = [];

  beforeAll(async () => {
    const config = memoryConfigYaml + alertsYaml;
    const first = await startMemoryApp('postgresql', { config });
    apps.push(first);
    apps.push(await startMemoryApp('postgresql', { config, sameDatabaseAs: first }));
    apps.push(await startMemoryApp('postgresql', { config, sameDatabaseAs: first }));
  }, 90_000);
  afterAll(async () => {
    // The first drops the database when it stops: the others go before it.
    for (const app of [...apps].reverse()) await app.stop();
  });

  it('posts each group once per monitor channel and opens its ticket once', async () => {
    const chat = apps[0]?.chat;
    if (!chat) throw new Error('not started');
    const groups = ['A', 'B', 'C'].map((name) => ({
      groupKey: `g${name}`,
      title: `Group${name}`,
      groupLabels: { alertname: `Group${name}`, customer: 'acme' },
    }));
    // Every instance receives every group's first notification, all at once.
    await Promise.all(
      apps.flatMap((app) =>
        groups.map((g) => deliverAlerts(app.t.app, alertBatch({ ...g, alerts: [{ fingerprint: 'x' }] }))),
      ),
    );
    // Then each receives the next: a second alert in every group.
    await Promise.all(
      apps.flatMap((app) =>
        groups.map((g) =>
          deliverAlerts(
            app.t.app,
            alertBatch({ ...g, alerts: [{ fingerprint: 'x' }, { fingerprint: 'y' }] }),
          ),
        ),
      ),
    );
    await Promise.all(apps.map((app) => app.t.app.settle()));
    await Promise.all(apps.map((app) => app.t.app.settle()));

    for (const g of groups) {
      const posted = chat.seen(MONITOR).filter((m) => m.message.title === `🔥 ${g.title}`);
      expect(posted, g.title).toHaveLength(1);
      expect(posted[0]?.message.fields?.find((f) => f.label === 'Alerts')?.value).toContain('2 firing');
    }
    const db = apps[0]?.t.app.db.prisma;
    expect(await db?.ticket.count({ where: { source: 'monitor' } })).toBe(groups.length);
    const linked = await db?.alertGroup.findMany({ select: { ticketNumber: true } });
    expect(new Set(linked?.map((l) => l.ticketNumber)).size).toBe(groups.length);
  }, 60_000);
});
