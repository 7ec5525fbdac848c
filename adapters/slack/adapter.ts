// Slack as a chat platform for the core: posts and edits Block Kit messages through the Web API.
// A message ref is "<channel>:<ts>"; a thread is the ts of its first message.
import { WebClient, WebClientEvent } from '@slack/web-api';
import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, Logger, MessageRef } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { ChannelPacer } from '../kit/pacer.ts';
import { postOnce } from '../kit/post-once.ts';
import { renderMessage } from './blocks.ts';
import { slackCall } from './errors.ts';
import { slackLogger } from './logger.ts';

export interface SlackAdapterOptions {
  db: Db;
  client: WebClient;
  log: Logger;
  pacer?: ChannelPacer;
}

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
      opts.log.warn(
        { retryAfter, method: url.split('/').at(-1) },
        'Slack rate limit: retrying after Retry-After',
      );
    });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const { db, client } = this.opts;
    return postOnce(db, this.platform, idempotencyKey, async () => {
      const rendered = renderMessage(message);
      await this.pacer.take(target.channel);
      const res = await this.call(target.channel, 'chat.postMessage', () =>
        client.chat.postMessage({
          channel: target.channel,
          ...(target.thread ? { thread_ts: target.thread } : {}),
          text: rendered.text,
          blocks: rendered.blocks,
          ...(rendered.attachments.length ? { attachments: rendered.attachments } : {}),
          // An agent's reply shows under the agent's name (chat:write.customize).
          ...(message.author ? { username: message.author } : {}),
          unfurl_links: false,
        }),
      );
      return `${res.channel ?? target.channel}:${res.ts}`;
    });
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const { channel, ts } = parseRef(ref);
    const rendered = renderMessage(message);
    await this.pacer.take(channel);
    await this.call(channel, 'chat.update', () =>
      this.opts.client.chat.update({
        channel,
        ts,
        text: rendered.text,
        blocks: rendered.blocks,
        // Sent even when empty: a card whose clocks are all met must lose its old coloured strip.
        attachments: rendered.attachments,
      }),
    );
  }

  /** A typed failure (errors.ts); a 429's Retry-After also pauses that channel's pacer, and only it. */
  private async call<T>(channel: string, method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await slackCall(method, fn);
    } catch (err) {
      if (err instanceof DeliveryFailure && err.code === 'rate_limited' && err.retryAfterMs) {
        this.pacer.pause(channel, err.retryAfterMs);
      }
      throw err;
    }
  }

  async whisper(channel: string, user: string, message: OutMessage): Promise<void> {
    const rendered = renderMessage(message);
    await this.call(channel, 'chat.postEphemeral', () =>
      this.opts.client.chat.postEphemeral({
        channel,
        user,
        text: rendered.text,
        blocks: rendered.blocks,
        ...(rendered.attachments.length ? { attachments: rendered.attachments } : {}),
      }),
    );
  }

  threadOf(ref: MessageRef): ChatTarget {
    const { channel, ts } = parseRef(ref);
    return { channel, thread: ts };
  }
}

/**
 * How long a Web API call may go unanswered before it counts as a failure: Slack's Python SDK's default.
 * Shorter would turn a slow answer into a retry that posts twice; while Slack hangs it holds only Slack's
 * own deliveries (each platform drains apart, src/jobs/outbox-worker.ts).
 */
export const SLACK_TIMEOUT_MS = 30_000;

/**
 * A WebClient that logs through Relevo's logger (never the token) and fails fast: the outbox retries each
 * delivery with its own backoff (and Retry-After), so the client retries nothing itself — a 429 is thrown
 * with its Retry-After instead of waited out, an unanswered call ends after SLACK_TIMEOUT_MS — and one
 * attempt stays well within the outbox's 60 s claim on its item.
 */
export function slackClient(token: string, log: Logger, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    logger: slackLogger(log, 'slack web api'),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_TIMEOUT_MS,
  });
}
