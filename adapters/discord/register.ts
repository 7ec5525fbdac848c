// `relevo discord register`: /ticket installed by Discord's bulk overwrite, on one server or for every server
// the bot is in. A bulk overwrite is idempotent — running it again after an upgrade brings /ticket up to
// date — and it replaces whatever else the application had in that scope, which is nothing but /ticket and the
// message commands (message-commands.ts).
import {
  REST,
  type RESTPutAPIApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
  Routes,
} from 'discord.js';
import type { CommandDefinition } from '../../commands/command.ts';
import { applicationCommand } from './application-command.ts';
import { messageCommandBodies } from './message-commands.ts';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** The REST base address (DISCORD_API_URL). */
  apiUrl: string;
  /** A server's id: install there (shows at once); unset: for every server (Discord's global commands). */
  guildId?: string;
  commands?: readonly CommandDefinition[];
}

/** What Discord answered: the commands now installed in that scope, with the ids it gave them. */
export async function registerApplicationCommand(
  opts: RegisterOptions,
): Promise<RESTPutAPIApplicationCommandsResult> {
  const rest = new REST({
    api: opts.apiUrl,
    // The client waits out a 429 by itself; a wait longer than this is reported instead (a person is at the
    // terminal, and the daily limit on creating commands answers with hours).
    rejectOnRateLimit: (limit) => limit.retryAfter > 10_000,
  }).setToken(opts.token);
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId)
    : Routes.applicationCommands(opts.applicationId);
  const body: RESTPutAPIApplicationCommandsJSONBody = [
    applicationCommand(opts.commands),
    ...messageCommandBodies(),
  ];
  return (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
}
