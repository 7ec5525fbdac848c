// Reading an existing IMAP mailbox (RELEVO_IMAP_URL): every message in it is stored in Relevo's inbox and only
// then moved to the done folder, so a crash between the two re-reads the message on the next start instead of
// losing it (storing is idempotent: the caller deduplicates on Message-ID). New mail is noticed through IDLE,
// with a periodic pass as a fallback for servers (or networks) where IDLE is missing or silently broken.
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import type { Logger } from '../../src/core/ports.ts';

export interface ImapSourceOptions {
  /** imap(s)://user:password@host[:port]/MAILBOX — user and password URL-encoded; '/' in MAILBOX separates levels. */
  url: string;
  /** Folder messages move to once stored (created if missing); '/' separates levels, e.g. Relevo/Processed. */
  doneFolder: string;
  /** Stores the message durably; resolves once it is safe. A rejection leaves the message in the mailbox. */
  accept: (raw: Buffer) => Promise<void>;
  log: Logger;
  /** A full pass over the mailbox at this interval, whatever IDLE says (default 60 s). */
  pollMs?: number;
  /** Wait for new mail with IDLE (default true); false relies on the periodic pass alone. */
  idle?: boolean;
  /** Delay before reconnecting after a lost connection: doubles from min up to max (default 1 s → 60 s). */
  reconnectDelayMs?: { min: number; max: number };
  /**
   * Asked before each pass and each group of messages: false while another instance reads this mailbox.
   * Two readers at once would both fetch and store every message and race each other to move it.
   */
  mayRead?: () => Promise<boolean>;
}

export interface ImapSource {
  /** Runs a pass over the mailbox now, or right after the one in flight; resolves when it is done (at once when
   * not connected). */
  sync(): Promise<void>;
  /** Logged in, with the mailbox open. */
  readonly connected: boolean;
  /** Waiting for new mail in IDLE. */
  readonly idling: boolean;
  /** Stops waiting for mail, lets a pass in flight finish its current messages, and logs out. */
  close(): Promise<void>;
}

export interface ImapEndpoint {
  host: string;
  port: number;
  /** TLS from the start (imaps://); imap:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The mailbox to read, as levels ('INBOX', or ['Support', 'Inbound']). */
  mailbox: string[];
  /** The URL without credentials, for logs and errors. */
  display: string;
}

const ENV_NAME = 'RELEVO_IMAP_URL';
/** UIDs looked at per round (a size check, then the sources in groups). */
const BATCH_UIDS = 100;
/** Sources fetched in one FETCH up to this many bytes (a larger message is fetched on its own). */
const GROUP_BYTES = 8 * 1024 * 1024;
/** Stored messages are moved in groups of at most this many: fewer round trips, and at most this many re-read
 * after a crash. */
const MOVE_EVERY = 25;
/** This many accept failures in a row end the pass: the store is probably down; the next pass retries. */
const MAX_CONSECUTIVE_FAILURES = 5;
/** Inactivity before IDLE starts after a pass; short, because mail arriving before IDLE waits for it. */
const AUTO_IDLE_DELAY_MS = 250;

/** Parses RELEVO_IMAP_URL; errors name the variable and never repeat the password. */
export function parseImapUrl(url: string): ImapEndpoint {
  const fail = (why: string): never => {
    throw new Error(`${ENV_NAME}: ${why} (expected imap(s)://user:password@host[:port]/MAILBOX)`);
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail('not a valid URL');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') fail(`unsupported scheme "${u.protocol}"`);
  const secure = u.protocol === 'imaps:';
  // Non-special schemes keep IPv6 brackets in the host.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) fail('no host');
  const decode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return fail(`the ${what} is not correctly URL-encoded`);
    }
  };
  const user = decode(u.username, 'user name');
  const password = decode(u.password, 'password');
  if (!user) fail('no user name');
  if (!password) fail('no password');
  const port = u.port ? Number(u.port) : secure ? 993 : 143;
  const path = decode(u.pathname.replace(/^\/+|\/+$/g, ''), 'mailbox');
  const mailbox = path ? path.split('/').filter(Boolean) : ['INBOX'];
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    secure,
    user,
    password,
    mailbox,
    display: `${u.protocol}//${bracketed}:${port}/${mailbox.join('/')}`,
  };
}

/** A readable one-liner for an error, without the request or response payloads IMAP errors can carry. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; responseText?: string };
  const extra = [e.code, e.responseText].filter((x) => x && !e.message.includes(x));
  return extra.length ? `${e.message} (${extra.join(', ')})` : e.message;
}

/** A compact UID set: 1:3,7,9:10. */
function uidSet(uids: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    parts.push(j > i ? `${uids[i]}:${uids[j]}` : String(uids[i]));
    i = j + 1;
  }
  return parts.join(',');
}

