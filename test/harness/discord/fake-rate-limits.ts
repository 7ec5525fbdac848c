// Discord's rate-limit headers on every answer and forced 429s. The fake never limits on its own
// (tests would slow down for nothing); a test asks for 429s with `rateLimit()` and sees the client
// wait and retry. The headers are the ones @discordjs/rest reads to decide how long to wait.
import { createHash } from 'node:crypto';

export interface RateLimitOpts {
  times: number;
  retryAfterS: number;
  global?: boolean;
}

interface Forced extends RateLimitOpts {
  match: RegExp;
}

export interface LimitedAnswer {
  headers: Record<string, string>;
  body: { message: string; retry_after: number; global: boolean; code: number };
}

/** A bucket id per route template, hex like Discord's X-RateLimit-Bucket. */
export const bucketOf = (template: string): string =>
  createHash('md5').update(template).digest('hex').slice(0, 32);

export class RateLimits {
  limited = 0;
  private readonly forced: Forced[] = [];

  force(match: RegExp, opts: RateLimitOpts): void {
    this.forced.push({ match, ...opts });
  }

  /** Headers of a request that was let through: a roomy bucket that resets within a second. */
  headers(template: string): Record<string, string> {
    const resetAfter = 1;
    return {
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': ((Date.now() + resetAfter * 1000) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
      'X-RateLimit-Bucket': bucketOf(template),
    };
  }

  /** A 429 for this request when one was forced for its path, else undefined. */
  take(path: string, template: string): LimitedAnswer | undefined {
    const f = this.forced.find((x) => x.times > 0 && x.match.test(path));
    if (!f) return undefined;
    f.times--;
    this.limited++;
    const retry = f.retryAfterS;
    const headers: Record<string, string> = {
      // Fractional seconds so a test can force short waits; clients parse them as numbers.
      'Retry-After': String(retry),
      'X-RateLimit-Scope': f.global ? 'global' : 'user',
    };
    if (f.global) {
      headers['X-RateLimit-Global'] = 'true';
    } else {
      // An exhausted bucket: the client holds this route until the reset, then retries.
      Object.assign(headers, {
        'X-RateLimit-Limit': '5',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': ((Date.now() + retry * 1000) / 1000).toFixed(3),
        'X-RateLimit-Reset-After': retry.toFixed(3),
        'X-RateLimit-Bucket': bucketOf(template),
      });
    }
    return {
      headers,
      body: { message: 'You are being rate limited.', retry_after: retry, global: !!f.global, code: 0 },
    };
  }
}
