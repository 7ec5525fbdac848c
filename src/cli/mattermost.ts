// `relevo mattermost register` and `relevo mattermost check`: what an operator runs while installing
// Relevo beside a Mattermost server (README → Mattermost).
import { checkChannels } from '../../adapters/mattermost/channels-check.ts';
import { mattermostClient, request } from '../../adapters/mattermost/client.ts';
import { registerCommand } from '../../adapters/mattermost/register.ts';
import { commandList } from '../../commands/index.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseEnv } from '../config/env.ts';
import { loadConfig } from '../config/index.ts';
import { DeliveryFailure } from '../core/chat/failure.ts';

function settings() {
  const env = parseEnv();
  if (!env.MATTERMOST_URL || !env.MATTERMOST_BOT_TOKEN) {
    throw new ConfigError(
      'Set MATTERMOST_URL (the server’s address) and MATTERMOST_BOT_TOKEN (the bot account’s token) first.',
    );
  }
  return { env, client: mattermostClient(env.MATTERMOST_URL, env.MATTERMOST_BOT_TOKEN) };
}

/** Mattermost's refusals (a wrong token, a missing team) as a message for the operator, not a stack trace. */
async function explained<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DeliveryFailure) throw new ConfigError(err.message);
    throw err;
  }
}

export function registerMattermost(team: string, url: string | undefined): Promise<void> {
  return explained(() => register(team, url));
}

export function checkMattermost(): Promise<void> {
  return explained(check);
}

async function register(team: string, url: string | undefined): Promise<void> {
  const { env, client } = settings();
  const publicUrl = url ?? env.RELEVO_PUBLIC_URL;
  if (!publicUrl) {
    throw new ConfigError(
      'Mattermost must reach Relevo at its public address: pass --url https://your.host (or set RELEVO_PUBLIC_URL).',
    );
  }
  const { openConfiguredDatabase } = await import('../db/configured.ts');
  const db = await openConfiguredDatabase(env, () => undefined);
  try {
    await db.migrate();
    const done = await registerCommand(client, db.prisma, { team, publicUrl, commands: commandList() });
    console.log(
      `${done.action === 'created' ? 'Created' : 'Updated'} /ticket on team ${done.team} (command ${done.id}): Mattermost sends it to ${done.url}.\nRelevo keeps the command's token in its database; a running Relevo accepts it without a restart.`,
    );
  } finally {
    await db.close();
  }
}

async function check(): Promise<void> {
  const { client } = settings();
  const { config } = loadConfig();
  const me = await request<{ username: string }>(client, 'get', '/users/me');
  console.log(`Signed in to Mattermost as @${me.username}.`);
  const checks = await checkChannels(client, config.channels);
  if (checks.length === 0) {
    console.log('relevo.yaml maps no Mattermost channels (channels: - { platform: mattermost, id: … }).');
  }
  for (const c of checks) {
    const name = c.name ? `~${c.name}` : c.id;
    console.log(
      c.ok
        ? `  ok    ${c.kind.padEnd(11)} ${name}: the bot can read and post`
        : `  FAIL  ${c.kind.padEnd(11)} ${name}: ${c.problem}`,
    );
  }
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}
