// Slack's Web API errors in the outbox's terms (src/core/chat/failure.ts). @slack/web-api throws four
// kinds: a platform error (HTTP 200 with ok:false; data.error names it), a rate limit (HTTP 429 with
// Retry-After, thrown at once because slackClient sets rejectRateLimitedCalls), an HTTP error (Slack or a
// proxy on the way answering something other than 200) and a request error (no answer at all: refused,
// reset, DNS, our timeout). Only platform errors can be the message's or the setup's fault.
import { ErrorCode } from '@slack/web-api';
import { DeliveryFailure, type FailureCode, failureMaker } from '../../src/core/chat/failure.ts';

const PLATFORM = 'slack';

const reinvite = 'check its id in relevo.yaml and invite Relevo to it (/invite @relevo)';
const token =
  'Slack refused SLACK_BOT_TOKEN (wrong, revoked, or its app was uninstalled): set a valid bot token and restart Relevo';
const scope =
  'the Slack app lacks a permission: add what the manifest asks for (relevo slack-manifest) and reinstall the app';
const message =
  'Slack refused the message itself, so it cannot be sent as it is: report it with the log around it';
const gone = 'the message to edit is gone from Slack (deleted, or not posted by Relevo)';

/** Platform errors that retrying cannot fix, with what a person should do. */
const permanent: Record<string, [FailureCode, string]> = {
  channel_not_found: [
    'channel_unavailable',
    `the channel does not exist or Relevo cannot see it: ${reinvite}`,
  ],
  not_in_channel: ['channel_unavailable', 'Relevo is not in the channel: invite it (/invite @relevo)'],
  is_archived: [
    'channel_unavailable',
    'the channel is archived: unarchive it or name another one in relevo.yaml',
  ],
  channel_is_archived: [
    'channel_unavailable',
    'the channel is archived: unarchive it or name another one in relevo.yaml',
  ],
  invalid_auth: ['unauthorized', token],
  not_authed: ['unauthorized', token],
  account_inactive: ['unauthorized', token],
  token_revoked: ['unauthorized', token],
  token_expired: ['unauthorized', token],
  missing_scope: ['forbidden', scope],
  not_allowed_token_type: ['forbidden', scope],
  no_permission: ['forbidden', scope],
  restricted_action: ['forbidden', 'a workspace setting forbids Relevo to post there: ask a Slack admin'],
  ekm_access_denied: ['forbidden', 'the workspace’s encryption keys refuse access: ask a Slack admin'],
  msg_too_long: ['message_invalid', message],
  invalid_blocks: ['message_invalid', message],
  invalid_blocks_format: ['message_invalid', message],
  invalid_attachments: ['message_invalid', message],
  too_many_attachments: ['message_invalid', message],
  no_text: ['message_invalid', message],
  invalid_arguments: ['message_invalid', message],
  message_not_found: ['message_gone', gone],
  cant_update_message: ['message_gone', gone],
  edit_window_closed: [
    'message_gone',
    'Slack no longer allows editing that message (the workspace’s edit window)',
  ],
};

/** Platform errors that say Slack itself is in trouble right now. */
const outage = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

interface SlackErrorShape {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  original?: Error;
}

/** What a Web API call's error means for its delivery. `method` names the call, for the operator. */
export function slackFailure(err: unknown, method: string): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  const e = (err ?? {}) as SlackErrorShape;
  const fail = failureMaker(PLATFORM, `Slack ${method}: `, err);

  switch (e.code) {
    case ErrorCode.PlatformError: {
      const name = e.data?.error ?? 'unknown_error';
      const known = permanent[name];
      if (known) return fail(known[0], false, `${name} — ${known[1]}`);
      if (outage.has(name)) {
        const code = name === 'ratelimited' ? 'rate_limited' : 'server_error';
        return fail(code, true, `${name} — Slack is having trouble; Relevo retries`, { outage: true });
      }
      // An error this list does not know yet: retried, and dead-lettered after the last attempt if it stays.
      return fail(
        'unexpected',
        true,
        `${name} — an error Relevo does not know; it retries, and gives up after the last attempt`,
      );
    }
    case ErrorCode.RateLimitedError: {
      const seconds = Number(e.retryAfter ?? 1);
      return fail(
        'rate_limited',
        true,
        `rate limited; Relevo waits ${seconds} s (Retry-After) before the next try`,
        {
          outage: true,
          retryAfterMs: seconds * 1000,
        },
      );
    }
    case ErrorCode.HTTPError: {
      const status = Number(e.statusCode ?? 0);
      return fail(
        status >= 500 ? 'server_error' : 'unexpected',
        true,
        `HTTP ${status} from the Web API (Slack, or a proxy on the way, is failing); Relevo retries`,
        { outage: true },
      );
    }
    case ErrorCode.RequestError: {
      const timedOut = e.original?.name === 'TimeoutError' || e.original?.name === 'AbortError';
      const why = e.original ? describe(e.original) : 'no answer';
      return fail(
        timedOut ? 'timeout' : 'unreachable',
        true,
        `${timedOut ? 'no answer in time' : `could not reach Slack (${why})`}; check that this server reaches slack.com (or SLACK_API_URL). Relevo retries`,
        { outage: true },
      );
    }
    default: {
      const text = err instanceof Error ? err.message : String(err);
      return fail('unexpected', true, text);
    }
  }
}

/** Runs one Web API call, turning what it throws into a DeliveryFailure. */
export async function slackCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw slackFailure(err, method);
  }
}

/** fetch says "fetch failed" and puts the reason (ECONNREFUSED 127.0.0.1:443…) in its cause. */
function describe(original: Error): string {
  const cause = (original as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? original.message;
}
