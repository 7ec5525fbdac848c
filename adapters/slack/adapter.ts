// Slack as a chat platform for the core: posts and edits Block Kit messages through the Web API.
// A message ref is "<channel>:<ts>"; a thread is the ts of its first message.
import { WebClient, WebClientEvent } from '@slack/web-api';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, Logger, MessageRef } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { ChannelPacer } from '../kit/pacer.ts';
import { postOnce } from '../kit/post-once.ts';
import { renderMessage } from './blocks.ts';
import { slackLogger } from './logger.ts';

export interface SlackAdapterOptions {
  db: Db;
  client: WebClient;
  log: Logger;
  pacer?: ChannelPacer;
}

/** The ref `post` returns for the message `ts` in `channel` (the router reads card threads by it). */
export const slackRef = (channel: string, ts: string): MessageRef => `${channel}:${ts}`;

export function parseRef(ref: MessageRef): { channel: string; ts: string } {
  const [channel, ts] = ref.split(':');
  if (!channel || !ts) throw new Error(`not a Slack message ref: "${ref}"`);
  return { channel, ts };
}

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack';
  readonly capabilities = { threads: true, privateReplies: true, forms: true } as const;
  private readonly pacer: ChannelPacer;

  constructor(private readonly opts: SlackAdapterOptions) {
    this.pacer = opts.pacer ?? new ChannelPacer({ burst: 4, perSecond: 1 });
    opts.client.on(WebClientEvent.RATE_LIMITED, (retryAfter: number, { url }: { url: string }) => {
      opts.log.warn({ retryAfter, method: url.split('/').at(-1) }, 'Slack rate limit: waiting Retry-After');
    });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const { db, client } = this.opts;
    return postOnce(db, this.platform, idempotencyKey, async () => {
      const rendered = renderMessage(message);
      await this.pacer.take(target.channel);
      const res = await client.chat.postMessage({
        channel: target.channel,
        ...(target.thread ? { thread_ts: target.thread } : {}),
        text: rendered.text,
        blocks: rendered.blocks,
        // An agent's reply shows under the agent's name (chat:write.customize).
        ...(message.author ? { username: message.author } : {}),
        unfurl_links: false,
      });
      return `${res.channel ?? target.channel}:${res.ts}`;
    });
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const { channel, ts } = parseRef(ref);
    const rendered = renderMessage(message);
    await this.pacer.take(channel);
    await this.opts.client.chat.update({ channel, ts, text: rendered.text, blocks: rendered.blocks });
  }

  threadOf(ref: MessageRef): ChatTarget {
    const { channel, ts } = parseRef(ref);
    return { channel, thread: ts };
  }
}

/** A WebClient that logs through Relevo's logger (never the token) and honours 429 Retry-After. */
export function slackClient(token: string, log: Logger, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    logger: slackLogger(log, 'slack web api'),
    retryConfig: { retries: 5, factor: 2, minTimeout: 200, maxTimeout: 5_000 },
  });
}
