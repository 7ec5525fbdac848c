// Proves the fake Discord against the real discord.js 14 (Client, its gateway shard and its REST
// client): if discord.js accepts the fake's gateway, payloads, errors and rate limits, Relevo's Discord
// adapter tests exercise Discord's wire format. No sleeps: tests wait for states.
import { createPublicKey, verify } from 'node:crypto';
import { once } from 'node:events';
import {
  ButtonStyle,
  ChannelType,
  Client,
  ComponentType,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type Interaction,
  LabelBuilder,
  ModalBuilder,
  type RateLimitData,
  REST,
  Routes,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../http.ts';
import { FakeDiscord } from './fake-discord.ts';

const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.MessageContent,
];

let fake: FakeDiscord;
let clients: Client[];
let rests: REST[];
let support: { id: string };
let forum: { id: string };
let ana: { id: string };
let agentRole: string;
let bea: { id: string };

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  clients = [];
  rests = [];
  support = fake.addChannel({ name: 'support', type: 'text' });
  forum = fake.addChannel({ name: 'help-forum', type: 'forum' });
  agentRole = fake.addRole({ name: 'agents' });
  ana = fake.addUser({ username: 'ana', globalName: 'Ana' });
  bea = fake.addUser({ username: 'bea', roles: [agentRole] });
});

afterEach(async () => {
  for (const c of clients) await c.destroy();
  for (const r of rests) {
    r.clearHashSweeper();
    r.clearHandlerSweeper();
  }
  await fake.stop();
});

async function login(): Promise<Client> {
  const client = new Client({ intents: INTENTS, rest: { api: fake.apiUrl } });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login(fake.botToken);
  await ready;
  return client;
}

function rest(): REST {
  const r = new REST({ api: fake.apiUrl }).setToken(fake.botToken);
  rests.push(r);
  return r;
}

const until = <T>(fn: () => T | undefined | false, what: string) =>
  eventually(async () => fn(), what, 20_000);

describe('gateway with discord.js Client', () => {
  it('logs in to ready, caches the guild channels and gets raw MESSAGE_CREATE', async () => {
    const client = await login();
    expect(client.user?.id).toBe(fake.botUserId);
    expect(fake.intents()).toBe(client.options.intents.bitfield);
    expect(client.channels.cache.get(support.id)?.type).toBe(ChannelType.GuildText);
    expect(client.channels.cache.get(forum.id)?.type).toBe(ChannelType.GuildForum);
    expect(client.guilds.cache.get(fake.guildId)?.members.cache.get(ana.id)?.user.username).toBe('ana');

    const raw: any[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => raw.push(d));
    const highLevel: string[] = [];
    client.on(Events.MessageCreate, (m) => highLevel.push(m.content));
    const sent = fake.userMessage(support.id, ana.id, 'my printer is on fire');
    await until(() => raw.length === 1 && highLevel.length === 1, 'the message');
    expect(raw[0]).toMatchObject({
      id: sent.id,
      channel_id: support.id,
      guild_id: fake.guildId,
      author: { id: ana.id, username: 'ana' },
      member: { roles: [] },
      content: 'my printer is on fire',
    });
    expect(highLevel).toEqual(['my printer is on fire']);
  });

  it('resumes after a dropped connection and replays what happened meanwhile, once and in order', async () => {
    const client = await login();
    const seen: string[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => seen.push(d.content));
    fake.userMessage(support.id, ana.id, 'before');
    await until(() => seen.includes('before'), 'the first message');

    fake.dropConnections();
    fake.userMessage(support.id, ana.id, 'during 1');
    fake.userMessage(support.id, ana.id, 'during 2');
    await until(() => fake.resumes() === 1 && seen.includes('during 2'), 'the resume');
    fake.userMessage(support.id, ana.id, 'after');
    await until(() => seen.includes('after'), 'the message after the resume');

    expect(seen).toEqual(['before', 'during 1', 'during 2', 'after']);
    expect(fake.identifies()).toBe(1);
  });

  it('resumes after op 7 Reconnect', async () => {
    const client = await login();
    const seen: string[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => seen.push(d.content));
    fake.sendReconnect();
    fake.userMessage(support.id, ana.id, 'hello again');
    await until(() => fake.resumes() === 1 && seen.includes('hello again'), 'the resume');
    expect(seen).toEqual(['hello again']);
  });

  it('buffers events while Discord is offline and delivers them on RESUME', async () => {
    const client = await login();
    const seen: string[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => seen.push(d.content));
    client.on(Events.ShardError, () => {}); // the refused reconnects are reported as shard errors
    fake.goOffline();
    expect(fake.gatewayConnected()).toBe(false);
    fake.userMessage(support.id, ana.id, 'while offline');
    await expect(fetch(`${fake.apiUrl}/v10/users/@me`)).rejects.toThrow();
    fake.goOnline();
    await until(() => fake.resumes() >= 1 && seen.includes('while offline'), 'the buffered message');
    expect(seen).toEqual(['while offline']);
    expect(fake.identifies()).toBe(1);
  });

  it('identifies again after a session that cannot be resumed', async () => {
    const client = await login();
    const seen: string[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => seen.push(d.content));
    fake.invalidateSessions(false);
    await until(() => fake.identifies() === 2 && fake.gatewayConnected(), 'a second IDENTIFY');
    fake.userMessage(support.id, ana.id, 'new session');
    await until(() => seen.includes('new session'), 'a message on the new session');
  });

  it('rejects a wrong token', async () => {
    const client = new Client({ intents: INTENTS, rest: { api: fake.apiUrl } });
    clients.push(client);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.callsTo('GET', /^\/gateway\/bot$/)[0]?.status).toBe(401);
  });
});

