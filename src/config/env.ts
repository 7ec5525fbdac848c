// Every environment variable Relevo reads, parsed once at start (see .env.example).
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

const port = z.coerce.number().int().min(0).max(65_535);

export const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql://user:password@host:port/database URL')
    .optional(),
  RELEVO_DATA_DIR: z.string().min(1).default('./data'),
  RELEVO_CONFIG: z.string().min(1).optional(),
  RELEVO_API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Bearer token GET /metrics requires when set (unset: /metrics is open on HOST, like /healthz). */
  RELEVO_METRICS_TOKEN: z
    .string()
    .min(16, 'expected at least 16 characters')
    .regex(/^\S+$/, 'expected no spaces')
    .optional(),
  /**
   * Web chat: the secret a site embedding the chat signs visitors' addresses with (HMAC-SHA256), so
   * they arrive verified. Unset: signed identities are refused; visitors verify by a mailed code.
   */
  RELEVO_WEBCHAT_IDENTITY_SECRET: z
    .string()
    .min(32, 'expected at least 32 characters (e.g. `openssl rand -hex 32`)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELEVO_PUBLIC_URL: z.url().optional(),
  /**
   * Behind a reverse proxy: the proxies whose X-Forwarded-For to believe, comma-separated addresses, CIDRs or
   * `loopback` / `uniquelocal`, so limits count each visitor's own address instead of the proxy's. Not `true`:
   * trusting every hop lets anyone choose their address and walk past the limits.
   */
  RELEVO_TRUST_PROXY: z
    .string()
    .regex(
      /^[\w.:/]+(\s*,\s*[\w.:/]+)*$/,
      "expected the proxies' addresses or CIDRs, comma-separated (e.g. loopback or 10.0.0.0/8)",
    )
    .refine(
      (v) => !/^(true|false|\d+)$/.test(v),
      'expected addresses or CIDRs, not true/false or a hop count',
    )
    .transform((v) => v.split(/\s*,\s*/))
    .optional(),
  /** HTTP: a client must send its request headers within this (slow-header connections are closed). */
  RELEVO_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** HTTP: a client must send its whole request (headers and body) within this. Live streams are not cut. */
  RELEVO_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Slack: the bot token (xoxb-…) switches Slack on. */
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'expected a bot token starting with xoxb-')
    .optional(),
  /** Slack: verifies every HTTP request (Basic Information → Signing Secret). Needed unless Socket Mode. */
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  /** Slack: an app-level token (xapp-…) selects Socket Mode: no public URL needed. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
    .optional(),
  /** Slack: Web API base URL (default https://slack.com/api/), for GovSlack-style deployments and tests. */
  SLACK_API_URL: z.url().optional(),
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
  /**
   * Embedded database: postgresql.conf lines that override Relevo's defaults (src/db/pglite-settings.ts),
   * separated by `;`, e.g. `shared_buffers=128MB;work_mem=8MB`.
   */
  RELEVO_PGLITE_SETTINGS: z
    .string()
    .regex(
      /^\s*[a-z_.]+\s*=\s*[^;]+(;\s*[a-z_.]+\s*=\s*[^;]+)*;?\s*$/,
      'expected postgresql.conf settings separated by ";", e.g. shared_buffers=128MB;work_mem=8MB',
    )
    .optional(),
  /** Tests only: start an in-memory PGlite from this dump instead of running initdb. */
  RELEVO_PGLITE_SNAPSHOT: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

function crossCheck(env: Env): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      '  SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (
    (env.RELEVO_SMTP_LISTEN_PORT !== undefined || env.RELEVO_IMAP_URL || env.RELEVO_SMTP_URL) &&
    !env.RELEVO_SUPPORT_ADDRESS
  ) {
    problems.push(
      '  RELEVO_SUPPORT_ADDRESS: required when email is switched on (the address customers write to)',
    );
  }
  if (env.RELEVO_HTTP_HEADERS_TIMEOUT_MS > env.RELEVO_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      '  RELEVO_HTTP_HEADERS_TIMEOUT_MS: must not exceed RELEVO_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    );
  }
  if ((env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) && !env.SLACK_BOT_TOKEN) {
    problems.push('  SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  return problems;
}

/** Reads the environment; an unset-but-empty variable counts as unset. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return `  ${name}=${JSON.stringify(source[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid environment variable(s):\n${lines.join('\n')}\nSee .env.example.`);
  }
  const problems = crossCheck(result.data);
  if (problems.length)
    throw new ConfigError(`Invalid environment variable(s):\n${problems.join('\n')}\nSee .env.example.`);
  return result.data;
}
