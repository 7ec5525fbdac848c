// Slack as a channel module: on when SLACK_BOT_TOKEN is set (see env.ts beside this file). Bolt and the
// Web API client load only then.
import { defineModule } from '../../src/modules/module.ts';

export const slackModule = defineModule({
  name: 'slack',
  settings: (env) =>
    env.SLACK_BOT_TOKEN
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          appToken: env.SLACK_APP_TOKEN,
          apiUrl: env.SLACK_API_URL,
        }
      : undefined,
  async create(ctx, settings) {
    const { createSlack } = await import('./index.ts');
    const slack = await createSlack({ ...ctx, settings });
    return {
      adapter: slack.adapter,
      inboxHandlers: slack.inboxHandlers,
      routes: (http) => slack.register(http),
      start: () => slack.start(),
      stop: () => slack.stop(),
      readiness: { slack: () => slack.ready() },
    };
  },
});
