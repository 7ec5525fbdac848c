// Alerts in chat (issue 14) on the in-memory platform: one message per alert group in the monitor
// channel, posted once and edited in place as alerts fire and resolve; Acknowledge, Silence… (against a
// small fake of Alertmanager's API v2 on 127.0.0.1) and Open ticket; a critical alert of a production
// customer opens its ticket by itself, once, and its resolution is noted there. Batches are applied the
// way the webhook's inbox handler applies them (test/harness/alerts.ts); settle() drains the outbox.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageBody } from '../../adapters/discord/render.ts';
import { MattermostRenderer } from '../../adapters/mattermost/render.ts';
import { renderMessage } from '../../adapters/slack/blocks.ts';
import { alertMessageSync } from '../../src/core/alerts/message-sync.ts';
import { renderAlertGroup } from '../../src/core/alerts/render.ts';
import type { OutMessage } from '../../src/core/message.ts';
import { alertBatch, alertsYaml, deliverAlerts } from '../harness/alerts.ts';
import { FakeClock } from '../harness/app.ts';
import { type FakeElement, withFakeDom } from '../harness/fake-dom.ts';
import { type MemoryTestApp, MONITOR, memoryConfigYaml, startMemoryApp } from '../harness/memory-app.ts';

const min = 60_000;

