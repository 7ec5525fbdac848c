// Discord as a chat platform for the core: posts and edits messages through REST v10 as the bot. A
// message ref is "<channel id>:<message id>", the channel being where it was posted (a thread is a
// channel). A conversation's thread is a thread channel whose id is its starter message's (Discord gives
// a thread started on a message that message's id): a customer's message in a support channel gets its
// thread when Relevo first answers there; a forum post and a panel's private thread have theirs already.
// @discordjs/rest paces every call by Discord's rate-limit buckets and waits out a 429 itself.
import { type APIChannel, type APIMessage, ChannelType, type REST, Routes } from 'discord.js';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, Logger, MessageRef } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { postOnce } from '../kit/post-once.ts';
import { DiscordCode, discordCode, discordFailure } from './errors.ts';
import { PLATFORM } from './platform.ts';
import { messageBodies, messageBody, threadName } from './render.ts';

export function parseRef(ref: MessageRef): { channel: string; message: string } {
  const [channel, message] = ref.split(':');
  if (!channel || !message) throw new Error(`not a Discord message ref: "${ref}"`);
  return { channel, message };
}

/** Discord's error code behind a typed failure (its cause) or a raw error. */
const causeCode = (err: unknown) => discordCode((err as { cause?: unknown }).cause ?? err);

/** A week: threads stay open while a ticket is worked on; Discord archives them after this much quiet. */
const ARCHIVE_AFTER_MINUTES = 10_080;

export class DiscordAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly capabilities = { threads: true, privateReplies: true, forms: true } as const;

  constructor(
    private readonly opts: {
      db: Db;
      rest: REST;
      log: Logger;
      /** The agents' Discord ids (relevo.yaml identities): each joins every private ticket thread. */
      agents: () => string[];
      /** The agents' role (DISCORD_AGENTS_ROLE), mentioned in every private ticket thread. */
      agentsRole?: string;
    },
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    return postOnce(this.opts.db, PLATFORM, idempotencyKey, async () => {
      const [first = messageBody(message), ...more] = messageBodies(message);
      const posted = target.thread
        ? await this.postInThread(target.channel, target.thread, first)
        : await this.call<APIMessage>('post', Routes.channelMessages(target.channel), first);
      // The rest of a long answer follows where the first part went; the ref names the first.
      for (const body of more) await this.call('post', Routes.channelMessages(posted.channel_id), body);
      return `${posted.channel_id}:${posted.id}`;
    });
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const { channel, message: id } = parseRef(ref);
    // Sent empty, not left out: a card that lost its buttons (a closed ticket) must lose them on Discord.
    const body = { embeds: [], components: [], ...messageBody(message) };
    await this.call('patch', Routes.channelMessage(channel, id), body);
  }

  threadOf(ref: MessageRef): ChatTarget {
    const { channel, message } = parseRef(ref);
    return { channel, thread: message };
  }

  /**
   * A private line to one person outside an interaction: Discord has ephemeral messages only as answers
   * to a command or a button, so it goes as a direct message.
   */
  async whisper(_channel: string, user: string, message: OutMessage): Promise<void> {
    const dm = await this.call<APIChannel>('post', Routes.userChannels(), { recipient_id: user });
    await this.call('post', Routes.channelMessages(dm.id), messageBody(message));
  }

  async openPrivateConversation(channel: string, user: string, title: string): Promise<ChatTarget> {
    const thread = await this.call<APIChannel>('post', Routes.threads(channel), {
      name: threadName(title, 'Ticket'),
      type: ChannelType.PrivateThread,
      // Only Relevo adds people: the customer cannot invite others into a private ticket.
      invitable: false,
      auto_archive_duration: ARCHIVE_AFTER_MINUTES,
    });
    // Only members see a private thread (and people with Manage Threads): the customer and each agent
    // Relevo knows on Discord are added by id, which needs no mention and pings nobody.
    for (const member of new Set([user, ...this.opts.agents()])) {
      await this.call('put', Routes.threadMembers(thread.id, member), undefined);
    }
    const role = this.opts.agentsRole;
    if (role) {
      // The agents' role is told a ticket opened (a mentionable role, or the bot may mention it).
      await this.call('post', Routes.channelMessages(thread.id), {
        content: `<@&${role}>`,
        allowed_mentions: { parse: [], roles: [role] },
      });
    }
    return { channel, thread: thread.id };
  }

  /**
   * Posts in the thread `thread` of `channel`, starting it on the message of that id when it has none
   * yet (a customer's first message, a card): Discord answers 10003 for a thread that does not exist,
   * and 160004 when another instance started it meanwhile.
   */
  private async postInThread(channel: string, thread: string, body: object): Promise<APIMessage> {
    try {
      return await this.call<APIMessage>('post', Routes.channelMessages(thread), body);
    } catch (err) {
      if (causeCode(err) !== DiscordCode.unknownChannel || thread === channel) throw err;
    }
    const starter = await this.call<APIMessage>('get', Routes.channelMessage(channel, thread));
    try {
      await this.call('post', Routes.threads(channel, thread), {
        name: threadName(starter.embeds?.[0]?.title ?? starter.content, 'Support'),
        auto_archive_duration: ARCHIVE_AFTER_MINUTES,
      });
    } catch (err) {
      if (causeCode(err) !== DiscordCode.threadExists) throw err;
    }
    return this.call<APIMessage>('post', Routes.channelMessages(thread), body);
  }

  /** A REST call whose refusal becomes a typed DeliveryFailure (errors.ts), its cause kept. */
  private async call<T = unknown>(
    method: 'get' | 'post' | 'patch' | 'put',
    route: `/${string}`,
    body?: unknown,
  ): Promise<T> {
    try {
      return (await this.opts.rest[method](route, body === undefined ? {} : { body })) as T;
    } catch (err) {
      throw discordFailure(err, `${method.toUpperCase()} ${route}`);
    }
  }
}
