// Mattermost's environment variables (merged into Relevo's one schema by src/config/env.ts).
import { z } from 'zod';

export const mattermostEnv = {
  /** Mattermost: the server's address (https://chat.example.com); with MATTERMOST_BOT_TOKEN it switches Mattermost on. */
  MATTERMOST_URL: z.url().optional(),
  /** Mattermost: the bot account's access token (Integrations → Bot Accounts). */
  MATTERMOST_BOT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{16,64}$/, 'expected a Mattermost access token (letters and digits)')
    .optional(),
  /** Mattermost: tokens of /ticket commands created by hand, comma-separated (`relevo mattermost register` keeps its own). */
  MATTERMOST_COMMAND_TOKENS: z
    .string()
    .regex(/^\s*[A-Za-z0-9]+(\s*,\s*[A-Za-z0-9]+)*\s*$/, 'expected tokens separated by commas')
    .transform((v) => v.split(',').map((t) => t.trim()))
    .optional(),
  /**
   * Mattermost: the shortest wait in ms before the bot's WebSocket reconnects after a drop, default 3000.
   * A random part up to the same (at most 2 s) is added; after 7 failed attempts in a row the wait grows
   * with the square of the failures, up to ten times this.
   */
  MATTERMOST_SOCKET_RETRY_MS: z.coerce.number().int().min(100).max(300_000).default(3000),
};

type MattermostEnv = { [K in keyof typeof mattermostEnv]?: z.infer<(typeof mattermostEnv)[K]> } & {
  RELEVO_PUBLIC_URL?: string;
};

export function mattermostEnvProblems(env: MattermostEnv): string[] {
  const problems: string[] = [];
  if (env.MATTERMOST_URL && !env.MATTERMOST_BOT_TOKEN) {
    problems.push('  MATTERMOST_BOT_TOKEN: required with MATTERMOST_URL (the bot account’s access token)');
  }
  if (env.MATTERMOST_BOT_TOKEN && !env.MATTERMOST_URL) {
    problems.push('  MATTERMOST_URL: required with MATTERMOST_BOT_TOKEN (the Mattermost server’s address)');
  }
  if (env.MATTERMOST_URL && !env.RELEVO_PUBLIC_URL) {
    problems.push(
      '  RELEVO_PUBLIC_URL: required with Mattermost, whose buttons, dialogs and commands call Relevo at this address',
    );
  }
  return problems;
}
