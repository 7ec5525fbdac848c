// relevo.yaml monitors with their secrets resolved: `env:NAME` is read from the environment once, at
// start-up, so a missing variable stops Relevo with the monitor and the variable named — never later, at
// the first alert. The secret itself is never logged or put in a message.
import { ConfigError } from '../config/config-error.ts';
import type { AlertSource } from '../core/alerts/batch.ts';
import type { MonitorSettings } from '../core/config.ts';

export interface Monitor {
  readonly id: string;
  readonly source: AlertSource;
  readonly token: string;
  readonly url?: string;
}

const MIN_LENGTH = 16;

export function resolveMonitors(
  monitors: readonly MonitorSettings[],
  environment: Readonly<Record<string, string | undefined>>,
): Monitor[] {
  return monitors.map((m, i) => {
    const where = `relevo.yaml monitors[${i}].token (monitor "${m.id}")`;
    const named = /^env:(.+)$/.exec(m.token);
    if (!named) return { ...m };
    const name = named[1] as string;
    const value = environment[name];
    if (value === undefined || value === '') {
      throw new ConfigError(`${where}: says env:${name}, but the environment variable ${name} is not set`);
    }
    if (value.length < MIN_LENGTH) {
      throw new ConfigError(
        `${where}: the environment variable ${name} holds a secret shorter than ${MIN_LENGTH} characters`,
      );
    }
    return { ...m, token: value };
  });
}
