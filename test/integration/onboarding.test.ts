// `/ticket onboard @person` (issue 17, seed 000) on the in-memory platform, on both databases: the checklist
// of accesses posted in the agents' channel, each item ticked with its button (who and when recorded, the
// message edited in place), a second press or two at once recording once, the completion, the languages,
// and nobody but agents running it or pressing its buttons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../adapters/webchat/adapter.ts';
import { seedChecklist } from '../../src/core/onboarding/checklist.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, Client } from '../harness/http.ts';
import {
  AGENTS,
  type MemoryTestApp,
  memoryConfigYaml,
  SUPPORT,
  startMemoryApp,
} from '../harness/memory-app.ts';
import type { MemoryMessage } from '../harness/memory-platform.ts';

// Mia (known on the platform by her profile's email only) reads Spanish; Ana and Ben read English.
const config = memoryConfigYaml.replace(
  '{ id: mia, name: Mia, role: maintainer, email: mia@support.test }',
  '{ id: mia, name: Mia, role: maintainer, email: mia@support.test, language: es }',
);

describe.each(databaseKinds)('/ticket onboard (%s)', (database) => {
  let m: MemoryTestApp;
  const clock = new FakeClock(new Date('2026-03-02T09:00:00Z'));
  beforeAll(async () => {
    m = await startMemoryApp(database, { clock, config });
  }, 60_000);
  afterAll(async () => m?.stop());

  const db = () => m.t.app.db.prisma;
  const checklistOf = (title: string) =>
    m.chat.seen(AGENTS).filter((x) => x.from === 'relevo' && x.message.title === title);
  const current = (message: MemoryMessage) => m.chat.messages.find((x) => x.id === message.id) ?? message;
  const buttons = (message: MemoryMessage) => current(message).message.buttons?.map((b) => b.label) ?? [];
  const ticks = async (agentId: string) =>
    db().onboardingItem.findMany({ where: { checklist: { agentId } }, orderBy: { itemId: 'asc' } });

  it('posts the seed’s six accesses in the agents’ channel, in the new agent’s language, one button each', async () => {
    const answer = await m.chat.command('ana', '/ticket onboard @mia', { channel: AGENTS });
    // Ana typed it: she reads English; the checklist is Mia's, in Spanish.
    expect(answer.text).toBe('Posted the onboarding checklist of Mia in the agents’ channel (0 of 6 done).');
    const [posted, ...others] = checklistOf('Incorporación de Mia');
    expect(others).toHaveLength(0);
    expect(posted?.message.text).toContain('Los accesos que Mia necesita para trabajar en soporte.');
    for (const item of seedChecklist) expect(posted?.message.text).toContain(`☐ ${item.es}`);
    expect(posted?.message.context).toBe('0 de 6 hechos');
    expect(buttons(posted as MemoryMessage)).toEqual(seedChecklist.map((item) => `Hecho: ${item.es}`));
    expect(await ticks('mia')).toEqual([]);
  });

  it('a press records who and when, and edits the message in place with ✓ item — who, when', async () => {
    const [message] = checklistOf('Incorporación de Mia');
    if (!message) throw new Error('no checklist');
    clock.advance(30 * 60_000);
    const pressed = await m.chat.press('ana', message, `Hecho: ${seedChecklist[1]?.es}`);
    expect(pressed.text).toBe('Done for Mia: Link to the current monitor, and credentials to see it.');
    expect(await ticks('mia')).toMatchObject([
      { itemId: 'monitor', doneById: 'ana', doneAt: new Date('2026-03-02T09:30:00Z') },
    ]);
    const edited = current(message);
    expect(checklistOf('Incorporación de Mia')).toHaveLength(1);
    expect(edited.edits).toBe(1);
    expect(edited.message.text).toContain(
      '✓ Enlace al monitor vigente y credenciales para verlo — Ana, 2026-03-02 09:30 UTC',
    );
    expect(edited.message.text).toContain(`☐ ${seedChecklist[0]?.es}`);
    expect(edited.message.context).toBe('1 de 6 hechos');
    expect(buttons(message)).not.toContain(`Hecho: ${seedChecklist[1]?.es}`);
    expect(buttons(message)).toHaveLength(5);
  });

  it('pressing an item already done (a stale button) records nothing and edits nothing', async () => {
    const [message] = checklistOf('Incorporación de Mia');
    if (!message) throw new Error('no checklist');
    const before = current(message).edits;
    // The button as it was before the edit, which a platform may still show someone.
    const { id } = await db().onboardingChecklist.findUniqueOrThrow({ where: { agentId: 'mia' } });
    const button = { action: 'onboard.tick', label: 'Hecho (antes)', value: `${id}:monitor` };
    const stale = { ...message, id: 'stale', message: { ...message.message, buttons: [button] } };
    const again = await m.chat.press('mia', stale, button.label);
    // Mia reads Spanish: the answer is hers.
    expect(again.text).toBe(
      'Ya estaba hecho: Enlace al monitor vigente y credenciales para verlo (Ana, 2026-03-02 09:30 UTC).',
    );
    expect(await ticks('mia')).toHaveLength(1);
    expect(current(message).edits).toBe(before);
  });

  it('two presses of one item at once record it once', async () => {
    const [message] = checklistOf('Incorporación de Mia');
    if (!message) throw new Error('no checklist');
    const label = `Hecho: ${seedChecklist[2]?.es}`;
    const answers = await Promise.all([
      m.chat.press('ana', message, label),
      m.chat.press('mia', message, label),
    ]);
    const rows = (await ticks('mia')).filter((t) => t.itemId === 'wiki');
    expect(rows).toHaveLength(1);
    const texts = answers.map((a) => a.text ?? '');
    expect(texts.filter((t) => /^(Done for Mia|Hecho para Mia): /.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /^(Already done|Ya estaba hecho): /.test(t))).toHaveLength(1);
    const lines = current(message).message.text.split('\n');
    expect(lines.filter((l) => l.startsWith(`✓ ${seedChecklist[2]?.es} — `))).toHaveLength(1);
  });

  it('running it again shows the same checklist, with what is done, instead of a new one', async () => {
    const answer = await m.chat.command('ana', '/ticket onboard mia@SUPPORT.test', { channel: AGENTS });
    expect(answer.text).toBe('Posted the onboarding checklist of Mia in the agents’ channel (2 of 6 done).');
    expect(checklistOf('Incorporación de Mia')).toHaveLength(1);
    expect(await db().onboardingChecklist.count({ where: { agentId: 'mia' } })).toBe(1);
  });

  it('a customer or a stranger can neither run it nor press its buttons, and nothing changes', async () => {
    const [message] = checklistOf('Incorporación de Mia');
    if (!message) throw new Error('no checklist');
    // Carla writes in her support channel first: Relevo knows her as Acme's customer from then on.
    await m.chat.say('customer', 'The printer on floor 2 is on fire');
    const before = await ticks('mia');
    const posts = m.chat.messages.length;
    const typed = await m.chat.command('customer', '/ticket onboard @mia', { channel: SUPPORT });
    expect(typed.text).toBe('/ticket onboard is for agents.');
    const stranger = await m.chat.command('stranger', '/ticket onboard ana', { channel: AGENTS });
    expect(stranger.text).toBe('/ticket onboard is for agents.');
    const pressed = await m.chat.press('customer', message, `Hecho: ${seedChecklist[0]?.es}`);
    expect(pressed.text).toBe('Only agents can do this.');
    const unknown = await m.chat.press('stranger', message, `Hecho: ${seedChecklist[0]?.es}`);
    expect(unknown.text).toMatch(/does not know you/);
    expect(await ticks('mia')).toEqual(before);
    expect(m.chat.messages.length).toBe(posts);
    expect(current(message).message.buttons).toHaveLength(4);
  });

  it('names only agents: by id, email or a mention the platform resolved', async () => {
    const refused = (line: string) => m.chat.command('ana', line, { channel: AGENTS });
    expect((await refused('/ticket onboard carla@example.com')).text).toBe(
      '“carla@example.com” is not an agent: give the id of an agent in relevo.yaml, their email, or @mention them.',
    );
    // Carla is a person on the platform, but a customer.
    expect((await refused('/ticket onboard @customer')).text).toMatch(/^“@customer” is not an agent/);
    expect((await refused('/ticket onboard nobody')).text).toMatch(/^“nobody” is not an agent/);
    expect((await refused('/ticket onboard')).text).toMatch(
      /^<person> expected the new agent.*Usage: \/ticket onboard <agent id\|email\|@mention>/,
    );
    expect(await db().onboardingChecklist.count()).toBe(1);
  });

  it('the last tick says the onboarding is complete, by whom last, and leaves no buttons', async () => {
    const [message] = checklistOf('Incorporación de Mia');
    if (!message) throw new Error('no checklist');
    const left = buttons(message);
    expect(left).toHaveLength(4);
    for (const [i, label] of left.entries()) {
      clock.advance(60_000);
      const answer = await m.chat.press(i === left.length - 1 ? 'mia' : 'ana', message, label);
      if (i < left.length - 1) expect(answer.text).toMatch(/^Done for Mia: /);
      else expect(answer.text).toBe('Era el último punto: la incorporación de Mia está completa.');
    }
    const done = current(message);
    expect(done.message.buttons ?? []).toEqual([]);
    expect(done.message.context).toBe('6 de 6 hechos');
    expect(done.message.text).toContain(
      '✅ La incorporación de Mia está completa — el último punto lo hizo Mia, 2026-03-02 09:34 UTC.',
    );
    expect(done.message.text).toContain(`✓ ${seedChecklist[5]?.es} — Mia, 2026-03-02 09:34 UTC`);
    expect(await ticks('mia')).toHaveLength(6);
    // Asked again, the command says so.
    const again = await m.chat.command('ana', '/ticket onboard mia', { channel: AGENTS });
    expect(again.text).toBe(
      'The onboarding of Mia is already complete; its checklist is shown in the agents’ channel.',
    );
  });

  it('answers in the language of whoever typed it, and shows an English reader’s checklist in English', async () => {
    // Typed outside the agents' channel (in a support channel): the checklist still goes to the agents'.
    const answer = await m.chat.command('mia', '/ticket onboard ben', { channel: SUPPORT });
    expect(answer.text).toBe(
      'Se ha publicado la lista de incorporación de Ben en el canal de agentes (0 de 6 hechos).',
    );
    const [ben] = checklistOf('Onboarding of Ben');
    expect(ben?.message.text).toContain('The accesses Ben needs to work in support.');
    expect(buttons(ben as MemoryMessage)[0]).toBe(`Done: ${seedChecklist[0]?.en}`);
    expect(m.chat.seen(SUPPORT).some((x) => x.message.title === 'Onboarding of Ben')).toBe(false);
  });
});

