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
}

let policy: IngressPolicy = { busyGapMs: 0, maxWaitMs: 100 };
let inFlight = 0;
let lastArrival = Number.NEGATIVE_INFINITY;
let meanGap = Number.POSITIVE_INFINITY;

export function setIngressPolicy(p: IngressPolicy): void {
  policy = p;
}

/** Runs `fn` as ingress: background work holds off until it is done. */
export async function asIngress<T>(fn: () => Promise<T>): Promise<T> {
  const now = performance.now();
  const gap = now - lastArrival;
  meanGap = Number.isFinite(meanGap) ? 0.8 * meanGap + 0.2 * gap : gap;
  lastArrival = now;
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
  }
}

function clear(): boolean {
  if (inFlight > 0) return false;
  const bursting = meanGap < policy.busyGapMs;
  return !bursting || performance.now() - lastArrival >= policy.busyGapMs;
}

/** Resolves when background work may start a transaction; always yields the event loop first. */
export async function quiet(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  const deadline = performance.now() + policy.maxWaitMs;
  while (!clear() && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2));
  }
}
