// nodemailer's SMTP errors in the outbox's terms (src/core/chat/failure.ts). The server's reply code decides
// when there is one (RFC 5321 §4.2.1: 4xx is transient, 5xx permanent); without one, nodemailer's error
// code says whether the server was reached at all.
import { DeliveryFailure, type FailureCode } from '../../src/core/chat/failure.ts';

const PLATFORM = 'email';

interface SmtpErrorShape {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/** Failures to reach or keep talking to the server: the server (or the way to it) is in trouble. */
const connection = new Set([
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
]);
const login = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);

/** What an SMTP send's error means for its delivery. */
export function smtpFailure(err: unknown): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  const e = (err ?? {}) as SmtpErrorShape;
  const said = e.response ? ` (the server said: ${e.response.slice(0, 200)})` : '';
  const fail = (code: FailureCode, retryable: boolean, text: string, outage = false) =>
    new DeliveryFailure(`SMTP ${text}${said}`, { platform: PLATFORM, code, retryable, outage, cause: err });

  if (e.code && login.has(e.code)) {
    return fail(
      'unauthorized',
      false,
      'login refused: check the user and password in RELEVO_SMTP_URL and restart Relevo',
    );
  }
  const reply = Number(e.responseCode ?? 0);
  if (reply >= 500) {
    if (e.command === 'RCPT TO') {
      return fail(
        'recipient_refused',
        false,
        'server refused the recipient: check the address on the contact',
      );
    }
    if (e.command === 'MAIL FROM') {
      return fail(
        'refused',
        false,
        'server refused the sender: allow RELEVO_SUPPORT_ADDRESS to send through RELEVO_SMTP_URL',
      );
    }
    return fail(
      'refused',
      false,
      'server refused the message (a filter, or its size): it will not take it as it is',
    );
  }
  if (reply === 421)
    return fail('server_error', true, 'server is not available now (421); Relevo retries', true);
  if (reply >= 400) return fail('temporary', true, `server deferred the message (${reply}); Relevo retries`);
  if (e.code === 'ETIMEDOUT') {
    return fail(
      'timeout',
      true,
      'server did not answer in time; check RELEVO_SMTP_URL and the server. Relevo retries',
      true,
    );
  }
  if (e.code && connection.has(e.code)) {
    return fail(
      'unreachable',
      true,
      `could not reach the server (${e.message ?? e.code}); check RELEVO_SMTP_URL and the server. Relevo retries`,
      true,
    );
  }
  if (e.code === 'EENVELOPE') {
    return fail(
      'recipient_refused',
      false,
      `cannot address the mail (${e.message}): check the contact's address`,
    );
  }
  if (e.code === 'EMESSAGE') return fail('message_invalid', false, `cannot send the message (${e.message})`);
  return fail('unexpected', true, err instanceof Error ? err.message : String(err));
}

/** Runs one send, turning what it throws into a DeliveryFailure. */
export async function smtpCall<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw smtpFailure(err);
  }
}
