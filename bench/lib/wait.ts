// Waiting in a bench: for a condition (with a deadline, so a broken run ends), or for a count to reach a
// target (giving up only once it stops growing: what is missing is then not coming).
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until true; the time it took (ms). */
export async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`gave up waiting after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return performance.now() - t0;
}

/**
 * Polls `count` until it reaches `target`: when it did (Date.now), or undefined once it has not grown
 * for `stallMs`.
 */
export async function reach(
  count: () => Promise<number>,
  target: number,
  stallMs: number,
  everyMs = 100,
): Promise<number | undefined> {
  let last = Number.NEGATIVE_INFINITY;
  let grewAt = Date.now();
  for (;;) {
    const n = await count();
    if (n >= target) return Date.now();
    if (n > last) {
      last = n;
      grewAt = Date.now();
    } else if (Date.now() - grewAt > stallMs) {
      return undefined;
    }
    await sleep(everyMs);
  }
}
