// Email as a channel module: on when RELEVO_SUPPORT_ADDRESS is set (see env.ts beside this file). Mail
// comes in through the built-in SMTP listener and/or an IMAP mailbox (one reader across instances, under
// a lease) and goes out over SMTP. mailparser, imapflow, nodemailer and smtp-server load only then.
import type { Env } from '../../src/config/index.ts';
import type { InboundHandler } from '../../src/core/inbox.ts';
import { defineModule } from '../../src/modules/module.ts';

function emailSettings(env: Env) {
  if (!env.RELEVO_SUPPORT_ADDRESS) return undefined;
  const supportAddress = env.RELEVO_SUPPORT_ADDRESS.toLowerCase();
  const ownAddresses = [
    supportAddress,
    ...(env.RELEVO_SUPPORT_GROUP ? [env.RELEVO_SUPPORT_GROUP.toLowerCase()] : []),
  ];
  return { env, supportAddress, ownAddresses };
}

export const emailModule = defineModule({
  name: 'email',
  settings: emailSettings,
  async create(ctx, { env, supportAddress, ownAddresses }) {
    const { db, direct, config, log, clock, metrics, ingress, notifier, inboxBytes } = ctx;
    const emailIn = await import('../../src/email/accept.ts');
    const { ingestRun } = await import('../../src/email/ingest.ts');
    const { ParseThreads } = await import('../../src/email/parse-threads.ts');
    const parsing = new ParseThreads({ maxAttachmentBytes: env.RELEVO_ATTACHMENT_MAX_BYTES, log });
    const ingestDeps = {
      config,
      tickets: ctx.actions.tickets,
      log,
      ownAddresses,
      now: () => clock.now(),
      trustedAuthservIds: env.RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS ?? [],
      agentCopies: Boolean(env.RELEVO_SMTP_URL),
    };
    let adapter: import('./mailer.ts').EmailAdapter | undefined;
    if (env.RELEVO_SMTP_URL) {
      const { EmailAdapter } = await import('./mailer.ts');
      adapter = new EmailAdapter({
        db,
        log,
        supportAddress,
        groupAddress: env.RELEVO_SUPPORT_GROUP,
        transport: env.RELEVO_SMTP_URL,
        ownAddresses,
      });
    } else {
      log.warn('RELEVO_SMTP_URL is not set: replies to email tickets cannot be sent until it is');
    }

    // One acceptor for both sources: messages arriving together are stored in one commit.
    const acceptor = new emailIn.EmailAcceptor(direct, ingress, {
      stored: (key, raw) => {
        inboxBytes.keep(key, raw);
        parsing.ahead(key, raw);
      },
    });
    const acceptMail = async (raw: Buffer, via: 'smtp' | 'imap') => {
      const arrived = performance.now();
      if (await acceptor.accept(raw, via)) notifier.inboxWritten();
      // The SMTP listener times DATA → 250 itself; for IMAP, stored is the acknowledgement.
      if (via === 'imap') metrics.ackLatency('email', 'imap', (performance.now() - arrived) / 1000);
    };
    let smtp: import('./smtp-listener.ts').SmtpListener | undefined;
    let imap: import('./imap-source.ts').ImapSource | undefined;
    let mailboxLease: import('../../src/jobs/lease.ts').Lease | undefined;
    const readiness: Record<string, () => boolean> = {};
    if (env.RELEVO_SMTP_LISTEN_PORT !== undefined) readiness.smtp = () => Boolean(smtp);
    if (env.RELEVO_IMAP_URL) readiness.imap = () => imap?.connected ?? false;

    // A run of mail at once: its new tickets are written together (ingest.ts).
    const ingest: NonNullable<InboundHandler['many']> = async (tx, items) => {
      // Parsed ahead when this process accepted it; otherwise (another instance did, a retry) now.
      const mails = await Promise.all(
        items.map(async ({ payload, key, blob }) => ({
          inboxKey: key,
          email: await (parsing.take(key) ?? parsing.parse(emailIn.rawFromPayload(payload, blob))),
        })),
      );
      const outcomes = await ingestRun(tx, mails, ingestDeps);
      for (const [i, outcome] of outcomes.entries())
        log.info({ key: items[i]?.key, ...outcome }, 'email processed');
    };
    const ingestOne: InboundHandler = (tx, payload, key, blob) => ingest(tx, [{ payload, key, blob }]);
    ingestOne.many = ingest;
    // A received mail's original stays where it was stored before "250" (apply.ts).
    ingestOne.keepsBytes = true;
    ingestOne.ready = (events) => parsing.oldestParsed(events);

    return {
      adapter,
      mailer: adapter,
      readiness,
      inboxHandlers: { [emailIn.EMAIL_INBOX_SOURCE]: ingestOne },
      listening: (): Record<string, number> => (smtp ? { smtp: smtp.port } : {}),
      async start() {
        if (env.RELEVO_SMTP_LISTEN_PORT !== undefined) {
          const { startSmtpListener } = await import('./smtp-listener.ts');
          smtp = await startSmtpListener({
            host: env.RELEVO_SMTP_LISTEN_HOST,
            port: env.RELEVO_SMTP_LISTEN_PORT,
            maxBytes: env.RELEVO_SMTP_MAX_BYTES,
            timeoutMs: env.RELEVO_SMTP_TIMEOUT_MS,
            maxClients: env.RELEVO_SMTP_MAX_CLIENTS,
            domains: env.RELEVO_SMTP_DOMAINS?.split(',').map((d) => d.trim()) ?? [
              supportAddress.split('@')[1] ?? '',
            ],
            accept: (raw) => acceptMail(raw, 'smtp'),
            log,
            metrics,
          });
        }
        if (env.RELEVO_IMAP_URL) {
          const { startImapSource, parseImapUrl } = await import('./imap-source.ts');
          // One reader per mailbox across instances; the lease's name is the mailbox, never the password.
          const { Lease } = await import('../../src/jobs/lease.ts');
          const mailbox = parseImapUrl(env.RELEVO_IMAP_URL);
          const lease = new Lease(db, `imap:${mailbox.user}@${mailbox.display}`, 60_000);
          mailboxLease = lease;
          imap = await startImapSource({
            url: env.RELEVO_IMAP_URL,
            doneFolder: env.RELEVO_IMAP_DONE_FOLDER,
            accept: (raw) => acceptMail(raw, 'imap'),
            log,
            mayRead: () => lease.hold(),
          });
        }
      },
      async stop() {
        await smtp?.close();
        await imap?.close();
        await parsing.close();
        await mailboxLease
          ?.release()
          .catch((err: unknown) => log.warn({ err }, 'could not release the mailbox lease'));
      },
    };
  },
});
