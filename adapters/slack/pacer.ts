// Slack allows about one message per second per channel, tolerating short bursts
// (https://docs.slack.dev/apis/web-api/rate-limits — chat.postMessage "special" limit). A token bucket per
// channel keeps Relevo under it, so a burst of card updates waits a little instead of collecting 429s.

export interface PacerOptions {
  /** Messages allowed at once before pacing starts. */
  burst: number;
  /** Sustained rate, per channel. */
  perSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class ChannelPacer {
  private readonly buckets = new Map<string, { tokens: number; at: number; queue: Promise<void> }>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: PacerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Resolves when one more message may go to `channel`; calls for one channel are served in order. */
  take(channel: string): Promise<void> {
    let bucket = this.buckets.get(channel);
    if (!bucket) {
      bucket = { tokens: this.opts.burst, at: this.now(), queue: Promise.resolve() };
      this.buckets.set(channel, bucket);
    }
    const b = bucket;
    const turn = b.queue.then(async () => {
      for (;;) {
        const now = this.now();
        b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
        b.at = now;
        if (b.tokens >= 1) {
          b.tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil(((1 - b.tokens) / this.opts.perSecond) * 1000));
      }
    });
    b.queue = turn;
    return turn;
  }
}
