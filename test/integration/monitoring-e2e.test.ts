// The whole monitoring loop with the real programs (issue 14): Debian's Prometheus evaluates a rule that
// fires, Debian's Alertmanager delivers it to Relevo's POST /hooks/alertmanager with a bearer token, the
// group's message appears in the monitor channel; an agent's Silence… creates a silence that
// Alertmanager's own API lists and that mutes the group there; once the silence ends and the rule stops
// firing, Alertmanager sends the resolution and the same message turns resolved. (Alertmanager sends
// nothing — not even a resolution — for a silenced group: the silence is expired first, as it would end.)
// Real time throughout: Alertmanager and Relevo must agree on "now" for a silence's start and end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsYaml } from '../harness/alerts.ts';
import { agentClient, eventually } from '../harness/http.ts';
import { type MemoryTestApp, MONITOR, memoryConfigYaml, startMemoryApp } from '../harness/memory-app.ts';
import type { MemoryMessage } from '../harness/memory-platform.ts';
import { type Monitoring, startMonitoring } from '../harness/monitoring/index.ts';

const TOKEN = 'a-long-test-secret-0123'; // alertsYaml's prometheus monitor
const ALERT = 'BackupFailed';

describe('Prometheus → Alertmanager → Relevo → chat → silence, with the real programs', () => {
  let m: MemoryTestApp;
  let mon: Monitoring;

  beforeAll(async () => {
    m = await startMemoryApp('pglite', { config: memoryConfigYaml + alertsYaml });
    mon = await startMonitoring({
      webhookUrl: `${m.t.url}/hooks/alertmanager`,
      bearerToken: TOKEN,
      groupBy: ['alertname', 'customer'],
      rules: [
        {
          alert: ALERT,
          labels: { customer: 'acme', severity: 'warning' },
          annotations: { summary: 'The nightly backup failed on {{ $labels.host }}' },
          series: [{ host: 'db-1' }],
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await mon?.stop();
    await m?.stop();
  });

  const message = () => m.chat.seen(MONITOR).filter((x) => x.message.title?.includes(ALERT));
  /** The group's one message, once it says what `want` looks for. */
  const shows = (want: (msg: MemoryMessage) => boolean, what: string) =>
    eventually(
      async () => {
        await m.t.app.settle();
        const [msg, ...more] = message();
        if (more.length) throw new Error(`${ALERT} has ${more.length + 1} messages`);
        return msg && want(msg) ? msg : undefined;
      },
      what,
      90_000,
    );

  it('fires into chat, is silenced in Alertmanager from chat, and resolves the same message', async () => {
    const firing = await shows((msg) => msg.message.title?.startsWith('🔥') ?? false, 'the firing message');
    const fields = Object.fromEntries((firing.message.fields ?? []).map((f) => [f.label, f.value]));
    expect(fields.Customer).toContain('Acme');
    expect(JSON.stringify(firing.message)).toContain('The nightly backup failed on db-1');
    const group = await m.t.app.db.prisma.alertGroup.findFirstOrThrow({ where: { title: ALERT } });
    expect(group).toMatchObject({ source: 'alertmanager', monitorId: 'prometheus', status: 'firing' });

    // Silence… from chat: a real silence for the group's labels, listed by Alertmanager's own API.
    const opened = await m.chat.press('ana', firing, 'Silence…');
    expect(opened.form).toBeDefined();
    const done = await m.chat.submit('ana', { duration: '1h', comment: 'Restoring the backup job' });
    expect(done.text).toMatch(/^Silenced until .* \(silence [0-9a-f-]+\)\.$/);
    const id = /\(silence ([0-9a-f-]+)\)/.exec(done.text ?? '')?.[1] as string;
    const silence = (await mon.alertmanager.silences()).find((s) => s.id === id);
    expect(silence).toMatchObject({
      status: { state: 'active' },
      createdBy: 'Ana',
      comment: 'Restoring the backup job',
    });
    expect(silence?.matchers.map((x) => `${x.name}=${x.value}`).sort()).toEqual([
      `alertname=${ALERT}`,
      'customer=acme',
    ]);
    // Alertmanager mutes the group: its alert is now suppressed by that silence.
    await eventually(
      async () =>
        (await mon.alertmanager.alerts()).some(
          (a) => a.labels.alertname === ALERT && a.status.silencedBy.includes(id),
        ),
      'Alertmanager to hold the alert as silenced',
      60_000,
    );
    await shows((msg) => JSON.stringify(msg.message.fields ?? []).includes(id), 'the silence on the message');

    // The silence ends, the backup job is fixed: Alertmanager sends the resolution, the message says so.
    await mon.alertmanager.expireSilence(id);
    mon.prometheus.setFiring(ALERT, false, { host: 'db-1' });
    const resolved = await shows(
      (msg) => msg.message.title?.startsWith('✅') ?? false,
      'the resolved message',
    );
    expect(resolved.id).toBe(firing.id);
    expect(resolved.message.text).toMatch(/Resolved at .*, after/);

    const api = agentClient(m.t.url, m.t.apiToken, 'ana');
    const listed = (await api.get('/api/v1/alerts?status=resolved')).body as { groups: { title: string }[] };
    expect(listed.groups.map((g) => g.title)).toContain(ALERT);
  }, 240_000);
});
