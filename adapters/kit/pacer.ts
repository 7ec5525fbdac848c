// Chat platforms limit posting per channel (Slack about one message a second with short bursts, Discord
// 5 per 5 s, Mattermost per bot). A token bucket per channel keeps Relevo under the limit, so a burst of
// card updates waits a little instead of collecting 429s; a 429's Retry-After pauses that channel only.

export interface PacerOptions {
  /** Messages allowed at once before pacing starts. */
  burst: number;
  /** Sustained rate, per channel. */
  perSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class ChannelPacer {
  private readonly buckets = new Map<
    string,
    { tokens: number; at: number; queue: Promise<void>; pausedUntil: number }
  >();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: PacerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The platform answered 429 for `channel`: nothing more goes there for `ms` (its Retry-After). */
  pause(channel: string, ms: number): void {
    const b = this.bucket(channel);
    b.pausedUntil = Math.max(b.pausedUntil, this.now() + ms);
  }

  /** Resolves when one more message may go to `channel`; calls for one channel are served in order. */
  take(channel: string): Promise<void> {
    const b = this.bucket(channel);
    const turn = b.queue.then(async () => {
      for (;;) {
        const now = this.now();
        if (now < b.pausedUntil) {
          await this.sleep(b.pausedUntil - now);
          b.at = this.now();
          continue;
        }
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

  private bucket(channel: string) {
    let b = this.buckets.get(channel);
    if (!b) {
      b = { tokens: this.opts.burst, at: this.now(), queue: Promise.resolve(), pausedUntil: 0 };
      this.buckets.set(channel, b);
    }
    return b;
  }
}
