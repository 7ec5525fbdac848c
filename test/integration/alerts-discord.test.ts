// An alert group's message on Discord, through Relevo's real Discord adapter and the fake REST API and
// gateway on 127.0.0.1: one message with an embed in the monitor channel, edited (PATCH) in place as the
// group resolves, nobody pinged by an @everyone in a label (allowed_mentions parses nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPlatformYaml } from '../fixtures/config.ts';
import { alertBatch, alertsYaml, deliverAlerts } from '../harness/alerts.ts';
import {
  AGENTS,
  ANA,
  type DiscordTestApp,
  MAINTAINERS,
  MIA,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startDiscordApp,
  startDiscordFake,
} from '../harness/discord/discord-app.ts';
import { eventually } from '../harness/http.ts';

const MONITOR = String(1_300_000_000_000_000_000n + 107n);

describe('alert groups on Discord', () => {
  let d: DiscordTestApp;

  beforeAll(async () => {
    const fake = await startDiscordFake();
    fake.addChannel({ id: MONITOR, name: 'monitoring', type: 'text' });
    const config =
      chatPlatformYaml(
        'discord',
        {
          ana: ANA,
          mia: MIA,
          support: SUPPORT,
          supportOnRequest: SUPPORT_ON_REQUEST,
          agents: AGENTS,
          maintainers: MAINTAINERS,
        },
        [`{ platform: discord, id: "${MONITOR}", kind: monitor }`],
      ) + alertsYaml;
    d = await startDiscordApp('pglite', { config, fake });
  }, 60_000);
  afterAll(async () => {
    await d?.stop();
    await d?.fake.stop();
  });

  it('posts the group once with an embed and edits it in place, pinging nobody', async () => {
    const group = {
      groupKey: 'discord-disk',
      title: 'DiskFull',
      groupLabels: { alertname: 'DiskFull', customer: 'globex' },
    };
    const labels = { severity: 'critical', instance: '@everyone db1' };
    await deliverAlerts(d.t.app, alertBatch({ ...group, alerts: [{ fingerprint: 'd', labels }] }));
    await d.t.app.settle();
    const [posted] = await eventually(async () => {
      const m = d.fake.messages(MONITOR);
      return m.length ? m : undefined;
    }, 'the alert message on Discord');
    expect(d.fake.messages(MONITOR)).toHaveLength(1);
    expect(posted?.embeds?.[0]?.title).toBe('🔥 DiskFull');
    expect(posted?.embeds?.[0]?.color).toBe(0xd62d20);
    const post = d.fake.callsTo('POST', new RegExp(`/channels/${MONITOR}/messages$`));
    expect(post).toHaveLength(1);
    expect((post[0]?.body as { allowed_mentions?: unknown } | undefined)?.allowed_mentions).toEqual({
      parse: [],
    });
    expect(JSON.stringify(posted)).not.toContain('@everyone');

    await deliverAlerts(
      d.t.app,
      alertBatch({ ...group, alerts: [{ fingerprint: 'd', status: 'resolved', labels }] }),
    );
    await d.t.app.settle();
    await eventually(
      async () => d.fake.messages(MONITOR)[0]?.embeds?.[0]?.title === '✅ DiskFull',
      'the alert message edited on Discord',
    );
    expect(d.fake.messages(MONITOR)).toHaveLength(1);
    expect(d.fake.callsTo('PATCH', new RegExp(`/channels/${MONITOR}/messages/`))).toHaveLength(1);
  });
});
