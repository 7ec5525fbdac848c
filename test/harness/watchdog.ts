// A shell that outlives the test process to clean up after a throw-away server (Dovecot, Prometheus,
// Alertmanager) if the tests die without stopping it: it waits for its stdin to close (the test process
// ending, however it ends), then runs `script` with `args` as $1, $2…
import { spawn } from 'node:child_process';
import type net from 'node:net';

export function spawnWatchdog(script: string, name: string, args: string[]) {
  try {
    const child = spawn('/bin/sh', ['-c', script, name, ...args], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // Neither the process nor its pipe may keep the test process alive.
    child.unref();
    (child.stdin as unknown as net.Socket | null)?.unref();
    return child;
  } catch {
    return undefined;
  }
}
