// The composition root: builds the database, the core, the adapters, the workers and the HTTP server
// from a parsed configuration. main.ts and the tests both start Relevo through here.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { runCommandLine } from '../commands/index.ts';
import { alertsInbox } from './alerts/inbox.ts';
import { resolveMonitors } from './alerts/tokens.ts';
import type { Env, FileConfig } from './config/index.ts';
import type { ActionDeps } from './core/actions.ts';
import { autoTickets } from './core/alerts/auto-ticket.ts';
import { AlertEvents } from './core/alerts/events.ts';
import { alertMessageSync, syncAlertMessages } from './core/alerts/message-sync.ts';
import { chatInbox } from './core/chat/inbox.ts';
import { ChatRouter } from './core/chat/router.ts';
import { withChannels } from './core/config.ts';
import { deliver } from './core/delivery.ts';
import { noteDeliveryFailure } from './core/delivery-failures.ts';
import { syncDirectory } from './core/directory.ts';
import { DomainEvents } from './core/events.ts';
import { VerificationCodes } from './core/identity/codes.ts';
import { drainInbox, type InboundHandler, type InboundPreparer } from './core/inbox.ts';
import { RecentInboxBytes } from './core/inbox-bytes.ts';
import { IngressGate } from './core/ingress.ts';
import type { ChatAdapter, Clock, Mailer, Notifier } from './core/ports.ts';
import { systemClock } from './core/ports.ts';
import { sweepSeenRequests } from './core/replay.ts';
import { slaRecomputeTask } from './core/sla/recompute.ts';
import { sweepSlaWarnings } from './core/sla/warnings.ts';
import { askForSatisfaction } from './core/survey/ask.ts';
import { SurveyLinks } from './core/survey/link.ts';
import { syncCards } from './core/tickets/card-sync.ts';
import { Conversations } from './core/tickets/conversations.ts';
import { Escalations } from './core/tickets/escalation.ts';
import { tellLivePages } from './core/tickets/live-pages.ts';
import { TicketService } from './core/tickets/service.ts';
import { openConfiguredDatabase } from './db/configured.ts';
import type { Database } from './db/index.ts';
import { registerAlertHooks } from './http/alert-hooks.ts';
import type { HttpContext } from './http/context.ts';
import { sweepCounters } from './http/limits.ts';
import { LiveBus } from './http/live-bus.ts';
import { LiveHub } from './http/live-hub.ts';
import { PrometheusMetrics } from './http/metrics.ts';
import { databaseChecks, type ReadinessCheck, registerOpsRoutes } from './http/ops-routes.ts';
import { createHttpServer } from './http/server.ts';
import { ConsoleSessions, sweepSessions } from './http/sessions.ts';
import { STREAM_HEARTBEAT_MS, StreamSlots } from './http/streams.ts';
import { registerSurveyRoutes } from './http/survey-routes.ts';
import { TaskLoop } from './jobs/loop.ts';
import { OutboxWorker } from './jobs/outbox-worker.ts';
import { channelModules } from './modules/index.ts';
import type { ChannelModule, ModuleContext, ModuleParts } from './modules/module.ts';

export interface AppOptions {
  env: Env;
  config: FileConfig;
  logger: PinoLogger;
  clock?: Clock;
  /** Background loops poll at this interval (they are also poked right after each commit). */
  pollMs?: number;
  /** How often the SLA warning sweep looks for tickets due a check (default 30 s). */
  slaSweepMs?: number;
  /** The shortest time between two edits of one alert group's message (default 10 s; tests: 0). */
  alertEditGapMs?: number;
  /** How often live streams recheck their session (default 25 s, the keep-alive ping). */
  streamCheckMs?: number;
  /**
   * Channel modules started after the shipped ones (src/modules/index.ts). The tests' in-memory chat
   * platform joins Relevo this way, through the same kit as Slack or the web chat.
   */
  modules?: ChannelModule[];
  /**
   * Where relevo.yaml's `env:NAME` secrets (monitors' tokens) are read: the process environment unless
   * told (tests pass their own).
   */
  environment?: Readonly<Record<string, string | undefined>>;
}

