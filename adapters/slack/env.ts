// Slack's environment variables (merged into Relevo's one schema by src/config/env.ts).
import { z } from 'zod';

export const slackEnv = {
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
};

type SlackEnv = { [K in keyof typeof slackEnv]?: z.infer<(typeof slackEnv)[K]> };

export function slackEnvProblems(env: SlackEnv): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      '  SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if ((env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) && !env.SLACK_BOT_TOKEN) {
    problems.push('  SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  return problems;
}
