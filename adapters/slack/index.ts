// Slack, wired: the Web API client and chat adapter, the Bolt app (HTTP on Relevo's server, or Socket
// Mode under a lease so one instance holds the socket) and its listeners (listeners.ts).
import { App } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { InboundHandler } from '../../src/core/inbox.ts';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { Metrics } from '../../src/core/ports.ts';
import type { ModuleContext } from '../../src/modules/module.ts';
import { SocketLease, socketLeaseFor } from '../kit/socket-lease.ts';
import { SlackAdapter, slackClient } from './adapter.ts';
import { registerListeners } from './listeners.ts';
import { slackLogger } from './logger.ts';
import { slackProfiles } from './profile.ts';
import { FastifySlackReceiver } from './receiver.ts';
import { SocketSlackReceiver } from './socket-receiver.ts';
import { botIds, checkChannels } from './startup-checks.ts';
import { slackChatEvent, slackMessageLink } from './translate.ts';

export interface SlackSettings {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export interface SlackDeps
  extends Pick<ModuleContext, 'config' | 'db' | 'router' | 'notifier' | 'clock' | 'log'> {
  settings: SlackSettings;
  ingress: IngressGate;
  /** Ack latency over HTTP and Socket Mode. */
  metrics?: Metrics;
  /** How often the Socket Mode lease is renewed (tests shorten it to watch a take-over). */
  socketLeaseMs?: number;
}

export async function createSlack(deps: SlackDeps) {
  const { settings, config, db, router, log } = deps;
  const client = slackClient(settings.botToken, log, settings.apiUrl);
  const adapter = new SlackAdapter({ db, client, log });
  router.register({
    platform: 'slack',
    profile: slackProfiles(client),
    messageAt: async (link) => slackMessageLink(link),
  });

  const ids = await botIds(client, log);
  void checkChannels(client, config, log);
  const socketMode = Boolean(settings.appToken);
  const httpReceiver = socketMode
    ? undefined
    : new FastifySlackReceiver({
        signingSecret: settings.signingSecret ?? '',
        db,
        clock: deps.clock,
        log,
        ingress: deps.ingress,
        metrics: deps.metrics,
      });
  const socketReceiver = settings.appToken
    ? new SocketSlackReceiver({
        appToken: settings.appToken,
        apiUrl: settings.apiUrl,
        log,
        ingress: deps.ingress,
        metrics: deps.metrics,
      })
    : undefined;
  // One instance per Slack app holds the Socket Mode connection; the others stand by to take over.
  const socket = socketReceiver
    ? new SocketLease({
        lease: socketLeaseFor(db, 'slack-socket', settings.appToken ?? '', deps.socketLeaseMs),
        connect: () => socketReceiver.start(),
        disconnect: () => socketReceiver.stop(),
        log,
        renewMs: deps.socketLeaseMs,
      })
    : undefined;
  const app = new App({
    token: settings.botToken,
    receiver: httpReceiver ?? socketReceiver,
    botId: ids.botId,
    botUserId: ids.botUserId,
    logger: slackLogger(log, 'bolt'),
    clientOptions: settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {},
    tokenVerificationEnabled: false,
  });

  registerListeners(app, { db, router, notifier: deps.notifier, log });

  // Events stored by earlier versions in Slack's own shape, still waiting in the inbox after an upgrade.
  const legacy: InboundHandler = async (tx, payload) => {
    const event = slackChatEvent(payload);
    if (event) await router.handle(tx, event);
  };

  return {
    adapter,
    client,
    inboxHandlers: { 'slack.event': legacy },
    register(http: FastifyInstance) {
      httpReceiver?.register(http);
    },
    async start() {
      await socket?.start();
    },
    async stop() {
      await socket?.stop();
    },
    /**
     * Socket Mode: connected to Slack, or standing by while another instance holds the socket. Over HTTP
     * Slack calls us, so there is nothing to hold.
     */
    ready(): boolean {
      if (!socketReceiver || !socket) return true;
      return socket.holding ? socketReceiver.connected : true;
    },
  };
}
