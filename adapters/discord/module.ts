// Discord as a channel module: on when DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID are set (env.ts).
// discord.js loads only then.
import { defineModule } from '../../src/modules/module.ts';

export const discordModule = defineModule({
  name: 'discord',
  settings: (env) =>
    env.DISCORD_BOT_TOKEN && env.DISCORD_APPLICATION_ID
      ? {
          token: env.DISCORD_BOT_TOKEN,
          applicationId: env.DISCORD_APPLICATION_ID,
          apiUrl: env.DISCORD_API_URL,
          publicKey: env.DISCORD_PUBLIC_KEY,
          agentsRole: env.DISCORD_AGENTS_ROLE,
          gatewayRetryMs: env.DISCORD_GATEWAY_RETRY_MS,
        }
      : undefined,
  async create(ctx, settings) {
    const { createDiscord } = await import('./index.ts');
    const discord = createDiscord({ ...ctx, settings });
    return {
      adapter: discord.adapter,
      routes: (http) => discord.register(http),
      start: () => discord.start(),
      stop: () => discord.stop(),
      readiness: { discord: () => discord.ready() },
    };
  },
});
