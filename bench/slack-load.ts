// Load generator for bench/slack.ts, run in its own process (forked with `--import tsx`) so that its
// timers keep time while the server under test keeps its own event loop busy. Open loop: request i is
// sent at t0 + i × interval whatever happened to earlier ones, so queueing in the server shows up as
// latency. Latency is measured from the scheduled send time (no coordinated omission); how late the
// generator itself was (its lag) is reported so the schedule can be trusted.
import { type PreparedRequest, SlackClient } from '../test/harness/slack/signed-requests.ts';
import { serveParent } from './lib/child.ts';
import { sleep } from './lib/wait.ts';

export interface LoadRun {
  type: 'run';
  id: number;
  baseUrl: string;
  signingSecret: string;
  kind: 'command' | 'message';
  n: number;
  intervalMs: number;
  timeoutMs: number;
  /** Messages go round-robin to these channels; commands are typed in the first. */
  channels: string[];
  user: string;
  /** Commands: one response URL each (registered with the fake Slack). */
  responseUrls?: string[];
  /** Messages: event_id = prefix + index, text mentions the index (each opens its own ticket). */
  eventPrefix?: string;
}

export interface DedupeRun {
  type: 'dedupe';
  id: number;
  baseUrl: string;
  signingSecret: string;
  n: number;
  intervalMs: number;
  timeoutMs: number;
  channels: string[];
  user: string;
  eventPrefix: string;
  /** Delay after the first delivery of each event at which retry 1 and retry 2 are sent. */
  retryDelaysMs: [number, number];
}

export interface Sample {
  /** Scheduled send → full response (ms). */
  latency: number;
  /** Actual send → full response (ms), as SlackClient measures it. */
  service: number;
  /** Actual send − scheduled send (ms). */
  lag: number;
  status: number;
  /** 0 for a first delivery, else X-Slack-Retry-Num. */
  retry: number;
  /** Wall clock (Date.now) at the actual send, to line up with database timestamps. */
  sentWall: number;
  /** Messages: the event_id sent. */
  eventId?: string;
}

export interface LoadResult {
  samples: Sample[];
  errors: string[];
  elapsedMs: number;
}

interface Planned {
  at: number;
  req: PreparedRequest;
  retry: number;
}

async function fire(client: SlackClient, plan: Planned[], timeoutMs: number): Promise<LoadResult> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  plan.sort((a, b) => a.at - b.at);
  // Start a little in the future so the first sends are not late.
  const t0 = performance.now() + 20;
  for (const p of plan) {
    const scheduled = t0 + p.at;
    const wait = scheduled - performance.now();
    // No busy-wait for sub-millisecond precision: it would delay the handling of responses here.
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    const sentWall = Date.now();
    pending.push(
      client
        .send(p.req, p.retry ? { retryNum: p.retry, timeoutMs } : { timeoutMs })
        .then((res) => {
          const done = performance.now();
          samples.push({
            latency: done - scheduled,
            service: res.ms,
            lag: sent - scheduled,
            status: res.status,
            retry: p.retry,
            sentWall,
            eventId: (p.req.payload as { event_id?: string }).event_id,
          });
        })
        .catch((err: unknown) => {
          errors.push(String((err as Error).message ?? err));
        }),
    );
  }
  await Promise.all(pending);
  return { samples, errors, elapsedMs: performance.now() - t0 };
}

async function run(msg: LoadRun | DedupeRun): Promise<LoadResult> {
  const client = new SlackClient({ baseUrl: msg.baseUrl, signingSecret: msg.signingSecret });
  const plan: Planned[] = [];
  const channelOf = (i: number) => msg.channels[i % msg.channels.length]!;
  if (msg.type === 'run') {
    for (let i = 0; i < msg.n; i++) {
      const req =
        msg.kind === 'command'
          ? client.buildSlashCommand({
              user: msg.user,
              channel: msg.channels[0]!,
              text: 'help',
              responseUrl: msg.responseUrls?.[i],
            })
          : client.buildMessage({
              channel: channelOf(i),
              user: msg.user,
              text: `Bench problem ${msg.eventPrefix}-${i}: the export to CSV fails with a timeout`,
              eventId: `${msg.eventPrefix}${i}`,
            });
      plan.push({ at: i * msg.intervalMs, req, retry: 0 });
    }
  } else {
    for (let i = 0; i < msg.n; i++) {
      const req = client.buildMessage({
        channel: channelOf(i),
        user: msg.user,
        text: `Dedupe problem ${msg.eventPrefix}-${i}: the invoice page is blank`,
        eventId: `${msg.eventPrefix}${i}`,
      });
      const at = i * msg.intervalMs;
      plan.push({ at, req, retry: 0 });
      plan.push({ at: at + msg.retryDelaysMs[0], req, retry: 1 });
      plan.push({ at: at + msg.retryDelaysMs[1], req, retry: 2 });
    }
  }
  return fire(client, plan, msg.timeoutMs);
}

serveParent(run);
