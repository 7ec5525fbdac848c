// `relevo discord invite` and `relevo discord register`: what an operator runs while adding Relevo to a
// Discord server (README → Discord). Discord's refusals come back as what to do, never as a stack trace.
import { discordEnv } from '../../adapters/discord/env.ts';
import { BOT_PERMISSIONS, inviteUrl } from '../../adapters/discord/invite.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseEnv } from '../config/env.ts';

const WHERE_APP_ID = 'Developer Portal → your application → General Information → Application ID';
const WHERE_TOKEN = 'Developer Portal → your application → Bot → Reset Token';

/**
 * Reads DISCORD_APPLICATION_ID alone: the invite comes before the bot's token is set, and the whole
 * environment's check would refuse an application id without a token.
 */
function applicationId(): string {
  const raw = process.env.DISCORD_APPLICATION_ID;
  if (!raw)
    throw new ConfigError(`Set DISCORD_APPLICATION_ID first: your application's id (${WHERE_APP_ID}).`);
  const parsed = discordEnv.DISCORD_APPLICATION_ID.safeParse(raw);
  if (!parsed.success || !parsed.data) {
    throw new ConfigError(
      `DISCORD_APPLICATION_ID=${JSON.stringify(raw)}: ${parsed.error?.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

/** "ViewChannel" → "View Channel", as the Developer Portal and the invite page name them. */
function permissionNames(flags: Record<string, bigint>): string[] {
  return Object.entries(flags)
    .filter(([, bit]) => (BOT_PERMISSIONS & bit) !== 0n)
    .map(([name]) => name.replace(/(?<=[a-z])(?=[A-Z])/g, ' '));
}

export async function printDiscordInvite(): Promise<void> {
  const url = inviteUrl(applicationId());
  const { PermissionFlagsBits } = await import('discord.js');
  console.log(
    [
      'Open this link to add the bot to your server (you need Manage Server there):',
      '',
      `  ${url}`,
      '',
      `It asks for: ${permissionNames(PermissionFlagsBits).join(', ')}.`,
      '',
      'Then switch on the Message Content intent: Developer Portal → your application → Bot →',
      'Privileged Gateway Intents → Message Content Intent → Save.',
      "Without it Discord sends Relevo your server's messages with their text left out (unless they mention",
      "the bot), so a customer's message in a support channel cannot become a ticket. /ticket, buttons, the",
      'ticket panel and its forms are interactions and still work. The other intents Relevo uses (Guilds,',
      'Guild Messages, Guild Message Reactions) need no switch.',
    ].join('\n'),
  );
}

export async function registerDiscord(guildId: string | undefined): Promise<void> {
  const env = parseEnv();
  // With only one of them set, parseEnv() has already said which one is missing.
  if (!env.DISCORD_BOT_TOKEN || !env.DISCORD_APPLICATION_ID) {
    throw new ConfigError(
      `Set DISCORD_BOT_TOKEN (${WHERE_TOKEN}) and DISCORD_APPLICATION_ID (${WHERE_APP_ID}) first.`,
    );
  }
  const { registerApplicationCommand } = await import('../../adapters/discord/register.ts');
  const opts = {
    token: env.DISCORD_BOT_TOKEN,
    applicationId: env.DISCORD_APPLICATION_ID,
    apiUrl: env.DISCORD_API_URL,
    guildId,
  };
  const installed = await registerApplicationCommand(opts).catch(async (err: unknown) => {
    throw await explained(err, opts);
  });
  const ticket = installed.find((c) => c.name === 'ticket');
  const subcommands = (ticket?.options ?? []).map((o) => o.name);
  const what = `/ticket (command ${ticket?.id}; ${subcommands.length} subcommands: ${subcommands.join(', ')})`;
  console.log(
    guildId
      ? `Installed ${what} on server ${guildId}.\nIt shows there at once. Run this again after upgrading Relevo: it replaces the application's commands on that server.`
      : `Installed ${what} for every server the bot is in.\nDiscord can take up to an hour to show global commands everywhere; \`relevo discord register --guild <server id>\` shows /ticket on one server at once (a server with both lists it twice).`,
  );
}

/** Discord's refusal, or the network's, as what the operator can do about it. */
async function explained(
  err: unknown,
  opts: { applicationId: string; apiUrl: string; guildId?: string },
): Promise<unknown> {
  const { DiscordAPIError, HTTPError, RateLimitError } = await import('discord.js');
  const server = opts.guildId ? `server ${opts.guildId}` : 'every server';
  if (err instanceof DiscordAPIError) {
    // Discord's message, flattened to one line; "401: Unauthorized" already carries its status.
    const message = err.message.split('\n').join('; ');
    const said = message.startsWith(`${err.status}:`) ? message : `${err.status}: ${message}`;
    switch (err.status) {
      case 401:
        return new ConfigError(
          `Discord refused DISCORD_BOT_TOKEN (${said}). Copy the bot's token again (${WHERE_TOKEN}) into DISCORD_BOT_TOKEN.`,
        );
      case 403:
        return new ConfigError(
          opts.guildId
            ? `Discord refused /ticket on ${server} (${said}): the bot is not in that server, or was added without the applications.commands scope. Add it with the link \`relevo discord invite\` prints, then run this again.`
            : `Discord refused /ticket (${said}): DISCORD_APPLICATION_ID must be the id of the application DISCORD_BOT_TOKEN belongs to (${WHERE_APP_ID}).`,
        );
      case 404:
        return new ConfigError(
          `Discord knows no ${opts.guildId ? `server ${opts.guildId} or ` : ''}application ${opts.applicationId} (${said}). Check DISCORD_APPLICATION_ID (${WHERE_APP_ID})${opts.guildId ? ' and the server id after --guild (right-click the server → Copy Server ID)' : ''}.`,
        );
      case 400:
        return new ConfigError(
          `Discord refused the /ticket command Relevo sent (${said}). That is a bug in Relevo: please report it with this message.`,
        );
      default:
        return new ConfigError(`Discord refused /ticket (${said}). Try again in a few minutes.`);
    }
  }
  if (err instanceof RateLimitError) {
    return new ConfigError(
      `Discord is limiting this application's requests: try again in ${Math.ceil(err.retryAfter / 60_000)} minute(s). (It allows 200 new commands a day per server.)`,
    );
  }
  if (err instanceof HTTPError) {
    return new ConfigError(`Discord answered ${err.status} ${err.message}: try again in a few minutes.`);
  }
  // Not reached at all: the connection failed (ECONNREFUSED, ENOTFOUND, …) or timed out (AbortError).
  const code =
    (err as { cause?: { code?: unknown }; code?: unknown }).cause?.code ?? (err as { code?: unknown }).code;
  if (err instanceof Error && (typeof code === 'string' || err.name === 'AbortError')) {
    return new ConfigError(
      `Could not reach Discord at ${opts.apiUrl} (${typeof code === 'string' ? code : 'no answer in time'}). Check this machine's network${opts.apiUrl === 'https://discord.com/api' ? '' : ' and DISCORD_API_URL'}.`,
    );
  }
  return err;
}