describe('/ticket onboard in the web console (pglite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: 'pglite', clock: new FakeClock(new Date('2026-03-02T09:00:00Z')) });
  }, 60_000);
  afterAll(async () => t?.stop());

  const agent = (id: string) => agentClient(t.url, t.apiToken, id);
  const checklist = async () => {
    const { body } = await agent('ana').get('/console/api/messages');
    return (body.messages as Post[]).find((p) => p.message.title === 'Onboarding of Ben');
  };

  it('is typed in the command box, shows in the console’s feed, and is ticked through /console/api/actions', async () => {
    const typed = await agent('ana').post('/console/api/commands', { text: '/ticket onboard ben' });
    expect(typed).toMatchObject({
      status: 200,
      body: {
        message: { text: 'Posted the onboarding checklist of Ben in the agents’ channel (0 of 6 done).' },
      },
    });
    await t.app.settle();
    const posted = await checklist();
    expect(posted?.channel).toBe('agents');
    const [first] = posted?.message.buttons ?? [];
    expect(first?.label).toBe(`Done: ${seedChecklist[0]?.en}`);

    // A web chat customer cannot press it, whatever the button says.
    const customer = new Client(t.url);
    const session = await customer.post('/webchat/api/session', {
      name: 'Carla',
      email: 'carla@example.com',
    });
    expect(session.status).toBe(200);
    const refused = await customer.post('/webchat/api/actions', {
      action: first?.action,
      value: first?.value,
    });
    expect(refused.status).toBe(403);

    const pressed = await agent('ana').post('/console/api/actions', {
      action: first?.action,
      value: first?.value,
    });
    expect(pressed).toMatchObject({ status: 200, body: { text: `Done for Ben: ${seedChecklist[0]?.en}.` } });
    await t.app.settle();
    const edited = await checklist();
    expect(edited?.id).toBe(posted?.id);
    expect(edited?.message.text).toContain(`✓ ${seedChecklist[0]?.en} — Ana, 2026-03-02 09:00 UTC`);
    expect(edited?.message.buttons).toHaveLength(5);
    expect(await t.app.db.prisma.onboardingItem.count()).toBe(1);
  });
});
