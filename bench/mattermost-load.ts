// Load generator for bench/mattermost.ts, run in its own process (forked with `--import tsx`) so that its
// timers keep time while the server under test keeps its own event loop busy. Open loop: request i is
// sent at t0 + i × interval whatever happened to earlier ones, so queueing in the server shows up as
// latency. Latency runs from the scheduled send time (the actual one, when a timer fired early) to the
// full response (no coordinated omission); how late the generator itself was (its lag) is reported so
// the schedule can be trusted.
// The requests come prepared by the fake Mattermost (bench/mattermost-fake.ts): the bytes and headers
// Mattermost sends; only the address changes (Relevo's, or the bare handler's, for the public one).
import { serveParent } from './lib/child.ts';
import { sleep } from './lib/wait.ts';
import type { WireRequest } from './mattermost-fake.ts';

export interface LoadRun {
  id: number;
  /** Requests' URLs start with `publicUrl`, replaced by `baseUrl`. */
  publicUrl: string;
  baseUrl: string;
  requests: WireRequest[];
  intervalMs: number;
  timeoutMs: number;
}

export interface Sample {
  /** Scheduled send (or the actual one, when that was earlier) → full response (ms). */
  latency: number;
  /** Actual send → full response (ms). */
  service: number;
  /** Actual send − scheduled send (ms). */
  lag: number;
  status: number;
  /** Wall clock (Date.now) at the actual send. */
  sentWall: number;
}

export interface LoadResult {
  samples: Sample[];
  errors: string[];
  /** A few answers that were not 200, for the report. */
  refusals: string[];
  elapsedMs: number;
}

async function run(msg: LoadRun): Promise<LoadResult> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  const refusals: string[] = [];
  const pending: Promise<void>[] = [];
  const target = (url: string) =>
    url.startsWith(msg.publicUrl) ? msg.baseUrl + url.slice(msg.publicUrl.length) : url;
  // Start a little in the future so the first sends are not late.
  const t0 = performance.now() + 20;
  for (const [i, req] of msg.requests.entries()) {
    const scheduled = t0 + i * msg.intervalMs;
    const wait = scheduled - performance.now();
    // No busy-wait for sub-millisecond precision: it would delay the handling of responses here.
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    const sentWall = Date.now();
    pending.push(
      fetch(target(req.url), {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(msg.timeoutMs),
      })
        .then(async (res) => {
          const text = await res.text();
          const done = performance.now();
          if (res.status !== 200 && refusals.length < 3) refusals.push(`${res.status} ${text.slice(0, 200)}`);
          samples.push({
            // A timer may fire a little early (it keeps whole milliseconds): then from the actual send.
            latency: done - Math.max(scheduled, sent),
            service: done - sent,
            lag: sent - scheduled,
            status: res.status,
            sentWall,
          });
        })
        .catch((err: unknown) => {
          errors.push(String((err as Error).message ?? err));
        }),
    );
  }
  await Promise.all(pending);
  return { samples, errors, refusals, elapsedMs: performance.now() - t0 };
}

serveParent(run);
