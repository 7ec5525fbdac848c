import { describe, expect, it } from 'vitest';
import { zabbixPayload } from '../../../test/fixtures/alerts.ts';
import { readZabbix } from './zabbix.ts';

const ctx = { monitorId: 'zabbix', receivedAt: new Date('2026-12-06T03:05:00Z') };
const batchOf = (p: unknown) => {
  const r = readZabbix(p, ctx);
  if ('ignored' in r) throw new Error(r.ignored);
  return r;
};

describe('Zabbix (Relevo’s media type JSON)', () => {
  it('reads a problem as a firing alert of its trigger’s group, severity mapped, tags as labels', () => {
    const { batch } = batchOf(zabbixPayload('problem'));
    expect(batch).toMatchObject({
      source: 'zabbix',
      groupKey: 'trigger:23001',
      status: 'firing',
      title: 'Load average is too high on db-1.acme.test',
    });
    expect(batch.alerts[0]).toMatchObject({
      fingerprint: '4711',
      status: 'firing',
      labels: {
        severity: 'high',
        zabbix_severity: 'High',
        host: 'db-1.acme.test',
        customer: 'acme',
        scope: 'performance',
      },
      links: { generator: 'https://zabbix.acme.test/tr_events.php?triggerid=23001&eventid=4711' },
    });
    expect(batch.alerts[0]?.startsAt.toISOString()).toBe(new Date(1796526000 * 1000).toISOString());
  });

  it('reads a recovery as resolved with its time, and an update as nothing to store', () => {
    const { batch } = batchOf(zabbixPayload('recovery'));
    expect(batch.alerts[0]?.status).toBe('resolved');
    expect(batch.alerts[0]?.endsAt?.toISOString()).toBe(new Date(1796527200 * 1000).toISOString());
    expect(readZabbix(zabbixPayload('update'), ctx)).toEqual({ ignored: expect.stringMatching(/^update/) });
  });

  it.each([
    ['Disaster', 'critical'],
    ['Average', 'average'],
    ['Warning', 'warning'],
    ['Information', 'info'],
    ['Not classified', 'none'],
  ])('maps severity %s to %s', (zabbix, relevo) => {
    expect(batchOf({ ...zabbixPayload(), severity: zabbix }).batch.alerts[0]?.labels.severity).toBe(relevo);
  });

  it('dedupes on event id + state', () => {
    expect(batchOf(zabbixPayload()).dedupe).toBe(batchOf(zabbixPayload()).dedupe);
    expect(batchOf(zabbixPayload('recovery')).dedupe).not.toBe(batchOf(zabbixPayload()).dedupe);
  });

  it('refuses what its media type would not post', () => {
    expect(() => readZabbix({ ...zabbixPayload(), version: '2' }, ctx)).toThrow(/version: expected "1"/);
    expect(() => readZabbix({ ...zabbixPayload(), eventId: '' }, ctx)).toThrow(/eventId: missing/);
    expect(() => readZabbix({ ...zabbixPayload(), status: '1' }, ctx)).toThrow(/status: expected "problem"/);
    expect(() => readZabbix({ ...zabbixPayload(), startedAt: '{EVENT.TIMESTAMP}' }, ctx)).toThrow(
      /startedAt: expected unix seconds/,
    );
  });
});
