// The composition root: builds the database, the core, the adapters, the workers and the HTTP server
// from a parsed configuration. main.ts and the tests both start Relevo through here.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
// Slack and email modules (Bolt, mailparser, imapflow, nodemailer, smtp-server: ~30 MB resident) load only
// when configured, hence the dynamic imports below; their types come in statically.
import type { ImapSource } from '../adapters/email/imap-source.ts';
import type { SmtpListener } from '../adapters/email/smtp-listener.ts';
import { WebchatAdapter } from '../adapters/webchat/adapter.ts';
import { registerWebchatRoutes, webchatMessagePayload } from '../adapters/webchat/http.ts';
import type { Env, FileConfig } from './config/index.ts';
import type { ActionDeps } from './core/actions.ts';
import { deliver } from './core/delivery.ts';
import { noteDeliveryFailure } from './core/delivery-failures.ts';
import { syncDirectory } from './core/directory.ts';
import { VerificationCodes } from './core/identity/codes.ts';
import { drainInbox, type InboundHandler, type InboundPreparer } from './core/inbox.ts';
import { IngressGate } from './core/ingress.ts';
import type { ChatAdapter, Clock, Mailer, Notifier } from './core/ports.ts';
import { systemClock } from './core/ports.ts';
import { sweepSeenRequests } from './core/replay.ts';
import { Conversations } from './core/tickets/conversations.ts';
import { Escalations } from './core/tickets/escalation.ts';
import { TicketService } from './core/tickets/service.ts';
import { openConfiguredDatabase } from './db/configured.ts';
import type { Database } from './db/index.ts';
import type { HttpContext } from './http/context.ts';
import { sweepCounters } from './http/limits.ts';
import { LiveBus } from './http/live-bus.ts';
import { LiveHub } from './http/live-hub.ts';
import { PrometheusMetrics } from './http/metrics.ts';
import { databaseChecks, type ReadinessCheck, registerOpsRoutes } from './http/ops-routes.ts';
import { createHttpServer } from './http/server.ts';
import { ConsoleSessions, sweepSessions } from './http/sessions.ts';
import { STREAM_HEARTBEAT_MS, StreamSlots } from './http/streams.ts';
import type { Lease } from './jobs/lease.ts';
import { TaskLoop } from './jobs/loop.ts';
import { OutboxWorker } from './jobs/outbox-worker.ts';

export interface AppOptions {
  env: Env;
  config: FileConfig;
  logger: PinoLogger;
  clock?: Clock;
  /** Background loops poll at this interval (they are also poked right after each commit). */
  pollMs?: number;
  /** How often live streams recheck their session (default 25 s, the keep-alive ping). */
  streamCheckMs?: number;
}

