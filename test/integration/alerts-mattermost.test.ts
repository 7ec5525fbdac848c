// An alert group's message on Mattermost, through Relevo's real Mattermost adapter and the fake REST API
// on 127.0.0.1: one post with an attachment in the monitor channel, edited in place as the group resolves;
// group mentions off and an @-mention or Markdown link in a label broken apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPlatformYaml } from '../fixtures/config.ts';
import { alertBatch, alertsYaml, deliverAlerts } from '../harness/alerts.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  ANA,
  CUSTOMER,
  MAINTAINERS,
  type MattermostTestApp,
  MIA,
  STRANGER,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startMattermostApp,
  startMattermostFake,
} from '../harness/mattermost/mattermost-app.ts';

const MONITOR = 'monitoringdesk'.padEnd(26, '0');

describe('alert groups on Mattermost', () => {
  let mm: MattermostTestApp;

  beforeAll(async () => {
    const fake = await startMattermostFake();
    fake.addChannel({ id: MONITOR, name: 'monitoring', members: [CUSTOMER, ANA, MIA, STRANGER] });
    const config =
      chatPlatformYaml(
        'mattermost',
        {
          ana: ANA,
          support: SUPPORT,
          supportOnRequest: SUPPORT_ON_REQUEST,
          agents: AGENTS,
          maintainers: MAINTAINERS,
        },
        [`{ platform: mattermost, id: ${MONITOR}, kind: monitor }`],
      ) + alertsYaml;
    mm = await startMattermostApp('pglite', { config, fake });
  }, 60_000);
  afterAll(async () => {
    await mm?.stop();
    await mm?.fake.stop();
  });

  it('posts the group once as an attachment and edits it in place, mentioning nobody', async () => {
    const group = {
      groupKey: 'mm-disk',
      title: 'DiskFull',
      groupLabels: { alertname: 'DiskFull', customer: 'globex' },
    };
    const labels = { severity: 'warning', instance: '@channel @ana [x](https://evil.test) db1' };
    await deliverAlerts(mm.t.app, alertBatch({ ...group, alerts: [{ fingerprint: 'd', labels }] }));
    await mm.t.app.settle();
    const [post] = await eventually(async () => {
      const p = mm.fake.posts(MONITOR);
      return p.length ? p : undefined;
    }, 'the alert post on Mattermost');
    expect(mm.fake.posts(MONITOR)).toHaveLength(1);
    expect(post?.props.disable_group_highlight).toBe(true);
    const attachment = post?.props.attachments?.[0];
    expect(attachment?.title).toBe('🔥 DiskFull');
    expect(attachment?.color).toBe('#E8912D');
    const shown = JSON.stringify(post);
    expect(shown).not.toMatch(/@(channel|ana)\b|\]\(https/);
    expect(shown).toContain('@\u200bchannel');

    await deliverAlerts(
      mm.t.app,
      alertBatch({ ...group, alerts: [{ fingerprint: 'd', status: 'resolved', labels }] }),
    );
    await mm.t.app.settle();
    await eventually(
      async () => mm.fake.posts(MONITOR)[0]?.props.attachments?.[0]?.title === '✅ DiskFull',
      'the alert post edited on Mattermost',
    );
    expect(mm.fake.posts(MONITOR)).toHaveLength(1);
  });
});
