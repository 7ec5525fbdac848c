// Email's environment variables (merged into Relevo's one schema by src/config/env.ts).
import { z } from 'zod';
import { port } from '../../src/config/env-types.ts';

export const emailEnv = {
  /** Email: Relevo's support address; mail to it becomes tickets and replies come from it. */
  RELEVO_SUPPORT_ADDRESS: z.email('expected an email address such as support@example.com').optional(),
  /** Email: the support team's group address, kept in copy on every reply (seed 000: reply all). */
  RELEVO_SUPPORT_GROUP: z.email('expected an email address').optional(),
  /** Email: outbound SMTP (nodemailer URL), e.g. smtps://user:pass@smtp.example.com:465. */
  RELEVO_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://… or smtps://…')
    .optional(),
  /** Email: port of the built-in SMTP listener (unset: no listener). */
  RELEVO_SMTP_LISTEN_PORT: port.optional(),
  RELEVO_SMTP_LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Email: largest message the listener accepts, in bytes. */
  RELEVO_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Email: the listener closes a connection silent for this long. */
  RELEVO_SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Email: at most this many SMTP connections at once; more are refused (421) until one ends. */
  RELEVO_SMTP_MAX_CLIENTS: z.coerce.number().int().min(1).default(50),
  /** Email: recipient domains the listener accepts, comma-separated (default: the support address's). */
  RELEVO_SMTP_DOMAINS: z.string().optional(),
  /** Email: an existing mailbox to read, imap(s)://user:password@host:port/INBOX. */
  RELEVO_IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\//, 'expected imap://… or imaps://…')
    .optional(),
  /** Email: IMAP folder messages move to once stored (created if missing). */
  RELEVO_IMAP_DONE_FOLDER: z.string().min(1).default('Relevo/Processed'),
  /**
   * Email: authserv-ids of the team's own receiving mail servers, comma-separated (e.g.
   * mx.acme.example). The topmost Authentication-Results header such a server wrote can authenticate
   * an agent's mail (DMARC pass, or DKIM pass aligned with the From domain). Unset: only reply tokens can.
   */
  RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*,?\s*$/,
      'expected comma-separated server names as they appear in Authentication-Results, e.g. mx.acme.example,mx2.acme.example',
    )
    .transform((v) =>
      v
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  /** Email: attachments above this size are listed but not stored, in bytes. */
  RELEVO_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 1024 * 1024),
};

type EmailEnv = { [K in keyof typeof emailEnv]?: z.infer<(typeof emailEnv)[K]> };

export function emailEnvProblems(env: EmailEnv): string[] {
  if (
    (env.RELEVO_SMTP_LISTEN_PORT !== undefined || env.RELEVO_IMAP_URL || env.RELEVO_SMTP_URL) &&
    !env.RELEVO_SUPPORT_ADDRESS
  ) {
    return ['  RELEVO_SUPPORT_ADDRESS: required when email is switched on (the address customers write to)'];
  }
  return [];
}
