// The monitoring webhooks over real HTTP, on the embedded database and on PostgreSQL: each source end to
// end into alert groups, secrets, retries, bad input, a 10,000-alert group, the alerts API; and three
// instances on one PostgreSQL receiving the same deliveries at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerPayload,
  genericPayload,
  grafanaPayload,
  uptimeKumaPayload,
  uptimeKumaTest,
  zabbixPayload,
} from '../fixtures/alerts.ts';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { capturingLogger } from '../harness/logs.ts';

const TOKENS = {
  alertmanager: 'prometheus-token-0123456789',
  staging: 'staging-token-0123456789',
  grafana: 'grafana-token-0123456789',
  'uptime-kuma': 'kuma-token-0123456789ab',
  zabbix: 'zabbix-token-0123456789',
  generic: 'generic-token-0123456789',
};

export const alertsConfigYaml = `${testConfigYaml}
monitors:
  - { id: prometheus, source: alertmanager, token: "env:TEST_ALERTMANAGER_TOKEN" }
  - { id: staging, source: alertmanager, token: ${TOKENS.staging} }
  - { id: grafana, source: grafana, token: ${TOKENS.grafana} }
  - { id: kuma, source: uptime-kuma, token: ${TOKENS['uptime-kuma']} }
  - { id: zabbix, source: zabbix, token: ${TOKENS.zabbix} }
  - { id: scripts, source: generic, token: ${TOKENS.generic} }
alerts:
  routes:
    - { match: { customer: acme }, organisation: acme }
`;
const env = { TEST_ALERTMANAGER_TOKEN: TOKENS.alertmanager };

type Source = keyof typeof TOKENS;

