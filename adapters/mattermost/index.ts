// Mattermost, wired: the REST client and chat adapter, the HTTP routes Mattermost calls, and the bot's
// WebSocket under a lease (one instance holds it; the others stand by to take over).
import type { FastifyInstance } from 'fastify';
import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import type { Metrics } from '../../src/core/ports.ts';
import type { ModuleContext } from '../../src/modules/module.ts';
import { sharedSecret } from '../kit/platform-state.ts';
import { SocketLease, socketLeaseFor } from '../kit/socket-lease.ts';
import { MattermostAdapter } from './adapter.ts';
import { checkChannels } from './channels-check.ts';
import { mattermostClient, request } from './client.ts';
import { CommandTokens } from './command-tokens.ts';
import { registerMattermostRoutes } from './http.ts';
import { mattermostProfiles } from './profile.ts';
import { MattermostRenderer } from './render.ts';
import { MattermostSocket } from './socket.ts';
import { type MattermostPostData, PLATFORM, permalinkPostId } from './translate.ts';

export interface MattermostSettings {
  url: string;
  botToken: string;
  commandTokens: string[];
  publicUrl: string;
}

export interface MattermostDeps
  extends Pick<ModuleContext, 'config' | 'db' | 'router' | 'notifier' | 'clock' | 'log'> {
  settings: MattermostSettings;
  metrics?: Metrics;
  /** How often the WebSocket lease is renewed (tests shorten it to watch a take-over). */
  socketLeaseMs?: number;
  /** Shortest wait before the WebSocket reconnects (tests shorten it). */
  socketRetryMs?: number;
}

export async function createMattermost(deps: MattermostDeps) {
  const { settings, config, db, router } = deps;
  const log = deps.log.child({ platform: PLATFORM });
  const client = mattermostClient(settings.url, settings.botToken);
  const renderer = new MattermostRenderer({
    // Generated once and kept in the database: every instance signs and reads buttons alike.
    secret: await sharedSecret(db, `${PLATFORM}:context-secret`),
    publicUrl: settings.publicUrl,
    now: () => deps.clock.now().getTime(),
  });
  const adapter = new MattermostAdapter({ db, client, renderer, log });

  router.register({
    platform: PLATFORM,
    profile: mattermostProfiles(client),
    async messageAt(link) {
      const id = permalinkPostId(link);
      if (!id) return undefined;
      const post = await request<MattermostPostData>(client, 'get', `/posts/${id}`).catch(() => undefined);
      return post
        ? { channel: post.channel_id, thread: post.root_id || post.id, messageId: post.id }
        : undefined;
    },
  });

  // The bot's own id, asked once it can be: Mattermost may be out of reach when Relevo starts.
  let me: Promise<string> | undefined;
  const botUserId = async () => {
    me ??= request<{ id: string }>(client, 'get', '/users/me', undefined, 10_000).then((u) => u.id);
    return me.catch((err: unknown) => {
      me = undefined;
      throw err;
    });
  };

  const channels = () => config.channels.filter((c) => c.platform === PLATFORM).map((c) => c.id);
  const socket = new MattermostSocket({
    url: settings.url,
    token: settings.botToken,
    client,
    db,
    notifier: deps.notifier,
    log,
    channels,
    botUserId,
    retryMs: deps.socketRetryMs,
  });
  const lease = new SocketLease({
    lease: socketLeaseFor(
      db,
      'mattermost-socket',
      `${settings.url}\n${settings.botToken}`,
      deps.socketLeaseMs,
    ),
    connect: () => socket.connect(),
    disconnect: () => socket.close(),
    log,
    renewMs: deps.socketLeaseMs,
  });

  return {
    adapter,
    client,
    register(http: FastifyInstance) {
      registerMattermostRoutes(http, {
        db,
        router,
        adapter,
        renderer,
        client,
        tokens: new CommandTokens(db, settings.commandTokens),
        clock: deps.clock,
        log,
        metrics: deps.metrics,
      });
    },
    async start() {
      try {
        await botUserId();
      } catch (err) {
        // A refused token stops the start with what to do; a server out of reach does not: Relevo serves
        // meanwhile and the WebSocket connects when Mattermost is back.
        if (err instanceof DeliveryFailure && err.code === 'unauthorized') throw err;
        log.warn(
          { err: (err as Error).message },
          'Mattermost is out of reach: Relevo connects when it is back',
        );
      }
      void checkChannels(client, config.channels)
        .then((checks) => {
          for (const c of checks.filter((x) => !x.ok)) {
            log.warn({ channel: c.id, kind: c.kind }, `Mattermost channel ${c.name ?? c.id}: ${c.problem}`);
          }
        })
        .catch(() => undefined);
      await lease.start();
    },
    async stop() {
      await lease.stop();
    },
    /** Holding the WebSocket and greeted by the server, or standing by while another instance holds it. */
    ready(): boolean {
      return lease.holding ? socket.connected : true;
    },
  };
}
