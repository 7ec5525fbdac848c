// SLA warnings in chat (issue 13): at the warning share of a clock's target and at its breach, one message
// in the ticket card's thread addressed to the assignee, in their language — or in the agents' channel, to
// the team, when nobody holds the ticket. Update reminders follow each next-update cycle; a ticket waiting
// on its customer never warns; each warning is posted once however often, and wherever, the sweep runs.
// The injectable clock drives time; the tests run the sweep themselves (its own loop is set far off).
// Urgent tickets on the test plan: first response 1 h, next update 2 h, resolution 1 d.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/core/delivery.ts';
import type { Mention } from '../../src/core/message.ts';
import type { OutboxJob } from '../../src/core/outbox.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import { FakeClock } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { eventually } from '../harness/http.ts';
import {
  type MattermostTestApp,
  AGENTS as MM_AGENTS,
  CUSTOMER as MM_CUSTOMER,
  SUPPORT as MM_SUPPORT,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';
import {
  AGENTS,
  MEMORY,
  type MemoryTestApp,
  memoryConfigYaml,
  startMemoryApp,
} from '../harness/memory-app.ts';
import type { MemoryMessage } from '../harness/memory-platform.ts';
import {
  ANA,
  AGENTS as SLACK_AGENTS,
  type SlackTestApp,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;
const ana: Actor = { kind: 'agent', agentId: 'ana' };
/** The tests sweep when they choose; the sweep's own loop would only add runs at random moments. */
const slaSweepMs = day;

/** Ben reads Spanish, and the memory platform knows him as M0BEN. */
const warningsYaml = memoryConfigYaml.replace(
  '  - { id: ben, name: Ben, role: agent }',
  `  - { id: ben, name: Ben, role: agent, language: es, identities: { ${MEMORY}: M0BEN } }`,
);

interface Warning {
  /** The thread it was posted in (the card's id), or undefined at the channel's top level. */
  thread: string | undefined;
  text: string;
  mentions: Mention[] | undefined;
}

/** The SLA warnings about ticket `n` Relevo posted in the memory platform's agents' channel, oldest first. */
function warningsAbout(chat: MemoryTestApp['chat'], n: number): Warning[] {
  const about = new RegExp(`^(⏰|🚨) Ticket #${n}:`);
  return chat.messages
    .filter((m) => m.from === 'relevo' && m.channel === AGENTS && about.test(m.message.text))
    .map((m) => ({ thread: m.thread, text: m.message.text, mentions: m.message.mentions }));
}

describe.each(databaseKinds)('SLA warnings in chat on %s', (database) => {
  const clock = new FakeClock();
  let m: MemoryTestApp;
  beforeAll(async () => {
    m = await startMemoryApp(database, { clock, config: warningsYaml, slaSweepMs });
  });
  afterAll(async () => m?.stop());

  const app = () => m.t.app;
  const sweep = async (times = 1) => {
    for (let i = 0; i < times; i++) await app().sweepSlaWarnings();
    await app().settle();
  };
  const warnings = (n: number) => warningsAbout(m.chat, n);

  /** A customer's urgent ticket, held by `holder` if given; its card in the agents' channel. */
  async function openTicket(subject: string, holder?: string): Promise<{ n: number; card: MemoryMessage }> {
    await m.chat.say('customer', subject);
    const { number: n } = await app().db.prisma.ticket.findFirstOrThrow({
      where: { subject },
      select: { number: true },
    });
    await app().tickets.setField(n, ana, 'priority', 'urgent');
    if (holder) await app().tickets.assign(n, ana, holder);
    await app().settle();
    const card = m.chat.seen(AGENTS).find((x) => x.message.title === `#${n} ${subject}`);
    if (!card) throw new Error(`no card for #${n}`);
    return { n, card };
  }

  it('warns the assignee once at 75% and once at the breach, in the card’s thread, however often it sweeps', async () => {
    const start = clock.now().getTime();
    const { n, card } = await openTicket('Checkout fails at the payment step', 'ana');
    const toAna = [{ platformId: 'M0ANA', name: 'Ana' }];

    clock.advance(44 * min + 24_000); // 74% of the hour
    await sweep();
    expect(warnings(n)).toEqual([]);

    clock.advance(36_000); // 75%
    await sweep();
    const atRisk = {
      thread: card.id,
      text: `⏰ Ticket #${n}: first response due in 15 min (75% of 1 h used).`,
      mentions: toAna,
    };
    expect(warnings(n)).toEqual([atRisk]);
    await sweep(5);
    expect(warnings(n)).toEqual([atRisk]);
    // The web chat console is an agents' channel too, without threads or mentions: it names her.
    const consolePosts = await app().db.prisma.webchatPost.findMany({ where: { channel: 'agents' } });
    expect(
      consolePosts
        .map((p) => (p.message as { text: string }).text)
        .filter((t) => t.includes(`Ticket #${n}:`)),
    ).toEqual([`@Ana ${atRisk.text}`]);

    clock.advance(15 * min); // exactly the target: the breach is owed now, not at the next share
    await sweep();
    const breach = {
      thread: card.id,
      text: `🚨 Ticket #${n}: the first response is overdue (target 1 h).`,
      mentions: toAna,
    };
    expect(warnings(n)).toEqual([atRisk, breach]);
    clock.advance(10 * min);
    await sweep(5);
    expect(warnings(n)).toEqual([atRisk, breach]);

    // Nothing more is owed until the resolution clock reaches 75% of its day.
    const ticket = await app().db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(ticket.slaCheckAt).toEqual(new Date(start + 0.75 * day));
  });

  it('re-renders the triage card once when a clock crosses a share, and not on sweeps that raise nothing', async () => {
    const { n, card } = await openTicket('Password reset mails never arrive', 'ana');
    // The card syncs enqueued for this ticket so far, oldest first (delivered ones are kept too).
    const cardSyncs = async () =>
      (
        await app().db.prisma.outboxItem.findMany({
          where: { kind: 'card', payload: { path: ['ticketNumber'], equals: n } },
          orderBy: { id: 'asc' },
          select: { lane: true },
        })
      ).map((x) => x.lane);
    const syncsBefore = await cardSyncs();
    const editsBefore = card.edits;

    clock.advance(44 * min);
    await sweep(3);
    expect(await cardSyncs()).toEqual(syncsBefore);

    clock.advance(min); // 75% of the first response's hour
    await sweep();
    // One sync per agents' channel (this platform's and the web chat console's), each enqueued once.
    const added = (await cardSyncs()).slice(syncsBefore.length);
    expect(added).toContain(`card:${n}:${MEMORY}:${AGENTS}`);
    expect(new Set(added).size).toBe(added.length);
    await eventually(async () => card.edits === editsBefore + 1, `ticket #${n}'s card edited`, 30_000);
    await sweep(3);
    expect(await cardSyncs()).toHaveLength(syncsBefore.length + added.length);
    expect(card.edits).toBe(editsBefore + 1);
  });

  it('warns the team in the agents’ channel itself when nobody holds the ticket', async () => {
    const { n } = await openTicket('Invoices are missing from the portal');
    clock.advance(45 * min);
    await sweep(3);
    expect(warnings(n)).toEqual([
      {
        thread: undefined,
        text: `⏰ Ticket #${n}: first response due in 15 min (75% of 1 h used). Nobody has taken it yet.`,
        mentions: undefined,
      },
    ]);
  });

  it('reminds the assignee of the update owed to the customer, again for each cycle a reply restarts', async () => {
    const { n, card } = await openTicket('Reports take minutes to load', 'ana');
    await app().tickets.reply(n, ana, 'Looking into it now.');
    clock.advance(90 * min);
    await sweep(2);
    const reminder = {
      thread: card.id,
      text: `⏰ Ticket #${n}: the customer is owed an update within 30 min (75% of 2 h used).`,
      mentions: [{ platformId: 'M0ANA', name: 'Ana' }],
    };
    expect(warnings(n)).toEqual([reminder]);

    await app().tickets.reply(n, ana, 'We found the slow query; a fix is on its way.');
    clock.advance(90 * min);
    await sweep(2);
    expect(warnings(n)).toEqual([reminder, reminder]);

    clock.advance(30 * min);
    await sweep(2);
    expect(warnings(n).at(-1)?.text).toBe(
      `🚨 Ticket #${n}: the update to the customer is overdue (one every 2 h).`,
    );
    expect(warnings(n)).toHaveLength(3);
  });

  it('never warns about a ticket waiting on its customer', async () => {
    const { n } = await openTicket('Exports fail for large accounts', 'ana');
    await app().tickets.reply(n, ana, 'Could you send us the export log?');
    await app().tickets.setStatus(n, ana, 'waiting_on_customer');
    clock.advance(3 * day);
    await sweep(3);
    expect(warnings(n)).toEqual([]);
    const ticket = await app().db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
    expect(ticket.slaCheckAt).toBeNull();
  });

  it('says nothing of a breach the reply already ended before the sweep came', async () => {
    const { n } = await openTicket('Single sign-on loops back to the login page', 'ana');
    clock.advance(61 * min);
    await app().tickets.reply(n, ana, 'Sorry for the wait: we are on it.');
    await sweep(2);
    expect(warnings(n)).toEqual([]);
  });

  it('writes to a Spanish-reading assignee in Spanish', async () => {
    const { n, card } = await openTicket('Search returns nothing since this morning', 'ben');
    clock.advance(45 * min);
    await sweep();
    expect(warnings(n)).toEqual([
      {
        thread: card.id,
        text: `⏰ Ticket #${n}: la primera respuesta vence en 15 min (consumido el 75 % de 1 h).`,
        mentions: [{ platformId: 'M0BEN', name: 'Ben' }],
      },
    ]);
    clock.advance(20 * min);
    await sweep();
    expect(warnings(n).at(-1)?.text).toBe(
      `🚨 Ticket #${n}: la primera respuesta está vencida desde hace 5 min (objetivo: 1 h).`,
    );
  });
});

describe('an SLA warning on Slack', () => {
  // Slack's signed requests are checked for freshness against Relevo's clock: it starts at the real now.
  const clock = new FakeClock(new Date());
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackApp('pglite', { clock, slaSweepMs });
  });
  afterAll(async () => s?.stop());

  it('is posted in the card’s thread and mentions the assignee by their Slack id', async () => {
    const app = s.t.app;
    await s.slack.message({
      channel: 'C0SUPPORT1',
      user: 'U0CUSTOMER',
      text: 'The mobile app crashes on start',
    });
    await app.settle();
    const { number: n } = await app.db.prisma.ticket.findFirstOrThrow({
      where: { subject: 'The mobile app crashes on start' },
    });
    await app.tickets.setField(n, ana, 'priority', 'urgent');
    await app.tickets.assign(n, ana, 'ana');
    await app.settle();
    const card = s.fake.messages(SLACK_AGENTS).find((x) => textOf(x).includes(`#${n} The mobile app`));
    expect(card).toBeDefined();

    clock.advance(45 * min);
    await app.sweepSlaWarnings();
    await app.settle();
    const inThread = s.fake
      .messages(SLACK_AGENTS, card?.ts)
      .filter((x) => x.ts !== card?.ts && textOf(x).includes(`Ticket #${n}`));
    expect(inThread).toHaveLength(1);
    expect(textOf(inThread[0])).toContain(`<@${ANA}> ⏰ Ticket #${n}: first response due in 15 min`);
  });
});

