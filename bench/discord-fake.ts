// The fake Discord for bench/discord.ts, in its own process (forked with `--import tsx`): the real Discord
// is another machine, so its work — building interactions, sending them over the gateway, parsing the
// bot's REST calls, storing messages — must not be counted against the process under test, and its timers
// must keep time while that process is busy. Two fakes run here: one Relevo logs in to, one the bare
// discord.js client logs in to; the same guild in each. It also plays the people: the interactions of the
// latency series and the customers' messages of the resume run are sent from here, on this process's
// own timers (open loop).
import { FakeDiscord, type PendingInteraction } from '../test/harness/discord/fake-discord.ts';
import { serveParent } from './lib/child.ts';
import { sleep } from './lib/wait.ts';

export type Which = 'relevo' | 'bare';

/** What one interaction of a series is, as the fake's people input. */
export type InteractionSpec =
  | {
      kind: 'slash';
      userId: string;
      channelId: string;
      name: string;
      subcommand?: string;
      options?: Record<string, string | number>;
    }
  | { kind: 'button'; userId: string; channelId: string; messageId: string; customId: string }
  | {
      kind: 'modal';
      userId: string;
      channelId: string;
      customId: string;
      values: Record<string, string | string[]>;
      messageId?: string;
    };

export type FakeRequest =
  | { type: 'start'; id: number; guild: GuildSpec }
  | { type: 'userMessage'; id: number; fake: Which; channel: string; user: string; text: string }
  | { type: 'botMessages'; id: number; fake: Which; channel: string }
  | { type: 'interactOnce'; id: number; fake: Which; spec: InteractionSpec }
  | { type: 'series'; id: number; fake: Which; spec: InteractionSpec; n: number; rate: number }
  | { type: 'messageRun'; id: number; run: MessageRun }
  | { type: 'gatewayCounts'; id: number; fake: Which }
  | { type: 'edited'; id: number; fake: Which; ids: string[] }
  | { type: 'close'; id: number };

export interface GuildSpec {
  role: { id: string; name: string };
  users: { id: string; username: string; globalName: string; agent?: boolean }[];
  channels: { id: string; name: string }[];
}

export interface FakeInfo {
  botToken: string;
  applicationId: string;
  apiUrl: string;
  guildId: string;
  botUserId: string;
}

export interface InteractionSample {
  /** The fake's own figure: Date.now() at the callback − Date.now() at dispatch (whole ms). */
  msSinceDispatch: number;
  /** The same span on this process's performance clock (sub-ms): just before the interaction is built and sent → the callback applied. */
  preciseMs: number;
  /** How late the send was against its schedule (ms). */
  lag: number;
  /** The callback's type (5: deferred), or -1: none within the wait. */
  callbackType: number;
}

export interface SeriesResult {
  /** The interactions' ids, in the order sent. */
  ids: string[];
  samples: InteractionSample[];
  /** Interactions with no callback at all (Discord would have shown "This interaction failed"). */
  unanswered: number;
}

export interface MessageRun {
  n: number;
  /** Messages per second, open loop. */
  rate: number;
  channel: string;
  /** Message i is written by users[i % length]. */
  users: string[];
  /** Just before message `dropAt` is posted, the bot's gateway sockets are closed (4000: resume). */
  dropAt: number;
  /** Message i's text. */
  text: string;
}

export interface MessageRunResult {
  ids: string[];
  /** Wall-clock times (Date.now). */
  startedAt: number;
  droppedAt: number;
  /** When the last message was posted. */
  endedAt: number;
  /** Sent while no session was open (buffered for the resume), by the fake's own reckoning. */
  whileDisconnected: number;
  lag: { median: number; max: number };
}

const fakes = new Map<Which, FakeDiscord>();
const fakeOf = (w: Which) => {
  const f = fakes.get(w);
  if (!f) throw new Error(`fake ${w} is not started`);
  return f;
};

function send(f: FakeDiscord, spec: InteractionSpec): PendingInteraction {
  switch (spec.kind) {
    case 'slash':
      return f.slashCommand(spec);
    case 'button':
      return f.pressButton(spec);
    case 'modal':
      return f.submitModal(spec);
  }
}

/** Longer than Discord's 3 s window: an interaction unanswered by then never will be. */
const ANSWER_WAIT_MS = 5_000;

