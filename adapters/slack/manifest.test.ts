import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CommandDefinition } from '../../commands/command.ts';
import { commandList } from '../../commands/index.ts';
import { BOT_EVENTS, BOT_SCOPES, manifestYaml, slackManifest } from './manifest.ts';

const http = {
  appName: 'Relevo',
  publicUrl: 'https://relevo.example.com/',
  socketMode: false,
  commands: commandList(),
};

describe('slackManifest (docs.slack.dev/reference/app-manifest)', () => {
  it('offers one /ticket command whose usage hint lists every registry subcommand', () => {
    const manifest = slackManifest(http);
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands).toHaveLength(1);
    const [ticket] = commands;
    expect(ticket?.command).toBe('/ticket');
    expect(ticket?.should_escape).toBe(false);
    const hinted = (ticket?.usage_hint ?? '').replace(/ …$/, '').split('|');
    expect(hinted).toEqual(commandList().map((c) => c.name));
    for (const c of commandList()) expect(ticket?.description).toContain(c.name);
    expect(ticket?.usage_hint?.length).toBeLessThanOrEqual(1000);
    expect(ticket?.description.length).toBeLessThanOrEqual(2000);
  });

  it('follows the registry: a new command file shows up without touching the manifest', () => {
    const extra = { ...commandList()[0], name: 'stats' } as CommandDefinition;
    const manifest = slackManifest({ ...http, commands: [...commandList(), extra] });
    expect(manifest.features?.slash_commands?.[0]?.usage_hint).toContain('|stats');
  });

  it('points commands, events and interactivity at the public URL (trailing slash dropped)', () => {
    const manifest = slackManifest(http);
    const url = 'https://relevo.example.com/slack/events';
    expect(manifest.features?.slash_commands?.[0]?.url).toBe(url);
    expect(manifest.settings?.event_subscriptions?.request_url).toBe(url);
    expect(manifest.settings?.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
    expect(
      slackManifest({ ...http, publicUrl: 'https://example.com/relevo//' }).settings?.interactivity
        ?.request_url,
    ).toBe('https://example.com/relevo/slack/events');
  });

  it('drops every URL in Socket Mode, and needs no public URL there', () => {
    const manifest = slackManifest({ ...http, publicUrl: '', socketMode: true });
    expect(JSON.stringify(manifest)).not.toMatch(/https?:/);
    expect(manifest.features?.slash_commands?.[0]).not.toHaveProperty('url');
    expect(manifest.settings?.event_subscriptions).not.toHaveProperty('request_url');
    expect(manifest.settings?.interactivity).toEqual({ is_enabled: true });
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
  });

  it('refuses a public URL Slack cannot use', () => {
    expect(() => slackManifest({ ...http, publicUrl: 'http://relevo.example.com' })).toThrow(/https/);
    expect(() => slackManifest({ ...http, publicUrl: 'relevo.example.com' })).toThrow(/not a URL/);
    expect(() => slackManifest({ ...http, publicUrl: 'https://x.example.com/?a=1' })).toThrow(/query/);
  });

  it('asks for exactly the scopes Relevo uses, each with its reason', () => {
    const scopes = slackManifest(http).oauth_config?.scopes?.bot ?? [];
    expect([...scopes].sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'chat:write.customize',
        'commands',
        'groups:history',
        'groups:read',
        'reactions:read',
        'users:read',
        'users:read.email',
      ].sort(),
    );
    expect(new Set(scopes).size).toBe(scopes.length);
    for (const s of BOT_SCOPES) expect(s.why.length).toBeGreaterThan(10);
  });

  it('subscribes to channel messages and reactions, not app_mention (it would double-deliver)', () => {
    const events = slackManifest(http).settings?.event_subscriptions?.bot_events;
    expect(events).toEqual(['message.channels', 'message.groups', 'reaction_added']);
    expect(BOT_EVENTS).not.toContain('app_mention');
  });

  it('sets the fixed settings and a valid bot user', () => {
    const manifest = slackManifest({
      ...http,
      appName: 'Relevo Soporte Técnico — Acme Corporation International',
    });
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description?.length).toBeLessThanOrEqual(140);
    expect(manifest.features?.bot_user).toEqual({
      display_name: expect.stringMatching(/^[a-z0-9._-]+$/),
      always_online: true,
    });
    expect(manifest.features?.bot_user?.display_name).toMatch(/^relevo-soporte-tecnico/);
    expect(manifest.settings).toMatchObject({ org_deploy_enabled: false, token_rotation_enabled: false });
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });
});

describe('manifestYaml', () => {
  it('reads back to the same manifest, with a comment saying where to paste it', () => {
    const manifest = slackManifest(http);
    const yaml = manifestYaml(manifest);
    expect(parse(yaml)).toEqual(manifest);
    expect(yaml.startsWith('# Relevo Slack app manifest')).toBe(true);
    expect(yaml).toContain('usage_hint: new|create|show|list|');
  });
});
