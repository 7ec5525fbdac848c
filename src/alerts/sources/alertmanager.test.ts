import { describe, expect, it } from 'vitest';
import { alertmanagerPayload, grafanaPayload } from '../../../test/fixtures/alerts.ts';
import { labelsFingerprint } from '../fingerprint.ts';
import { PayloadError } from '../read.ts';
import { readAlertmanager } from './alertmanager.ts';

const ctx = { monitorId: 'prometheus', receivedAt: new Date('2026-12-06T03:05:00Z') };
const read = (p: unknown) => {
  const r = readAlertmanager(p, ctx);
  if ('ignored' in r) throw new Error('ignored');
  return r;
};

describe('Alertmanager webhook (version 4)', () => {
  it('reads the group, its labels and each alert with its links', () => {
    const { batch } = read(alertmanagerPayload());
    expect(batch).toMatchObject({
      source: 'alertmanager',
      monitorId: 'prometheus',
      groupKey: '{}/{severity="critical"}:{alertname="HighLatency"}',
      status: 'firing',
      title: 'HighLatency',
      groupLabels: { alertname: 'HighLatency' },
      externalUrl: 'http://alertmanager.acme.test:9093',
      truncated: 0,
    });
    const [alert] = batch.alerts;
    expect(alert).toMatchObject({
      fingerprint: 'a1b2c3d400000000',
      status: 'firing',
      labels: { customer: 'acme', severity: 'critical' },
      endsAt: null,
      links: {
        generator: 'http://prometheus.acme.test:9090/graph?g0.expr=latency_p99+%3E+0.5&g0.tab=1',
        runbook: 'https://runbooks.acme.test/high-latency',
      },
    });
    expect(alert?.startsAt.toISOString()).toBe('2026-12-06T03:00:00.123Z');
  });

  it('keeps a resolved alert’s end, and ignores a firing one’s (Go zero time or a guess)', () => {
    const { batch } = read(alertmanagerPayload({ status: 'resolved' }));
    expect(batch.alerts[0]?.endsAt?.toISOString()).toBe('2026-12-06T03:20:00.000Z');
    const firing = alertmanagerPayload();
    (firing.alerts[0] as { endsAt: string }).endsAt = '2026-12-06T03:09:00Z';
    expect(read(firing).batch.alerts[0]?.endsAt).toBeNull();
  });

  it('derives a stable fingerprint from the sorted labels when an older Alertmanager sends none', () => {
    const { batch } = read(alertmanagerPayload({ withFingerprint: false, count: 2 }));
    const [a, b] = batch.alerts;
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(a?.fingerprint).not.toBe(b?.fingerprint);
    const labels = alertmanagerPayload().alerts[0]?.labels as Record<string, string>;
    const reversed = Object.fromEntries(Object.entries(labels).reverse());
    expect(labelsFingerprint(reversed)).toBe(labelsFingerprint(labels));
    expect(a?.fingerprint).toBe(labelsFingerprint(labels));
  });

  it('computes the fingerprint as Prometheus does (FNV-1a 64, 0xff separators)', () => {
    // model.LabelSet{}.Fingerprint() is FNV-1a's offset basis; {"a":"b"} hashed by hand below.
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
    let h = 0xcbf29ce484222325n;
    for (const byte of [0x61, 0xff, 0x62, 0xff])
      h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(labelsFingerprint({ a: 'b' })).toBe(h.toString(16).padStart(16, '0'));
  });

  it('keeps the sender’s truncatedAlerts count', () => {
    expect(read(alertmanagerPayload({ truncatedAlerts: 7 })).batch.truncated).toBe(7);
  });

  it('keeps label values with markup as text', () => {
    const p = alertmanagerPayload();
    (p.alerts[0]?.labels as Record<string, string>).instance = '<b>*x*</b> <!channel> @here';
    expect(read(p).batch.alerts[0]?.labels.instance).toBe('<b>*x*</b> <!channel> @here');
  });

  it('leaves out links that are not http(s)', () => {
    const p = alertmanagerPayload();
    (p.alerts[0] as { generatorURL: string }).generatorURL = 'javascript:alert(1)';
    expect(read(p).batch.alerts[0]?.links.generator).toBeUndefined();
  });

  it('dedupes on fingerprint + status + start, never endsAt', () => {
    const first = read(alertmanagerPayload()).dedupe;
    const repeat = alertmanagerPayload();
    (repeat.alerts[0] as { endsAt: string }).endsAt = '2026-12-06T03:30:00Z';
    expect(read(repeat).dedupe).toBe(first);
    expect(read(alertmanagerPayload({ status: 'resolved' })).dedupe).not.toBe(first);
    const refired = read(alertmanagerPayload({ startsAt: '2026-12-06T04:00:00Z' })).dedupe;
    expect(refired).not.toBe(first);
  });

  it.each([
    [
      { ...alertmanagerPayload(), version: '3' },
      /version: "3" is not a webhook version Relevo reads from Alertmanager/,
    ],
    [grafanaPayload(), /looks like a Grafana alert: send it to \/hooks\/grafana/],
    [{ ...alertmanagerPayload(), version: undefined }, /version: missing/],
    [{ ...alertmanagerPayload(), groupKey: 7 }, /groupKey: expected a string/],
    [{ ...alertmanagerPayload(), alerts: {} }, /alerts: expected an array/],
    [{ ...alertmanagerPayload(), status: 'ok' }, /status: expected "firing" or "resolved"/],
    [{ ...alertmanagerPayload(), truncatedAlerts: -1 }, /truncatedAlerts/],
    [[], /body: expected an object/],
  ])('refuses a payload of the wrong shape by field (%#)', (payload, message) => {
    expect(() => readAlertmanager(payload, ctx)).toThrow(PayloadError);
    expect(() => readAlertmanager(payload, ctx)).toThrow(message);
  });

  it('names the alert whose field is wrong', () => {
    const p = alertmanagerPayload({ count: 3 });
    (p.alerts[2] as { labels: unknown }).labels = { severity: { nested: true } };
    expect(() => readAlertmanager(p, ctx)).toThrow('alerts.2.labels.severity: expected a string');
    const q = alertmanagerPayload();
    (q.alerts[0] as { startsAt: string }).startsAt = 'yesterday';
    expect(() => readAlertmanager(q, ctx)).toThrow('alerts.0.startsAt: expected an RFC 3339 time');
  });
});
