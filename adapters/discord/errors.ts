// Discord's refusals in the outbox's terms (src/core/chat/failure.ts). @discordjs/rest has already
// waited out rate limits and retried 5xx and timeouts when an error reaches here; what is left is a
// refusal (DiscordAPIError: status + Discord's JSON error code), a server that kept failing (HTTPError),
// or no answer at all. The status decides; Discord's code sharpens the advice.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { type DeliveryFailure, failureMaker } from '../../src/core/chat/failure.ts';
import { PLATFORM } from './platform.ts';

/** Discord's JSON error codes Relevo tells apart (discord.com/developers/docs/topics/opcodes-and-status-codes). */
export const DiscordCode = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownInteraction: 10062,
  missingAccess: 50001,
  missingPermissions: 50013,
  cannotSendHere: 50008,
  invalidBody: 50035,
  alreadyAcknowledged: 40060,
  threadExists: 160004,
  threadArchived: 50083,
} as const;

const token =
  'Discord refused DISCORD_BOT_TOKEN (wrong or reset in the Developer Portal): set the bot’s current token and restart Relevo';
const access =
  'the bot may not see or post there: invite it with `relevo discord invite`’s link, give its role access to the channel, and check the channel id in relevo.yaml';

/** The failure `err` (thrown by @discordjs/rest for the call `what`) means for the outbox. */
export function discordFailure(err: unknown, what: string): DeliveryFailure {
  if (err instanceof DiscordAPIError) {
    const fail = failureMaker(PLATFORM, `Discord ${what}: HTTP ${err.status} (code ${err.code}) — `, err);
    if (err.status === 401) return fail('unauthorized', false, token);
    if (err.status === 403) return fail('forbidden', false, `${err.message}: ${access}`);
    if (err.status === 404) {
      return err.code === DiscordCode.unknownMessage
        ? fail('message_gone', false, 'the message is gone from Discord (deleted, or not posted by Relevo)')
        : fail('channel_unavailable', false, `not found: ${access}`);
    }
    if (err.status === 429) {
      return fail('rate_limited', true, 'rate limited; Relevo retries later', { outage: true });
    }
    if (err.code === DiscordCode.threadArchived) {
      return fail(
        'channel_unavailable',
        false,
        'the thread is archived or locked: unarchive it to write there',
      );
    }
    return fail(
      'message_invalid',
      false,
      `Discord refused the request itself (${err.message}); report it with the log around it`,
    );
  }
  if (err instanceof RateLimitError) {
    const fail = failureMaker(PLATFORM, `Discord ${what}: `, err);
    return fail('rate_limited', true, `rate limited for ${Math.ceil(err.retryAfter / 1000)} s`, {
      outage: err.global,
      retryAfterMs: err.retryAfter,
    });
  }
  if (err instanceof HTTPError) {
    const fail = failureMaker(PLATFORM, `Discord ${what}: HTTP ${err.status} — `, err);
    return fail('server_error', true, 'Discord (or a proxy on the way) is failing; Relevo retries', {
      outage: true,
    });
  }
  const e = err as { name?: string; cause?: { code?: string }; message?: string };
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const fail = failureMaker(PLATFORM, `Discord ${what}: `, err);
  return fail(
    timedOut ? 'timeout' : 'unreachable',
    true,
    `${timedOut ? 'no answer in time' : `could not reach Discord (${e?.cause?.code ?? e?.message ?? 'no answer'})`}; check DISCORD_API_URL and that this server reaches it. Relevo retries`,
    { outage: true },
  );
}

/** Discord's JSON code of a refusal, when it is one. */
export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}