async function post(t: TestApp, source: string, body: unknown, auth?: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = TOKENS[source as Source];
  if (auth !== null) headers.authorization = auth ?? `Bearer ${token}`;
  const res = await fetch(`${t.url}/hooks/${source}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const inboundCount = (t: TestApp) => t.app.db.prisma.inboundEvent.count({ where: { source: 'alerts' } });

async function alertsApi(t: TestApp, query = '') {
  const res = await fetch(`${t.url}/api/v1/alerts${query}`, {
    headers: { authorization: `Bearer ${t.apiToken}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe.each(databaseKinds)('monitoring webhooks (%s)', (kind) => {
  let t: TestApp;
  const log = capturingLogger();
  beforeAll(async () => {
    t = await startTestApp({ database: kind, config: alertsConfigYaml, env, logger: log.logger });
  });
  afterAll(() => t?.stop());

  it('refuses a missing, wrong or other source’s secret with 401, storing nothing', async () => {
    const before = await inboundCount(t);
    expect((await post(t, 'alertmanager', alertmanagerPayload(), null)).status).toBe(401);
    expect(
      (await post(t, 'alertmanager', alertmanagerPayload(), 'Bearer wrong-token-0123456789')).status,
    ).toBe(401);
    expect((await post(t, 'alertmanager', alertmanagerPayload(), `Bearer ${TOKENS.grafana}`)).status).toBe(
      401,
    );
    const refused = await post(t, 'grafana', grafanaPayload(), `Bearer ${TOKENS.alertmanager}`);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(JSON.stringify(refused.body)).not.toContain(TOKENS.alertmanager);
    expect(await inboundCount(t)).toBe(before);
    // Each refusal is logged, and no secret ever is.
    expect(
      log.lines.filter((l) => l.includes('alert webhook refused: missing or wrong secret')),
    ).toHaveLength(4);
    for (const secret of [...Object.values(TOKENS), 'wrong-token-0123456789'])
      expect(log.text()).not.toContain(secret);
  });

  it('Alertmanager: stored before the answer, applied into one group; a retry changes nothing', async () => {
    const payload = alertmanagerPayload({ count: 3, groupKey: 'am-e2e' });
    const first = await post(t, 'alertmanager', payload);
    expect(first).toMatchObject({
      status: 202,
      body: { stored: true, groupKey: 'am-e2e', alerts: 3, truncated: 0 },
    });
    const retry = await post(t, 'alertmanager', payload);
    expect(retry).toMatchObject({ status: 202, body: { stored: false } });
    await t.app.settle();
    const group = await t.app.db.prisma.alertGroup.findUniqueOrThrow({
      where: { monitorId_groupKey: { monitorId: 'prometheus', groupKey: 'am-e2e' } },
      include: { alerts: true },
    });
    expect(group).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      organisationId: 'acme',
      severity: 'critical',
    });
    expect(group.alerts).toHaveLength(3);
    // The same group from another Alertmanager (same source, other secret) is that monitor's own group.
    expect((await post(t, 'alertmanager', payload, `Bearer ${TOKENS.staging}`)).body.stored).toBe(true);
    await t.app.settle();
    expect(await t.app.db.prisma.alertGroup.count({ where: { groupKey: 'am-e2e' } })).toBe(2);
  });

  it('accepts the token as the basic auth password', async () => {
    const basic = `Basic ${Buffer.from(`kuma:${TOKENS['uptime-kuma']}`).toString('base64')}`;
    expect((await post(t, 'uptime-kuma', uptimeKumaPayload(0), basic)).status).toBe(202);
  });

  it('Grafana, Uptime Kuma, Zabbix and generic end to end', async () => {
    expect((await post(t, 'grafana', grafanaPayload())).status).toBe(202);
    expect((await post(t, 'uptime-kuma', uptimeKumaPayload(0, '2026-12-06 03:10:00.000'))).status).toBe(202);
    expect((await post(t, 'zabbix', zabbixPayload('problem'))).status).toBe(202);
    expect((await post(t, 'generic', genericPayload('firing'))).status).toBe(202);
    await t.app.settle();
    const groups = await t.app.db.prisma.alertGroup.findMany({
      where: { source: { in: ['grafana', 'uptime-kuma', 'zabbix', 'generic'] } },
      include: { alerts: true },
    });
    const by = Object.fromEntries(groups.map((g) => [g.source, g]));
    expect(by.grafana).toMatchObject({ status: 'firing', organisationId: 'acme' });
    expect(by.grafana?.alerts.map((a) => a.status).sort()).toEqual(['firing', 'resolved']);
    expect(by['uptime-kuma']).toMatchObject({
      groupKey: 'monitor:29',
      status: 'firing',
      organisationId: 'acme',
    });
    expect(by.zabbix).toMatchObject({ groupKey: 'trigger:23001', status: 'firing', severity: 'high' });
    expect(by.generic).toMatchObject({ groupKey: 'backups', status: 'firing', severity: 'warning' });

    // Recoveries: each group turns resolved.
    expect((await post(t, 'uptime-kuma', uptimeKumaPayload(1, '2026-12-06 03:15:00.000'))).status).toBe(202);
    expect((await post(t, 'zabbix', zabbixPayload('recovery'))).status).toBe(202);
    expect((await post(t, 'generic', genericPayload('resolved'))).status).toBe(202);
    await t.app.settle();
    const resolved = await t.app.db.prisma.alertGroup.findMany({
      where: { source: { in: ['uptime-kuma', 'zabbix', 'generic'] } },
    });
    expect(resolved.map((g) => g.status)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('answers 200 with nothing stored for a Kuma test, a pending beat and a Zabbix update', async () => {
    const before = await inboundCount(t);
    expect(await post(t, 'uptime-kuma', uptimeKumaTest)).toMatchObject({
      status: 200,
      body: { ignored: expect.any(String) },
    });
    expect((await post(t, 'uptime-kuma', uptimeKumaPayload(2))).status).toBe(200);
    expect((await post(t, 'zabbix', zabbixPayload('update'))).status).toBe(200);
    expect(await inboundCount(t)).toBe(before);
  });

  it('bad input: malformed JSON 400, wrong shape 422 naming the field, unknown version 422; nothing stored', async () => {
    const before = await inboundCount(t);
    expect((await post(t, 'alertmanager', '{"version": "4", "alerts": [')).status).toBe(400);
    const wrong = await post(t, 'alertmanager', { ...alertmanagerPayload(), alerts: 'none' });
    expect(wrong).toMatchObject({ status: 422, body: { error: { code: 'invalid_payload' } } });
    expect(wrong.body.error.message).toContain('alerts: expected an array');
    const version = await post(t, 'alertmanager', { ...alertmanagerPayload(), version: '5' });
    expect(version.status).toBe(422);
    expect(version.body.error.message).toContain('version: "5"');
    expect((await post(t, 'grafana', alertmanagerPayload())).body.error.message).toContain(
      '/hooks/alertmanager',
    );
    expect((await post(t, 'generic', uptimeKumaPayload(0))).status).toBe(422);
    expect(await inboundCount(t)).toBe(before);
  });

  it('10,000 alerts in one group: accepted, 500 kept, the rest counted', async () => {
    const payload = alertmanagerPayload({ count: 10_000, groupKey: 'huge' });
    const res = await post(t, 'alertmanager', payload);
    expect(res).toMatchObject({ status: 202, body: { stored: true, alerts: 500, truncated: 9_500 } });
    await t.app.settle();
    const group = await t.app.db.prisma.alertGroup.findUniqueOrThrow({
      where: { monitorId_groupKey: { monitorId: 'prometheus', groupKey: 'huge' } },
      include: { _count: { select: { alerts: true } } },
    });
    expect(group.truncated).toBe(9_500);
    expect(group._count.alerts).toBe(500);
  });

  it('GET /api/v1/alerts lists groups for agents, firing by default, paged', async () => {
    expect((await fetch(`${t.url}/api/v1/alerts`)).status).toBe(401);
    const firing = await alertsApi(t);
    expect(firing.status).toBe(200);
    expect(firing.body.groups.length).toBeGreaterThan(0);
    expect(firing.body.groups.every((g: { status: string }) => g.status === 'firing')).toBe(true);
    const am = firing.body.groups.find(
      (g: { groupKey: string; monitor: string }) => g.groupKey === 'am-e2e' && g.monitor === 'prometheus',
    );
    expect(am).toMatchObject({
      source: 'alertmanager',
      organisation: { id: 'acme', name: 'Acme' },
      severity: 'critical',
      acknowledged: null,
      silence: null,
      ticket: null,
      alertCount: 3,
    });
    expect(am.alerts[0]).toMatchObject({
      status: 'firing',
      links: { runbook: 'https://runbooks.acme.test/high-latency' },
    });
    const resolved = await alertsApi(t, '?status=resolved');
    expect(resolved.body.groups.map((g: { source: string }) => g.source).sort()).toEqual([
      'generic',
      'uptime-kuma',
      'zabbix',
    ]);
    const all = await alertsApi(t, '?status=all');
    const page1 = await alertsApi(t, '?status=all&limit=2');
    expect(page1.body.groups).toHaveLength(2);
    const page2 = await alertsApi(
      t,
      `?status=all&limit=200&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    );
    expect([...page1.body.groups, ...page2.body.groups].map((g: { id: string }) => g.id)).toEqual(
      all.body.groups.map((g: { id: string }) => g.id),
    );
    expect((await alertsApi(t, '?status=burning')).status).toBe(400);
    const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as any;
    expect(doc.paths['/api/v1/alerts'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'status',
      'limit',
      'cursor',
    ]);
    expect((await alertsApi(t, '?cursor=nope')).status).toBe(400);
  });
});

describe('monitor secrets at start-up', () => {
  it('stops when an env:NAME token’s variable is missing, naming the monitor and the variable', async () => {
    await expect(startTestApp({ config: alertsConfigYaml })).rejects.toThrow(
      'relevo.yaml monitors[0].token (monitor "prometheus"): says env:TEST_ALERTMANAGER_TOKEN, but the environment variable TEST_ALERTMANAGER_TOKEN is not set',
    );
  });
});

describe('three instances on one PostgreSQL', () => {
  const apps: TestApp[] = [];
  beforeAll(async () => {
    const first = await startTestApp({ database: 'postgresql', config: alertsConfigYaml, env });
    apps.push(first);
    for (let i = 0; i < 2; i++) {
      apps.push(
        await startTestApp({ database: 'postgresql', sameDatabaseAs: first, config: alertsConfigYaml, env }),
      );
    }
  });
  afterAll(async () => {
    for (const a of apps.slice(1)) await a.stop();
    await apps[0]?.stop();
  });

  it('the same deliveries to all three at once: one group, each alert once, each delivery stored once', async () => {
    const deliveries = [
      alertmanagerPayload({ count: 5, groupKey: 'shared' }),
      alertmanagerPayload({ count: 8, groupKey: 'shared' }),
      alertmanagerPayload({ count: 8, groupKey: 'shared' }),
    ];
    // The third is Alertmanager's repeat of the second: no instance stores it again.
    const storedPerDelivery = [1, 1, 0];
    for (const [i, d] of deliveries.entries()) {
      const answers = await Promise.all(apps.map((a) => post(a, 'alertmanager', d)));
      expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
      expect(answers.filter((r) => r.body.stored)).toHaveLength(storedPerDelivery[i] as number);
    }
    await Promise.all(apps.map((a) => a.app.settle()));
    const db = apps[0]?.app.db.prisma;
    if (!db) throw new Error('no app');
    const groups = await db.alertGroup.findMany({ where: { groupKey: 'shared' }, include: { alerts: true } });
    expect(groups).toHaveLength(1);
    expect(groups[0]?.alerts).toHaveLength(8);
    expect(new Set(groups[0]?.alerts.map((a) => a.fingerprint)).size).toBe(8);
    expect(await db.inboundEvent.count({ where: { source: 'alerts', processedAt: { not: null } } })).toBe(2);
  });
});
