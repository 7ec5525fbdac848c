// The fake Slack Web API for bench/slack.ts, in its own process (forked with `--import tsx`): the real
// Slack is another machine, so its work must not be counted against the process under test.
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../test/harness/slack/fake-web-api.ts';
import { serveParent } from './lib/child.ts';

export type FakeRequest =
  | { type: 'start'; id: number; options: FakeSlackOptions }
  | { type: 'responseUrls'; id: number; n: number }
  | { type: 'posts'; id: number; channels: string[] }
  | { type: 'close'; id: number };

export interface FakeInfo {
  url: string;
  botToken: string;
  botId: string;
  botUserId: string;
}

export interface PostCounts {
  /** chat.postMessage calls Slack accepted, to these channels, as thread replies. */
  threadReplies: number;
  /** Distinct threads among them. */
  threads: number;
  /** Calls of any method answered with 429. */
  rateLimited: number;
}

let fake: FakeSlack | undefined;

async function handle(req: FakeRequest): Promise<unknown> {
  switch (req.type) {
    case 'start':
      fake = await startFakeSlack(req.options);
      return {
        url: fake.url,
        botToken: fake.botToken,
        botId: fake.botId,
        botUserId: fake.botUserId,
      } satisfies FakeInfo;
    case 'responseUrls':
      return Array.from({ length: req.n }, () => fake!.responseUrl());
    case 'posts': {
      const wanted = new Set(req.channels);
      const replies = fake!
        .callsTo('chat.postMessage')
        .filter((c) => wanted.has(c.args.channel) && c.args.thread_ts);
      return {
        threadReplies: replies.length,
        threads: new Set(replies.map((c) => `${c.args.channel}:${c.args.thread_ts}`)).size,
        rateLimited: fake!.calls.filter((c) => c.status === 429).length,
      } satisfies PostCounts;
    }
    case 'close':
      await fake?.close();
      setImmediate(() => process.disconnect());
      return null;
  }
}

serveParent(handle);
