// `relevo discord invite` and `relevo discord register` as a person runs them: a real `bin/relevo.mjs`
// process against a small Discord on 127.0.0.1 that speaks Discord's wire format for exactly the routes
// `register` uses (bulk overwrite of global and guild commands).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationCommand } from '../../adapters/discord/application-command.ts';
import { messageCommandBodies } from '../../adapters/discord/message-commands.ts';
import { commandList } from '../../commands/index.ts';
import { relevoCommand } from '../harness/process.ts';

const APP = '123456789012345678';
const GUILD = '876543210987654321';
const TOKEN = `MTIzNDU2Nzg5MDEyMzQ1Njc4.GxYz12.${'a1B2c3D4e5'.repeat(4)}`;

interface Received {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
}

/** Discord's ids: milliseconds since 2015 in the top bits, then worker, process and increment. */
let increment = 0n;
const snowflake = () => (((BigInt(Date.now()) - 1420070400000n) << 22n) | increment++).toString();

/**
 * Discord for the two bulk-overwrite routes: 200 with the commands as stored (ids, application and
 * version added), 401 for another token, 403 Missing Access for a server the bot is not in.
 */
async function startFakeDiscord() {
  const received: Received[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    received.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const route = /^\/api\/v10\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(req.url ?? '');
    if (!route || req.method !== 'PUT') return answer(404, { message: '404: Not Found', code: 0 });
    if (req.headers.authorization !== `Bot ${TOKEN}`) {
      return answer(401, { message: '401: Unauthorized', code: 0 });
    }
    const [, app, guild] = route;
    if (app !== APP) return answer(403, { message: 'Missing Access', code: 50001 });
    if (guild && guild !== GUILD) return answer(403, { message: 'Missing Access', code: 50001 });
    const stored = (body as Record<string, unknown>[]).map((c) => ({
      id: snowflake(),
      application_id: app,
      version: snowflake(),
      default_member_permissions: null,
      type: 1,
      nsfw: false,
      ...(guild ? { guild_id: guild } : { integration_types: [0], contexts: null }),
      ...c,
    }));
    answer(200, stored);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('relevo discord invite', () => {
  it('prints the invite link and the intent to switch on, with only the application id', async () => {
    const run = await relevoCommand({ DISCORD_APPLICATION_ID: APP }, 'discord', 'invite');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `https://discord.com/oauth2/authorize?client_id=${APP}&scope=bot%20applications.commands&permissions=395137109056`,
    );
    expect(run.stdout).toContain('Privileged Gateway Intents → Message Content Intent → Save.');
    // What does not work without it, and what does.
    expect(run.stdout).toContain("a customer's message in a support channel cannot become a ticket.");
    expect(run.stdout).toContain('ticket panel and its forms are interactions and still work.');
    expect(run.stdout).toContain('Create Private Threads');
  });

  it('names the variable it needs, or what it should look like', async () => {
    const none = await relevoCommand({}, 'discord', 'invite');
    expect(none.status).toBe(78);
    expect(none.stderr).toMatch(/^Set DISCORD_APPLICATION_ID first/);
    const wrong = await relevoCommand({ DISCORD_APPLICATION_ID: 'relevo-bot' }, 'discord', 'invite');
    expect(wrong.status).toBe(78);
    expect(wrong.stderr).toContain('DISCORD_APPLICATION_ID="relevo-bot": expected the application\'s id');
  });
});

describe('relevo help', () => {
  it('lists both, and explains each without doing anything', async () => {
    expect((await relevoCommand({}, 'help')).stdout).toMatch(
      /\n {2}discord invite +.*\n {2}discord register +/,
    );
    const register = await relevoCommand({}, 'discord', 'register', '--help');
    expect(register.status).toBe(0);
    expect(register.stdout).toMatch(/^Usage: relevo discord register \[--guild <server id>\]/);
    expect(register.stdout).toContain('up to an hour');
    expect((await relevoCommand({}, 'discord', 'invite', '--help')).stdout).toMatch(
      /^Usage: relevo discord invite/,
    );
    const badGuild = await relevoCommand({}, 'discord', 'register', '--guild', 'support');
    expect(badGuild.status).toBe(2);
    expect(badGuild.stderr).toContain("--guild needs a server's id");
  }, 60_000);
});

describe('relevo discord register', () => {
  let discord: Awaited<ReturnType<typeof startFakeDiscord>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    discord = await startFakeDiscord();
    env = { DISCORD_BOT_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: discord.url };
  });
  afterAll(() => discord?.stop());

  it('installs /ticket on one server by bulk overwrite, and says it shows at once', async () => {
    const run = await relevoCommand(env, 'discord', 'register', '--guild', GUILD);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const request = discord.received.at(-1);
    expect(request).toMatchObject({
      method: 'PUT',
      url: `/api/v10/applications/${APP}/guilds/${GUILD}/commands`,
      authorization: `Bot ${TOKEN}`,
      contentType: 'application/json',
    });
    // Exactly the rendered command, as JSON: one /ticket with the registry's subcommands.
    expect(request?.body).toEqual(
      JSON.parse(JSON.stringify([applicationCommand(), ...messageCommandBodies()])),
    );
    const [ticket] = (request?.body ?? []) as { name: string; options: { name: string }[] }[];
    expect(ticket?.name).toBe('ticket');
    expect(ticket?.options.map((o) => o.name)).toContain('reply');
    expect(run.stdout).toMatch(
      new RegExp(
        `^Installed /ticket \\(command \\d{17,20}; ${commandList().length} subcommands: ${commandList()
          .map((c) => c.name)
          .join(', ')}\\) on server ${GUILD}\\.\\nIt shows there at once\\.`,
      ),
    );
  }, 60_000);

  it('installs it for every server, and says Discord may take up to an hour', async () => {
    const run = await relevoCommand(env, 'discord', 'register');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(discord.received.at(-1)).toMatchObject({
      method: 'PUT',
      url: `/api/v10/applications/${APP}/commands`,
    });
    expect(run.stdout).toMatch(/^Installed \/ticket \(command \d+; .*\) for every server the bot is in\./);
    expect(run.stdout).toContain('up to an hour');
    expect(run.stdout).toContain('--guild <server id>');
  }, 60_000);

  it('turns a wrong token into what to do, with no stack trace', async () => {
    const wrongToken = `${TOKEN.slice(0, -4)}zzzz`;
    const run = await relevoCommand(
      { ...env, DISCORD_BOT_TOKEN: wrongToken },
      'discord',
      'register',
      '--guild',
      GUILD,
    );
    expect(run.status).toBe(78);
    expect(discord.received.at(-1)?.authorization).toBe(`Bot ${wrongToken}`);
    expect(run.stderr).toContain('Discord refused DISCORD_BOT_TOKEN (401: Unauthorized)');
    expect(run.stderr).toContain('Bot → Reset Token');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  }, 60_000);

  it('says how to add the bot to a server it is not in', async () => {
    const run = await relevoCommand(env, 'discord', 'register', '--guild', '111111111111111111');
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/refused \/ticket on server 111111111111111111 \(403: Missing Access\)/);
    expect(run.stderr).toContain('relevo discord invite');
  }, 60_000);

  it('names the missing variables, and says when Discord cannot be reached', async () => {
    const none = await relevoCommand({}, 'discord', 'register');
    expect(none.status).toBe(78);
    expect(none.stderr).toMatch(/^Set DISCORD_BOT_TOKEN .* and DISCORD_APPLICATION_ID .* first\./);
    const half = await relevoCommand({ DISCORD_BOT_TOKEN: TOKEN }, 'discord', 'register');
    expect(half.status).toBe(78);
    expect(half.stderr).toContain('DISCORD_APPLICATION_ID: required with DISCORD_BOT_TOKEN');
    const closed = await startFakeDiscord();
    await closed.stop();
    const away = await relevoCommand({ ...env, DISCORD_API_URL: closed.url }, 'discord', 'register');
    expect(away.status).toBe(78);
    expect(away.stderr).toContain(`Could not reach Discord at ${closed.url} (ECONNREFUSED)`);
    expect(away.stderr).toContain('DISCORD_API_URL');
  }, 60_000);
});
