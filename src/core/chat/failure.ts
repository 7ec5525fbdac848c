// Why a delivery failed, in the terms the outbox acts on: is retrying worth it, not before when, and is
// the whole platform affected. Adapters translate their SDK's errors into a DeliveryFailure
// (adapters/slack/errors.ts, adapters/email/errors.ts); anything else that escapes a delivery is not
// understood, so it is retried like a passing fault and dead-lettered only after the last attempt.

/**
 * Stable words for what went wrong. They label the dead-letter counter (so they are few and fixed, never
 * an id or a platform's free text) and choose the advice in the note left on the ticket.
 */
export const failureCodes = [
  // Worth retrying: the platform (or the way to it) is in trouble, not the message.
  'unreachable',
  'timeout',
  'server_error',
  'rate_limited',
  'temporary',
  // Not worth retrying until a person fixes something.
  'unauthorized',
  'forbidden',
  'channel_unavailable',
  'message_invalid',
  'message_gone',
  'recipient_refused',
  'refused',
  // An error no adapter classified (a bug, a platform with no adapter running): retried.
  'unexpected',
] as const;

export type FailureCode = (typeof failureCodes)[number];

export interface DeliveryFailureDetails {
  /** The platform whose call failed (`slack`, `email`, …). */
  platform: string;
  code: FailureCode;
  /** Would the same delivery, tried again later unchanged, stand a chance? */
  retryable: boolean;
  /** The platform asked for this much quiet (Retry-After) before the next call. */
  retryAfterMs?: number;
  /**
   * The platform itself is unreachable, failing or throttling Relevo, so its other deliveries would fail
   * the same way now: the worker puts them off instead of trying (and waiting on) each.
   */
  outage?: boolean;
  cause?: unknown;
}

/**
 * A delivery that failed, typed: the message says what happened and what an operator should do about it.
 *
 * @example
 *   throw new DeliveryFailure('Slack refused chat.postMessage: channel_not_found. Check the channel id in relevo.yaml.', {
 *     platform: 'slack', code: 'channel_unavailable', retryable: false,
 *   });
 */
export class DeliveryFailure extends Error {
  override name = 'DeliveryFailure';
  readonly platform: string;
  readonly code: FailureCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly outage: boolean;

  constructor(message: string, details: DeliveryFailureDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.platform = details.platform;
    this.code = details.code;
    this.retryable = details.retryable;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    this.outage = details.outage ?? false;
  }
}

/** `err` as a DeliveryFailure: itself when an adapter typed it, else an unexpected error, worth retrying. */
export function asDeliveryFailure(err: unknown, platform: string): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryFailure(message, { platform, code: 'unexpected', retryable: true, cause: err });
}

/**
 * A maker of one call's failures: the platform, the words that start each message (which call), and the
 * error that caused it, given once.
 *
 * @example
 *   const fail = failureMaker('slack', 'Slack chat.postMessage: ', err);
 *   throw fail('channel_unavailable', false, 'channel_not_found — invite Relevo to the channel');
 */
export function failureMaker(platform: string, prefix: string, cause?: unknown) {
  return (
    code: FailureCode,
    retryable: boolean,
    text: string,
    extra: { outage?: boolean; retryAfterMs?: number } = {},
  ) =>
    new DeliveryFailure(`${prefix}${text}`, {
      platform,
      code,
      retryable,
      ...(cause === undefined ? {} : { cause }),
      ...extra,
    });
}