export interface App {
  db: Database;
  tickets: TicketService;
  /** The ticket service's domain events: subscribe to follow every ticket's changes. */
  events: DomainEvents;
  /**
   * "An alert group changed", emitted by whoever applies a delivery of alerts in that transaction: the
   * monitor channels' messages and automatic tickets follow it.
   */
  alertEvents: AlertEvents;
  /** Buttons, forms, escalations and waiting conversations, as every channel reaches them. */
  actions: ActionDeps;
  http: FastifyInstance;
  apiToken: string;
  adapters: Map<string, ChatAdapter>;
  /** Runs the inbox and outbox until both are empty (tests, benchmarks). */
  settle(): Promise<void>;
  resolveUnconfirmed(): Promise<number[]>;
  /** Rejects the tickets that waited too long for requested information, once now (as its loop does). */
  rejectIncomplete(): Promise<number[]>;
  /** Runs the SLA warning sweep once now (as its loop does); says how many warnings it raised. */
  sweepSlaWarnings(): Promise<number>;
  /** The SMTP listener's port once listening (RELEVO_SMTP_LISTEN_PORT=0 picks a free one). */
  smtpPort(): number | undefined;
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/** RELEVO_API_TOKEN, or a token generated once and kept in the data directory (mode 0600). */
async function apiTokenFor(env: Env): Promise<string> {
  if (env.RELEVO_API_TOKEN) return env.RELEVO_API_TOKEN;
  const file = path.resolve(env.RELEVO_DATA_DIR, 'api-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(path.dirname(file), { recursive: true });
    const token = randomBytes(24).toString('base64url');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    return token;
  }
}

export async function createApp(options: AppOptions): Promise<App> {
  const { env, config, logger } = options;
  // The modules switched on by their settings: the shipped ones, then any the caller adds (tests' platforms).
  const modules = [...channelModules, ...((options.modules ?? []) as ChannelModule<never>[])];
  const enabled = modules.flatMap((m) => {
    const settings = m.settings(env, config);
    return settings === undefined ? [] : [{ module: m, settings }];
  });
  const on = new Set(enabled.map(({ module }) => module.name));
  for (const c of config.channels.filter((ch) => !on.has(ch.platform))) {
    logger.warn(
      { platform: c.platform, channel: c.id },
      `relevo.yaml lists a ${c.platform} channel, but ${c.platform} is not switched on: nothing is read from or posted to it (see the README for its settings)`,
    );
  }
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2000;
  const log = logger;
  // Before anything starts: a monitor whose env:NAME secret is missing stops start-up, named.
  const monitors = resolveMonitors(config.monitors, options.environment ?? process.env);

  const db = await openConfiguredDatabase(env, (message) => log.info(message));
  // The embedded database serves one query at a time: bursts of senders go before background work.
  const ingress = new IngressGate(
    db.kind === 'pglite'
      ? { busyGapMs: 25, maxWaitMs: 1000, oneConnection: true }
      : { busyGapMs: 0, maxWaitMs: 100 },
  );
  const migrated = await db.migrate();
  if (migrated.applied.length) log.info({ applied: migrated.applied }, 'database migrations applied');
  await syncDirectory(db.prisma, config);
  const metrics = new PrometheusMetrics(db.prisma, log);

  const hub = new LiveHub();
  const bus = new LiveBus(db, log);
  bus.on('ticket', ({ number }) => hub.publish('tickets', 'ticket', { number: Number(number) }));
  await bus.start();
  const loops: TaskLoop[] = [];
  const notifier: Notifier = {
    ticketChanged: (number, tx) =>
      typeof number === 'number'
        ? bus.signal('ticket', { number }, tx)
        : bus.signalAll(
            'ticket',
            number.map((n) => ({ number: n })),
            tx,
          ),
    outboxWritten: () => outboxLoop.poke(),
    inboxWritten: () => inboxLoop.poke(),
  };
  // Channels modules serve themselves (the web chat's) join the configured ones: the core treats them
  // like any platform's.
  const desk = withChannels(
    config,
    enabled.flatMap(({ module }) => module.channels?.(config) ?? []),
  );
  // What follows a ticket's changes, in this order, inside each change's transaction (src/core/events.ts).
  const events = new DomainEvents();
  events.subscribe(syncCards(desk));
  events.subscribe(tellLivePages(notifier));
  events.on('ticket.confirmed', askForSatisfaction(desk));
  const tickets = new TicketService({ db: db.prisma, clock, config: desk, notifier, events });
  const escalations = new Escalations({ db: db.prisma, config: desk, tickets, events });
  const conversations = new Conversations({ db: db.prisma, config: desk, tickets, clock });
  const actions: ActionDeps = { db: db.prisma, config: desk, tickets, escalations, conversations };
  // What follows an alert group's change, in the delivery's transaction: its message in every monitor
  // channel, then a ticket of its own when its severity and customer's plan call for one.
  const alertEvents = new AlertEvents();
  const alertSync = { minEditGapMs: options.alertEditGapMs };
  alertEvents.subscribe(syncAlertMessages(desk, alertSync));
  alertEvents.subscribe(autoTickets(desk, { tickets, syncMessages: alertMessageSync(desk, alertSync) }));

  const adapters = new Map<string, ChatAdapter>();
  const router = new ChatRouter({ actions, log, adapters, runCommand: runCommandLine });
  const chat = chatInbox(router);
  const inboxHandlers: Record<string, InboundHandler> = { ...chat.handlers };
  const inboxPreparers: Record<string, InboundPreparer> = { ...chat.preparers };
  // Monitoring deliveries accepted by /hooks/* are applied here, and told to the subscribers above.
  Object.assign(inboxHandlers, alertsInbox({ config: desk, events: alertEvents, clock }));
  // Bytes a module stored in the inbox, handed to the inbox worker in memory (see inbox-bytes.ts).
  const inboxBytes = new RecentInboxBytes();
  const moduleContext: ModuleContext = {
    env,
    config,
    db: db.prisma,
    direct: db.direct,
    actions,
    router,
    notifier,
    clock,
    log,
    ingress,
    inboxBytes,
    metrics,
    bus,
    hub,
  };
  const parts: ModuleParts[] = [];
  for (const { module, settings } of enabled) {
    const part = await module.create(moduleContext, settings as never);
    parts.push(part);
    if (part.adapter) adapters.set(part.adapter.platform, part.adapter);
    Object.assign(inboxHandlers, part.inboxHandlers);
    Object.assign(inboxPreparers, part.inboxPreparers);
  }
  const mailer: Mailer | undefined = parts.find((p) => p.mailer)?.mailer;
  const inboxLoop = new TaskLoop('inbox', () => drainInboxOnce(), pollMs, log);
  const drainInboxOnce = () =>
    drainInbox(db.prisma, inboxHandlers, log, {
      ingress,
      preparers: inboxPreparers,
      recent: inboxBytes,
      // PostgreSQL: while one transaction waits on the server, others run (measured: 1.3× the messages a
      // second with three); the embedded database serves one statement at a time.
      workers: db.kind === 'postgresql' ? 3 : 1,
    });
  const apiToken = await apiTokenFor(env);
  // The satisfaction survey's signed links in mail point at the public address, else where this listens.
  let listening: string | undefined;
  const surveyLinks = new SurveyLinks(
    apiToken,
    () => env.RELEVO_PUBLIC_URL ?? listening ?? `http://${env.HOST}:${env.PORT}`,
  );
  if (mailer && !env.RELEVO_PUBLIC_URL) {
    log.warn(
      'RELEVO_PUBLIC_URL is not set: the satisfaction survey links in mail point at the address Relevo listens on, which customers may not reach',
    );
  }
  // One runner per platform (src/jobs/outbox-worker.ts): the loop only starts them, so a platform that
  // is slow or down holds its own deliveries and nobody else's.
  const outbox = new OutboxWorker({
    db: db.prisma,
    log,
    ingress,
    onFailure: (job, failure, item) => noteDeliveryFailure({ db: db.prisma, tickets }, job, failure, item),
    stopping: () => shuttingDown,
    deliver: (job, key, platforms) =>
      deliver(
        { db: db.prisma, adapters, platforms, config: desk, clock, surveyLink: (n) => surveyLinks.url(n) },
        job,
        key,
      ),
    metrics,
  });
  const outboxLoop = new TaskLoop('outbox', () => outbox.wake(), pollMs, log);
  const confirmLoop = new TaskLoop('confirmations', () => tickets.resolveUnconfirmed(), 60_000, log);
  // Tickets that waited too long for the information they were asked for (tickets.rejectIncompleteAfter).
  const incompleteLoop = new TaskLoop('incomplete tickets', () => tickets.rejectIncomplete(), 60_000, log);
  // Warnings before and at an SLA breach; each ticket's next check is on its row (Ticket.slaCheckAt).
  const warnOnce = () =>
    sweepSlaWarnings({ db: db.prisma, config: desk, clock, notifier, quiet: () => ingress.quiet() });
  const warningLoop = new TaskLoop('sla warnings', warnOnce, options.slaSweepMs ?? 30_000, log);
  // Once at start, in the background: open tickets' kept clocks follow relevo.yaml's edited promises.
  loops.push(
    new TaskLoop(
      'sla recompute',
      slaRecomputeTask({
        db: db.prisma,
        config: desk,
        clock,
        log,
        quiet: () => ingress.quiet(),
        stopping: () => shuttingDown,
      }),
      60_000,
      log,
    ),
  );

  const sessions = new ConsoleSessions(db.prisma, apiToken, clock);
  const codes = new VerificationCodes({ db: db.prisma, clock, log, mailer });
  // Past their time: sessions and codes (and console sessions of a rotated API token) hourly, replay keys
  // and rate counters every ten minutes. Any instance may sweep; the DELETEs are the same for all.
  const sessionSweep = new TaskLoop(
    'sessions',
    async () => {
      await sweepSessions(db.prisma, clock, sessions.keyId);
      await codes.sweep();
    },
    3_600_000,
    log,
  );
  const sweep = async () => {
    await sweepSeenRequests(db.prisma, clock.now());
    await sweepCounters(db.prisma);
  };
  const sweepLoop = new TaskLoop('sweep', sweep, 10 * 60_000, log);
  loops.push(inboxLoop, outboxLoop, confirmLoop, incompleteLoop, warningLoop, sessionSweep, sweepLoop);
  if (config.webchat.enabled && !mailer) {
    log.warn(
      'Outgoing mail (RELEVO_SMTP_URL) is not set: web chat visitors cannot verify their address by a mailed code',
    );
  }

  const streams = new StreamSlots(db.prisma, config.limits, log);
  // This instance's live streams stay counted while it refreshes them (and stale ones are swept).
  loops.push(new TaskLoop('streams', () => streams.heartbeat(), STREAM_HEARTBEAT_MS, log));

  const base: Omit<HttpContext, 'limits'> = {
    db: db.prisma,
    config,
    tickets,
    actions,
    router,
    ingress,
    clock,
    log,
    hub,
    notifier,
    metrics,
    apiToken,
    surveyLinks,
    sessions,
    codes,
    identitySecret: env.RELEVO_WEBCHAT_IDENTITY_SECRET,
    secureCookies: env.RELEVO_PUBLIC_URL?.startsWith('https:') ?? false,
    streamCheckMs: options.streamCheckMs ?? 25_000,
    streams,
  };
  const { app: http, ctx } = await createHttpServer(base, logger, {
    secure: base.secureCookies,
    trustProxy: env.RELEVO_TRUST_PROXY,
    headersTimeoutMs: env.RELEVO_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.RELEVO_HTTP_REQUEST_TIMEOUT_MS,
  });
  for (const part of parts) part.routes?.(http, ctx);
  registerAlertHooks(http, ctx, monitors);
  registerSurveyRoutes(http, ctx);
  let started = false;
  let shuttingDown = false;
  registerOpsRoutes(http, {
    metrics,
    limits: ctx.limits,
    metricsToken: env.RELEVO_METRICS_TOKEN,
    log,
    readiness: () => {
      const connection = async (ready: () => boolean | Promise<boolean>) =>
        !started ? 'starting' : (await ready()) ? 'connected' : 'disconnected';
      const checks: Record<string, ReadinessCheck> = databaseChecks(db.prisma);
      checks.live = () => connection(() => bus.connected());
      for (const a of adapters.values()) checks[a.platform] = () => connection(() => a.ready?.() ?? true);
      for (const part of parts) {
        for (const [name, ready] of Object.entries(part.readiness ?? {})) {
          checks[name] = () => connection(ready);
        }
      }
      return checks;
    },
  });
  return {
    db,
    tickets,
    events,
    alertEvents,
    actions,
    http,
    apiToken,
    adapters,
    async settle() {
      for (let i = 0; i < 20; i++) {
        await inboxLoop.idle();
        const a = await drainInboxOnce();
        await outboxLoop.idle();
        const b = await outbox.drain();
        await outboxLoop.idle();
        if (a === 0 && b.delivered + b.failed === 0) return;
      }
    },
    resolveUnconfirmed: () => tickets.resolveUnconfirmed(),
    rejectIncomplete: () => tickets.rejectIncomplete(),
    sweepSlaWarnings: warnOnce,
    smtpPort: () => parts.map((p) => p.listening?.().smtp).find((port) => port !== undefined),
    async listen() {
      // HTTP first: web chat, the console, the API and Slack's HTTP mode serve while platforms connect.
      const address = await http.listen({ port: env.PORT, host: env.HOST });
      listening = address;
      try {
        for (const a of adapters.values()) await a.start();
        for (const part of parts) await part.start?.();
      } catch (err) {
        // A refused token: stop serving and release the database before the error reaches the caller.
        for (const part of parts) await part.stop?.().catch(() => undefined);
        await http.close();
        await bus.stop();
        await db.close();
        throw err;
      }
      for (const loop of loops) loop.start();
      started = true;
      return address;
    },
    async stop() {
      // Stop taking requests, let the workers finish what they hold, then close the database.
      shuttingDown = true;
      // Sockets and mail listeners first: no new events arrive while the workers finish.
      for (const part of parts) {
        await part.stop?.().catch((err: unknown) => log.warn({ err }, 'a module did not stop cleanly'));
      }
      await http.close();
      for (const loop of loops) await loop.stop();
      await outbox.idle();
      await outbox.idle();
      await streams.releaseAll().catch((err: unknown) => log.warn({ err }, 'could not release live streams'));
      if (started) for (const a of adapters.values()) await a.stop();
      await bus.stop();
      await db.close();
    },
  };
}
