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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELEVO_PUBLIC_URL: z.url().optional(),
  /** Tests only: start an in-memory PGlite from this dump instead of running initdb. */
  RELEVO_PGLITE_SNAPSHOT: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

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
  return result.data;
}
