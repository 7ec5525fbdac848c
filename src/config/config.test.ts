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
});
