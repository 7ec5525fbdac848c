// Mattermost as a channel module: on when MATTERMOST_URL and MATTERMOST_BOT_TOKEN are set (see env.ts).
// The client and WebSocket load only then.
import { defineModule } from '../../src/modules/module.ts';

export const mattermostModule = defineModule({
  name: 'mattermost',
  settings: (env) =>
    env.MATTERMOST_URL && env.MATTERMOST_BOT_TOKEN && env.RELEVO_PUBLIC_URL
      ? {
          url: env.MATTERMOST_URL,
          botToken: env.MATTERMOST_BOT_TOKEN,
          commandTokens: env.MATTERMOST_COMMAND_TOKENS ?? [],
          publicUrl: env.RELEVO_PUBLIC_URL,
          socketRetryMs: env.MATTERMOST_SOCKET_RETRY_MS,
        }
      : undefined,
  async create(ctx, settings) {
    const { createMattermost } = await import('./index.ts');
    const mattermost = await createMattermost({ ...ctx, settings, socketRetryMs: settings.socketRetryMs });
    return {
      adapter: mattermost.adapter,
      routes: (http) => mattermost.register(http),
      start: () => mattermost.start(),
      stop: () => mattermost.stop(),
      readiness: { mattermost: () => mattermost.ready() },
    };
  },
});
