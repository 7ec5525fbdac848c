import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import { monitorFor, presentedSecret } from './auth.ts';
import { resolveMonitors } from './tokens.ts';

const monitors = [
  { id: 'prod', source: 'alertmanager' as const, token: 'prod-secret-0123456789' },
  { id: 'staging', source: 'alertmanager' as const, token: 'staging-secret-0123456789' },
  { id: 'grafana', source: 'grafana' as const, token: 'grafana-secret-0123456789' },
];

describe('webhook secrets', () => {
  it('reads a bearer token, or basic auth’s password (any user name)', () => {
    expect(presentedSecret('Bearer abc')).toBe('abc');
    expect(presentedSecret('bearer abc')).toBe('abc');
    expect(presentedSecret(`Basic ${Buffer.from('kuma:pass:word').toString('base64')}`)).toBe('pass:word');
    expect(presentedSecret(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeUndefined();
    expect(presentedSecret('Token abc')).toBeUndefined();
    expect(presentedSecret(undefined)).toBeUndefined();
  });

  it('finds the monitor of that source whose token matches; another source’s token is wrong', () => {
    expect(monitorFor(monitors, 'alertmanager', 'staging-secret-0123456789')?.id).toBe('staging');
    expect(monitorFor(monitors, 'alertmanager', 'prod-secret-0123456789')?.id).toBe('prod');
    expect(monitorFor(monitors, 'alertmanager', 'grafana-secret-0123456789')).toBeUndefined();
    expect(monitorFor(monitors, 'alertmanager', 'prod-secret-012345678')).toBeUndefined();
    expect(monitorFor(monitors, 'alertmanager', undefined)).toBeUndefined();
  });

  it('resolves env:NAME at start-up, naming the monitor and the variable when it is missing', () => {
    const settings = [{ id: 'prometheus', source: 'alertmanager' as const, token: 'env:RELEVO_AM_TOKEN' }];
    expect(resolveMonitors(settings, { RELEVO_AM_TOKEN: 'from-the-environment-1' })[0]?.token).toBe(
      'from-the-environment-1',
    );
    expect(() => resolveMonitors(settings, {})).toThrow(ConfigError);
    expect(() => resolveMonitors(settings, {})).toThrow(
      'relevo.yaml monitors[0].token (monitor "prometheus"): says env:RELEVO_AM_TOKEN, but the environment variable RELEVO_AM_TOKEN is not set',
    );
    expect(() => resolveMonitors(settings, { RELEVO_AM_TOKEN: 'short' })).toThrow(/shorter than 16/);
    try {
      resolveMonitors(settings, { RELEVO_AM_TOKEN: 'short' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short"');
    }
  });
});
