import { REST } from 'discord.js';
import pino from 'pino';
import { inject } from 'vitest';
import { DiscordAdapter } from '../../adapters/discord/adapter.ts';
import { ChannelPacer } from '../../adapters/kit/pacer.ts';
import { MattermostAdapter } from '../../adapters/mattermost/adapter.ts';
import { mattermostClient } from '../../adapters/mattermost/client.ts';
import { MattermostRenderer } from '../../adapters/mattermost/render.ts';
import { SlackAdapter, slackClient } from '../../adapters/slack/adapter.ts';
import { WebchatAdapter } from '../../adapters/webchat/adapter.ts';
import { openDatabase } from '../../src/db/index.ts';
import { LiveBus } from '../../src/http/live-bus.ts';
import { LiveHub } from '../../src/http/live-hub.ts';
import { FakeDiscord } from '../harness/discord/fake-discord.ts';
import { readMessage as readDiscordMessage } from '../harness/discord/read-message.ts';
import { startFakeMattermost } from '../harness/mattermost/fake-mattermost.ts';
import { readPost } from '../harness/mattermost/read-post.ts';
import { MemoryChatAdapter } from '../harness/memory-adapter.ts';
import { MemoryPlatform } from '../harness/memory-platform.ts';
import { startFakeSlack } from '../harness/slack/fake-web-api.ts';
import { readMessage } from '../harness/slack/read-message.ts';
import { chatAdapterContract } from './chat-adapter.contract.ts';

chatAdapterContract('in-memory test platform', async () => {
  const adapter = new MemoryChatAdapter();
  return {
    adapter,
    channel: { channel: 'agents' },
    thread: { channel: 'support', thread: 't1' },
    read: (target) => adapter.read(target),
    close: async () => {},
  };
});

chatAdapterContract('two-way in-memory platform', async () => {
  const chat = new MemoryPlatform({ channels: [], people: {} });
  return {
    adapter: chat.adapter,
    channel: { channel: 'agents' },
    thread: { channel: 'support', thread: 't1' },
    read: async (target) =>
      chat
        .seen(target.channel, target.thread)
        .filter((m) => m.from === 'relevo')
        .map((m) => m.message),
    close: async () => {},
  };
});

chatAdapterContract('web chat', async () => {
  const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  const bus = new LiveBus(db, pino({ level: 'silent' }));
  const adapter = new WebchatAdapter(db.prisma, bus, new LiveHub());
  return {
    adapter,
    channel: { channel: 'agents' },
    thread: { channel: 'support', thread: 'session-1' },
    // What the page shows: the stored posts of that channel.
    read: async (target) =>
      (await adapter.history(target.thread ? `support/${target.thread}` : target.channel)).map((p) => ({
        ...p.message,
        author: p.authorKind === 'agent' ? p.authorName : undefined,
      })),
    close: () => db.close(),
  };
});

chatAdapterContract('Slack (official WebClient against the fake Slack)', async () => {
  const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  const fake = await startFakeSlack({ channels: [{ id: 'C0AGENTS01', name: 'agents' }] });
  const parent = fake.addMessage('C0AGENTS01', { ts: '1700000000.000100', user: 'U0CUSTOMER', text: 'help' });
  const log = pino({ level: 'silent' });
  const adapter = new SlackAdapter({
    db: db.prisma,
    client: slackClient(fake.botToken, log, fake.url),
    log,
    pacer: new ChannelPacer({ burst: 100, perSecond: 100 }),
  });
  return {
    adapter,
    channel: { channel: 'C0AGENTS01' },
    thread: { channel: 'C0AGENTS01', thread: parent.ts },
    read: async (target) =>
      fake
        .messages(target.channel, target.thread)
        .filter((m) => m.ts !== target.thread && (m.bot_id || m.user === fake.botUserId))
        .map(readMessage),
    close: async () => {
      await fake.close();
      await db.close();
    },
  };
});

chatAdapterContract('Mattermost (official Client4 against the fake Mattermost)', async () => {
  const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  const fake = await startFakeMattermost();
  const customer = fake.addUser({ username: 'carla' });
  const agents = fake.addChannel({ name: 'agents', members: [customer.id] });
  const parent = fake.userPosts(customer.id, agents.id, 'help');
  const renderer = new MattermostRenderer({ secret: 'contract-secret', publicUrl: 'https://relevo.test' });
  const adapter = new MattermostAdapter({
    db: db.prisma,
    client: mattermostClient(fake.url, fake.botToken),
    renderer,
    log: pino({ level: 'silent' }),
  });
  const decode = (context: unknown) => {
    const signed = renderer.readButton(context);
    return signed.ok ? signed : undefined;
  };
  return {
    adapter,
    channel: { channel: agents.id },
    thread: { channel: agents.id, thread: parent.id },
    read: async (target) =>
      fake
        .posts(target.channel, target.thread)
        .filter(
          (p) => p.user_id === fake.botUserId && (target.thread ? p.root_id === target.thread : !p.root_id),
        )
        .map((p) => readPost(p, decode)),
    close: async () => {
      await fake.stop();
      await db.close();
    },
  };
});

chatAdapterContract('Discord (discord.js REST against the fake Discord)', async () => {
  const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  const fake = new FakeDiscord();
  await fake.start();
  const customer = fake.addUser({ username: 'carla' });
  const agents = fake.addChannel({ name: 'agents', type: 'text' });
  // A customer's message with no thread yet: the adapter starts it when it first posts there.
  const parent = fake.userMessage(agents.id, customer.id, 'help');
  const adapter = new DiscordAdapter({
    db: db.prisma,
    rest: new REST({ api: fake.apiUrl, version: '10' }).setToken(fake.botToken),
    log: pino({ level: 'silent' }),
    agents: () => [],
  });
  return {
    adapter,
    channel: { channel: agents.id },
    thread: { channel: agents.id, thread: parent.id },
    read: async (target) => {
      const where = target.thread ?? target.channel;
      if (!fake.channel(where)) return [];
      return fake
        .messages(where)
        .filter((m) => m.author.id === fake.botUserId)
        .map((m) => readDiscordMessage(m));
    },
    close: async () => {
      await fake.stop();
      await db.close();
    },
  };
});
