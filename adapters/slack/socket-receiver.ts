// Socket Mode (no public URL: Relevo connects out to Slack). Like the HTTP receiver, an event envelope is
// acknowledged only after its listeners stored it in the inbox; Bolt's own SocketModeReceiver acks first,
// which could lose an event if Relevo stopped in between. Unacked envelopes are redelivered by Slack.
import type { App, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { Logger, Metrics } from '../../src/core/ports.ts';
import { stripControlsDeep } from '../../src/core/text.ts';
import { envelopeProblem } from './envelope.ts';
import { slackLogger } from './logger.ts';

/**
 * How long start() waits for Slack's first answer. HTTP already serves by then, so this only decides
 * how long a refused token may take to fail the start; generous, so a loaded machine still fails loudly.
 */
const START_GRACE_MS = 10_000;

interface Envelope {
  body: Record<string, unknown>;
  ack: (response?: Record<string, unknown>) => Promise<void>;
  retry_num?: number;
  retry_reason?: string;
}

export class SocketSlackReceiver implements Receiver {
  private app?: App;
  readonly client: SocketModeClient;

  constructor(
    private readonly opts: {
      appToken: string;
      apiUrl?: string;
      log: Logger;
      ingress: IngressGate;
      metrics?: Metrics;
    },
  ) {
    this.client = new SocketModeClient({
      appToken: opts.appToken,
      logger: slackLogger(opts.log, 'slack socket mode'),
      clientOptions: opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {},
    });
    this.client.on('slack_event', (envelope: Envelope) => {
      const arrived = performance.now();
      return envelope.body.type === 'event_callback'
        ? this.opts.ingress.run(() => this.dispatch(envelope, arrived))
        : this.dispatch(envelope, arrived);
    });
    // The client's lifecycle events: only 'connected' (after Slack's hello) means envelopes can arrive.
    this.client.on('connected', () => {
      this.isConnected = true;
    });
    for (const state of ['connecting', 'reconnecting', 'disconnecting', 'disconnected', 'close']) {
      this.client.on(state, () => {
        this.isConnected = false;
      });
    }
  }

  private isConnected = false;
  /** Holding a Socket Mode connection Slack has said hello on (read by /readyz). */
  get connected(): boolean {
    return this.isConnected;
  }

  init(app: App): void {
    this.app = app;
  }
  /**
   * Connects, waiting at most START_GRACE_MS: a token Slack refuses (invalid_auth…) fails the start
   * at once, but Slack out of reach must not hold up web chat, email and the API, so the connection
   * is then left to finish in the background (the SDK keeps retrying).
   */
  async start(): Promise<void> {
    this.stopped = false;
    const connecting = this.client.start().then(
      () => {
        if (this.stopped) void this.client.disconnect();
        else this.opts.log.info('Slack Socket Mode connected');
        return 'connected' as const;
      },
      (err: unknown) => {
        if (!this.stopped) this.opts.log.error({ err }, 'Slack Socket Mode could not connect');
        throw err;
      },
    );
    const timer = new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), START_GRACE_MS).unref());
    if ((await Promise.race([connecting, timer])) === 'waiting') {
      connecting.catch(() => {});
      this.opts.log.warn('Slack is not reachable yet; Relevo starts without it and keeps trying');
    }
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.client.disconnect();
  }
  private stopped = false;

  private async dispatch({ body: received, ack, retry_num, retry_reason }: Envelope, arrived: number) {
    // As over HTTP: text that cannot be stored is dropped, and a shape Slack does not send runs nothing.
    const body = stripControlsDeep(received);
    const isEvent = body.type === 'event_callback';
    const problem = envelopeProblem(body);
    if (problem) {
      this.opts.log.info({ problem }, 'Slack Socket Mode envelope with an unexpected shape: acked, ignored');
      // Acked, or Slack would redeliver what can never be processed.
      await ack();
      return;
    }
    let acked = false;
    const reply = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      this.opts.metrics?.ackLatency('slack', 'socket', (performance.now() - arrived) / 1000);
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