/** Alertmanager's API v2 silences endpoint, refusing what its OpenAPI's postableSilence would refuse. */
async function fakeAlertmanager() {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v2/silences') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      const matchers = body.matchers as Record<string, unknown>[];
      const valid =
        Array.isArray(matchers) &&
        matchers.length > 0 &&
        matchers.every(
          (m) =>
            typeof m.name === 'string' &&
            typeof m.value === 'string' &&
            typeof m.isRegex === 'boolean' &&
            (m.isEqual === undefined || typeof m.isEqual === 'boolean'),
        ) &&
        ['startsAt', 'endsAt', 'createdBy', 'comment'].every((k) => typeof body[k] === 'string') &&
        !Number.isNaN(Date.parse(body.startsAt as string)) &&
        Date.parse(body.endsAt as string) > Date.parse(body.startsAt as string);
      if (!valid) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('"invalid silence"');
        return;
      }
      received.push(body);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ silenceID: `sil-${received.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(r)) };
}

describe('alert groups in the monitor channel', () => {
  let m: MemoryTestApp;
  const clock = new FakeClock(new Date('2026-03-02T09:00:00Z'));
  let am: Awaited<ReturnType<typeof fakeAlertmanager>>;

  beforeAll(async () => {
    am = await fakeAlertmanager();
    m = await startMemoryApp('pglite', { clock, config: memoryConfigYaml + alertsYaml });
  }, 60_000);
  afterAll(async () => {
    await m?.stop();
    await am?.close();
  });

  const deliver = async (batch: Parameters<typeof alertBatch>[0]) => {
    const applied = await deliverAlerts(m.t.app, alertBatch({ at: clock.now(), ...batch }), clock.now());
    await m.t.app.settle();
    return applied;
  };
  const shown = (title: string) => m.chat.seen(MONITOR).filter((x) => x.message.title?.includes(title));
  const fieldOf = (title: string, label: string) =>
    shown(title)[0]?.message.fields?.find((f) => f.label === label)?.value;

  it('posts one message per group, edits it in place as alerts fire and resolve, and says how long it lasted', async () => {
    const groupLabels = { alertname: 'DiskFull', customer: 'globex' };
    const base = { groupKey: 'disk', title: 'DiskFull', groupLabels };
    const warn = { severity: 'warning' };
    await deliver({ ...base, alerts: [{ fingerprint: 'a', labels: warn }] });
    expect(shown('DiskFull')).toHaveLength(1);
    const [msg] = shown('DiskFull');
    expect(msg?.message.title).toBe('🔥 DiskFull');
    expect(msg?.message.tone).toBe('warning');
    expect(msg?.message.text).toContain('Firing since 2026-03-02 09:00 UTC');
    expect(fieldOf('DiskFull', 'Alerts')).toContain('1 firing · 0 resolved');
    expect(fieldOf('DiskFull', 'Customer')).toContain('Globex');
    expect(fieldOf('DiskFull', 'Links')).toContain('https://runbooks.test/high-cpu');
    expect(msg?.message.buttons?.map((b) => b.label)).toEqual(['Acknowledge', 'Silence…', 'Open ticket']);

    // A repeat of the same notification (repeat_interval) changes nothing: no edit.
    await deliver({ ...base, alerts: [{ fingerprint: 'a', labels: warn }] });
    expect(shown('DiskFull')[0]?.edits).toBe(0);

    clock.advance(5 * min);
    await deliver({
      ...base,
      alerts: [
        { fingerprint: 'a', labels: warn },
        { fingerprint: 'b', labels: warn },
      ],
    });
    expect(shown('DiskFull')).toHaveLength(1);
    expect(fieldOf('DiskFull', 'Alerts')).toContain('2 firing · 0 resolved');

    clock.advance(37 * min);
    await deliver({
      ...base,
      alerts: [
        { fingerprint: 'a', status: 'resolved', labels: warn },
        { fingerprint: 'b', status: 'resolved', labels: warn },
      ],
    });
    const [done] = shown('DiskFull');
    expect(shown('DiskFull')).toHaveLength(1);
    expect(done?.edits).toBe(2);
    expect(done?.message.title).toBe('✅ DiskFull');
    expect(done?.message.text).toContain('Resolved at 2026-03-02 09:42 UTC, after 42 min');
    expect(done?.message.tone).toBeUndefined();
    expect(fieldOf('DiskFull', 'Alerts')).toContain('0 firing · 2 resolved');
    // Nothing to acknowledge or silence once resolved.
    expect(done?.message.buttons?.map((b) => b.label)).toEqual(['Open ticket']);
  });

  it('Acknowledge records who and when, shows it, and is pressed once', async () => {
    const base = {
      groupKey: 'mem',
      title: 'MemoryHigh',
      groupLabels: { alertname: 'MemoryHigh', customer: 'globex' },
    };
    await deliver({ ...base, alerts: [{ fingerprint: 'm1', labels: { severity: 'warning' } }] });
    const [msg] = shown('MemoryHigh');
    if (!msg) throw new Error('no message');
    const pressed = await m.chat.press('ana', msg, 'Acknowledge');
    expect(pressed.text).toBe('Acknowledged: MemoryHigh.');
    expect(fieldOf('MemoryHigh', 'Acknowledged')).toBe('Ana, 2026-03-02 09:42 UTC');
    expect(shown('MemoryHigh')[0]?.message.buttons?.map((b) => b.label)).toEqual(['Silence…', 'Open ticket']);
    const group = await m.t.app.db.prisma.alertGroup.findFirstOrThrow({ where: { groupKey: 'mem' } });
    expect(group.acknowledgedById).toBe('ana');
    // Only agents may: someone else is refused before any form opens.
    const refused = await m.chat.press('stranger', msg, 'Silence…');
    expect(refused.form).toBeUndefined();
    expect(refused.text).toMatch(/does not know you/);
  });

  it('Silence… creates an Alertmanager silence for the group’s labels and shows its id and end', async () => {
    const groupLabels = { alertname: 'LoadHigh', customer: 'globex' };
    await deliver({
      groupKey: 'load',
      title: 'LoadHigh',
      groupLabels,
      externalUrl: am.url,
      alerts: [{ fingerprint: 'l1', labels: { severity: 'warning' } }],
    });
    const [msg] = shown('LoadHigh');
    if (!msg) throw new Error('no message');
    const opened = await m.chat.press('ana', msg, 'Silence…');
    expect(opened.form?.fields.map((f) => f.id)).toEqual(['duration', 'other', 'comment']);
    expect(opened.form?.title).toBe('Silence alerts');
    const bad = await m.chat.submit('ana', { duration: '1h', other: 'soon', comment: 'x' });
    expect(bad.text ?? bad.formError).toContain('"soon" is not a duration');
    await m.chat.press('ana', msg, 'Silence…');
    const done = await m.chat.submit('ana', { duration: '4h', other: '', comment: 'Migrating the host' });
    expect(done.text).toBe('Silenced until 2026-03-02 13:42 UTC (silence sil-1).');
    expect(am.received).toEqual([
      {
        matchers: [
          { name: 'alertname', value: 'LoadHigh', isRegex: false, isEqual: true },
          { name: 'customer', value: 'globex', isRegex: false, isEqual: true },
        ],
        startsAt: '2026-03-02T09:42:00.000Z',
        endsAt: '2026-03-02T13:42:00.000Z',
        createdBy: 'Ana',
        comment: 'Migrating the host',
      },
    ]);
    expect(fieldOf('LoadHigh', 'Silence')).toBe('sil-1 until 2026-03-02 13:42 UTC');
  });

  it('Silence… tells the agent what to do when Alertmanager cannot be reached', async () => {
    await deliver({
      groupKey: 'net',
      title: 'NetDown',
      groupLabels: { alertname: 'NetDown', customer: 'globex' },
      externalUrl: 'http://127.0.0.1:9',
      alerts: [{ fingerprint: 'n1', labels: { severity: 'warning' } }],
    });
    const [msg] = shown('NetDown');
    if (!msg) throw new Error('no message');
    await m.chat.press('ana', msg, 'Silence…');
    const failed = await m.chat.submit('ana', { duration: '1h', other: '', comment: 'x' });
    expect(failed.text ?? failed.formError).toMatch(/did not create the silence.*monitors\[\]\.url/);
    expect(fieldOf('NetDown', 'Silence')).toBeUndefined();
  });

  it('Silence… on a Grafana group answers with Grafana’s own silence page, without a form', async () => {
    const batch = alertBatch({
      groupKey: 'grafana-cpu',
      title: 'GrafanaCpu',
      groupLabels: { alertname: 'GrafanaCpu', customer: 'globex' },
      alerts: [
        {
          fingerprint: 'g1',
          labels: { severity: 'warning' },
          links: { silence: 'https://grafana.test/alerting/silence/new?matcher=alertname%3DGrafanaCpu' },
        },
      ],
      at: clock.now(),
    });
    await deliverAlerts(m.t.app, { ...batch, source: 'grafana', monitorId: 'grafana' }, clock.now());
    await m.t.app.settle();
    const [msg] = shown('GrafanaCpu');
    if (!msg) throw new Error('no message');
    const pressed = await m.chat.press('ana', msg, 'Silence…');
    expect(pressed.form).toBeUndefined();
    expect(pressed.text).toContain(
      'https://grafana.test/alerting/silence/new?matcher=alertname%3DGrafanaCpu',
    );
  });

  it('shows the groups in the web console’s monitor channel too', async () => {
    const res = await fetch(`${m.t.url}/console/api/messages`, {
      headers: { authorization: `Bearer ${m.t.apiToken}` },
    });
    const { messages } = (await res.json()) as { messages: { channel: string; message: OutMessage }[] };
    const alerts = messages.filter((p) => p.channel === 'monitor');
    expect(alerts.map((p) => p.message.title)).toContain('🔥 MemoryHigh');
    expect(alerts.find((p) => p.message.title === '🔥 MemoryHigh')?.message.fields).toContainEqual({
      label: 'Acknowledged',
      value: 'Ana, 2026-03-02 09:42 UTC',
    });
  });

  it('Open ticket opens one for the group’s customer, with the alert as its first message, linked both ways', async () => {
    const base = {
      groupKey: 'api',
      title: 'ApiSlow',
      groupLabels: { alertname: 'ApiSlow', customer: 'globex' },
    };
    await deliver({ ...base, alerts: [{ fingerprint: 's1', labels: { severity: 'warning' } }] });
    const [msg] = shown('ApiSlow');
    if (!msg) throw new Error('no message');
    const pressed = await m.chat.press('ana', msg, 'Open ticket');
    const number = Number(/#(\d+)/.exec(pressed.text ?? '')?.[1]);
    expect(number).toBeGreaterThan(0);
    const ticket = await m.t.app.db.prisma.ticket.findUniqueOrThrow({
      where: { number },
      include: { contact: true },
    });
    expect(ticket.organisationId).toBe('globex');
    expect(ticket.source).toBe('monitor');
    expect(ticket.contact.name).toBe('Monitoring');
    const events = await m.t.app.db.prisma.ticketEvent.findMany({
      where: { ticketNumber: number },
      orderBy: { createdAt: 'asc' },
    });
    expect(events[0]?.body).toContain('CPU above 90% on s1');
    expect(events.some((e) => e.visibility === 'internal' && e.body.includes('ApiSlow'))).toBe(true);
    expect(fieldOf('ApiSlow', 'Ticket')).toMatch(new RegExp(`^#${number} `));
    expect(shown('ApiSlow')[0]?.message.buttons?.map((b) => b.label)).not.toContain('Open ticket');
    // The customer's open tickets are shown on the message.
    expect(fieldOf('ApiSlow', 'Customer')).toContain(`#${number}`);
  });

  it('a critical alert of a production customer opens its ticket by itself, once, and its resolution is noted', async () => {
    const base = { groupKey: 'db', title: 'DbDown', groupLabels: { alertname: 'DbDown', customer: 'acme' } };
    await deliver({ ...base, alerts: [{ fingerprint: 'd1' }] });
    await deliver({ ...base, alerts: [{ fingerprint: 'd1' }, { fingerprint: 'd2' }] });
    const group = await m.t.app.db.prisma.alertGroup.findFirstOrThrow({ where: { groupKey: 'db' } });
    expect(group.ticketNumber).not.toBeNull();
    expect(
      await m.t.app.db.prisma.ticket.count({ where: { source: 'monitor', organisationId: 'acme' } }),
    ).toBe(1);
    expect(shown('DbDown')[0]?.message.tone).toBe('danger');
    expect(fieldOf('DbDown', 'Ticket')).toContain(`#${group.ticketNumber}`);

    clock.advance(90 * min);
    await deliver({
      ...base,
      alerts: [
        { fingerprint: 'd1', status: 'resolved' },
        { fingerprint: 'd2', status: 'resolved' },
      ],
    });
    const notes = await m.t.app.db.prisma.ticketEvent.findMany({
      where: { ticketNumber: group.ticketNumber ?? 0, visibility: 'internal' },
    });
    expect(notes.map((n) => n.body)).toContain('The alert group "DbDown" resolved after 1 h 30 min.');
    expect(
      await m.t.app.db.prisma.ticket.count({ where: { source: 'monitor', organisationId: 'acme' } }),
    ).toBe(1);
  });

  it('renders labels and annotations with markup harmlessly on Slack, Mattermost, Discord and the console', async () => {
    const evil = '<!channel> @everyone <script>alert(1)</script>';
    await deliver({
      groupKey: 'evil',
      title: 'Evil <!here> @here',
      groupLabels: { alertname: 'Evil', customer: 'globex' },
      alerts: [
        {
          fingerprint: 'e1',
          labels: { severity: 'warning', instance: evil },
          annotations: { summary: '[click](javascript:alert(1)) @ana <@123456789012345678> <#C0GENERAL>' },
          links: { runbook: 'javascript:alert(1)', generator: 'http://prometheus.test/graph' },
        },
      ],
    });
    const message = shown('Evil')[0]?.message as OutMessage;
    expect(message).toBeDefined();
    const all = JSON.stringify(message);
    expect(all).not.toContain('javascript:alert(1)"'); // the runbook link is dropped
    expect(all).not.toMatch(/@(everyone|here|ana)/); // every @ is broken apart
    expect(all).not.toContain('](javascript');

    // Slack: mrkdwn escapes <, > and &, so no <!channel>/<!here> ping nor <#C…> link can form; the header
    // is plain_text, which Slack shows as typed and never parses.
    const mrkdwn: string[] = [];
    JSON.stringify(renderMessage(message).blocks, (_k, v) => {
      if (v?.type === 'mrkdwn') mrkdwn.push(v.text);
      return v;
    });
    expect(mrkdwn.join('\n')).not.toMatch(/<!(channel|here)>|<#C0GENERAL>|<script>/);
    expect(mrkdwn.join('\n')).toContain('&lt;!channel&gt;');

    // Mattermost: group mentions off, and @-mentions and Markdown links broken apart.
    const mm = new MattermostRenderer({ secret: 's'.repeat(32), publicUrl: 'https://relevo.test' }).post(
      message,
    );
    expect(mm.props.disable_group_highlight).toBe(true);
    const mmText = JSON.stringify(mm);
    expect(mmText).not.toMatch(/@(everyone|here|channel|ana)\b|\]\(javascript/);

    // Discord: nobody is pinged by what the message quotes, and no <@id> mention can form.
    const discord = messageBody(message);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(discord)).not.toMatch(/<@\d|@everyone|@here|\]\(javascript/);

    // The console: text nodes only, links only to http(s).
    const render = (await import('../../adapters/webchat/public/render.js' as string)) as {
      renderMessage: (m: OutMessage, onAction: () => void) => FakeElement;
    };
    const root = await withFakeDom(async () => render.renderMessage(message, () => undefined));
    expect(root.all().some((e) => e.tag === 'script')).toBe(false);
    const hrefs = root.all().flatMap((e) => (e.tag === 'a' ? [e.attrs.href ?? ''] : []));
    expect(hrefs.every((h) => /^https?:/.test(h))).toBe(true);
    expect(root.textContent).toContain('<script>alert(1)</script>');
  });

  it('spaces a message’s edits: a sync after a recent edit waits out the gap, and later changes fold into it', async () => {
    const group = await m.t.app.db.prisma.alertGroup.findFirstOrThrow({ where: { groupKey: 'disk' } });
    const live = await m.t.app.db.prisma.liveMessage.findFirstOrThrow({
      where: { subject: `alert:${group.id}` },
    });
    const sync = alertMessageSync(m.t.app.actions.config, { minEditGapMs: 600_000 });
    for (let i = 0; i < 3; i++) await m.t.app.db.prisma.$transaction((tx) => sync(tx, group.id));
    const pending = await m.t.app.db.prisma.outboxItem.findMany({
      where: { kind: 'alert_message', status: 'pending', lane: `alert:${group.id}:memory:${MONITOR}` },
    });
    expect(pending).toHaveLength(1);
    expect(pending[0]?.nextAttemptAt.getTime()).toBe(live.updatedAt.getTime() + 600_000);
    // An agent's change (a button) wants the edit now: it folds into the held-back sync and brings it forward.
    const immediate = alertMessageSync(m.t.app.actions.config, { minEditGapMs: 0 });
    await m.t.app.db.prisma.$transaction((tx) => immediate(tx, group.id));
    const after = await m.t.app.db.prisma.outboxItem.findMany({
      where: { kind: 'alert_message', status: 'pending', lane: `alert:${group.id}:memory:${MONITOR}` },
    });
    expect(after.map((p) => p.id)).toEqual(pending.map((p) => p.id));
    expect(after[0]?.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    const before = shown('DiskFull')[0]?.edits ?? 0;
    await m.t.app.settle();
    expect(shown('DiskFull')[0]?.edits).toBe(before + 1);
  });

  it('speaks Spanish to a Spanish-speaking team', async () => {
    const group = await m.t.app.db.prisma.alertGroup.findFirstOrThrow({ where: { groupKey: 'mem' } });
    const es = await renderAlertGroup(m.t.app.db.prisma, group.id, { language: 'es', now: clock.now() });
    expect(es.text).toContain('🔥 Activa desde 2026-03-02 09:42 UTC');
    expect(es.fields?.map((f) => f.label)).toEqual([
      'Gravedad',
      'Alertas',
      'MemoryHigh',
      'Enlaces',
      'Cliente',
      'Reconocida',
    ]);
    expect(es.buttons?.map((b) => b.label)).toEqual(['Silenciar…', 'Abrir ticket']);
  });

  it('/ticket alerts lists the firing groups', async () => {
    const answer = await m.chat.command('ana', '/ticket alerts');
    expect(answer.text).toContain('LoadHigh');
    expect(answer.text).not.toContain('DiskFull');
  });
});
