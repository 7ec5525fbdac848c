import { describe, expect, it } from 'vitest';
import { uptimeKumaPayload, uptimeKumaTest } from '../../../test/fixtures/alerts.ts';
import { readUptimeKuma } from './uptime-kuma.ts';

const ctx = { monitorId: 'kuma', receivedAt: new Date('2026-12-06T03:05:00Z') };
const batchOf = (p: unknown) => {
  const r = readUptimeKuma(p, ctx);
  if ('ignored' in r) throw new Error(r.ignored);
  return r;
};

describe('Uptime Kuma webhook', () => {
  it('reads DOWN as one firing alert of the monitor’s group, its tags as labels', () => {
    const { batch } = batchOf(uptimeKumaPayload(0));
    expect(batch).toMatchObject({
      source: 'uptime-kuma',
      groupKey: 'monitor:29',
      status: 'firing',
      title: 'Acme shop',
    });
    const [alert] = batch.alerts;
    expect(alert).toMatchObject({
      fingerprint: '29',
      status: 'firing',
      endsAt: null,
      labels: {
        alertname: 'Acme shop',
        monitor_id: '29',
        monitor_type: 'http',
        target: 'https://shop.acme.test',
        customer: 'acme',
        severity: 'critical',
      },
      annotations: { description: 'getaddrinfo ENOTFOUND shop.acme.test' },
    });
    // Kuma's `time` is UTC without a zone.
    expect(alert?.startsAt.toISOString()).toBe('2026-12-06T03:00:00.527Z');
  });

  it('reads UP and MAINTENANCE as resolved', () => {
    expect(batchOf(uptimeKumaPayload(1)).batch.alerts[0]).toMatchObject({ status: 'resolved' });
    const m = batchOf(uptimeKumaPayload(3)).batch.alerts[0];
    expect(m).toMatchObject({ status: 'resolved', annotations: { maintenance: 'true' } });
    expect(m?.endsAt?.toISOString()).toBe('2026-12-06T03:00:00.527Z');
  });

  it('stores nothing for PENDING or the test button', () => {
    expect(readUptimeKuma(uptimeKumaPayload(2), ctx)).toEqual({ ignored: expect.stringMatching(/^pending/) });
    expect(readUptimeKuma(uptimeKumaTest, ctx)).toEqual({ ignored: expect.stringMatching(/no heartbeat/) });
  });

  it('dedupes on monitor id + status + heartbeat time', () => {
    const down = batchOf(uptimeKumaPayload(0)).dedupe;
    expect(batchOf(uptimeKumaPayload(0)).dedupe).toBe(down);
    expect(batchOf(uptimeKumaPayload(1)).dedupe).not.toBe(down);
    expect(batchOf(uptimeKumaPayload(0, '2026-12-06 05:00:00.000')).dedupe).not.toBe(down);
  });

  it('refuses what is not a Kuma payload', () => {
    expect(() => readUptimeKuma({ alerts: [] }, ctx)).toThrow(/heartbeat, monitor: missing/);
    expect(() =>
      readUptimeKuma(
        { ...uptimeKumaPayload(0), heartbeat: { ...uptimeKumaPayload(0).heartbeat, status: 9 } },
        ctx,
      ),
    ).toThrow(/heartbeat.status: expected 0/);
    expect(() => readUptimeKuma({ ...uptimeKumaPayload(0), monitor: 'x' }, ctx)).toThrow(
      /monitor: expected an object/,
    );
  });
});
