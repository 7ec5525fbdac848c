// A Relevo wired to a fake Discord: the bot's token, the application's id and the fake's REST address in
// its environment (discord.js reads the gateway's address from GET /gateway/bot), and the people,
// channels and roles of the tests.
import type { Logger } from 'pino';
import { chatPlatformYaml } from '../../fixtures/config.ts';
import type { DatabaseKind, TestDatabase } from '../databases.ts';
import { eventually } from '../http.ts';
import { type PlatformTestApp, startPlatformApp } from '../platform-app.ts';
import { FakeDiscord, type FakeDiscordOptions } from './fake-discord.ts';

// Snowflakes as Discord gives them (17-20 digits), written without quotes in relevo.yaml.
const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
export const SUPPORT = id(101);
export const SUPPORT_ON_REQUEST = id(102);
export const AGENTS = id(103);
export const MAINTAINERS = id(104);
export const FORUM = id(105);
export const PANEL = id(106);
export const CUSTOMER = id(201);
export const ANA = id(202);
export const MIA = id(203);
export const STRANGER = id(204);
export const AGENTS_ROLE = id(301);

export const discordConfigYaml = chatPlatformYaml(
  'discord',
  {
    ana: ANA,
    mia: MIA,
    support: SUPPORT,
    supportOnRequest: SUPPORT_ON_REQUEST,
    agents: AGENTS,
    maintainers: MAINTAINERS,
  },
  [
    `{ platform: discord, id: ${FORUM}, kind: support, organisation: acme }`,
    `{ platform: discord, id: ${PANEL}, kind: support, organisation: acme, panel: true }`,
  ],
);

/** The fake Discord with the tests' guild: Acme's customer Carla, Ana and Mia (agents), Sam (unknown). */
export async function startDiscordFake(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(opts);
  await fake.start();
  fake.addRole({ id: AGENTS_ROLE, name: 'Support agents' });
  fake.addUser({ id: CUSTOMER, username: 'carla', globalName: 'Carla Customer' });
  fake.addUser({ id: ANA, username: 'ana', globalName: 'Ana', roles: [AGENTS_ROLE] });
  fake.addUser({ id: MIA, username: 'mia', globalName: 'Mia', roles: [AGENTS_ROLE] });
  fake.addUser({ id: STRANGER, username: 'sam', globalName: 'Sam Stranger' });
  fake.addChannel({ id: SUPPORT, name: 'acme-support', type: 'text' });
  fake.addChannel({ id: SUPPORT_ON_REQUEST, name: 'acme-help', type: 'text' });
  fake.addChannel({ id: AGENTS, name: 'support-agents', type: 'text' });
  fake.addChannel({ id: MAINTAINERS, name: 'platform-maintainers', type: 'text' });
  fake.addChannel({ id: FORUM, name: 'acme-forum', type: 'forum' });
  fake.addChannel({ id: PANEL, name: 'acme-tickets', type: 'text' });
  return fake;
}

export type DiscordTestApp = PlatformTestApp<FakeDiscord>;

export interface DiscordAppOptions {
  env?: Record<string, string>;
  config?: string;
  /** A second instance on this app's PostgreSQL database, on the same fake Discord. */
  sameDatabaseAs?: DiscordTestApp;
  fake?: FakeDiscord;
  /** Wait for the gateway before returning (default); false when Discord is out of reach on purpose. */
  waitForGateway?: boolean;
  /** Where Relevo logs (test/harness/logs.ts keeps the lines for a test that reads them). */
  logger?: Logger;
}

export async function startDiscordApp(
  database: DatabaseKind | TestDatabase = 'pglite',
  opts: DiscordAppOptions = {},
): Promise<DiscordTestApp> {
  const fake = opts.fake ?? opts.sameDatabaseAs?.fake ?? (await startDiscordFake());
  return startPlatformApp({
    fake,
    ownsFake: !opts.fake && !opts.sameDatabaseAs,
    app: {
      database,
      sameDatabaseAs: opts.sameDatabaseAs?.t,
      config: opts.config ?? discordConfigYaml,
      logger: opts.logger,
      env: {
        DISCORD_BOT_TOKEN: fake.botToken,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_AGENTS_ROLE: AGENTS_ROLE,
        DISCORD_GATEWAY_RETRY_MS: '200',
        ...opts.env,
      },
    },
    async ready(t) {
      if (opts.sameDatabaseAs || opts.waitForGateway === false) return;
      await eventually(
        async () => fake.gatewayConnected() && (await fetch(`${t.url}/readyz`)).ok,
        'Relevo to connect to Discord’s gateway',
        20_000,
      );
    },
    inboxKey: (id) => `discord:message:${id}`,
  });
}