export interface App {
  db: Database;
  tickets: TicketService;
  /** Buttons, forms, escalations and waiting conversations, as every channel reaches them. */
  actions: ActionDeps;
  http: FastifyInstance;
  apiToken: string;
  adapters: Map<string, ChatAdapter>;
  /** Runs the inbox and outbox until both are empty (tests, benchmarks). */
  settle(): Promise<void>;
  resolveUnconfirmed(): Promise<number[]>;
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

function emailSettings(env: Env) {
  if (!env.RELEVO_SUPPORT_ADDRESS) return undefined;
  const supportAddress = env.RELEVO_SUPPORT_ADDRESS.toLowerCase();
  const ownAddresses = [
    supportAddress,
    ...(env.RELEVO_SUPPORT_GROUP ? [env.RELEVO_SUPPORT_GROUP.toLowerCase()] : []),
  ];
  return { supportAddress, ownAddresses };
}

export async function createApp(options: AppOptions): Promise<App> {
  const { env, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2000;
  const log = logger;

  const db = await openConfiguredDatabase(env, (message) => log.info(message));
  // The embedded database serves one query at a time: bursts of senders go before background work.
  const ingress = new IngressGate(
    db.kind === 'pglite' ? { busyGapMs: 25, maxWaitMs: 1000 } : { busyGapMs: 0, maxWaitMs: 100 },
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
    ticketChanged: (number, tx) => bus.signal('ticket', { number }, tx),
    outboxWritten: () => outboxLoop.poke(),
    inboxWritten: () => inboxLoop.poke(),
  };
  const tickets = new TicketService({ db: db.prisma, clock, config, notifier });
  const escalations = new Escalations({ db: db.prisma, config, tickets });
  const conversations = new Conversations({ db: db.prisma, config, tickets, clock });
  const actions: ActionDeps = { db: db.prisma, config, tickets, escalations, conversations };

  const webchat = new WebchatAdapter(db.prisma, bus, hub);
  const adapters = new Map<string, ChatAdapter>([[webchat.platform, webchat]]);

  const inboxPreparers: Record<string, InboundPreparer> = {};
  const inboxHandlers: Record<string, InboundHandler> = {
    'webchat.message': async (
      tx: Parameters<Parameters<typeof db.prisma.$transaction>[0]>[0],
      payload: unknown,
      key: string,
    ) => {
      const msg = webchatMessagePayload.parse(payload);
      // The session's contact now: a visitor who proved their address since writing this is that
      // contact (the lock waits for a verification in progress, which takes the same lock).
      const [session] = await tx.$queryRaw<{ contactId: string }[]>`
        SELECT "contactId" FROM "WebchatSession" WHERE id = ${msg.sessionId} FOR UPDATE`;
      const contactId = session?.contactId ?? msg.contactId;
      await tickets.intake(
        {
          platform: 'webchat',
          channel: 'support',
          thread: msg.sessionId,
          contactId,
          text: msg.text,
          channelRef: `webchat:support:${msg.sessionId}:${msg.postId}`,
        },
        tx,
      );
      log.debug({ key }, 'web chat message processed');
    },
  };
  const slack = env.SLACK_BOT_TOKEN
    ? await (await import('../adapters/slack/index.ts')).createSlack({
        settings: {
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          appToken: env.SLACK_APP_TOKEN,
          apiUrl: env.SLACK_API_URL,
        },
        config,
        actions,
        notifier,
        clock,
        log,
        ingress,
        metrics,
      })
    : undefined;
  if (slack) {
    adapters.set(slack.adapter.platform, slack.adapter);
    Object.assign(inboxHandlers, slack.inboxHandlers);
    Object.assign(inboxPreparers, slack.inboxPreparers);
  }
  const email = emailSettings(env);
  const emailIn = email ? await import('./email/accept.ts') : undefined;
  let mailer: Mailer | undefined;
  if (email && emailIn) {
    const { ingestEmail } = await import('./email/ingest.ts');
    const ingestDeps = {
      config,
      tickets,
      log,
      ownAddresses: email.ownAddresses,
      attachmentMaxBytes: env.RELEVO_ATTACHMENT_MAX_BYTES,
      now: () => clock.now(),
      trustedAuthservIds: env.RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS ?? [],
      agentCopies: Boolean(env.RELEVO_SMTP_URL),
    };
    inboxHandlers[emailIn.EMAIL_INBOX_SOURCE] = async (tx, payload, key, blob) => {
      const outcome = await ingestEmail(tx, emailIn.rawFromPayload(payload, blob), ingestDeps);
      log.info({ key, ...outcome }, 'email processed');
    };
    if (env.RELEVO_SMTP_URL) {
      const { EmailAdapter } = await import('../adapters/email/mailer.ts');
      const emailOut = new EmailAdapter({
        db: db.prisma,
        log,
        supportAddress: email.supportAddress,
        groupAddress: env.RELEVO_SUPPORT_GROUP,
        transport: env.RELEVO_SMTP_URL,
        ownAddresses: email.ownAddresses,
      });
      adapters.set(emailOut.platform, emailOut);
      mailer = emailOut;
    } else {
      log.warn('RELEVO_SMTP_URL is not set: replies to email tickets cannot be sent until it is');
    }
  }
  const inboxLoop = new TaskLoop('inbox', () => drainInboxOnce(), pollMs, log);
  const drainInboxOnce = () => drainInbox(db.prisma, inboxHandlers, log, ingress, inboxPreparers);
  // One runner per platform (src/jobs/outbox-worker.ts): the loop only starts them, so a platform that
  // is slow or down holds its own deliveries and nobody else's.
  const outbox = new OutboxWorker({
    db: db.prisma,
    log,
    ingress,
    onFailure: (job, failure, item) => noteDeliveryFailure({ db: db.prisma, tickets }, job, failure, item),
    stopping: () => shuttingDown,
    deliver: (job, key, platforms) => deliver({ db: db.prisma, adapters, platforms }, job, key),
    metrics,
  });
  const outboxLoop = new TaskLoop('outbox', () => outbox.wake(), pollMs, log);
  const confirmLoop = new TaskLoop('confirmations', () => tickets.resolveUnconfirmed(), 60_000, log);

  const apiToken = await apiTokenFor(env);
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
  loops.push(inboxLoop, outboxLoop, confirmLoop, sessionSweep, sweepLoop);
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
    ingress,
    clock,
    log,
    hub,
    notifier,
    metrics,
    apiToken,
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
  if (config.webchat.enabled) registerWebchatRoutes(http, ctx, webchat);
  slack?.register(http);

  let smtp: SmtpListener | undefined;
  let imap: ImapSource | undefined;
  let mailboxLease: Lease | undefined;
  const acceptMail = async (raw: Buffer, via: 'smtp' | 'imap') => {
    const arrived = performance.now();
    if (await emailIn?.acceptEmail(db.prisma, raw, via, ingress)) notifier.inboxWritten();
    // The SMTP listener times DATA → 250 itself; for IMAP, stored is the acknowledgement.
    if (via === 'imap') metrics.ackLatency('email', 'imap', (performance.now() - arrived) / 1000);
  };
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
      if (slack) checks.slack = () => connection(() => slack.ready());
      if (email && env.RELEVO_SMTP_LISTEN_PORT !== undefined) checks.smtp = () => connection(() => !!smtp);
      if (email && env.RELEVO_IMAP_URL) checks.imap = () => connection(() => imap?.connected ?? false);
      return checks;
    },
  });
  return {
    db,
    tickets,
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
    smtpPort: () => smtp?.port,
    async listen() {
      // HTTP first: web chat, the console, the API and Slack's HTTP mode serve while platforms connect.
      const address = await http.listen({ port: env.PORT, host: env.HOST });
      try {
        for (const a of adapters.values()) await a.start();
        await slack?.start();
      } catch (err) {
        // A refused token: stop serving and release the database before the error reaches the caller.
        await http.close();
        await bus.stop();
        await db.close();
        throw err;
      }
      if (email && env.RELEVO_SMTP_LISTEN_PORT !== undefined) {
        const { startSmtpListener } = await import('../adapters/email/smtp-listener.ts');
        smtp = await startSmtpListener({
          host: env.RELEVO_SMTP_LISTEN_HOST,
          port: env.RELEVO_SMTP_LISTEN_PORT,
          maxBytes: env.RELEVO_SMTP_MAX_BYTES,
          timeoutMs: env.RELEVO_SMTP_TIMEOUT_MS,
          maxClients: env.RELEVO_SMTP_MAX_CLIENTS,
          domains: env.RELEVO_SMTP_DOMAINS?.split(',').map((d) => d.trim()) ?? [
            email.supportAddress.split('@')[1] ?? '',
          ],
          accept: (raw) => acceptMail(raw, 'smtp'),
          log,
          metrics,
        });
      }
      if (email && env.RELEVO_IMAP_URL) {
        const { startImapSource, parseImapUrl } = await import('../adapters/email/imap-source.ts');
        // One reader per mailbox across instances; the lease's name is the mailbox, never the password.
        const { Lease } = await import('./jobs/lease.ts');
        const mailbox = parseImapUrl(env.RELEVO_IMAP_URL);
        mailboxLease = new Lease(db.prisma, `imap:${mailbox.user}@${mailbox.display}`, 60_000);
        const lease = mailboxLease;
        imap = await startImapSource({
          url: env.RELEVO_IMAP_URL,
          doneFolder: env.RELEVO_IMAP_DONE_FOLDER,
          accept: (raw) => acceptMail(raw, 'imap'),
          log,
          mayRead: () => lease.hold(),
        });
      }
      for (const loop of loops) loop.start();
      started = true;
      return address;
    },
    async stop() {
      // Stop taking requests, let the workers finish what they hold, then close the database.
      shuttingDown = true;
      await smtp?.close();
      await imap?.close();
      await mailboxLease
        ?.release()
        .catch((err: unknown) => log.warn({ err }, 'could not release the mailbox lease'));
      await http.close();
      for (const loop of loops) await loop.stop();
      await outbox.idle();
      await streams.releaseAll().catch((err: unknown) => log.warn({ err }, 'could not release live streams'));
      if (started) {
        await slack?.stop();
        for (const a of adapters.values()) await a.stop();
      }
      await bus.stop();
      await db.close();
    },
  };
}