export async function startImapSource(opts: ImapSourceOptions): Promise<ImapSource> {
  const ep = parseImapUrl(opts.url);
  const doneFolder = opts.doneFolder.split('/').filter(Boolean);
  if (!doneFolder.length) throw new Error('RELEVO_IMAP_DONE_FOLDER: expected a folder name');
  if (doneFolder.join('/').toUpperCase() === ep.mailbox.join('/').toUpperCase()) {
    throw new Error('RELEVO_IMAP_DONE_FOLDER: must differ from the mailbox RELEVO_IMAP_URL reads');
  }
  const pollMs = opts.pollMs ?? 60_000;
  const useIdle = opts.idle ?? true;
  const backoff = opts.reconnectDelayMs ?? { min: 1_000, max: 60_000 };
  const log = opts.log.child({ imap: ep.display });

  let client: ImapFlow | undefined;
  let closing = false;
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  let rerun = false;
  let connecting: Promise<void> | undefined;
  let outage: { since: number; attempts: number } | undefined;
  let pollTimer: NodeJS.Timeout | undefined;

  /** Logs in, makes sure the done folder exists, opens the mailbox. Rejects (and cleans up) on any failure. */
  const openSession = async (): Promise<ImapFlow> => {
    const c = new ImapFlow({
      host: ep.host,
      port: ep.port,
      secure: ep.secure,
      auth: { user: ep.user, pass: ep.password },
      logger: false,
      clientInfo: { name: 'Relevo' },
      disableAutoIdle: !useIdle,
      autoIdleDelay: AUTO_IDLE_DELAY_MS,
      connectionTimeout: 30_000,
    });
    // Without a listener an 'error' event would crash the process; the 'close' that follows is what counts.
    c.on('error', (err: unknown) => log.debug({ err: describe(err) }, 'IMAP: connection error'));
    try {
      await c.connect();
      await c.mailboxCreate(doneFolder);
      await c.mailboxOpen(ep.mailbox);
    } catch (err) {
      c.close();
      throw err;
    }
    return c;
  };

  const attach = (c: ImapFlow) => {
    client = c;
    c.on('exists', (ev: { count: number; prevCount: number }) => {
      if (ev.count > ev.prevCount) void requestPass();
    });
    const lost = () => {
      if (client !== c) return;
      client = undefined;
      if (closing) return;
      outage ??= { since: Date.now(), attempts: 0 };
      log.warn('IMAP: connection lost; reconnecting in the background (logged again once it is back)');
      reconnect();
    };
    c.on('close', lost);
    // The server may have hung up between the last command and the listener.
    if (!c.usable) lost();
  };

  const reconnect = () => {
    connecting ??= (async () => {
      let delay = backoff.min;
      try {
        while (!closing) {
          try {
            await sleep(delay, undefined, { signal: stop.signal });
          } catch {
            return; // closing
          }
          delay = Math.min(delay * 2, backoff.max);
          if (outage) outage.attempts++;
          let c: ImapFlow;
          try {
            c = await openSession();
          } catch (err) {
            log.debug({ err: describe(err), attempt: outage?.attempts }, 'IMAP: reconnect attempt failed');
            continue;
          }
          if (closing) {
            await c.logout().catch(() => c.close());
            return;
          }
          if (outage) {
            log.info(
              { downMs: Date.now() - outage.since, attempts: outage.attempts },
              'IMAP: reconnected to the mailbox',
            );
          }
          outage = undefined;
          attach(c);
          void requestPass();
          return;
        }
      } finally {
        connecting = undefined;
      }
    })();
  };

  /** One pass: every message in the mailbox, oldest UID first; each moves only once `accept` resolved. */
  const passOnce = async () => {
    const c = client;
    if (!c || closing) return;
    let lock: { release(): void } | undefined;
    try {
      // Holding the lock keeps auto-IDLE from slipping in between the pass's own commands.
      lock = await c.getMailboxLock(ep.mailbox);
      if (opts.mayRead && !(await opts.mayRead())) {
        log.debug('IMAP: another instance is reading the mailbox; skipping this pass');
        return;
      }
      const found = await c.search({ deleted: false }, { uid: true });
      if (!found) throw new Error('UID SEARCH failed');
      const uids = [...found].sort((a, b) => a - b);
      let moved = 0;
      let failed = 0;
      let consecutive = 0;
      pass: for (let i = 0; i < uids.length && !closing; i += BATCH_UIDS) {
        const batch = uids.slice(i, i + BATCH_UIDS);
        const sized = await c.fetchAll(uidSet(batch), { uid: true, size: true }, { uid: true });
        const sizes = new Map(sized.map((m) => [m.uid, m.size ?? 0]));
        // Groups of sources small enough to hold in memory at once; expunged meanwhile: skipped.
        const groups: number[][] = [];
        let group: number[] = [];
        let bytes = 0;
        for (const uid of batch) {
          const size = sizes.get(uid);
          if (size === undefined) continue;
          if (group.length && bytes + size > GROUP_BYTES) {
            groups.push(group);
            group = [];
            bytes = 0;
          }
          group.push(uid);
          bytes += size;
        }
        if (group.length) groups.push(group);

        for (const g of groups) {
          if (closing || (opts.mayRead && !(await opts.mayRead()))) break pass;
          const msgs = await c.fetchAll(uidSet(g), { uid: true, source: true }, { uid: true });
          msgs.sort((a, b) => a.uid - b.uid);
          const stored: number[] = [];
          let stopPass = false;
          for (const m of msgs) {
            if (!m.source) continue;
            try {
              await opts.accept(m.source);
              stored.push(m.uid);
              consecutive = 0;
              if (stored.length >= MOVE_EVERY) {
                const chunk = stored.splice(0);
                await moveToDone(c, chunk);
                moved += chunk.length;
              }
            } catch (err) {
              failed++;
              consecutive++;
              log.warn(
                { uid: m.uid, err: describe(err) },
                'IMAP: could not store a message; it stays in the mailbox and is retried on the next pass',
              );
              if (consecutive >= MAX_CONSECUTIVE_FAILURES) {
                stopPass = true;
                break;
              }
            }
            // Closing: what is stored still moves below, the rest waits for the next start.
            if (closing) break;
          }
          if (stored.length) {
            await moveToDone(c, stored);
            moved += stored.length;
          }
          if (stopPass) {
            log.warn(
              { failures: consecutive },
              'IMAP: several messages in a row could not be stored; pausing until the next pass',
            );
            break pass;
          }
        }
      }
      if (moved || failed) log.info({ moved, failed }, 'IMAP: pass done');
    } catch (err) {
      // A lost connection is reported (once) by its 'close' handler; anything else is worth a line here.
      if (c.usable && !closing)
        log.warn({ err: describe(err) }, 'IMAP: pass failed; retrying on the next one');
    } finally {
      lock?.release();
    }
  };

  const moveToDone = async (c: ImapFlow, uids: number[]) => {
    let res = await c.messageMove(uidSet(uids), doneFolder, { uid: true });
    if (!res && c.usable) {
      // Someone may have deleted the done folder while we were connected.
      await c.mailboxCreate(doneFolder);
      res = await c.messageMove(uidSet(uids), doneFolder, { uid: true });
    }
    if (!res) throw new Error(`moving UIDs ${uidSet(uids)} to ${doneFolder.join('/')} failed`);
  };

  /** Serialises passes: a request during a pass runs one more pass after it; all callers wait for that. */
  const requestPass = (): Promise<void> => {
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          rerun = false;
          await passOnce();
        } while (rerun && !closing && client);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  // First connection: a wrong password or mailbox is a configuration error worth refusing to start over;
  // an unreachable server is not (it is retried in the background like any later outage).
  try {
    attach(await openSession());
    log.info({ doneFolder: doneFolder.join('/'), idle: useIdle, pollMs }, 'IMAP source ready');
  } catch (err) {
    const e = err as { authenticationFailed?: boolean; mailboxMissing?: boolean };
    if (e.authenticationFailed) {
      throw new Error(`${ENV_NAME}: the IMAP server refused the login of "${ep.user}" at ${ep.display}`);
    }
    if (e.mailboxMissing) {
      throw new Error(`${ENV_NAME}: the mailbox "${ep.mailbox.join('/')}" does not exist at ${ep.display}`);
    }
    outage = { since: Date.now(), attempts: 1 };
    log.warn(
      { err: describe(err) },
      'IMAP: cannot reach the mailbox; retrying in the background (logged again once it is back)',
    );
    reconnect();
  }
  if (client) void requestPass();
  pollTimer = setInterval(() => {
    if (client && !closing) void requestPass();
  }, pollMs);
  pollTimer.unref();

  return {
    sync: () => (client && !closing ? requestPass() : Promise.resolve()),
    get connected() {
      return !!client?.usable;
    },
    get idling() {
      return !!client?.idling;
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pollTimer);
      stop.abort();
      await connecting;
      await running;
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
      log.info('IMAP source stopped');
    },
  };
}
