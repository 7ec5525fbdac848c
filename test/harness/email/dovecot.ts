// A throw-away Dovecot IMAP server for tests: its own temp directory (config, passwd file, maildirs,
// sockets, pid file, log), 127.0.0.1 on a free port, plain-text login without TLS. Starts in well
// under a second; see TOOLCHAIN.md (Email) for why a real server rather than a fake.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { spawnWatchdog } from '../watchdog.ts';

const execFileAsync = promisify(execFile);

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotMessage {
  uid: number;
  flags: string[];
  raw: Buffer;
}

export interface Dovecot {
  host: string;
  port: number;
  /** The default (first) user. */
  user: string;
  password: string;
  users: DovecotUser[];
  /** The instance's temp directory; removed by stop(). */
  dir: string;
  /** Dovecot's own log, the first place to look when a login or command fails. */
  logPath: string;
  /** Options for `new ImapFlow(...)`, for the default user or another one by name. */
  imapOptions(user?: string): ImapFlowOptions;
  /** Appends a message as the default user, creating the mailbox if needed; resolves with its UID. */
  append(mailbox: string, raw: Buffer | string, flags?: string[]): Promise<number>;
  /**
   * Every message in the mailbox, without \Recent, opened read-only so \Seen and the rest stay as they
   * are. Rejects if the mailbox does not exist.
   */
  list(mailbox: string): Promise<DovecotMessage[]>;
  /**
   * The login penalties Dovecot's anvil holds (`doveadm penalty`): none while the harness's config keeps
   * it from delaying repeated failed logins, which all come from 127.0.0.1.
   */
  authPenalties(): Promise<{ ip: string; penalty: number }[]>;
  /** Kills the server and removes its directory; safe to call more than once. */
  stop(): Promise<void>;
}

const DOVECOT_BIN = process.env.RELEVO_DOVECOT_BIN ?? '/usr/sbin/dovecot';
const DOVEADM_BIN = process.env.RELEVO_DOVEADM_BIN ?? '/usr/bin/doveadm';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export async function startDovecot(opts: { users?: DovecotUser[] } = {}): Promise<Dovecot> {
  const users = opts.users?.length
    ? opts.users
    : [{ user: 'support@relevo.test', password: randomBytes(9).toString('base64url') }];
  for (const u of users) {
    // The passwd file is colon-separated and line-based; anything else would silently corrupt it.
    if (/[:\n\r]/.test(u.user) || /[:\n\r]/.test(u.password) || !u.user) {
      throw new Error(`startDovecot: user names and passwords cannot be empty or contain ':' or newlines`);
    }
  }
  const ids = identity();

  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-dovecot-'));
  // Dovecot expands %-variables in paths and splits `args` on spaces, so an odd TMPDIR would break
  // the config in confusing ways; refuse it up front instead.
  if (!/^[A-Za-z0-9_./-]+$/.test(dir)) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`startDovecot: temp directory path ${dir} has characters Dovecot's config cannot take`);
  }
  const paths = {
    conf: path.join(dir, 'dovecot.conf'),
    passwd: path.join(dir, 'users'),
    run: path.join(dir, 'run'),
    state: path.join(dir, 'state'),
    mail: path.join(dir, 'mail'),
    log: path.join(dir, 'dovecot.log'),
  };
  try {
    // The auth process reads the passwd file as `default_internal_user`, not as us, and mkdtemp's
    // 0700 would lock it out when we are root.
    await chmod(dir, 0o755);
    await mkdir(paths.run);
    await mkdir(paths.state);
    await mkdir(paths.mail, { mode: 0o755 });
    // Mail processes run as the mail user and create each user's home (and Maildir) themselves.
    if (ids.chownMail) await chown(paths.mail, ids.mailUid, ids.mailGid);
    const passwd = users
      .map((u, i) => `${u.user}:{PLAIN}${u.password}:${ids.mailUid}:${ids.mailGid}::${paths.mail}/u${i}::\n`)
      .join('');
    await writeFile(paths.passwd, passwd, { mode: 0o644 });

    let port = 0;
    // The port is found by binding port 0 and releasing it, so another process can grab it before
    // Dovecot binds it: retry a couple of times on that specific failure.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      await writeFile(paths.conf, config({ ...paths, port, ids }));
      const res = await run(DOVECOT_BIN, ['-c', paths.conf], path.join(dir, 'start.err'));
      if (res.code === 0) break;
      const log = await readFile(paths.log, 'utf8').catch(() => '');
      if (attempt < 3 && /Address already in use/.test(res.stderr + log)) continue;
      throw new Error(`dovecot failed to start (exit ${res.code}):\n${res.stderr}\n${log}`.trim());
    }
    // `dovecot` returns once it has forked; the listener is already bound, and the greeting proves
    // the login process behind it is up.
    await waitForGreeting(port, START_TIMEOUT_MS);
    const pid = await readPid(path.join(paths.run, 'master.pid'));
    return makeInstance({ dir, paths, port, pid, users });
  } catch (err) {
    // A half-started instance must not outlive the failed call.
    const pid = await readPid(path.join(paths.run, 'master.pid'), 0).catch(() => 0);
    if (pid) await killAndWait(pid);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}

