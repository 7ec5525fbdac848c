// The harness's own test: a real Prometheus and Alertmanager (Debian's packages) deliver a rule's
// alerts to a local sink with a bearer token; a silence made through API v2 is listed and mutes the
// group; the rule stops firing, one series and then the other, and the sink receives resolved.
//
// Order matters: Alertmanager sends nothing for a silenced group, resolved notifications included (a
// group that resolves while silenced is announced only once the silence ends). So the silence is
// expired before the rule stops firing. Every wait is for a state, with a generous ceiling.
//
// RELEVO_CAPTURE_ALERT_FIXTURES=1 also writes the received payloads to test/fixtures/alerts/.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../http.ts';
import type { Monitoring, ReceivedWebhook, WebhookSink } from './index.ts';
import { startMonitoring, startPrometheus, startWebhookSink } from './index.ts';

const TOKEN = 'relevo-test-alertmanager-token';
const ALERT = 'RelevoTestDiskFull';
const WAIT_MS = 60_000;
// The waits' own ceilings, not vitest's 30 s default, decide when a slow CI machine has failed.
const TEST_TIMEOUT_MS = 5 * WAIT_MS;

describe('monitoring harness: real Prometheus -> Alertmanager -> webhook', () => {
  let sink: WebhookSink;
  let mon: Monitoring | undefined;
  let startedAt = 0;
  let readyAt = 0;

  beforeAll(async () => {
    sink = await startWebhookSink();
    startedAt = Date.now();
    mon = await startMonitoring({
      webhookUrl: sink.url,
      bearerToken: TOKEN,
      rules: [
        {
          alert: ALERT,
          labels: { severity: 'critical', customer: 'acme' },
          annotations: { summary: 'Disk full on {{ $labels.host }}' },
          series: [{ host: 'db-1' }, { host: 'db-2' }],
        },
      ],
    });
    readyAt = Date.now();
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await mon?.stop();
    await sink?.stop();
  });

  const hosts = (w: ReceivedWebhook, status: string) =>
    (w.body?.alerts ?? [])
      .filter((a: any) => a.status === status)
      .map((a: any) => a.labels.host)
      .sort();

  it(
    'delivers the firing group, then resolved, with the bearer token; a silence is listed and mutes it',
    async () => {
      const { alertmanager, prometheus } = mon!;

      const firing = await sink.waitFor(
        (w) => w.body?.status === 'firing' && hosts(w, 'firing').join() === 'db-1,db-2',
        'the group firing with both hosts',
        WAIT_MS,
      );
      console.log(
        `monitoring harness: both up in ${readyAt - startedAt} ms, first webhook ${firing.at - startedAt} ms after start`,
      );
      expect(firing.method).toBe('POST');
      expect(firing.path).toBe('/hooks/alertmanager');
      expect(firing.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(firing.headers['content-type']).toMatch(/^application\/json/);
      const fb = firing.body;
      expect(fb).toMatchObject({
        version: '4',
        status: 'firing',
        receiver: 'relevo',
        groupKey: `{}:{alertname="${ALERT}"}`,
        truncatedAlerts: 0,
        groupLabels: { alertname: ALERT },
        commonLabels: { alertname: ALERT, severity: 'critical', customer: 'acme' },
        externalURL: alertmanager.externalUrl,
      });
      for (const a of fb.alerts) {
        expect(a.labels).toEqual({
          alertname: ALERT,
          severity: 'critical',
          customer: 'acme',
          host: a.labels.host,
        });
        expect(a.annotations).toEqual({ summary: `Disk full on ${a.labels.host}` });
        expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
        expect(a.generatorURL.startsWith(`${prometheus.url}/graph?`)).toBe(true);
        // Still firing: Go's zero time, never a real end.
        expect(a.endsAt).toBe('0001-01-01T00:00:00Z');
      }
      const fingerprints = Object.fromEntries(fb.alerts.map((a: any) => [a.labels.host, a.fingerprint]));
      expect(fingerprints['db-1']).not.toBe(fingerprints['db-2']);

      // A silence for the group's labels, as Relevo's Silence… button makes it.
      const silenceId = await alertmanager.createSilence({
        matchers: fb.groupLabels,
        durationMs: 30 * 60_000,
        createdBy: 'agent@relevo.test',
        comment: 'harness self-test',
      });
      const listed = (await alertmanager.silences()).find((s) => s.id === silenceId);
      expect(listed).toMatchObject({
        status: { state: 'active' },
        createdBy: 'agent@relevo.test',
        matchers: [{ name: 'alertname', value: ALERT, isRegex: false, isEqual: true }],
      });
      // Alertmanager marks the alerts suppressed by that silence (at once for the API; the next group
      // flush would send nothing).
      await eventually(
        async () => {
          const alerts = await alertmanager.alerts();
          return (
            alerts.length === 2 &&
            alerts.every((a) => a.status.state === 'suppressed' && a.status.silencedBy.includes(silenceId))
          );
        },
        'both alerts to be suppressed by the silence',
        WAIT_MS,
      );

      await alertmanager.expireSilence(silenceId);
      expect((await alertmanager.silences()).find((s) => s.id === silenceId)?.status.state).toBe('expired');

      // One series stops: the group is still 'firing', with that alert resolved inside it.
      prometheus.setFiring(ALERT, false, { host: 'db-2' });
      const partly = await sink.waitFor(
        (w) => w.body?.status === 'firing' && hosts(w, 'resolved').join() === 'db-2',
        'the group firing with db-2 resolved',
        WAIT_MS,
      );
      const db2 = partly.body.alerts.find((a: any) => a.labels.host === 'db-2');
      expect(db2.fingerprint).toBe(fingerprints['db-2']);
      expect(Date.parse(db2.endsAt)).toBeGreaterThan(Date.parse(db2.startsAt));
      expect(hosts(partly, 'firing')).toEqual(['db-1']);

      prometheus.setFiring(ALERT, false, { host: 'db-1' });
      const resolved = await sink.waitFor(
        (w) => w.body?.status === 'resolved',
        'the group resolved',
        WAIT_MS,
      );
      expect(resolved.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(resolved.body.groupKey).toBe(fb.groupKey);
      // db-1 surely; db-2 only sometimes: once a resolved alert has been notified, Alertmanager drops it
      // from the group, but Prometheus re-sends resolved alerts (every resend delay, for 15 minutes) and
      // a re-send that lands before the next flush puts it back. So a group's last webhook need not list
      // every alert the group had: Relevo must keep that itself.
      expect(hosts(resolved, 'resolved')).toContain('db-1');
      expect(hosts(resolved, 'firing')).toEqual([]);
      for (const a of resolved.body.alerts) expect(a.fingerprint).toBe(fingerprints[a.labels.host]);

      // Every request carried the token, resolved ones as much as firing ones.
      for (const w of sink.received) expect(w.headers.authorization).toBe(`Bearer ${TOKEN}`);
      console.log(
        `monitoring harness: ${sink.received.length} webhooks; resolved ${resolved.at - partly.at} ms after the partial one`,
      );

      if (process.env.RELEVO_CAPTURE_ALERT_FIXTURES === '1') {
        const dir = path.resolve(import.meta.dirname, '../../fixtures/alerts');
        const save = (name: string, w: ReceivedWebhook) =>
          writeFile(path.join(dir, name), `${JSON.stringify(w.body, null, 2)}\n`);
        await save('alertmanager-firing.json', firing);
        await save('alertmanager-partly-resolved.json', partly);
        await save('alertmanager-resolved.json', resolved);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it('fails to start with the process log in the error when the config is wrong', async () => {
    const err = await startPrometheus({
      alertmanagerUrl: mon!.alertmanager.url,
      rules: [{ alert: 'Broken', expr: 'this is not promql (' }],
    }).then(
      (p) => p.stop().then(() => new Error('started')),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/prometheus on http:\/\/127\.0\.0\.1:\d+ exited/);
    // Prometheus's own words about the rule file, so a CI failure explains itself.
    expect(err.message).toMatch(/parse error|rules\.yml/i);
  });
});
