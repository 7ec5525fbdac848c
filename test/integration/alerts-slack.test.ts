// An alert group's message on Slack, through Relevo's real Slack adapter and a fake Web API on 127.0.0.1:
// posted once in the monitor channel with chat.postMessage, then edited with chat.update on the same ts
// as the group resolves; a label's <!channel> reaches Slack escaped (mrkdwn's &lt; &gt;), never as a ping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPlatformYaml } from '../fixtures/config.ts';
import { alertBatch, alertsYaml, deliverAlerts } from '../harness/alerts.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  ANA,
  MAINTAINERS,
  type SlackTestApp,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const MONITOR = 'C0MONITOR1';

describe('alert groups on Slack', () => {
  let s: SlackTestApp;

  beforeAll(async () => {
    const config =
      chatPlatformYaml(
        'slack',
        {
          ana: ANA,
          support: SUPPORT,
          supportOnRequest: SUPPORT_ON_REQUEST,
          agents: AGENTS,
          maintainers: MAINTAINERS,
        },
        [`{ platform: slack, id: ${MONITOR}, kind: monitor }`],
      ) + alertsYaml;
    s = await startSlackApp('pglite', {
      config,
      beforeStart: (fake) => fake.addChannel({ id: MONITOR, name: 'monitoring' }),
    });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('posts the group once and edits it in place on Slack, markup in labels escaped', async () => {
    const group = {
      groupKey: 'slack-disk',
      title: 'DiskFull',
      groupLabels: { alertname: 'DiskFull', customer: 'globex' },
    };
    const labels = { severity: 'warning', instance: '<!channel> db1' };
    await deliverAlerts(s.t.app, alertBatch({ ...group, alerts: [{ fingerprint: 'd', labels }] }));
    await s.t.app.settle();
    const posts = await eventually(async () => {
      const p = s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === MONITOR);
      return p.length ? p : undefined;
    }, 'the alert message posted');
    expect(posts).toHaveLength(1);
    const [message] = s.fake.messages(MONITOR);
    expect(textOf(message)).toContain('DiskFull');
    const blocks = JSON.stringify(message?.blocks);
    expect(blocks).toContain('&lt;!channel&gt; db1');
    expect(blocks).not.toContain('<!channel>');

    await deliverAlerts(
      s.t.app,
      alertBatch({ ...group, alerts: [{ fingerprint: 'd', status: 'resolved', labels }] }),
    );
    await s.t.app.settle();
    const updates = await eventually(async () => {
      const u = s.fake.callsTo('chat.update').filter((c) => c.args.channel === MONITOR);
      return u.length ? u : undefined;
    }, 'the alert message edited');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(message?.ts);
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === MONITOR)).toHaveLength(1);
    expect(textOf(s.fake.messages(MONITOR)[0])).toContain('✅ DiskFull');
  });
});