interface Identity {
  internalUser: string;
  loginUser: string;
  internalGroup: string | null;
  mailUid: number;
  mailGid: number;
  chownMail: boolean;
}

// Which system users Dovecot runs as. As root (CI), Dovecot keeps its privilege separation:
// internal processes as `dovecot`, login processes as `dovenull` (both created by Debian's package),
// and mail as `nobody`, because imap refuses to touch mail as root ("Mail access not allowed for
// root") and passwd-file rejects UID 0 outright. As a normal user it cannot switch users at all, so
// everything runs as that user ("rootless" mode) and the internal group must be named explicitly
// (the default `dovecot` group makes the master try to chown its sockets, which fails).
function identity(): Identity {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const passwd = readSystemFile('/etc/passwd');
  if (uid === 0) {
    for (const name of ['dovecot', 'dovenull']) {
      if (!passwd.has(name)) {
        throw new Error(`startDovecot: system user '${name}' is missing (install Debian's dovecot-imapd)`);
      }
    }
    const nobody = passwd.get('nobody');
    return {
      internalUser: 'dovecot',
      loginUser: 'dovenull',
      internalGroup: null,
      mailUid: nobody ? nobody.id : 65534,
      mailGid: nobody?.gid ?? 65534,
      chownMail: true,
    };
  }
  const group = [...readSystemFile('/etc/group')].find(([, g]) => g.id === gid)?.[0];
  if (!group) throw new Error(`startDovecot: group ${gid} has no name in /etc/group; Dovecot needs one`);
  const name = userInfo().username;
  return {
    internalUser: name,
    loginUser: name,
    internalGroup: group,
    mailUid: uid,
    mailGid: gid,
    chownMail: false,
  };
}

function readSystemFile(file: string): Map<string, { id: number; gid?: number }> {
  const out = new Map<string, { id: number; gid?: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, , id, gid] = line.split(':');
    if (name && id && /^\d+$/.test(id)) out.set(name, { id: Number(id), gid: gid ? Number(gid) : undefined });
  }
  return out;
}

