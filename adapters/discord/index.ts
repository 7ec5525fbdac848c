// Discord, wired: one REST client (Discord's rate-limit buckets, counted and logged), the chat adapter,
// the gateway under a lease (one instance holds it; the others stand by to take over), interactions from
// the gateway or from POST /discord/interactions, and the ticket panels.
import { type APIInteraction, REST, Routes } from 'discord.js';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../src/core/ports.ts';
import type { ModuleContext } from '../../src/modules/module.ts';
import { SocketLease, socketLeaseFor } from '../kit/socket-lease.ts';
import { DiscordAdapter } from './adapter.ts';
import { DiscordGateway } from './gateway.ts';
import { registerDiscordRoutes } from './http.ts';
import { handleInteraction, type InteractionDeps } from './interactions.ts';
import { ensurePanels } from './panel.ts';
import { PLATFORM } from './platform.ts';
import { discordProfiles } from './profile.ts';
import { messageLink } from './translate.ts';

export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** REST base (DISCORD_API_URL); Discord's own when unset. */
  apiUrl?: string;
  /** The application's Ed25519 public key: interactions are accepted over HTTP too. */
  publicKey?: string;
  agentsRole?: string;
  gatewayRetryMs: number;
}

export interface DiscordDeps
  extends Pick<ModuleContext, 'config' | 'db' | 'router' | 'notifier' | 'clock' | 'log'> {
  settings: DiscordSettings;
  metrics?: Metrics;
  /** How often the gateway lease is renewed (tests shorten it to watch a take-over). */
  socketLeaseMs?: number;
  /** When an unanswered interaction is deferred (tests lengthen it on a loaded machine). */
  deferAfterMs?: number;
}

export function createDiscord(deps: DiscordDeps) {
  const { settings, config, db, router } = deps;
  const log = deps.log.child({ platform: PLATFORM });
  const rest = new REST({ version: '10', ...(settings.apiUrl ? { api: settings.apiUrl } : {}) }).setToken(
    settings.token,
  );
  // @discordjs/rest waits out every limit itself; a backlog is only visible if it is said.
  rest.on('rateLimited', (info) => {
    log.warn(
      {
        route: info.route,
        method: info.method,
        retryAfterMs: info.retryAfter,
        global: info.global,
        scope: info.scope,
      },
      'Discord rate limit: waiting',
    );
    deps.metrics?.rateLimited?.(PLATFORM, info.global ? 'global' : info.scope);
  });
  const adapter = new DiscordAdapter({
    db,
    rest,
    log,
    agents: () => config.agents.flatMap((a) => (a.identities?.[PLATFORM] ? [a.identities[PLATFORM]] : [])),
    agentsRole: settings.agentsRole,
  });

  router.register({
    platform: PLATFORM,
    profile: discordProfiles(rest),
    async messageAt(link) {
      const at = messageLink(link);
      if (!at) return undefined;
      // A message in a thread belongs to the thread's channel; a root message is its own thread.
      const parent = await gateway.parentOf(at.channel).catch(() => undefined);
      const served = (id: string) => config.channels.some((c) => c.platform === PLATFORM && c.id === id);
      if (parent && served(parent)) return { channel: parent, thread: at.channel, messageId: at.message };
      return { channel: at.channel, thread: at.message, messageId: at.message };
    },
  });

  const interactions: InteractionDeps = {
    router,
    rest,
    applicationId: settings.applicationId,
    log,
    metrics: deps.metrics,
    parentOf: (id) => gateway.parentOf(id),
    deferAfterMs: deps.deferAfterMs,
  };
  const onInteraction = (i: APIInteraction) =>
    void handleInteraction(
      interactions,
      i,
      async (body) => {
        await rest.post(Routes.interactionCallback(i.id, i.token), { body });
      },
      'gateway',
    );

  const gateway = new DiscordGateway({
    token: settings.token,
    rest,
    db,
    notifier: deps.notifier,
    log,
    channels: () => config.channels.filter((c) => c.platform === PLATFORM).map((c) => c.id),
    onInteraction,
    retryMs: settings.gatewayRetryMs,
  });
  const lease = new SocketLease({
    lease: socketLeaseFor(db, 'discord-gateway', settings.token, deps.socketLeaseMs),
    connect: async () => {
      await gateway.connect();
      void ensurePanels({ db, rest, config, log });
    },
    disconnect: () => gateway.close(),
    log,
    renewMs: deps.socketLeaseMs,
  });

  return {
    adapter,
    rest,
    register(http: FastifyInstance) {
      if (!settings.publicKey) return;
      registerDiscordRoutes(http, {
        publicKey: settings.publicKey,
        interactions,
        db,
        clock: deps.clock,
        log,
      });
    },
    start: () => lease.start(),
    stop: () => lease.stop(),
    /** Holding the gateway with a session open, or standing by while another instance holds it. */
    ready(): boolean {
      return lease.holding ? gateway.connected : true;
    },
  };
}
