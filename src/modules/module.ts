// A channel module: one way customers and agents reach Relevo (web chat, Slack, email; Mattermost and
// Discord next), in its own folder. It declares its environment settings, the channels it serves
// beyond relevo.yaml's, and what it adds to a running Relevo — a chat adapter, HTTP routes, inbox
// handlers, background work — and app.ts starts whichever modules are configured, none by name.
import type { FastifyInstance } from 'fastify';
import type { Env, FileConfig } from '../config/index.ts';
import type { ActionDeps } from '../core/actions.ts';
import type { ChatRouter } from '../core/chat/router.ts';
import type { ChannelSettings } from '../core/config.ts';
import type { InboundHandler, InboundPreparer } from '../core/inbox.ts';
import type { RecentInboxBytes } from '../core/inbox-bytes.ts';
import type { IngressGate } from '../core/ingress.ts';
import type { ChatAdapter, Clock, Logger, Mailer, Metrics, Notifier } from '../core/ports.ts';
import type { Db, DirectSql } from '../db/index.ts';
import type { HttpContext } from '../http/context.ts';
import type { LiveBus } from '../http/live-bus.ts';
import type { LiveHub } from '../http/live-hub.ts';

/** What app.ts gives every module. */
export interface ModuleContext {
  env: Env;
  config: FileConfig;
  db: Db;
  /** Single statements straight to the driver, for bulk bytes (see DirectSql). */
  direct: DirectSql;
  actions: ActionDeps;
  router: ChatRouter;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  ingress: IngressGate;
  /** Raw bytes just stored in the inbox, for its worker to take from memory. */
  inboxBytes: RecentInboxBytes;
  metrics: Metrics;
  bus: LiveBus;
  hub: LiveHub;
}

/** What a started module adds to Relevo; every part is optional. */
export interface ModuleParts {
  /** Its chat platform, for the outbox (cards, replies, escalations). */
  adapter?: ChatAdapter;
  /** Mail that belongs to no ticket (verification codes) goes out through this module. */
  mailer?: Mailer;
  inboxHandlers?: Record<string, InboundHandler>;
  inboxPreparers?: Record<string, InboundPreparer>;
  /** Its HTTP routes, on Relevo's server. */
  routes?(http: FastifyInstance, ctx: HttpContext): void;
  /** After HTTP listens: connect sockets, open listeners. A rejection (a refused token) stops the start. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Checks for /readyz, by name: connected (true) or not. */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** Ports it listens on once started, by name (the SMTP listener's, when RELEVO_SMTP_LISTEN_PORT=0). */
  listening?(): Record<string, number>;
}

/**
 * A module's environment variables live beside it (adapters/<name>/env.ts) and are merged into the one
 * schema Relevo parses at start (src/config/env.ts), so a wrong value stops the start with its name.
 */
export interface ChannelModule<S = unknown> {
  name: string;
  /** Its settings when configured; undefined leaves the module off (and its libraries unloaded). */
  settings(env: Env, config: FileConfig): S | undefined;
  /** Channels it serves that relevo.yaml does not list (the web chat's own). */
  channels?(config: FileConfig): ChannelSettings[];
  /** Loaded only when configured: Bolt, imapflow, nodemailer… stay out of memory otherwise. */
  create(ctx: ModuleContext, settings: S): Promise<ModuleParts>;
}

export function defineModule<S>(module: ChannelModule<S>): ChannelModule<S> {
  return module;
}
