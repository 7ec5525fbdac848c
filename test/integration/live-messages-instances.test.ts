// Two Relevo instances on one PostgreSQL database, each with its own adapter in front of one shared
// platform (the in-memory one, playing Slack): a card one instance posted is edited in place by the other,
// which never saw it posted — the LiveMessage row is all they share. (PGlite is embedded in one process,
// so two instances need PostgreSQL.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/core/delivery.ts';
import type { OutboxJob } from '../../src/core/outbox.ts';
import type { ChatAdapter } from '../../src/core/ports.ts';
import { liveConfigYaml } from '../fixtures/live-messages.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { MemoryChatAdapter } from '../harness/memory-adapter.ts';

/** One instance's adapter for the shared platform, counting what this instance did there. */
function instanceAdapter(platform: MemoryChatAdapter) {
  const did = { posts: 0, updates: 0 };
  const adapter: ChatAdapter = {
    platform: platform.platform,
    capabilities: platform.capabilities,
    start: async () => {},
    stop: async () => {},
    post: (target, message, key) => {
      did.posts++;
      return platform.post(target, message, key);
    },
    update: (ref, message) => {
      did.updates++;
      return platform.update(ref, message);
    },
    threadOf: (ref) => platform.threadOf(ref),
  };
  return { adapter, did };
}

describe('live messages across two instances on one PostgreSQL', () => {
  const slack = new MemoryChatAdapter('slack');
  const viaA = instanceAdapter(slack);
  const viaB = instanceAdapter(slack);
  let a: TestApp;
  let b: TestApp;
  let contactId = '';
  let seq = 0;

  beforeAll(async () => {
    a = await startTestApp({ database: 'postgresql', config: liveConfigYaml, pollMs: 60_000 });
    b = await startTestApp({ sameDatabaseAs: a, config: liveConfigYaml, pollMs: 60_000 });
    a.app.adapters.set('slack', viaA.adapter);
    b.app.adapters.set('slack', viaB.adapter);
    contactId = (await a.app.db.prisma.contact.create({ data: { name: 'Carla', organisationId: 'acme' } }))
      .id;
  }, 60_000);
  afterAll(async () => {
    // B first: A drops the database when it stops.
    await b?.stop();
    await a?.stop();
  });

  const newTicket = async (app: TestApp, text: string) => {
    const outcome = await app.app.tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: `instances-${++seq}`,
      contactId,
      text,
    });
    if (outcome.kind !== 'created') throw new Error(`expected a new ticket, got ${outcome.kind}`);
    return outcome.ticketNumber;
  };
  const cards = (n: number) =>
    slack.messages.filter(
      (m) => m.target.channel === 'agents-slack' && m.message.title?.startsWith(`#${n} `),
    );
  const fieldsOf = (n: number) =>
    Object.fromEntries((cards(n)[0]?.message.fields ?? []).map((f) => [f.label, f.value]));

  it('an instance that never posted a card edits the one another instance posted', async () => {
    const n = await newTicket(a, 'Password reset mails never arrive');
    await a.app.settle();
    expect(cards(n)).toHaveLength(1);
    const before = { ...viaB.did };
    // Delivered directly, so which instance delivers is certain: B, through its own database connections.
    const job: OutboxJob = { kind: 'card', ticketNumber: n, platform: 'slack', channel: 'agents-slack' };
    const viaInstanceB = { db: b.app.db.prisma, adapters: b.app.adapters, config: b.config };
    await deliver(viaInstanceB, job, 'outbox:instance-b-1');
    await deliver(viaInstanceB, job, 'outbox:instance-b-2');
    expect(viaB.did).toEqual({ posts: before.posts, updates: before.updates + 2 });
    expect(cards(n)).toHaveLength(1);
    expect(cards(n)[0]?.edits).toBe(2);
  });

  it('changes made through either instance, delivered by their outbox workers, edit one card', async () => {
    const n = await newTicket(b, 'The mobile app logs everyone out at noon');
    await b.app.settle();
    await a.app.tickets.assign(n, { kind: 'agent', agentId: 'ana' }, 'ben');
    await a.app.settle();
    await b.app.tickets.setField(n, { kind: 'agent', agentId: 'ben' }, 'priority', 'urgent');
    await b.app.settle();
    expect(cards(n)).toHaveLength(1);
    expect(cards(n)[0]?.edits).toBe(2);
    expect(fieldsOf(n)).toMatchObject({ Assignee: 'Ben', Priority: 'urgent' });
    const rows = await a.app.db.prisma.liveMessage.findMany({
      where: { subject: `card:${n}`, platform: 'slack' },
    });
    expect(rows.map((r) => r.ref)).toEqual([cards(n)[0]?.ref]);
  });
});