describe('an SLA warning on Mattermost', () => {
  let mm: MattermostTestApp;
  beforeAll(async () => {
    mm = await startMattermostApp('pglite');
  });
  afterAll(async () => mm?.stop());

  it('mentions the assignee by the @username looked up from their id, in the card’s thread', async () => {
    const app = mm.t.app;
    const said = mm.fake.userPosts(MM_CUSTOMER, MM_SUPPORT, 'Webhooks stopped arriving');
    await mm.handled(said.id);
    const { ticketNumber: n } = await app.db.prisma.conversationLink.findFirstOrThrow({
      where: { thread: said.id },
    });
    await app.tickets.assign(n, ana, 'ana');
    await app.settle();
    const card = await eventually(
      async () =>
        mm.fake.posts(MM_AGENTS).find((p) => (p.props?.attachments as any)?.[0]?.title?.startsWith(`#${n} `)),
      `ticket #${n}'s card`,
    );
    // Delivered as the outbox would, whatever the clock: what is checked here is how Mattermost shows it.
    const job: OutboxJob = {
      kind: 'sla_warning',
      ticketNumber: n,
      clock: 'firstResponse',
      share: 0.75,
      cycle: '0',
      targetMs: 4 * hour,
      leftMs: hour,
      platform: 'mattermost',
      channel: MM_AGENTS,
    };
    await deliver({ db: app.db.prisma, adapters: app.adapters, config: mm.t.config }, job, 'outbox:warn-1');
    const replies = mm.fake.posts(MM_AGENTS, card.id).filter((p) => p.id !== card.id);
    expect(replies.map((p) => p.message)).toEqual([
      `@ana ⏰ Ticket #${n}: first response due in 1 h (75% of 4 h used).`,
    ]);
  });
});

