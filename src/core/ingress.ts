// Requests that are storing something a sender waits on (a Slack event, a web chat message, an email)
// go first. With the embedded database every query runs on the event loop and one connection, so a
// background worker that keeps starting transactions would make those senders wait behind it — and
// Slack retries anything not acknowledged in 3 s. Workers call `quiet()` before each transaction.

let inFlight = 0;
let waiters: (() => void)[] = [];

/** Runs `fn` as ingress: background work holds off until it is done. */
export async function asIngress<T>(fn: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
    if (inFlight === 0) {
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    }
  }
}

/**
 * Resolves once no ingress is in flight (or after `maxWaitMs`, so steady traffic cannot starve the
 * workers), always after yielding the event loop once so pending requests are read first.
 */
export async function quiet(maxWaitMs = 100): Promise<void> {
  await new Promise((r) => setImmediate(r));
  if (inFlight === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, maxWaitMs);
    function done() {
      clearTimeout(timer);
      waiters = waiters.filter((w) => w !== done);
      resolve();
    }
    waiters.push(done);
  });
}
