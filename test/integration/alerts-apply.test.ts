// applyAlertBatch's rules, on a real (embedded) database: the one path every accepted delivery takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capBatch } from '../../src/alerts/cap.ts';
import { readAlertmanager } from '../../src/alerts/sources/alertmanager.ts';
import { applyAlertBatch } from '../../src/core/alerts/apply.ts';
import type { AlertBatch } from '../../src/core/alerts/batch.ts';
import type { Database } from '../../src/db/index.ts';
import { alertmanagerPayload } from '../fixtures/alerts.ts';
import { openTestDatabase } from '../harness/databases.ts';

const config = {
  alerts: {
    routes: [{ match: { customer: 'acme' }, organisation: 'acme' }],
    autoTicket: { severities: [], plans: [] },
  },
};
const now = new Date('2026-12-06T03:05:00Z');

function batchOf(payload: unknown): AlertBatch {
  const r = readAlertmanager(payload, { monitorId: 'prometheus', receivedAt: now });
  if ('ignored' in r) throw new Error('ignored');
  return capBatch(r.batch);
}

describe('applyAlertBatch', () => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openTestDatabase('pglite'));
  });
  afterAll(() => close());

  const apply = (payload: unknown, groupKey: string, at = now) =>
    db.prisma.$transaction((tx) => applyAlertBatch(tx, config, { ...batchOf(payload), groupKey }, at));
  const group = (groupKey: string) =>
    db.prisma.alertGroup.findUniqueOrThrow({
      where: { monitorId_groupKey: { monitorId: 'prometheus', groupKey } },
      include: { alerts: { orderBy: { fingerprint: 'asc' } } },
    });

  it('creates the group with its organisation and severity; a repeat changes nothing', async () => {
    const first = await apply(alertmanagerPayload({ count: 2 }), 'repeat');
    expect(first).toMatchObject({ changed: true, from: null, to: 'firing' });
    const before = await group('repeat');
    expect(before).toMatchObject({
      status: 'firing',
      organisationId: 'acme',
      severity: 'critical',
      title: 'HighLatency',
    });
    expect(before.alerts).toHaveLength(2);
    const again = await apply(alertmanagerPayload({ count: 2 }), 'repeat');
    expect(again).toMatchObject({ changed: false, from: 'firing', to: 'firing' });
    const after = await group('repeat');
    expect(after.alerts.map((a) => a.updatedAt)).toEqual(before.alerts.map((a) => a.updatedAt));
  });

  it('an endsAt that moved, alone, changes nothing', async () => {
    await apply(alertmanagerPayload(), 'ends');
    const moved = alertmanagerPayload();
    (moved.alerts[0] as { endsAt: string }).endsAt = '2026-12-06T03:09:00Z';
    expect(await apply(moved, 'ends')).toMatchObject({ changed: false });
    expect((await group('ends')).alerts[0]?.endsAt).toBeNull();
  });

  it('resolves, then fires again as a new episode', async () => {
    await apply(alertmanagerPayload(), 'episode');
    const resolvedAt = new Date('2026-12-06T03:20:00Z');
    expect(await apply(alertmanagerPayload({ status: 'resolved' }), 'episode', resolvedAt)).toMatchObject({
      changed: true,
      from: 'firing',
      to: 'resolved',
    });
    expect(await group('episode')).toMatchObject({ status: 'resolved', resolvedAt });
    const refired = new Date('2026-12-06T04:00:00Z');
    expect(
      await apply(alertmanagerPayload({ startsAt: '2026-12-06T04:00:00Z' }), 'episode', refired),
    ).toMatchObject({ changed: true, from: 'resolved', to: 'firing' });
    const g = await group('episode');
    expect(g).toMatchObject({ status: 'firing', resolvedAt: null, firingSince: refired });
    expect(g.alerts[0]?.startsAt.toISOString()).toBe('2026-12-06T04:00:00.000Z');
  });

  it('10,000 alerts: 500 kept, the rest counted; the same delivery again changes nothing', async () => {
    const big = alertmanagerPayload({ count: 10_000 });
    expect(await apply(big, 'big')).toMatchObject({ changed: true });
    const g = await group('big');
    expect(g.truncated).toBe(9_500);
    expect(g.alerts).toHaveLength(500);
    expect(await apply(big, 'big')).toMatchObject({ changed: false });
    // Fewer left out is a change an agent would see.
    expect(await apply(alertmanagerPayload({ count: 600 }), 'big')).toMatchObject({ changed: true });
    expect((await group('big')).truncated).toBe(100);
  });

  it('a fingerprint twice in one delivery is one alert, its last status kept', async () => {
    const p = alertmanagerPayload({ count: 2 });
    const twice = {
      ...p,
      alerts: [p.alerts[0], { ...p.alerts[0], status: 'resolved', endsAt: '2026-12-06T03:20:00Z' }],
    };
    await apply(twice, 'twice');
    const g = await group('twice');
    expect(g.alerts.map((a) => a.status)).toEqual(['resolved']);
  });
});