describe('three instances on one PostgreSQL sweeping at once', () => {
  const clock = new FakeClock();
  const instances: MemoryTestApp[] = [];
  beforeAll(async () => {
    const first = await startMemoryApp('postgresql', { clock, config: warningsYaml, slaSweepMs });
    instances.push(first);
    for (let i = 0; i < 2; i++) {
      instances.push(
        await startMemoryApp('postgresql', {
          clock,
          config: warningsYaml,
          slaSweepMs,
          sameDatabaseAs: first,
        }),
      );
    }
  }, 120_000);
  // The first started drops the database: it stops last.
  afterAll(async () => {
    for (const i of [...instances].reverse()) await i.stop();
  });

  const everyInstance = <T>(fn: (m: MemoryTestApp) => Promise<T>) => Promise.all(instances.map(fn));
  const sweepTogether = async () =>
    (await everyInstance((m) => m.t.app.sweepSlaWarnings())).reduce((a, b) => a + b);

  it('post each warning exactly once', async () => {
    const [first] = instances;
    if (!first) throw new Error('no instance');
    const chat = first.chat;
    const numbers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const subject = `Batch job ${i} is stuck`;
      await chat.say('customer', subject);
      // Any of the three may take the message from the inbox: wait for whichever did.
      const { number: n } = await eventually(
        () => first.t.app.db.prisma.ticket.findFirst({ where: { subject } }).then((x) => x ?? undefined),
        `the ticket "${subject}"`,
        30_000,
      );
      await first.t.app.tickets.setField(n, ana, 'priority', 'urgent');
      if (i % 2 === 0) await first.t.app.tickets.assign(n, ana, 'ana');
      numbers.push(n);
    }
    const settleAll = () => everyInstance((m) => m.t.app.settle());
    const posted = () => numbers.map((n) => warningsAbout(chat, n).length);

    clock.advance(45 * min);
    let raised = 0;
    for (let round = 0; round < 4; round++) raised += await sweepTogether();
    expect(raised).toBe(6);
    await settleAll();
    await eventually(async () => posted().every((c) => c === 1), 'one 75% warning per ticket', 30_000);

    clock.advance(15 * min);
    raised = 0;
    for (let round = 0; round < 4; round++) raised += await sweepTogether();
    expect(raised).toBe(6);
    // As after a restart that lost track of what was checked: the warnings are on record, none is repeated.
    await first.t.app.db.prisma.ticket.updateMany({
      where: { number: { in: numbers } },
      data: { slaCheckAt: clock.now() },
    });
    expect(await sweepTogether()).toBe(0);
    await settleAll();
    await eventually(async () => posted().every((c) => c === 2), 'one breach warning per ticket', 30_000);
    await settleAll();
    expect(posted()).toEqual(numbers.map(() => 2));
  });
});
