// Discord's environment variables (merged into Relevo's one schema by src/config/env.ts).
import { z } from 'zod';

/** Discord's ids ("snowflakes"): 64-bit integers written in decimal, 17 to 20 digits for anything made since 2015. */
const snowflake = (what: string) => z.string().regex(/^\d{17,20}$/, `expected ${what}: 17 to 20 digits`);

export const discordEnv = {
  /**
   * Discord: the bot's token (Developer Portal → your application → Bot → Reset Token); with
   * DISCORD_APPLICATION_ID it switches Discord on. Checked loosely — three dot-separated parts — so a pasted
   * client secret, public key or `Bot …` header is caught here rather than as a 401 at start.
   */
  DISCORD_BOT_TOKEN: z
    .string()
    .regex(
      /^[\w-]+\.[\w-]+\.[\w-]+$/,
      "expected the bot's token (Developer Portal → Bot → Reset Token): three parts of letters, digits, - and _ separated by dots, without a `Bot ` prefix",
    )
    .min(50, "expected the bot's token (Developer Portal → Bot → Reset Token): at least 50 characters")
    .optional(),
  /** Discord: the application's id (Developer Portal → General Information → Application ID). */
  DISCORD_APPLICATION_ID: snowflake(
    "the application's id (Developer Portal → General Information → Application ID)",
  ).optional(),
  /**
   * Discord: the REST API's base address, default https://discord.com/api (the client adds `/v10`). Tests point
   * it at a fake Discord; there is no other reason to set it.
   */
  DISCORD_API_URL: z
    .url()
    .default('https://discord.com/api')
    .transform((u) => u.replace(/\/+$/, '')),
  /**
   * Discord: the application's public key (Developer Portal → General Information), 64 hex digits. When set,
   * `POST /discord/interactions` accepts interactions Discord signed with it (an Interactions Endpoint URL).
   */
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "expected the application's public key: 64 hex digits (General Information)")
    .optional(),
  /** Discord: the agents' role, mentioned in each new private ticket thread (Server Settings → Roles → Copy Role ID). */
  DISCORD_AGENTS_ROLE: snowflake(
    "the agents' role's id (with Developer Mode on: Server Settings → Roles → … → Copy Role ID)",
  ).optional(),
  /**
   * Discord: the shortest wait in ms before the gateway login is tried again while Discord is out of reach,
   * default 5000.
   */
  DISCORD_GATEWAY_RETRY_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
};

type DiscordEnv = { [K in keyof typeof discordEnv]?: z.infer<(typeof discordEnv)[K]> };

export function discordEnvProblems(env: DiscordEnv): string[] {
  const problems: string[] = [];
  if (env.DISCORD_BOT_TOKEN && !env.DISCORD_APPLICATION_ID) {
    problems.push(
      '  DISCORD_APPLICATION_ID: required with DISCORD_BOT_TOKEN (Developer Portal → your application → General Information → Application ID)',
    );
  }
  if (env.DISCORD_APPLICATION_ID && !env.DISCORD_BOT_TOKEN) {
    problems.push(
      "  DISCORD_BOT_TOKEN: required with DISCORD_APPLICATION_ID (Developer Portal → your application → Bot → Reset Token); `relevo discord invite` alone needs only the application's id",
    );
  }
  return problems;
}
