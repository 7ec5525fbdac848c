// Mattermost as a chat platform for the core: posts and edits posts through REST v4 as the bot. A message
// ref is "<channel id>:<post id>"; a thread is its root post's id.

import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, Logger, MessageRef } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { ChannelPacer } from '../kit/pacer.ts';
import { postOnce } from '../kit/post-once.ts';
import { type Client4, type Method, request } from './client.ts';
import type { MattermostRenderer } from './render.ts';
import { PLATFORM } from './translate.ts';

export function parseRef(ref: MessageRef): { channel: string; post: string } {
  const [channel, post] = ref.split(':');
  if (!channel || !post) throw new Error(`not a Mattermost message ref: "${ref}"`);
  return { channel, post };
}

/**
 * Mattermost limits each user (the bot too) to a rate per second across all channels (10/s with a burst of
 * 100 by default): one bucket for the bot, a little under the default.
 */
const BOT = 'bot';

export class MattermostAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly capabilities = { threads: true, privateReplies: true, forms: true } as const;
  private readonly pacer: ChannelPacer;
  private readonly usernames = new Map<string, { username: string; until: number }>();

  constructor(
    private readonly opts: {
      db: Db;
      client: Client4;
      renderer: MattermostRenderer;
      log: Logger;
      pacer?: ChannelPacer;
    },
  ) {
    this.pacer = opts.pacer ?? new ChannelPacer({ burst: 20, perSecond: 8 });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    return postOnce(this.opts.db, PLATFORM, idempotencyKey, async () => {
      const usernames = await this.usernamesOf(message);
      const post = await this.call<{ id: string; channel_id: string }>('post', '/posts', {
        channel_id: target.channel,
        ...(target.thread ? { root_id: target.thread } : {}),
        ...this.opts.renderer.post(message, usernames),
      });
      return `${post.channel_id || target.channel}:${post.id}`;
    });
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const { post } = parseRef(ref);
    await this.call('put', `/posts/${post}/patch`, this.opts.renderer.post(message));
  }

  threadOf(ref: MessageRef): ChatTarget {
    const { channel, post } = parseRef(ref);
    return { channel, thread: post };
  }

  /** An ephemeral post: only `user` sees it, in `channel` (under `thread`, when given). */
  async whisper(channel: string, user: string, message: OutMessage, thread?: string): Promise<void> {
    await this.call('post', '/posts/ephemeral', {
      user_id: user,
      post: {
        channel_id: channel,
        ...(thread ? { root_id: thread } : {}),
        ...this.opts.renderer.post(message),
      },
    });
  }

  /**
   * The usernames of the people a message mentions (GET /users/{id}, kept for an hour): Mattermost only
   * notifies `@username`, and relevo.yaml knows people by id. Best effort: someone whose lookup fails is
   * named in bold, unnotified, rather than the warning held back.
   */
  private async usernamesOf(message: OutMessage): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const { platformId } of message.mentions ?? []) {
      if (!platformId) continue;
      const known = this.usernames.get(platformId);
      if (known && known.until > Date.now()) {
        found.set(platformId, known.username);
        continue;
      }
      try {
        const user = await this.call<{ username?: string }>(
          'get',
          `/users/${encodeURIComponent(platformId)}`,
          undefined,
        );
        if (!user.username) continue;
        this.usernames.set(platformId, { username: user.username, until: Date.now() + 3_600_000 });
        found.set(platformId, user.username);
      } catch (err) {
        this.opts.log.warn({ err, user: platformId }, 'Mattermost username lookup failed: naming them');
      }
    }
    return found;
  }

  /** A typed failure (errors.ts); a 429 also pauses the bot's pacer for as long as Mattermost asked. */
  private async call<T>(method: Method, path: string, body: unknown): Promise<T> {
    await this.pacer.take(BOT);
    try {
      return await request<T>(this.opts.client, method, path, body);
    } catch (err) {
      if (err instanceof DeliveryFailure && err.code === 'rate_limited' && err.retryAfterMs) {
        this.opts.log.warn({ retryAfterMs: err.retryAfterMs, path }, 'Mattermost rate limit: pausing');
        this.pacer.pause(BOT, err.retryAfterMs);
      }
      throw err;
    }
  }
}
