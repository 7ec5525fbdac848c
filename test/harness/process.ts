// Real `relevo start` processes for tests that need what only a process has: a crash (SIGKILL), a
// signal from a process manager, several instances on one database.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { eventually } from './http.ts';

export const root = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `command` (default: the built `bin/relevo.mjs start`) with only the given environment. */
export function startRelevo(
  env: Record<string, string>,
  command: string[] = [process.execPath, 'bin/relevo.mjs', 'start'],
): ChildProcess {
  const [file, ...args] = command;
  const child = spawn(file ?? process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last of what it printed (warnings and errors at LOG_LEVEL=warn), shown if it fails to start.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  printed.set(child, () => output);
  // Even if the test run itself is cut short, no Relevo outlives it.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  return child;
}

const printed = new WeakMap<ChildProcess, () => string>();

/** Waits for /healthz; fails at once, with what the process printed, if it exits first. */
export async function healthy(base: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const failed = () => {
    const how = child.exitCode !== null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
    return new Error(`${base} exited before answering /healthz (${how}):\n${printed.get(child)?.() ?? ''}`);
  };
  await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw failed();
      try {
        return (await fetch(`${base}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    `${base} to answer /healthz`,
    timeoutMs,
  ).catch((err: Error) => {
    throw err.message.startsWith('timed out')
      ? new Error(`${err.message}; it printed:\n${printed.get(child)?.()}`)
      : err;
  });
}

/** Resolves once the process has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });

/**
 * A `relevo` command line run to its end without blocking this process (a fake server in the test may
 * have to answer it), with only the given environment besides PATH and HOME.
 *
 * @example const run = await relevoCommand({ DISCORD_APPLICATION_ID: '…' }, 'discord', 'invite');
 */
export function relevoCommand(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bin/relevo.mjs', args, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
