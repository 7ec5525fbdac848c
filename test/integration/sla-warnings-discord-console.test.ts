// SLA warnings on the platforms sla-warnings.test.ts leaves out: Discord (in the card's thread, a real
// <@id> mention) and the web console (the sweep's own run, to the team's channel the console shows; it has
// no threads, so the warning stands beside the card, addressed to the assignee by name).
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/core/delivery.ts';
import type { OutboxJob } from '../../src/core/outbox.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import {
  ANA,
  AGENTS as DISCORD_AGENTS,
  CUSTOMER as DISCORD_CUSTOMER,
  SUPPORT as DISCORD_SUPPORT,
  type DiscordTestApp,
  startDiscordApp,
} from '../harness/discord/discord-app.ts';
import { agentClient, eventually } from '../harness/http.ts';

const min = 60_000;
const hour = 60 * min;
const ana: Actor = { kind: 'agent', agentId: 'ana' };

describe('an SLA warning on Discord', () => {
  let d: DiscordTestApp;
  beforeAll(async () => {
    d = await startDiscordApp('pglite');
  });
  afterAll(async () => d?.stop());

  it('is posted in the card’s thread and mentions the assignee by their Discord id', async () => {
    const app = d.t.app;
    const fromBot = (m: APIMessage) => m.author.id === d.fake.botUserId;
    const said = d.fake.userMessage(DISCORD_SUPPORT, DISCORD_CUSTOMER, 'Exports are empty');
    await d.handled(said.id);
    const { ticketNumber: n } = await app.db.prisma.conversationLink.findFirstOrThrow({
      where: { thread: said.id },
    });
    await app.tickets.assign(n, ana, 'ana');
    await app.settle();
    const card = await eventually(
      async () =>
        d.fake.messages(DISCORD_AGENTS).find((m) => fromBot(m) && m.embeds?.[0]?.title?.startsWith(`#${n} `)),
      `ticket #${n}'s card`,
    );
    // Delivered as the outbox would, whatever the clock: what is checked here is how Discord shows it.
    const job: OutboxJob = {
      kind: 'sla_warning',
      ticketNumber: n,
      clock: 'resolution',
      share: 1,
      cycle: '0',
      targetMs: 5 * 24 * hour,
      leftMs: -30 * min,
      platform: 'discord',
      channel: DISCORD_AGENTS,
    };
    await deliver({ db: app.db.prisma, adapters: app.adapters, config: d.t.config }, job, 'outbox:warn-1');
    const inThread = d.fake.messages(card.id).filter(fromBot);
    expect(inThread.map((m) => m.content)).toEqual([
      `<@${ANA}> 🚨 Ticket #${n}: the resolution is overdue by 30 min (target 5 d).`,
    ]);
  });
});

describe('an SLA warning in the web console', () => {
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    // The sweep runs when the test says; its own loop is set far off.
    t = await startTestApp({ clock, config: testConfigYaml, slaSweepMs: 24 * hour });
  });
  afterAll(async () => t?.stop());

  it('reaches the console once, addressed to the assignee, when the sweep finds the clock at 75%', async () => {
    const api = agentClient(t.url, t.apiToken, 'ana');
    const created = await api.post('/api/v1/tickets', {
      requesterEmail: 'carla@example.com',
      subject: 'The dashboard is blank',
      body: 'The dashboard is blank',
      priority: 'urgent',
    });
    const n = created.body.number as number;
    await t.app.tickets.assign(n, ana, 'ana');
    await t.app.settle();
    const warnings = async () =>
      (
        (await api.get('/console/api/messages')).body.messages as {
          message: { text: string; mentions?: unknown[] };
        }[]
      )
        .filter((m) => m.message.text.includes(`⏰ Ticket #${n}:`))
        .map((m) => m.message);

    clock.advance(44 * min);
    await t.app.sweepSlaWarnings();
    await t.app.settle();
    expect(await warnings()).toEqual([]);

    clock.advance(1 * min);
    await t.app.sweepSlaWarnings();
    await t.app.sweepSlaWarnings();
    await t.app.settle();
    expect(await warnings()).toEqual([
      expect.objectContaining({
        text: `@Ana ⏰ Ticket #${n}: first response due in 15 min (75% of 1 h used).`,
      }),
    ]);
  });
});