async function series(f: FakeDiscord, spec: InteractionSpec, n: number, rate: number): Promise<SeriesResult> {
  const interval = 1000 / rate;
  const sent: { p: PendingInteraction; lag: number; precise?: number }[] = [];
  const answered: Promise<void>[] = [];
  // Start a little in the future so the first sends are not late.
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; i++) {
    const scheduled = t0 + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    const start = performance.now();
    const p = send(f, spec);
    const entry: (typeof sent)[number] = { p, lag: start - scheduled };
    sent.push(entry);
    answered.push(
      p.response().then(() => {
        entry.precise = performance.now() - start;
      }),
    );
  }
  await Promise.race([Promise.all(answered), sleep(ANSWER_WAIT_MS)]);
  const samples = sent.map(({ p, lag, precise }) => {
    const first = f.interactionResponses(p.id)[0];
    return {
      msSinceDispatch: first?.kind === 'callback' ? first.msSinceDispatch : Number.NaN,
      preciseMs: precise ?? Number.NaN,
      lag,
      callbackType: first?.kind === 'callback' ? first.type : -1,
    };
  });
  return {
    ids: sent.map((s) => s.p.id),
    samples,
    unanswered: samples.filter((s) => s.callbackType === -1).length,
  };
}

async function messageRun(run: MessageRun): Promise<MessageRunResult> {
  const f = fakeOf('relevo');
  const ids: string[] = [];
  const lags: number[] = [];
  const interval = 1000 / run.rate;
  let droppedAt = 0;
  let whileDisconnected = 0;
  const t0 = performance.now() + 20;
  const startedAt = Date.now() + 20;
  for (let i = 0; i < run.n; i++) {
    const scheduled = t0 + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    lags.push(performance.now() - scheduled);
    if (i === run.dropAt) {
      f.dropConnections();
      droppedAt = Date.now();
    }
    if (!f.gatewayConnected()) whileDisconnected++;
    const user = run.users[i % run.users.length]!;
    ids.push(f.userMessage(run.channel, user, run.text.replaceAll('{i}', String(i))).id);
  }
  lags.sort((a, b) => a - b);
  return {
    ids,
    startedAt,
    droppedAt,
    endedAt: Date.now(),
    whileDisconnected,
    lag: { median: lags[Math.floor(lags.length / 2)] ?? 0, max: lags.at(-1) ?? 0 },
  };
}

async function handle(req: FakeRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      const infos: Record<string, FakeInfo> = {};
      for (const which of ['relevo', 'bare'] as const) {
        const f = new FakeDiscord();
        await f.start();
        f.addRole(req.guild.role);
        for (const u of req.guild.users)
          f.addUser({
            id: u.id,
            username: u.username,
            globalName: u.globalName,
            ...(u.agent ? { roles: [req.guild.role.id] } : {}),
          });
        for (const c of req.guild.channels) f.addChannel({ id: c.id, name: c.name, type: 'text' });
        fakes.set(which, f);
        infos[which] = {
          botToken: f.botToken,
          applicationId: f.applicationId,
          apiUrl: f.apiUrl,
          guildId: f.guildId,
          botUserId: f.botUserId,
        };
      }
      return infos;
    }
    case 'userMessage':
      return { id: fakeOf(req.fake).userMessage(req.channel, req.user, req.text).id };
    case 'botMessages': {
      const f = fakeOf(req.fake);
      return f.messages(req.channel).filter((m) => m.author.id === f.botUserId);
    }
    case 'interactOnce': {
      // One interaction, and its first answer (e.g. the modal a button opened, to submit it later).
      const f = fakeOf(req.fake);
      const p = send(f, req.spec);
      await Promise.race([p.response(), sleep(10_000)]);
      return f.interactionResponses(p.id)[0] ?? null;
    }
    case 'series':
      return series(fakeOf(req.fake), req.spec, req.n, req.rate);
    case 'messageRun':
      return messageRun(req.run);
    case 'gatewayCounts': {
      const f = fakeOf(req.fake);
      return { identifies: f.identifies(), resumes: f.resumes(), connected: f.gatewayConnected() };
    }
    case 'edited': {
      // Interactions whose deferral was followed by the answer itself (@original edited, or a follow-up).
      const f = fakeOf(req.fake);
      return req.ids.filter((i) =>
        f.interactionResponses(i).some((r) => r.kind === 'edit' || r.kind === 'followup'),
      ).length;
    }
    case 'close':
      for (const f of fakes.values()) await f.stop();
      setImmediate(() => process.disconnect());
      return null;
  }
}

serveParent(handle, { stack: true });
