import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseEnv } from './env.ts';
import { parseConfigFile } from './file.ts';
import { demoConfigPath } from './index.ts';

const demo = readFileSync(demoConfigPath, 'utf8');

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      RELEVO_DATA_DIR: './data',
      LOG_LEVEL: 'info',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    const cfg = parseConfigFile(demo, 'demo.yaml');
    expect(cfg.tickets.confirmationWindow).toBe(7 * 24 * 60);
    expect(cfg.plans.production?.sla.normal.firstResponse).toBe(8 * 60);
  });

  it('names the variable and what it expected', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL=.*expected a postgresql:\/\//,
    );
    expect(() => parseEnv({ RELEVO_API_TOKEN: 'short' })).toThrow(/RELEVO_API_TOKEN.*at least 16/);
    expect(() => parseEnv({ RELEVO_METRICS_TOKEN: 'short' })).toThrow(/RELEVO_METRICS_TOKEN.*at least 16/);
    expect(() => parseEnv({ RELEVO_METRICS_TOKEN: 'has a space in it, sadly' })).toThrow(/no spaces/);
    expect(() => parseEnv({ RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: 'mx.acme.example; dmarc=pass' })).toThrow(
      /RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS=.*expected comma-separated server names/,
    );
  });

  it('reads the trusted authserv-ids as a lower-case list', () => {
    expect(parseEnv({}).RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS).toBeUndefined();
    expect(
      parseEnv({ RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: ' MX1.Acme.example, mx2.acme.example,' })
        .RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS,
    ).toEqual(['mx1.acme.example', 'mx2.acme.example']);
  });

  it('reads the HTTP timeouts, the SMTP limits and the trusted proxies', () => {
    expect(parseEnv({})).toMatchObject({
      RELEVO_HTTP_HEADERS_TIMEOUT_MS: 10_000,
      RELEVO_HTTP_REQUEST_TIMEOUT_MS: 30_000,
      RELEVO_SMTP_TIMEOUT_MS: 60_000,
      RELEVO_SMTP_MAX_CLIENTS: 50,
    });
    expect(parseEnv({}).RELEVO_TRUST_PROXY).toBeUndefined();
    expect(parseEnv({ RELEVO_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).RELEVO_TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    // Trusting every hop (or a hop count) would let anyone choose their address and walk past the limits.
    expect(() => parseEnv({ RELEVO_TRUST_PROXY: 'true' })).toThrow(/RELEVO_TRUST_PROXY.*not true/);
    expect(() => parseEnv({ RELEVO_TRUST_PROXY: '2' })).toThrow(/RELEVO_TRUST_PROXY/);
    expect(() =>
      parseEnv({ RELEVO_HTTP_HEADERS_TIMEOUT_MS: '20000', RELEVO_HTTP_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/RELEVO_HTTP_HEADERS_TIMEOUT_MS: must not exceed/);
  });

  it('has a default for every limit and reads overrides from relevo.yaml', () => {
    const defaults = parseConfigFile(demo, 'demo.yaml').limits;
    expect(defaults.webchatSessionsPerAddress).toEqual({ max: 30, per: 60 });
    expect(defaults.webchatMessagesPerSession).toEqual({ max: 20, per: 1 });
    expect(defaults.ticketsPerVisitor).toEqual({ max: 10, per: 60 });
    expect(defaults.signInsPerAddress).toEqual({ max: 10, per: 15 });
    expect(defaults.wrongTokensPerAddress).toEqual({ max: 20, per: 15 });
    expect(defaults.streamsPerSession).toBe(5);
    expect(defaults.streamsPerAddress).toBe(50);
    const tuned = parseConfigFile(
      `${demo}\nlimits:\n  ticketsPerVisitor: { max: 3, per: 1d }\n  streamsPerAddress: 200\n`,
      'relevo.yaml',
    ).limits;
    expect(tuned.ticketsPerVisitor).toEqual({ max: 3, per: 24 * 60 });
    expect(tuned.streamsPerAddress).toBe(200);
    expect(tuned.webchatSessionsPerVisitor).toEqual(defaults.webchatSessionsPerVisitor);
    expect(() =>
      parseConfigFile(`${demo}\nlimits:\n  ticketsPerVisitor: { max: 0, per: 1h }\n`, 'relevo.yaml'),
    ).toThrow(/limits\.ticketsPerVisitor\.max/);
    expect(() => parseConfigFile(`${demo}\nlimits:\n  messagesPerMinute: 5\n`, 'relevo.yaml')).toThrow(
      /limits/,
    );
  });

  it('names the file, the field and what it expected', () => {
    const wrongPlan = demo.replace('plan: production', 'plan: gold');
    expect(() => parseConfigFile(wrongPlan, 'relevo.yaml')).toThrow(
      /relevo\.yaml is not valid:\n {2}organisations\.0\.plan: expected one of the plans defined under "plans" \(production, development\)/,
    );
    const badDuration = demo.replace('firstResponse: 1h', 'firstResponse: soon');
    expect(() => parseConfigFile(badDuration, 'relevo.yaml')).toThrow(
      /plans\.production\.sla\.urgent\.firstResponse: expected a duration/,
    );
    const badLanguage = demo.replace('language: en', 'language: fr');
    expect(() => parseConfigFile(badLanguage, 'relevo.yaml')).toThrow(/organisations\.0\.language/);
    expect(() => parseConfigFile('plans: [', 'relevo.yaml')).toThrow(/relevo\.yaml: not valid YAML/);
    expect(() => parseConfigFile(`${demo}\nunknownKey: 1\n`, 'relevo.yaml')).toThrow(/unknownKey/);
  });

  it('reads unquoted Discord ids exactly, and numbers as numbers', () => {
    // 1234567890123456789 is past 2^53: read as a number it would become …6800, another channel.
    const yaml = `${demo}\nchannels:\n  - { platform: discord, id: 1234567890123456789, kind: agents }\n`;
    const cfg = parseConfigFile(yaml, 'relevo.yaml');
    expect(cfg.channels[0]?.id).toBe('1234567890123456789');
    const limits = parseConfigFile(`${demo}\nlimits:\n  streamsPerSession: 7\n`, 'relevo.yaml');
    expect(limits.limits.streamsPerSession).toBe(7);
  });

  it('accepts a ticket panel only on a support channel with an organisation', () => {
    const panel = (line: string) => parseConfigFile(`${demo}\nchannels:\n  - ${line}\n`, 'relevo.yaml');
    expect(
      panel('{ platform: discord, id: "1", kind: support, organisation: demo, panel: true }').channels[0]
        ?.panel,
    ).toBe(true);
    expect(() => panel('{ platform: discord, id: "1", kind: agents, panel: true }')).toThrow(
      /channels\.0\.panel: expected a support channel/,
    );
  });
});
