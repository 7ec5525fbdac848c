// A Relevo wired to a fake Mattermost: the bot's token and the server's address in its environment, its
// public address routed to the test server (a reverse proxy's job in production), and readers for what
// Relevo posted as people see it.
import { chatPlatformYaml } from '../../fixtures/config.ts';
import type { DatabaseKind, TestDatabase } from '../databases.ts';
import { eventually } from '../http.ts';
import { type PlatformTestApp, startPlatformApp } from '../platform-app.ts';
import { type FakeMattermost, type FakeMattermostOptions, startFakeMattermost } from './fake-mattermost.ts';

/** Where Mattermost believes Relevo is; the fake routes it to the test server's real port. */
export const PUBLIC_URL = 'https://relevo.test';
/** The token of a /ticket command created by hand (MATTERMOST_COMMAND_TOKENS). */
export const COMMAND_TOKEN = 'handmadecommandtoken000001';

const id = (name: string) => name.padEnd(26, '0').slice(0, 26);
export const SUPPORT = id('supportacme');
export const SUPPORT_ON_REQUEST = id('helpacme');
export const AGENTS = id('agentsdesk');
export const MAINTAINERS = id('maintainersplatform');
export const CUSTOMER = id('usercarla');
export const ANA = id('userana');
export const MIA = id('usermia');
export const STRANGER = id('usersam');

export const mattermostConfigYaml = chatPlatformYaml('mattermost', {
  ana: ANA,
  support: SUPPORT,
  supportOnRequest: SUPPORT_ON_REQUEST,
  agents: AGENTS,
  maintainers: MAINTAINERS,
});

/**
 * The people and channels of the tests, on a fake Mattermost whose bot may post ephemerally (an admin);
 * `opts` for more (its clock, say).
 */
export async function startMattermostFake(opts: FakeMattermostOptions = {}): Promise<FakeMattermost> {
  const fake = await startFakeMattermost({ botIsSystemAdmin: true, ...opts });
  fake.addUser({
    id: CUSTOMER,
    username: 'carla',
    firstName: 'Carla',
    lastName: 'Customer',
    email: 'carla@example.com',
  });
  fake.addUser({ id: ANA, username: 'ana', firstName: 'Ana' });
  // Mia has no Mattermost id in relevo.yaml: Relevo knows her by her email.
  fake.addUser({ id: MIA, username: 'mia', firstName: 'Mia', email: 'mia@support.test' });
  fake.addUser({ id: STRANGER, username: 'sam', firstName: 'Sam', lastName: 'Stranger' });
  for (const [channel, name] of [
    [SUPPORT, 'acme-support'],
    [SUPPORT_ON_REQUEST, 'acme-help'],
    [AGENTS, 'support-agents'],
    [MAINTAINERS, 'platform-maintainers'],
  ] as const) {
    fake.addChannel({ id: channel, name, members: [CUSTOMER, ANA, MIA, STRANGER] });
  }
  return fake;
}

export type MattermostTestApp = PlatformTestApp<FakeMattermost>;

export interface MattermostAppOptions {
  env?: Record<string, string>;
  config?: string;
  /** A second instance on this app's PostgreSQL database, on the same fake Mattermost. */
  sameDatabaseAs?: MattermostTestApp;
  /** A fake Mattermost already running (another instance's, or one the test prepared). */
  fake?: FakeMattermost;
  /** Wait for the WebSocket before returning (default); false when Mattermost is out of reach on purpose. */
  waitForSocket?: boolean;
}

export async function startMattermostApp(
  database: DatabaseKind | TestDatabase = 'pglite',
  opts: MattermostAppOptions = {},
): Promise<MattermostTestApp> {
  const fake = opts.fake ?? opts.sameDatabaseAs?.fake ?? (await startMattermostFake());
  return startPlatformApp({
    fake,
    ownsFake: !opts.fake && !opts.sameDatabaseAs,
    app: {
      database,
      sameDatabaseAs: opts.sameDatabaseAs?.t,
      config: opts.config ?? mattermostConfigYaml,
      env: {
        MATTERMOST_URL: fake.url,
        MATTERMOST_BOT_TOKEN: fake.botToken,
        MATTERMOST_COMMAND_TOKENS: COMMAND_TOKEN,
        RELEVO_PUBLIC_URL: PUBLIC_URL,
        ...opts.env,
      },
    },
    async ready(t) {
      fake.route(PUBLIC_URL, t.url);
      if (opts.sameDatabaseAs || opts.waitForSocket === false) return;
      const db = t.app.db.prisma;
      const mapped = t.config.channels.filter((c) => c.platform === 'mattermost').length;
      // Connected, and the first catch-up has marked where each channel starts: posts from now on count.
      await eventually(
        async () =>
          fake.socketCount() > 0 &&
          (await db.platformState.count({ where: { key: { startsWith: 'mattermost:cursor:' } } })) >= mapped,
        'Relevo to connect to Mattermost’s WebSocket',
        20_000,
      );
    },
    inboxKey: (id) => `mattermost:post:${id}`,
  });
}
