// One throw-away Prometheus or Alertmanager process: a plain child (not daemonized) in its own process
// group, its config, data and log in a temp directory, listening on 127.0.0.1 on a free port. Shared by
// prometheus.ts and alertmanager.ts, which only differ in their flags and config.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnWatchdog } from '../watchdog.ts';

export const HOST = '127.0.0.1';
/** Start-up on a loaded two-core CI machine can be slow (TSDB open, Go runtime); never the normal case. */
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export const INSTALL_HINT =
  "install Debian's packages: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager " +
  '(.ci/run does this)';

export interface Daemon {
  port: number;
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  pid: number;
  /** The temp directory holding config, data and log; removed by stop(). */
  dir: string;
  /** stdout and stderr of the process: the first place to look when something does not arrive. */
  logPath: string;
  /** What the process has logged so far ('' once stopped). */
  log(): Promise<string>;
  /** Kills the process group and removes the directory; safe to call more than once. */
  stop(): Promise<void>;
}

export interface DaemonSpec {
  /** Short name used in the temp directory, the log file and errors: 'prometheus', 'alertmanager'. */
  name: string;
  bin: string;
  /** Writes the config files into `dir` (called once per attempt, with the port being tried). */
  prepare(dir: string, port: number): Promise<void>;
  /** The command line for a given port. */
  args(dir: string, port: number): string[];
}

export function requireBinary(bin: string, pkg: string): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: ${INSTALL_HINT} (package ${pkg})`);
}

export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  const dir = await mkdtemp(path.join(tmpdir(), `relevo-${spec.name}-`));
  const logPath = path.join(dir, `${spec.name}.log`);
  try {
    // The port is found by binding port 0 and releasing it, so something else may take it before the
    // process binds it (neither binary reports the port it chose for ':0'): retry on that failure only.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await spec.prepare(dir, port);
      const child = await spawnLogged(spec.bin, spec.args(dir, port), logPath);
      const url = `http://${HOST}:${port}`;
      const outcome = await waitReady(child, url);
      if (outcome === 'ready') return makeDaemon({ child, port, url, dir, logPath, name: spec.name });
      const log = await readFile(logPath, 'utf8').catch(() => '');
      if (outcome === 'exited' && attempt < 3 && /address already in use/i.test(log)) continue;
      await killGroup(child);
      const how =
        outcome === 'exited'
          ? `exited (code ${child.exitCode}, signal ${child.signalCode})`
          : `was not ready within ${READY_TIMEOUT_MS} ms`;
      throw new Error(
        `${spec.name} on ${url} ${how}; command: ${spec.bin} ${spec.args(dir, port).join(' ')}\n` +
          `--- ${logPath} ---\n${log.slice(-8000)}`,
      );
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}

async function spawnLogged(bin: string, args: string[], logPath: string): Promise<ChildProcess> {
  const log = await open(logPath, 'a');
  try {
    const child = spawn(bin, args, {
      // Its own process group, so stop() (and the watchdog) can signal everything it might start.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    child.on('error', () => {});
    // Detached children would otherwise keep the test process alive after everything else is done.
    child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new Error(`${bin}: ${e.message}; ${INSTALL_HINT}`)));
    });
    return child;
  } finally {
    // The child holds its own copy of the descriptor.
    await log.close();
  }
}

const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

async function waitReady(child: ChildProcess, url: string): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone(child)) return 'exited';
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      // Prometheus answers 503 while its TSDB opens; Alertmanager is ready once its API is up.
      if (res.status === 200 && !gone(child)) return 'ready';
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  return gone(child) ? 'exited' : 'timeout';
}

function makeDaemon(s: {
  child: ChildProcess;
  port: number;
  url: string;
  dir: string;
  logPath: string;
  name: string;
}): Daemon {
  const pid = s.child.pid!;
  const watchdog = startWatchdog(pid, s.dir);
  live.set(pid, s.dir);
  ensureExitHook();
  let stopping: Promise<void> | undefined;
  return {
    port: s.port,
    url: s.url,
    pid,
    dir: s.dir,
    logPath: s.logPath,
    log: () => readFile(s.logPath, 'utf8').catch(() => ''),
    stop: () => {
      stopping ??= (async () => {
        live.delete(pid);
        await killGroup(s.child);
        // The watchdog would race us to the same cleanup; it only matters if we never get here.
        if (watchdog?.pid) signalGroup(watchdog.pid, 'SIGKILL');
        watchdog?.stdin?.destroy();
        await rm(s.dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the group, SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (!child.pid) return;
  if (gone(child)) {
    signalGroup(child.pid, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// Best effort against leaks when the test process dies without calling stop(). On a normal exit the
// 'exit' hook kills every live group and removes its directory. A detached shell holding a pipe from
// us covers the rest (a worker killed by SIGKILL or a timeout): the pipe reaches EOF when we die,
// however we die, and the shell then kills the group and removes the directory.
const live = new Map<number, string>();
let exitHooked = false;
function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const [pid, dir] of live) {
      signalGroup(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function startWatchdog(pid: number, dir: string): ChildProcess | undefined {
  const script = [
    'while read -r _; do :; done',
    // dash's kill takes no '--', and a negative pid (the group) only after the signal option.
    'kill -TERM "-$1" 2>/dev/null',
    'i=0; while kill -0 "-$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
    'kill -KILL "-$1" 2>/dev/null',
    'rm -rf "$2"',
  ].join('\n');
  return spawnWatchdog(script, 'relevo-monitoring-watchdog', [String(pid), dir]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A JSON answer from one of the daemons' APIs, with the body in the error when the status is not 2xx. */
export async function apiJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${res.status}: ${text.slice(0, 2000)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
