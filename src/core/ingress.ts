// Requests that are storing something a sender waits on (a Slack event, a web chat message, an email)
// go first. With the embedded database every query runs on the event loop and one connection, so a
// background worker that keeps starting transactions would make those senders wait behind it — and
// Slack retries anything not acknowledged in 3 s. Workers call `quiet()` before each transaction.
//
// Under a burst (arrivals closer together than `busyGapMs`) the workers hold off until a gap, at most
// `maxWaitMs`: stored events wait a little longer to be processed, senders get their answers at once.
// With PostgreSQL (separate connections) only requests in flight are waited for.

export interface IngressPolicy {
  busyGapMs: number;
  maxWaitMs: number;
  /**
   * One connection serves everyone (the embedded database): background work that batches several items
   * in a transaction ends its batch as soon as a sender waits (see `senderWaiting`).
   */
  oneConnection?: boolean;
}

export class IngressGate {
  private inFlight = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private meanGap = Number.POSITIVE_INFINITY;

  constructor(private readonly policy: IngressPolicy = { busyGapMs: 0, maxWaitMs: 100 }) {}

  /** Runs `fn` as ingress: background work holds off until it is done. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const gap = now - this.lastArrival;
    this.meanGap = Number.isFinite(this.meanGap) ? 0.8 * this.meanGap + 0.2 * gap : gap;
    this.lastArrival = now;
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A sender is waiting on the one connection: a batch in progress should commit now rather than take
   * its next item. Always false where senders have connections of their own.
   */
  senderWaiting(): boolean {
    return Boolean(this.policy.oneConnection) && this.inFlight > 0;
  }

  /** Resolves when background work may start a transaction; always yields the event loop first. */
  async quiet(): Promise<void> {
    await yieldTurn();
    const deadline = performance.now() + this.policy.maxWaitMs;
    while (!this.clear() && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private clear(): boolean {
    if (this.inFlight > 0) return false;
    const bursting = this.meanGap < this.policy.busyGapMs;
    return !bursting || performance.now() - this.lastArrival >= this.policy.busyGapMs;
  }
}

/** Lets requests already waiting on the event loop be read before more background work. */
export const yieldTurn = () => new Promise<void>((r) => setImmediate(r));
