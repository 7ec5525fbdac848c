// The fake Mattermost for bench/mattermost.ts, in its own process (forked with `--import tsx`): the real
// Mattermost is another machine, so its work (storing posts, fanning out WebSocket events, answering
// Relevo's REST calls) must not be counted against the process under test. It also plays the people:
// the customers' posts of the reconnect run are made here, on this process's own timers.
import {
  type ButtonInput,
  type ChannelInput,
  type FakeMattermost,
  type SlashCommandInput,
  startFakeMattermost,
  type UserInput,
} from '../test/harness/mattermost/fake-mattermost.ts';
import { serveParent } from './lib/child.ts';
import { sleep } from './lib/wait.ts';

export type FakeRequest =
  | { type: 'start'; id: number; users: UserInput[]; channels: ChannelInput[] }
  | { type: 'route'; id: number; publicUrl: string; actualUrl: string }
  | { type: 'socketCount'; id: number }
  | { type: 'userPosts'; id: number; user: string; channel: string; text: string }
  | { type: 'botRoots'; id: number; channel: string }
  | { type: 'prepareCommands'; id: number; n: number; input: SlashCommandInput }
  | { type: 'preparePresses'; id: number; n: number; input: ButtonInput }
  | { type: 'answered'; id: number; responseUrls: string[] }
  | { type: 'ephemerals'; id: number; user: string }
  | { type: 'postRun'; id: number; run: PostRun }
  | { type: 'deliveries'; id: number; postIds: string[] }
  | { type: 'botReplies'; id: number; channels: string[] }
  | { type: 'connects'; id: number; since: number }
  | { type: 'close'; id: number };

export interface FakeInfo {
  url: string;
  botToken: string;
  botUserId: string;
}

/** What the load generator sends: as Mattermost would send it, to the public URL. */
export interface WireRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PostRun {
  n: number;
  /** Root posts per second, open loop. */
  rate: number;
  /** Post i goes to channels[i % length], by users[i % length]. */
  channels: string[];
  users: string[];
  /** Before post `dropAt`: sockets are refused, then dropped. */
  dropAt: number;
  /** This many posts later: sockets are accepted again. */
  refusedPosts: number;
}

export interface PostRunResult {
  posts: { id: string; channel: string; createAt: number; phase: 'before' | 'refused' | 'after' }[];
  /** Wall-clock times (Date.now). */
  startedAt: number;
  droppedAt: number;
  acceptedAgainAt: number;
  endedAt: number;
  /** How late the posts were against their schedule (ms): median and max. */
  lag: { median: number; max: number };
}

export interface Connects {
  at: number[];
  refused: number;
}

let fake: FakeMattermost | undefined;

async function postRun(run: PostRun): Promise<PostRunResult> {
  const f = fake!;
  const posts: PostRunResult['posts'] = [];
  const lags: number[] = [];
  const interval = 1000 / run.rate;
  let droppedAt = 0;
  let acceptedAgainAt = 0;
  const t0 = performance.now() + 20;
  const startedAt = Date.now() + 20;
  for (let i = 0; i < run.n; i++) {
    const scheduled = t0 + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    lags.push(performance.now() - scheduled);
    if (i === run.dropAt) {
      // Refused first: the client's reconnect must not slip in before the refusal.
      f.refuseSockets(true);
      f.dropSockets();
      droppedAt = Date.now();
    }
    if (i === run.dropAt + run.refusedPosts) {
      f.refuseSockets(false);
      acceptedAgainAt = Date.now();
    }
    const channel = run.channels[i % run.channels.length]!;
    const user = run.users[i % run.users.length]!;
    const post = f.userPosts(user, channel, `Reconnect run ${i}: the nightly export stopped at 3 am`);
    const phase = i < run.dropAt ? 'before' : i < run.dropAt + run.refusedPosts ? 'refused' : 'after';
    posts.push({ id: post.id, channel, createAt: post.create_at, phase });
  }
  if (!acceptedAgainAt) {
    f.refuseSockets(false);
    acceptedAgainAt = Date.now();
  }
  lags.sort((a, b) => a - b);
  return {
    posts,
    startedAt,
    droppedAt,
    acceptedAgainAt,
    endedAt: Date.now(),
    lag: { median: lags[Math.floor(lags.length / 2)] ?? 0, max: lags.at(-1) ?? 0 },
  };
}

async function handle(req: FakeRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      fake = await startFakeMattermost({ botIsSystemAdmin: true });
      for (const u of req.users) fake.addUser(u);
      for (const c of req.channels) fake.addChannel(c);
      return { url: fake.url, botToken: fake.botToken, botUserId: fake.botUserId } satisfies FakeInfo;
    }
    case 'route':
      fake!.route(req.publicUrl, req.actualUrl);
      return null;
    case 'socketCount':
      return fake!.socketCount();
    case 'userPosts': {
      const p = fake!.userPosts(req.user, req.channel, req.text);
      return { id: p.id, create_at: p.create_at };
    }
    case 'botRoots':
      return fake!.posts(req.channel).filter((p) => p.user_id === fake!.botUserId && !p.root_id);
    case 'prepareCommands':
      return Array.from({ length: req.n }, () => {
        const p = fake!.prepareSlashCommand(req.input);
        return { url: p.url, headers: p.headers, body: p.body ?? '', responseUrl: p.responseUrl };
      });
    case 'preparePresses':
      return Array.from({ length: req.n }, () => {
        const p = fake!.prepareButtonPress(req.input);
        return { url: p.url, headers: p.headers, body: p.body } satisfies WireRequest;
      });
    case 'answered':
      return req.responseUrls.filter((u) => fake!.responses(u).length > 0).length;
    case 'ephemerals': {
      const all = fake!.ephemerals({ userId: req.user });
      return { count: all.length, lastAt: all.at(-1)?.post.create_at ?? 0 };
    }
    case 'postRun':
      return postRun(req.run);
    case 'deliveries': {
      // Which of these posts reached the bot over its WebSocket (a `posted` event sent to it).
      const wanted = new Set(req.postIds);
      const live = new Set<string>();
      for (const s of fake!.sentEvents('posted')) {
        if (s.userId !== fake!.botUserId) continue;
        const id = (JSON.parse(String(s.message.data.post)) as { id: string }).id;
        if (wanted.has(id)) live.add(id);
      }
      return [...live];
    }
    case 'botReplies': {
      // Relevo's answers in the customers' threads.
      let n = 0;
      for (const c of req.channels) {
        n += fake!.posts(c).filter((p) => p.user_id === fake!.botUserId && p.root_id).length;
      }
      return n;
    }
    case 'connects':
      // The bot's connections since `since` (their times), and the upgrades refused so far.
      return {
        at: fake!
          .socketConnects()
          .filter((c) => c.userId === fake!.botUserId && c.at >= req.since)
          .map((c) => c.at),
        refused: fake!.refusedSockets(),
      } satisfies Connects;
    case 'close':
      await fake?.stop();
      setImmediate(() => process.disconnect());
      return null;
  }
}

serveParent(handle, { stack: true });
