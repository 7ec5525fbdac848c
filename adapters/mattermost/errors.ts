// Mattermost's REST answers in the outbox's terms (src/core/chat/failure.ts). Mattermost refuses with an
// HTTP status and an AppError body ({ id, message, status_code }); its rate limiter answers 429 with
// X-Ratelimit-* headers and a plain-text body. The status decides; the AppError id only sharpens the advice.
import { DeliveryFailure, failureMaker } from '../../src/core/chat/failure.ts';

const PLATFORM = 'mattermost';

const token =
  'Mattermost refused MATTERMOST_BOT_TOKEN (wrong, revoked, or its bot was disabled): set a valid bot token and restart Relevo';
const member =
  'the bot may not post there: add it to the channel (/invite @<bot>) and check the channel id in relevo.yaml';

/** The failure a refusal (`status`, with Mattermost's AppError body) means for the call `what`. */
export function mattermostFailure(
  status: number,
  headers: Headers,
  data: unknown,
  what: string,
): DeliveryFailure {
  const appError = (data && typeof data === 'object' ? data : {}) as { id?: string; message?: string };
  const detail = appError.id ? ` (${appError.id})` : '';
  const fail = failureMaker(PLATFORM, `Mattermost ${what}: HTTP ${status}${detail} — `);

  if (status === 429) {
    const wait = retryAfterMs(headers);
    return fail('rate_limited', true, `rate limited; Relevo waits ${wait / 1000} s before the next try`, {
      outage: true,
      retryAfterMs: wait,
    });
  }
  if (status === 401) return fail('unauthorized', false, token);
  if (status === 403) {
    // Private answers and command registration need the bot to be a system admin (README → Mattermost).
    if (what.includes('/posts/ephemeral') || what.includes('/commands')) {
      return fail(
        'forbidden',
        false,
        'only a system admin may do this: give the bot account the System Admin role',
      );
    }
    return fail('forbidden', false, member);
  }
  if (status === 404) {
    return what.includes('/patch') || what.startsWith('GET /posts')
      ? fail('message_gone', false, 'the post is gone from Mattermost (deleted, or not posted by Relevo)')
      : fail('channel_unavailable', false, `not found: ${member}`);
  }
  if (status === 400 || status === 413) {
    return fail(
      'message_invalid',
      false,
      `Mattermost refused the request itself${appError.message ? `: ${appError.message}` : ''}; report it with the log around it`,
    );
  }
  if (status >= 500) {
    return fail('server_error', true, 'Mattermost (or a proxy on the way) is failing; Relevo retries', {
      outage: true,
    });
  }
  return fail(
    'unexpected',
    true,
    'an answer Relevo does not know; it retries, and gives up after the last attempt',
  );
}

/**
 * How long a 429 asks Relevo to wait: Retry-After (seconds) when sent, else X-Ratelimit-Reset (seconds
 * until the window resets), at least one second.
 */
export function retryAfterMs(headers: Headers): number {
  for (const name of ['retry-after', 'x-ratelimit-reset']) {
    const seconds = Number(headers.get(name));
    if (Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds) * 1000;
  }
  return 1000;
}

/** No answer at all: refused, reset, DNS, or our timeout. */
export function unreachable(err: unknown, what: string, url: string): DeliveryFailure {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const why = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'no answer';
  return new DeliveryFailure(
    `Mattermost ${what}: ${timedOut ? 'no answer in time' : `could not reach ${url} (${why})`}; check MATTERMOST_URL and that this server reaches it. Relevo retries`,
    {
      platform: PLATFORM,
      code: timedOut ? 'timeout' : 'unreachable',
      retryable: true,
      outage: true,
      cause: err,
    },
  );
}
