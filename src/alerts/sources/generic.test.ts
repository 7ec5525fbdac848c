import { describe, expect, it } from 'vitest';
import { genericPayload } from '../../../test/fixtures/alerts.ts';
import { readGeneric } from './generic.ts';

const ctx = { monitorId: 'scripts', receivedAt: new Date('2026-12-06T03:05:00Z') };
const batchOf = (p: unknown) => {
  const r = readGeneric(p, ctx);
  if ('ignored' in r) throw new Error(r.ignored);
  return r;
};

describe('generic JSON', () => {
  it('reads the group and each alert: title, severity, labels, annotations, times, url', () => {
    const { batch } = batchOf(genericPayload());
    expect(batch).toMatchObject({
      source: 'generic',
      groupKey: 'backups',
      status: 'firing',
      title: 'backups',
    });
    expect(batch.alerts[0]).toMatchObject({
      fingerprint: 'nightly-dump',
      labels: { alertname: 'Nightly database dump failed', severity: 'warning', customer: 'acme' },
      annotations: { summary: 'Nightly database dump failed', description: 'pg_dump exited with 1' },
      links: { generator: 'https://backups.acme.test/jobs/nightly' },
      endsAt: null,
    });
    expect(batchOf(genericPayload('resolved')).batch.alerts[0]?.endsAt?.toISOString()).toBe(
      '2026-12-06T02:30:00.000Z',
    );
  });

  it('needs only status and alerts[{id, status, title}]', () => {
    const { batch } = batchOf({
      status: 'firing',
      alerts: [{ id: 'a', status: 'firing', title: 'Disk full' }],
    });
    expect(batch).toMatchObject({ groupKey: 'default', title: 'Disk full' });
    expect(batch.alerts[0]?.startsAt).toEqual(ctx.receivedAt);
  });

  it('dedupes on id + status + startsAt as sent', () => {
    const minimal = { status: 'firing', alerts: [{ id: 'a', status: 'firing', title: 'Disk full' }] };
    // Received later, without a startsAt: still the same delivery.
    const later = readGeneric(minimal, { ...ctx, receivedAt: new Date('2026-12-06T09:00:00Z') });
    expect('dedupe' in later && later.dedupe).toBe(batchOf(minimal).dedupe);
    expect(batchOf(genericPayload()).dedupe).not.toBe(batchOf(genericPayload('resolved')).dedupe);
  });

  it.each([
    [{ status: 'firing', alerts: [] }, 'alerts: expected at least one alert'],
    [{ status: 'firing' }, 'alerts: expected an array'],
    [{ alerts: [{ id: 'a', status: 'firing', title: 'x' }] }, 'status: expected "firing" or "resolved"'],
    [{ status: 'firing', alerts: [{ status: 'firing', title: 'x' }] }, 'alerts.0.id: missing'],
    [{ status: 'firing', alerts: [{ id: 'a', status: 'firing' }] }, 'alerts.0.title: expected a string'],
    [
      {
        status: 'firing',
        alerts: [
          { id: 'a', status: 'firing', title: 'x' },
          { id: 'a', status: 'firing', title: 'y' },
        ],
      },
      'alerts.1.id: "a" appears twice',
    ],
  ])('refuses a wrong shape by field (%#)', (payload, message) => {
    expect(() => readGeneric(payload, ctx)).toThrow(message);
  });
});
