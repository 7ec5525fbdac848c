// `relevo mattermost register`: the /ticket slash command on a team, created or brought up to date through
// REST v4, its autocomplete rendered from the command registry. The command's token — which Mattermost
// sends with every use — is kept in the database, where every running instance finds it.
import type { CommandDefinition } from '../../commands/command.ts';
import type { Db } from '../../src/db/index.ts';
import { writeState } from '../kit/platform-state.ts';
import { type Client4, request } from './client.ts';
import { COMMAND_TOKEN_PREFIX } from './command-tokens.ts';

interface Command {
  id: string;
  token: string;
  trigger: string;
  team_id: string;
  url: string;
  [field: string]: unknown;
}

export const TRIGGER = 'ticket';

/** What Mattermost is told about /ticket: where to send it, and what autocomplete shows. */
export function commandSpec(teamId: string, publicUrl: string, commands: readonly CommandDefinition[]) {
  const names = commands.map((c) => c.name);
  return {
    team_id: teamId,
    trigger: TRIGGER,
    // Mattermost's method codes: "P" POST, "G" GET.
    method: 'P',
    url: `${publicUrl.replace(/\/+$/, '')}/mattermost/command`,
    display_name: 'Relevo',
    description: 'Relevo help desk',
    auto_complete: true,
    auto_complete_desc: `Help desk: ${names.join(', ')}`.slice(0, 128),
    auto_complete_hint: `[${names.join('|')}] …`.slice(0, 128),
  };
}

export interface Registered {
  action: 'created' | 'updated';
  id: string;
  team: string;
  url: string;
}

export async function registerCommand(
  client: Client4,
  db: Db,
  opts: { team: string; publicUrl: string; commands: readonly CommandDefinition[] },
): Promise<Registered> {
  const team = await request<{ id: string; name: string }>(
    client,
    'get',
    `/teams/name/${encodeURIComponent(opts.team)}`,
  );
  const spec = commandSpec(team.id, opts.publicUrl, opts.commands);
  const existing = (
    await request<Command[]>(client, 'get', `/commands?team_id=${team.id}&custom_only=true`)
  ).find((c) => c.trigger === TRIGGER);
  const command = existing
    ? await request<Command>(client, 'put', `/commands/${existing.id}`, { ...existing, ...spec })
    : await request<Command>(client, 'post', '/commands', spec);
  const token = command.token || existing?.token;
  if (!token) throw new Error('Mattermost did not return the command’s token: is the bot a team admin?');
  await writeState(db, `${COMMAND_TOKEN_PREFIX}${command.id}`, token);
  return { action: existing ? 'updated' : 'created', id: command.id, team: team.name, url: spec.url };
}
