import { describe, expect, it } from 'vitest';
import { alertmanagerPayload } from '../../test/fixtures/alerts.ts';
import { capBatch } from './cap.ts';
import { readAlertmanager } from './sources/alertmanager.ts';

describe('capBatch', () => {
  const read = (p: unknown) => {
    const r = readAlertmanager(p, { monitorId: 'p', receivedAt: new Date() });
    if ('ignored' in r) throw new Error('ignored');
    return r.batch;
  };

  it('keeps 500 alerts, firing first, the same ones every time, counting the rest with the sender’s', () => {
    const batch = read(alertmanagerPayload({ count: 10_000, truncatedAlerts: 3 }));
    batch.alerts[9_999] = { ...(batch.alerts[9_999] as (typeof batch.alerts)[0]), status: 'resolved' };
    const capped = capBatch(batch);
    expect(capped.alerts).toHaveLength(500);
    expect(capped.truncated).toBe(9_503);
    expect(capped.alerts.every((a) => a.status === 'firing')).toBe(true);
    expect(
      capBatch({ ...batch, alerts: [...batch.alerts].reverse() }).alerts.map((a) => a.fingerprint),
    ).toEqual(capped.alerts.map((a) => a.fingerprint));
  });

  it('leaves a small batch as it is', () => {
    const batch = read(alertmanagerPayload({ count: 3 }));
    expect(capBatch(batch)).toBe(batch);
  });
});
