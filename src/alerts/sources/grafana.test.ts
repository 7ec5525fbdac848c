import { describe, expect, it } from 'vitest';
import { alertmanagerPayload, grafanaPayload } from '../../../test/fixtures/alerts.ts';
import { readGrafana } from './grafana.ts';

const ctx = { monitorId: 'grafana', receivedAt: new Date('2026-12-06T03:05:00Z') };
const read = (p: unknown) => {
  const r = readGrafana(p, ctx);
  if ('ignored' in r) throw new Error('ignored');
  return r.batch;
};

describe('Grafana unified alerting webhook (version 1)', () => {
  it('reads each alert’s own status: a group saying firing may carry resolved alerts', () => {
    const batch = read(grafanaPayload());
    expect(batch).toMatchObject({
      source: 'grafana',
      status: 'firing',
      groupKey: '{}:{}',
      title: 'High memory usage',
    });
    expect(batch.alerts.map((a) => [a.fingerprint, a.status])).toEqual([
      ['c6eadffa33fcdf37', 'firing'],
      ['bc97ff14869b13e3', 'resolved'],
    ]);
    expect(batch.alerts[1]?.endsAt?.toISOString()).toBe('2021-10-12T08:10:03.157Z');
  });

  it('links the generator, the panel (else the dashboard), the runbook and the silence page', () => {
    const [firing, resolved] = read(grafanaPayload()).alerts;
    expect(firing?.links).toEqual({
      generator: 'https://grafana.acme.test/alerting/1afz29v7z/edit',
      runbook: 'https://myrunbook.test/runbook/1234',
      dashboard: 'https://grafana.acme.test/d/abcd?viewPanel=2',
      silence:
        'https://grafana.acme.test/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
    });
    // Empty dashboardURL/panelURL are no links.
    expect(resolved?.links.dashboard).toBeUndefined();
    const p = grafanaPayload();
    (p.alerts[0] as { panelURL: string }).panelURL = '';
    expect(read(p).alerts[0]?.links.dashboard).toBe('https://grafana.acme.test/d/abcd');
  });

  it('keeps the evaluated values as the "value" annotation (values, else valueString)', () => {
    expect(read(grafanaPayload()).alerts[0]?.annotations.value).toBe('B=44.23943737541908, C=1');
    const old = grafanaPayload();
    delete (old.alerts[0] as { values?: unknown }).values;
    expect(read(old).alerts[0]?.annotations.value).toMatch(/^\[ var='B'/);
    expect(read(grafanaPayload()).alerts[1]?.annotations.value).toBeUndefined();
  });

  it('refuses an Alertmanager notification, pointing at its endpoint', () => {
    expect(() => readGrafana(alertmanagerPayload(), ctx)).toThrow(/send it to \/hooks\/alertmanager/);
  });
});
