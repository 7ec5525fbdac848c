// Every environment variable Relevo reads, parsed once at start (see .env.example).
import { z } from 'zod';
import { discordEnv, discordEnvProblems } from '../../adapters/discord/env.ts';
import { emailEnv, emailEnvProblems } from '../../adapters/email/env.ts';
import { mattermostEnv, mattermostEnvProblems } from '../../adapters/mattermost/env.ts';
import { slackEnv, slackEnvProblems } from '../../adapters/slack/env.ts';
import { webchatEnv } from '../../adapters/webchat/env.ts';
import { ConfigError } from './config-error.ts';
import { port } from './env-types.ts';

// Relevo's own variables; each channel module declares its own in its folder (adapters/*/env.ts).
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
  ...webchatEnv,
  ...slackEnv,
  ...mattermostEnv,
  ...discordEnv,
  ...emailEnv,
});

export type Env = z.infer<typeof envSchema>;

function crossCheck(env: Env): string[] {
  const problems: string[] = [
    ...slackEnvProblems(env),
    ...mattermostEnvProblems(env),
    ...discordEnvProblems(env),
    ...emailEnvProblems(env),
  ];
  if (env.RELEVO_HTTP_HEADERS_TIMEOUT_MS > env.RELEVO_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      '  RELEVO_HTTP_HEADERS_TIMEOUT_MS: must not exceed RELEVO_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    );
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