function config(c: {
  run: string;
  state: string;
  log: string;
  passwd: string;
  port: number;
  ids: Identity;
}): string {
  const { ids } = c;
  const lines = [
    '# Generated by test/harness/email/dovecot.ts for one throw-away test instance.',
    'protocols = imap',
    'listen = 127.0.0.1',
    // Everything Dovecot writes lives in the temp directory, so instances never meet.
    `base_dir = ${c.run}`,
    `state_dir = ${c.state}`,
    `log_path = ${c.log}`,
    `info_log_path = ${c.log}`,
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    // Tests of bad credentials should fail fast: this drops Dovecot's default 2 s delay, leaving only
    // its 500 ms failure-flush timer.
    'auth_failure_delay = 0',
    `default_internal_user = ${ids.internalUser}`,
    `default_login_user = ${ids.loginUser}`,
    ...(ids.internalGroup ? [`default_internal_group = ${ids.internalGroup}`] : []),
    // The mail user may be a system account below the default first_valid_uid of 500.
    `first_valid_uid = ${ids.mailUid}`,
    `last_valid_uid = ${ids.mailUid}`,
    `first_valid_gid = ${ids.mailGid}`,
    `last_valid_gid = ${ids.mailGid}`,
    'mail_location = maildir:~/Maildir',
    // Throw-away data: skip the fsyncs.
    'mail_fsync = never',
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${c.passwd}`,
    '}',
    'userdb {',
    '  driver = passwd-file',
    `  args = username_format=%u ${c.passwd}`,
    '}',
    'service imap-login {',
    // chroot needs root; without it the same config works as root and as a normal user.
    '  chroot =',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${c.port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '}',
    'service anvil {',
    '  chroot =',
    // An unusable auth-penalty socket turns off the growing delay (up to 15 s) for repeated failed
    // logins from one IP, which every test connection shares. The auth process may log one
    // "net_connect_unix(anvil-auth-penalty) failed" error for it; that is expected.
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function makeInstance(s: {
  dir: string;
  paths: { conf: string; run: string; log: string };
  port: number;
  pid: number;
  users: DovecotUser[];
}): Dovecot {
  const first = s.users[0]!;
  const watchdog = startWatchdog(s.dir, path.join(s.paths.run, 'master.pid'));
  let stopping: Promise<void> | undefined;

  const imapOptions = (user?: string): ImapFlowOptions => {
    const u = user === undefined ? first : s.users.find((x) => x.user === user);
    if (!u) throw new Error(`Dovecot: no user ${user}`);
    return {
      host: HOST,
      port: s.port,
      secure: false,
      logger: false,
      auth: { user: u.user, pass: u.password },
    };
  };

  // One short connection per helper call: tests get no shared state, and no auto-IDLE in between.
  const withClient = async <T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ ...imapOptions(), disableAutoIdle: true });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  const instance: Dovecot = {
    host: HOST,
    port: s.port,
    user: first.user,
    password: first.password,
    users: s.users,
    dir: s.dir,
    logPath: s.paths.log,
    imapOptions,
    append: (mailbox, raw, flags) =>
      withClient(async (client) => {
        if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox);
        const res = await client.append(mailbox, typeof raw === 'string' ? Buffer.from(raw) : raw, flags);
        if (!res || res.uid === undefined) throw new Error(`Dovecot: APPEND to ${mailbox} returned no UID`);
        return res.uid;
      }),
    list: (mailbox) =>
      withClient(async (client) => {
        const box = await client.mailboxOpen(mailbox, { readOnly: true });
        if (box.exists === 0) return [];
        const out: DovecotMessage[] = [];
        for await (const msg of client.fetch('1:*', { uid: true, flags: true, source: true })) {
          // \Recent says which session saw the message first, not anything about the message.
          const flags = [...(msg.flags ?? [])].filter((f) => f !== '\\Recent').sort();
          out.push({ uid: msg.uid, flags, raw: msg.source ?? Buffer.alloc(0) });
        }
        return out;
      }),
    authPenalties: async () => {
      const { stdout } = await execFileAsync(DOVEADM_BIN, ['-c', s.paths.conf, 'penalty']);
      // A header line ("IP penalty last_penalty last_update"), then one line per penalised IP.
      return stdout
        .split('\n')
        .slice(1)
        .filter((line) => line.trim())
        .map((line) => {
          const [ip = '', penalty = ''] = line.trim().split(/\s+/);
          return { ip, penalty: Number(penalty) };
        });
    },
    stop: () => {
      stopping ??= (async () => {
        live.delete(s.pid);
        // The watchdog would race us to the same cleanup; it only matters if we never get here.
        watchdog?.kill('SIGKILL');
        watchdog?.stdin?.destroy();
        await killAndWait(s.pid);
        await rm(s.dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    },
  };
  live.add(s.pid);
  ensureExitHook();
  return instance;
}

// Best effort against leaks when the test process dies without calling stop(). On a normal exit the
// 'exit' hook signals every live master. A detached shell holding a pipe from us covers the rest
// (a worker killed by SIGKILL or a timeout): the pipe reaches EOF when we die, however we die, and
// the shell then stops Dovecot and removes its directory.
const live = new Set<number>();
let exitHooked = false;
function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
    }
  });
}

function startWatchdog(dir: string, pidFile: string): ChildProcess | undefined {
  const script = [
    'while read -r _; do :; done',
    'pid=$(cat "$2" 2>/dev/null) && kill -TERM "$pid" 2>/dev/null',
    // Dovecot removes its pid file on the way out; give it the same bound as stop().
    'i=0; while [ -e "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
    'rm -rf "$1"',
  ].join('\n');
  return spawnWatchdog(script, 'relevo-dovecot-watchdog', [dir, pidFile]);
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // The master lingers about a second after SIGTERM while its log process drains.
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (!isGone(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      return;
    }
    await sleep(20);
  }
}

// The master is re-parented to PID 1 when it daemonizes, so once it exits it may stay a zombie
// until init reaps it; signal 0 still succeeds on a zombie, hence the look at /proc.
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

async function readPid(file: string, timeoutMs = 2_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (pid > 0) return pid;
    if (Date.now() >= deadline) throw new Error(`dovecot wrote no pid to ${file}`);
    await sleep(10);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// Waits for `exit`, not `close`: the daemonized master inherits stdio, so pipes would stay open for
// its whole life. Its start-up errors go to a file instead and are read back on failure.
async function run(cmd: string, args: string[], errFile: string): Promise<{ code: number; stderr: string }> {
  const err = await open(errFile, 'w');
  let spawnError = '';
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', err.fd] });
      child.on('error', (e) => {
        spawnError = `${cmd}: ${e.message}\n`;
        resolve(127);
      });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    return { code, stderr: spawnError + (await readFile(errFile, 'utf8').catch(() => '')) };
  } finally {
    await err.close();
  }
}

async function waitForGreeting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await greeting(port).catch((err: Error) => err.message);
    if (last.startsWith('* OK')) return;
    await sleep(20);
  }
  throw new Error(`dovecot on port ${port} did not greet within ${timeoutMs} ms (last: ${last})`);
}

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, HOST);
    let buf = '';
    sock.setTimeout(2_000, () => sock.destroy(new Error('no greeting')));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) {
        sock.destroy();
        resolve(buf.split('\r\n')[0]!);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => reject(new Error(buf ? `partial greeting ${buf}` : 'closed without greeting')));
  });
}
