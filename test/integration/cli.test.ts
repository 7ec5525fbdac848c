// The command line as a person runs it: a real `node bin/relevo.mjs` process, its output and exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mattermostConfigYaml, startMattermostFake } from '../harness/mattermost/mattermost-app.ts';
import { relevoCommand } from '../harness/process.ts';

const root = path.resolve(import.meta.dirname, '../..');
const relevo = (...args: string[]) => relevoWith({}, ...args);
const relevoWith = (env: Record<string, string>, ...args: string[]) =>
  // The executable itself, as npx and npm start run it (its first line sets Node's runtime settings).
  spawnSync('bin/relevo.mjs', args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RELEVO_SUPPORT_ADDRESS: 'support@relevo.test',
      ...env,
    },
  });

describe('relevo help and --help', () => {
  const subcommands = [
    ['start'],
    ['migrate'],
    ['check'],
    ['token'],
    ['sessions', 'end'],
    ['slack', 'manifest'],
    ['mattermost', 'register'],
    ['mattermost', 'check'],
    ['email', 'inspect'],
  ];

  it('lists every subcommand', () => {
    const run = relevo('help');
    expect(run.status).toBe(0);
    for (const words of subcommands) expect(run.stdout).toContain(`  ${words.join(' ')}`);
    expect(relevo('--help').stdout).toBe(run.stdout);
  });

  it.each(subcommands)('answers %s … --help with its usage and does nothing else', (...words) => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'relevo-cli-')), 'data');
    const run = relevoWith({ RELEVO_DATA_DIR: dataDir }, ...words, '--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: relevo ${words.join(' ')}`));
    // Nothing was started or opened: no database directory appeared.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('answers help, check, token and email inspect without opening the database', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'relevo-cli-'));
    const dataDir = path.join(parent, 'data');
    const env = { RELEVO_DATA_DIR: dataDir };
    expect(relevoWith(env, 'help').status).toBe(0);
    expect(relevoWith(env, 'check').stdout).toContain('Configuration is valid');
    expect(relevoWith(env, 'token').stdout).toContain('No token yet');
    expect(relevoWith(env, 'email', 'inspect', 'test/fixtures/email/gmail-forward-es.eml').status).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
    rmSync(parent, { recursive: true, force: true });
  });

  it('names the subcommands of a group it does not know', () => {
    const run = relevo('slack', 'nonsense');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('relevo slack manifest');
  });
});

describe('relevo email inspect', () => {
  it('prints how a forwarded Spanish mail is read, as JSON', () => {
    const run = relevo('email', 'inspect', 'test/fixtures/email/gmail-forward-es.eml');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.forwarded.originalSender.address).toBe('javier.morales@example.net');
    expect(report.forwarded.forwarder.address).toBe('carmen.diaz@initech.example');
    expect(report.loopGuard).toEqual({ autoReplyAllowed: true, reason: null });
    expect(report.ticketReference).toHaveProperty('subjectNumber', null);
  });

  it('names the loop-guard reason for an auto-reply', () => {
    const run = relevo('email', 'inspect', 'test/fixtures/email/auto-reply-vacation-en.eml');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).loopGuard.autoReplyAllowed).toBe(false);
  });

  it('explains a missing file and exits non-zero', () => {
    const run = relevo('email', 'inspect', 'no/such/file.eml');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Cannot read no/such/file.eml');
  });
});

describe('relevo slack manifest', () => {
  it('prints a manifest whose URLs point at the given host and whose command lists the registry', () => {
    const run = relevo('slack', 'manifest', '--url', 'https://support.example.com');
    expect(run.status).toBe(0);
    const manifest = parse(run.stdout);
    expect(manifest.settings.event_subscriptions.request_url).toBe(
      'https://support.example.com/slack/events',
    );
    expect(manifest.features.slash_commands[0].usage_hint).toContain('create');
  });

  it('asks for a URL or Socket Mode', () => {
    const run = relevo('slack', 'manifest');
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/--url|--socket/);
  });
});

describe('relevo mattermost', () => {
  it('asks for the server and the bot token first', () => {
    const run = relevo('mattermost', 'check');
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/MATTERMOST_URL.*MATTERMOST_BOT_TOKEN/);
    expect(relevo('mattermost', 'register').stderr).toMatch(/--team/);
  });

  it('check says which channels the bot can use; register installs /ticket and keeps its token', async () => {
    const fake = await startMattermostFake();
    const dir = mkdtempSync(path.join(tmpdir(), 'relevo-cli-'));
    const config = path.join(dir, 'relevo.yaml');
    const outside = fake.addChannel({ name: 'town-hall', type: 'O', botIsMember: false });
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        config,
        mattermostConfigYaml.replace(
          'channels:\n',
          `channels:\n  - { platform: mattermost, id: ${outside.id}, kind: agents }\n`,
        ),
      ),
    );
    const env = {
      MATTERMOST_URL: fake.url,
      MATTERMOST_BOT_TOKEN: fake.botToken,
      RELEVO_CONFIG: config,
      RELEVO_DATA_DIR: path.join(dir, 'data'),
      RELEVO_PUBLIC_URL: 'https://support.example.com',
    };
    try {
      const check = await relevoCommand(env, 'mattermost', 'check');
      expect(check.status).toBe(1);
      expect(check.stdout).toContain('Signed in to Mattermost as @relevo');
      expect(check.stdout).toMatch(/ok +support +~acme-support: the bot can read and post/);
      expect(check.stdout).toMatch(/FAIL +agents +~town-hall: the bot is not a member/);

      const wrong = await relevoCommand(
        { ...env, MATTERMOST_BOT_TOKEN: 'notthebotstoken00000000000' },
        'mattermost',
        'check',
      );
      expect(wrong.status).toBe(78);
      expect(wrong.stderr).toMatch(/MATTERMOST_BOT_TOKEN/);

      const register = await relevoCommand(env, 'mattermost', 'register', '--team', fake.teamName);
      expect(register.stderr).toBe('');
      expect(register.stdout).toMatch(/^Created \/ticket on team support-team/);
      expect(register.stdout).toContain('https://support.example.com/mattermost/command');
      expect(fake.commands()).toHaveLength(1);
      const again = await relevoCommand(env, 'mattermost', 'register', '--team', fake.teamName);
      expect(again.stdout).toMatch(/^Updated \/ticket/);
    } finally {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
