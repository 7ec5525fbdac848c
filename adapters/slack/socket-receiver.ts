// Socket Mode (no public URL: Relevo connects out to Slack). Like the HTTP receiver, an event envelope is
// acknowledged only after its listeners stored it in the inbox; Bolt's own SocketModeReceiver acks first,
// which could lose an event if Relevo stopped in between. Unacked envelopes are redelivered by Slack.
import type { App, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../src/core/ports.ts';

interface Envelope {
  body: Record<string, unknown>;
  ack: (response?: Record<string, unknown>) => Promise<void>;
  retry_num?: number;
  retry_reason?: string;
}

export class SocketSlackReceiver implements Receiver {
  private app?: App;
  readonly client: SocketModeClient;

  constructor(private readonly opts: { appToken: string; apiUrl?: string; log: Logger }) {
    this.client = new SocketModeClient({
      appToken: opts.appToken,
      logger: quietLogger(opts.log),
      clientOptions: opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {},
    });
    this.client.on('slack_event', (envelope: Envelope) => this.dispatch(envelope));
  }

  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {
    await this.client.start();
  }
  async stop(): Promise<void> {
    await this.client.disconnect();
  }

  private async dispatch({ body, ack, retry_num, retry_reason }: Envelope) {
    const isEvent = body.type === 'event_callback';
    let acked = false;
    const reply = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      await ack(response && typeof response === 'object' ? (response as Record<string, unknown>) : undefined);
    };
    try {
      await this.app?.processEvent({
        body,
        retryNum: retry_num,
        retryReason: retry_reason,
        ack: async (response?: unknown) => {
          if (!isEvent) await reply(response);
        },
      });
      await reply();
    } catch (err) {
      this.opts.log.error({ err }, 'Slack Socket Mode event failed');
      // An event left unacked comes back; a failed click has already been answered or is dropped.
      if (!isEvent) await reply();
    }
  }
}

function quietLogger(log: Logger): SlackLogger {
  return {
    debug: (...m) => log.debug({ slack: m.map(String).join(' ') }, 'slack socket mode'),
    info: (...m) => log.debug({ slack: m.map(String).join(' ') }, 'slack socket mode'),
    warn: (...m) => log.warn({ slack: m.map(String).join(' ') }, 'slack socket mode'),
    error: (...m) => log.error({ slack: m.map(String).join(' ') }, 'slack socket mode'),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