describe('REST with discord.js REST', () => {
  it('posts and edits messages, dispatching what the bot did', async () => {
    const client = await login();
    const raw: string[] = [];
    client.ws.on(GatewayDispatchEvents.MessageCreate, (d) => raw.push(`create ${d.author.id}`));
    client.ws.on(GatewayDispatchEvents.MessageUpdate, (d) => raw.push(`update ${d.content}`));
    const r = rest();
    const posted: any = await r.post(Routes.channelMessages(support.id), {
      body: { content: `hi <@${ana.id}>` },
    });
    expect(posted).toMatchObject({
      channel_id: support.id,
      author: { id: fake.botUserId, bot: true },
      type: 0,
    });
    expect(posted.mentions.map((u: { id: string }) => u.id)).toEqual([ana.id]);
    const edited: any = await r.patch(Routes.channelMessage(support.id, posted.id), {
      body: { content: 'edited' },
    });
    expect(edited.edited_timestamp).not.toBeNull();
    expect(fake.message(support.id, posted.id)?.content).toBe('edited');
    await until(() => raw.length === 2, 'both dispatches');
    expect(raw).toEqual([`create ${fake.botUserId}`, 'update edited']);
    await expect(
      r.patch(Routes.channelMessage(support.id, '1'), { body: { content: 'x' } }),
    ).rejects.toMatchObject({
      status: 404,
      code: 10008,
    });
  });

  it('uploads files as multipart', async () => {
    const r = rest();
    const posted: any = await r.post(Routes.channelMessages(support.id), {
      body: { content: 'log attached' },
      files: [{ name: 'log.txt', data: Buffer.from('line 1\n'), contentType: 'text/plain' }],
    });
    expect(posted.attachments[0]).toMatchObject({ filename: 'log.txt', size: 7, content_type: 'text/plain' });
    expect(fake.calls.at(-1)?.files?.[0]?.data.toString()).toBe('line 1\n');
    expect(await (await fetch(posted.attachments[0].url)).text()).toBe('line 1\n');
  });

  it('refuses an invalid form body (2001 characters)', async () => {
    const r = rest();
    await expect(
      r.post(Routes.channelMessages(support.id), { body: { content: 'x'.repeat(2001) } }),
    ).rejects.toMatchObject({
      status: 400,
      code: 50035,
      rawError: { errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
    await expect(r.post(Routes.channelMessages(forum.id), { body: { content: 'x' } })).rejects.toMatchObject({
      code: 50008,
    });
    await expect(r.get(Routes.channel('123'))).rejects.toMatchObject({ status: 404, code: 10003 });
  });

  it('starts a thread from a message (same id, only once)', async () => {
    const r = rest();
    const posted: any = await r.post(Routes.channelMessages(support.id), { body: { content: 'Ticket #1' } });
    const thread: any = await r.post(Routes.threads(support.id, posted.id), {
      body: { name: 'Ticket #1', auto_archive_duration: 1440 },
    });
    expect(thread).toMatchObject({
      id: posted.id,
      type: 11,
      parent_id: support.id,
      owner_id: fake.botUserId,
    });
    expect(thread.thread_metadata).toMatchObject({ archived: false, auto_archive_duration: 1440 });
    await expect(
      r.post(Routes.threads(support.id, posted.id), { body: { name: 'again' } }),
    ).rejects.toMatchObject({
      code: 160004,
    });
    const reply: any = await r.post(Routes.channelMessages(thread.id), {
      body: { content: 'in the thread' },
    });
    expect(reply.channel_id).toBe(thread.id);
    expect(fake.messages(thread.id).map((m) => m.content)).toEqual(['in the thread']);
    const archived: any = await r.patch(Routes.channel(thread.id), {
      body: { archived: true, locked: true },
    });
    expect(archived.thread_metadata).toMatchObject({ archived: true, locked: true });
  });

  it('creates a private thread whose members are the creator, added people and the mentioned', async () => {
    const r = rest();
    const thread: any = await r.post(Routes.threads(support.id), { body: { name: 'private', type: 12 } });
    expect(thread.type).toBe(12);
    // A 204 without a content type: discord.js resolves instead of choking on an empty JSON body.
    await expect(r.put(Routes.threadMembers(thread.id, ana.id))).resolves.toBeDefined();
    await r.post(Routes.channelMessages(thread.id), { body: { content: `<@&${agentRole}> please look` } });
    expect(fake.threadMembers(thread.id).sort()).toEqual([fake.botUserId, ana.id, bea.id].sort());
    const listed = (await r.get(Routes.threadMembers(thread.id))) as { user_id: string }[];
    expect(listed.map((m) => m.user_id).sort()).toEqual([fake.botUserId, ana.id, bea.id].sort());
  });

  it('makes forum posts (bot and person) whose starter message has the thread id', async () => {
    const client = await login();
    const threads: any[] = [];
    client.ws.on(GatewayDispatchEvents.ThreadCreate, (d) => threads.push(d));
    const r = rest();
    const post: any = await r.post(Routes.threads(forum.id), {
      body: { name: 'Bot post', message: { content: 'started by the bot' } },
    });
    expect(post).toMatchObject({
      type: 11,
      parent_id: forum.id,
      message: { id: post.id, content: 'started by the bot' },
    });
    const { thread, message } = fake.forumPost(forum.id, ana.id, 'Printer', 'it burns');
    expect(message.id).toBe(thread.id);
    await until(() => threads.length === 2, 'both THREAD_CREATEs');
    expect(threads[1]).toMatchObject({ id: thread.id, newly_created: true, type: 11, parent_id: forum.id });
    await until(() => client.channels.cache.get(thread.id)?.isThread(), 'the thread in the cache');
  });

  it('answers a forced 429 that discord.js waits out and retries', async () => {
    const r = rest();
    const limited: RateLimitData[] = [];
    r.on('rateLimited', (info) => limited.push(info));
    fake.rateLimit(/^\/channels\/\d+\/messages$/, { times: 1, retryAfterS: 0.05 });
    const posted: any = await r.post(Routes.channelMessages(support.id), { body: { content: 'eventually' } });
    expect(posted.content).toBe('eventually');
    expect(limited.length).toBeGreaterThan(0);
    expect(fake.rateLimitedCount()).toBe(1);
    expect(fake.callsTo('POST', /messages$/).map((c) => c.status)).toEqual([429, 200]);
  });

  it('answers a forced global 429 the same way', async () => {
    const r = rest();
    const limited: RateLimitData[] = [];
    r.on('rateLimited', (info) => limited.push(info));
    fake.rateLimit(/^\/users\/@me$/, { times: 1, retryAfterS: 0.05, global: true });
    await expect(r.get(Routes.user())).resolves.toMatchObject({ id: fake.botUserId });
    expect(limited.some((l) => l.global)).toBe(true);
  });

  it('overwrites commands and validates them', async () => {
    const r = rest();
    const body = [
      {
        name: 'ticket',
        description: 'Tickets',
        options: [
          {
            type: 1,
            name: 'open',
            description: 'Open a ticket',
            options: [{ type: 3, name: 'subject', description: 'What', required: true }],
          },
        ],
      },
    ];
    const saved: any = await r.put(Routes.applicationGuildCommands(fake.applicationId, fake.guildId), {
      body,
    });
    expect(saved[0].id).toBeTruthy();
    expect(fake.commands(fake.guildId).map((c) => c.name)).toEqual(['ticket']);
    await expect(
      r.put(Routes.applicationCommands(fake.applicationId), { body: [{ name: 'Ticket', description: 'x' }] }),
    ).rejects.toMatchObject({ code: 50035 });
  });

  it('records unknown routes as 404', async () => {
    const r = rest();
    await expect(r.get('/nothing/here')).rejects.toMatchObject({ status: 404 });
    expect(fake.callsTo('GET', /^\/nothing/)[0]?.status).toBe(404);
  });
});

describe('interactions', () => {
  async function postWithButton(r: REST): Promise<any> {
    return r.post(Routes.channelMessages(support.id), {
      body: {
        content: 'Ticket #7',
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Primary,
                custom_id: 'close:7',
                label: 'Close',
              },
            ],
          },
        ],
      },
    });
  }

  it('a button press is acknowledged by a type 6 callback; a second answer is refused (40060)', async () => {
    await login();
    const r = rest();
    const msg = await postWithButton(r);
    const press = fake.pressButton({
      userId: ana.id,
      channelId: support.id,
      messageId: msg.id,
      customId: 'close:7',
    });
    expect(press.payload.message.id).toBe(msg.id);
    await r.post(Routes.interactionCallback(press.id, press.token), { body: { type: 6 }, auth: false });
    await expect(press.response()).resolves.toMatchObject({ type: 6 });
    await expect(
      r.post(Routes.interactionCallback(press.id, press.token), {
        body: { type: 9, data: { custom_id: 'm', title: 'Why', components: [] } },
        auth: false,
      }),
    ).rejects.toMatchObject({ code: 40060 });
    expect(fake.interactionResponses(press.id)).toEqual([
      expect.objectContaining({ kind: 'callback', type: 6, msSinceDispatch: expect.any(Number) }),
    ]);
  });

  it('discord.js handles a slash command: deferred reply, then follow-ups through the webhook', async () => {
    const client = await login();
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.followUp({ content: `subject: ${i.options.getString('subject')}` });
      await i.followUp({ content: 'only you see this', flags: 64 });
    });
    const cmd = fake.slashCommand({
      userId: ana.id,
      channelId: support.id,
      name: 'ticket',
      subcommand: 'open',
      options: { subject: 'printer' },
    });
    await expect(cmd.response()).resolves.toMatchObject({ type: 5 });
    await until(() => fake.interactionResponses(cmd.id).length === 3, 'two follow-ups');
    const inChannel = fake.messages(support.id);
    // The first follow-up after a deferral fills the deferred message, as on Discord.
    expect(inChannel.map((m) => m.content)).toEqual(['subject: printer']);
    expect(inChannel[0]?.flags).toBe(0);
    expect(fake.ephemeralMessages(cmd.id).map((m) => m.content)).toEqual(['only you see this']);
  });

  it('discord.js shows a modal and reads its Label-shaped submission', async () => {
    const client = await login();
    const subjects: string[] = [];
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isButton()) {
        const modal = new ModalBuilder()
          .setCustomId('new-ticket')
          .setTitle('New ticket')
          .addLabelComponents(
            new LabelBuilder()
              .setLabel('Subject')
              .setTextInputComponent(
                new TextInputBuilder().setCustomId('subject').setStyle(TextInputStyle.Short),
              ),
          );
        await i.showModal(modal);
      } else if (i.isModalSubmit()) {
        subjects.push(i.fields.getTextInputValue('subject'));
        await i.reply({ content: 'created', flags: 64 });
      }
    });
    const msg = await postWithButton(rest());
    const press = fake.pressButton({
      userId: ana.id,
      channelId: support.id,
      messageId: msg.id,
      customId: 'close:7',
    });
    await expect(press.response()).resolves.toMatchObject({ type: 9, data: { custom_id: 'new-ticket' } });
    const submit = fake.submitModal({
      userId: ana.id,
      channelId: support.id,
      customId: 'new-ticket',
      values: { subject: 'Paper jam' },
    });
    expect(submit.payload.data.components[0]).toMatchObject({
      type: 18,
      component: { type: 4, custom_id: 'subject', value: 'Paper jam' },
    });
    await expect(submit.response()).resolves.toMatchObject({ type: 4 });
    expect(subjects).toEqual(['Paper jam']);
    // A modal cannot answer a modal submission.
    const again = fake.submitModal({
      userId: ana.id,
      channelId: support.id,
      customId: 'new-ticket',
      values: {},
    });
    await expect(
      rest().post(Routes.interactionCallback(again.id, again.token), {
        body: { type: 9, data: { custom_id: 'x', title: 'x', components: [{}] } },
        auth: false,
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('refuses late acknowledgements and expired tokens (clock advanced, no waiting)', async () => {
    const r = rest();
    const msg = await postWithButton(r);
    const late = fake.pressButton({
      userId: ana.id,
      channelId: support.id,
      messageId: msg.id,
      customId: 'close:7',
    });
    fake.advanceInteractionClock(3_001);
    await expect(
      r.post(Routes.interactionCallback(late.id, late.token), { body: { type: 6 }, auth: false }),
    ).rejects.toMatchObject({ code: 10062 });
    const ok = fake.pressButton({
      userId: ana.id,
      channelId: support.id,
      messageId: msg.id,
      customId: 'close:7',
    });
    await r.post(Routes.interactionCallback(ok.id, ok.token), {
      body: { type: 4, data: { content: 'done' } },
      auth: false,
    });
    fake.advanceInteractionClock(15 * 60_000 + 1);
    await expect(
      r.post(Routes.webhook(fake.applicationId, ok.token), { body: { content: 'too late' }, auth: false }),
    ).rejects.toMatchObject({ code: 50027 });
  });

  it('answers with_response=true with the created message', async () => {
    const r = rest();
    const cmd = fake.slashCommand({
      userId: ana.id,
      channelId: support.id,
      name: 'ticket',
      options: { who: ana.id },
    });
    expect(cmd.payload.data.options[0]).toMatchObject({ name: 'who', type: 6, value: ana.id });
    expect(cmd.payload.data.resolved.users[ana.id].username).toBe('ana');
    const answer: any = await r.post(Routes.interactionCallback(cmd.id, cmd.token), {
      body: { type: 4, data: { content: 'hello' } },
      query: new URLSearchParams({ with_response: 'true' }),
      auth: false,
    });
    expect(answer).toMatchObject({
      interaction: { id: cmd.id, type: 2 },
      resource: { type: 4, message: { content: 'hello' } },
    });
    const original: any = await r.get(Routes.webhookMessage(fake.applicationId, cmd.token, '@original'), {
      auth: false,
    });
    expect(original.id).toBe(answer.resource.message.id);
  });

  it('mirrors a legacy action-row modal in its submission; @original is 10008 before a message exists', async () => {
    const r = rest();
    const cmd = fake.slashCommand({ userId: ana.id, channelId: support.id, name: 'ticket' });
    await expect(
      r.get(Routes.webhookMessage(fake.applicationId, cmd.token, '@original'), { auth: false }),
    ).rejects.toMatchObject({ code: 10008 });
    const modal = {
      custom_id: 'legacy',
      title: 'Old style',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.TextInput, custom_id: 'why', style: 2, label: 'Why' }],
        },
      ],
    };
    await r.post(Routes.interactionCallback(cmd.id, cmd.token), {
      body: { type: 9, data: modal },
      auth: false,
    });
    const submit = fake.submitModal({
      userId: ana.id,
      channelId: support.id,
      customId: 'legacy',
      values: { why: 'jam' },
    });
    expect(submit.payload.data.components).toEqual([
      { type: 1, id: 1, components: [{ type: 4, id: 2, custom_id: 'why', value: 'jam' }] },
    ]);
  });

  it('signs interactions for an HTTP endpoint with a verifiable Ed25519 signature', () => {
    const payload = fake.interactionPayload('slash', {
      userId: ana.id,
      channelId: support.id,
      name: 'ticket',
    });
    const body = JSON.stringify(payload);
    const headers = fake.signInteraction(body);
    const der = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(fake.publicKey, 'hex'),
    ]);
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    const signed = Buffer.concat([Buffer.from(headers['x-signature-timestamp']!), Buffer.from(body)]);
    expect(verify(null, signed, key, Buffer.from(headers['x-signature-ed25519']!, 'hex'))).toBe(true);
    expect(
      verify(null, Buffer.from(`${body} `), key, Buffer.from(headers['x-signature-ed25519']!, 'hex')),
    ).toBe(false);
  });
});
