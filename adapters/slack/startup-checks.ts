// What Relevo asks Slack at start: its own bot's ids (so Bolt drops Relevo's own messages) and whether
// each mapped channel can be read, so a typo or a missing invitation shows in the log by name.
import type { WebClient } from '@slack/web-api';
import type { FileConfig } from '../../src/config/file.ts';
import type { Logger } from '../../src/core/ports.ts';

/** The bot's own ids let Bolt drop our own messages; if Slack is unreachable now, Bolt asks later. */
export async function botIds(client: WebClient, log: Logger) {
  try {
    // Slack out of reach must not hold up the rest of Relevo: wait a few seconds at most.
    const auth = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref(),
      ),
    ]);
    return { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (err) {
    log.error(
      { err: (err as Error).message },
      'Slack auth.test failed: check SLACK_BOT_TOKEN and that Slack is reachable',
    );
    return {} as { botId?: string; botUserId?: string };
  }
}

/** A channel typo or a bot not invited shows up at start, by name, instead of as lost posts later. */
export async function checkChannels(client: WebClient, config: FileConfig, log: Logger) {
  for (const c of config.channels.filter((ch) => ch.platform === 'slack')) {
    try {
      const info = await client.conversations.info({ channel: c.id });
      if (info.channel && info.channel.is_member === false) {
        log.warn(
          { channel: c.id, kind: c.kind },
          `Relevo is not in Slack channel #${info.channel.name}: invite it (/invite @relevo)`,
        );
      }
    } catch (err) {
      log.warn(
        { channel: c.id, kind: c.kind, err: (err as Error).message },
        'A Slack channel in relevo.yaml cannot be read: check its id and invite Relevo to it',
      );
    }
  }
}
