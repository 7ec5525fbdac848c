// Discord's variables as Relevo's one environment parser reads them: a wrong value says what was expected.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseEnv } from '../../src/config/env.ts';

// The shape of a real token (base64 of the bot's id, a timestamp, an HMAC); not a working one.
const token = `MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GxYz12.${'a1B2c3D4e5'.repeat(4)}`;
const appId = '123456789012345678';

describe('Discord environment', () => {
  it('is off by default, with the documented defaults', () => {
    const env = parseEnv({});
    expect(env.DISCORD_BOT_TOKEN).toBeUndefined();
    expect(env.DISCORD_API_URL).toBe('https://discord.com/api');
    expect(env.DISCORD_GATEWAY_RETRY_MS).toBe(5000);
  });

  it('accepts a complete setting, and a base address with a trailing slash', () => {
    const env = parseEnv({
      DISCORD_BOT_TOKEN: token,
      DISCORD_APPLICATION_ID: appId,
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
      DISCORD_AGENTS_ROLE: '98765432109876543',
      DISCORD_GATEWAY_RETRY_MS: '250',
    });
    expect(env.DISCORD_API_URL).toBe('http://127.0.0.1:9999/api');
    expect(env.DISCORD_GATEWAY_RETRY_MS).toBe(250);
  });

  it('says what a token, an id or a key should look like', () => {
    const both = { DISCORD_APPLICATION_ID: appId };
    expect(() => parseEnv({ ...both, DISCORD_BOT_TOKEN: `Bot ${token}` })).toThrow(
      /DISCORD_BOT_TOKEN=.*without a `Bot ` prefix/,
    );
    expect(() => parseEnv({ ...both, DISCORD_BOT_TOKEN: 'a.b.c' })).toThrow(/at least 50 characters/);
    expect(() => parseEnv({ DISCORD_BOT_TOKEN: token, DISCORD_APPLICATION_ID: 'relevo' })).toThrow(
      /DISCORD_APPLICATION_ID=.*17 to 20 digits/,
    );
    expect(() => parseEnv({ DISCORD_PUBLIC_KEY: 'xyz' })).toThrow(/64 hex digits/);
    expect(() => parseEnv({ DISCORD_AGENTS_ROLE: '@agents' })).toThrow(/DISCORD_AGENTS_ROLE=.*Copy Role ID/);
    expect(() => parseEnv({ DISCORD_GATEWAY_RETRY_MS: '10' })).toThrow(/DISCORD_GATEWAY_RETRY_MS/);
    expect(() => parseEnv({ DISCORD_GATEWAY_RETRY_MS: '600000' })).toThrow(/DISCORD_GATEWAY_RETRY_MS/);
  });

  it('wants the token and the application id together, and says where each is found', () => {
    expect(() => parseEnv({ DISCORD_BOT_TOKEN: token })).toThrow(ConfigError);
    expect(() => parseEnv({ DISCORD_BOT_TOKEN: token })).toThrow(
      /DISCORD_APPLICATION_ID: required with DISCORD_BOT_TOKEN \(.*Application ID\)/,
    );
    expect(() => parseEnv({ DISCORD_APPLICATION_ID: appId })).toThrow(
      /DISCORD_BOT_TOKEN: required with DISCORD_APPLICATION_ID \(.*Reset Token\)/,
    );
  });
});
