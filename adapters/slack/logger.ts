// The Slack SDKs' logger interface over Relevo's: their chatter goes to debug, their warnings and errors
// stay visible, and nothing they log bypasses Relevo's redaction.
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../src/core/ports.ts';

export function slackLogger(log: Logger, source: string): SlackLogger {
  const line = (m: unknown[]) => ({ [source]: m.map(String).join(' ') });
  return {
    debug: (...m) => log.debug(line(m), source),
    info: (...m) => log.debug(line(m), source),
    warn: (...m) => log.warn(line(m), source),
    error: (...m) => log.error(line(m), source),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
