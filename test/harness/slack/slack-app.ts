// A Relevo wired to a fake Slack, with the signed client and small readers for what Relevo posted.
// Over HTTP (signed requests to /slack/events) by default, or in Socket Mode: SLACK_APP_TOKEN and no
// signing secret, Relevo then dials the fake Socket Mode endpoint found through apps.connections.open.

import type { Clock } from '../../../src/core/ports.ts';
import { chatPlatformYaml } from '../../fixtures/config.ts';
import { startTestApp, type TestApp } from '../app.ts';
import type { DatabaseKind, TestDatabase } from '../databases.ts';
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode.ts';
import { type FakeSlack, startFakeSlack } from './fake-web-api.ts';
import { SlackClient } from './signed-requests.ts';

export const SIGNING_SECRET = 'slack-signing-secret-for-tests';

export const SUPPORT = 'C0SUPPORT1';
export const SUPPORT_ON_REQUEST = 'C0SUPPORT2';
export const AGENTS = 'C0AGENTS01';
export const MAINTAINERS = 'C0MAINT001';
export const CUSTOMER = 'U0CUSTOMER';
export const ANA = 'U0ANA00001';
export const MIA = 'U0MIA00001';
export const STRANGER = 'U0STRANGER';

/** The test config plus Slack channels, a maintainer and a product with a maintainers' channel. */
export const slackConfigYaml = chatPlatformYaml('slack', {
  ana: ANA,
  support: SUPPORT,
  supportOnRequest: SUPPORT_ON_REQUEST,
  agents: AGENTS,
  maintainers: MAINTAINERS,
});

export interface SlackTestApp {
  t: TestApp;
  fake: FakeSlack;
  /**
   * Signs and sends Slack's HTTP requests; in Socket Mode, use its `build*` methods for payloads and
   * deliver them with `socket` (nothing listens on /slack/events then).
   */
  slack: SlackClient;
  /** The fake Socket Mode endpoint, in Socket Mode. */
  socket?: FakeSocketMode;
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  /** Starts Relevo with SLACK_APP_TOKEN (and no SLACK_SIGNING_SECRET): it connects over Socket Mode. */
  socketMode?: boolean;
  /** Extra environment for Relevo. */
  env?: Record<string, string>;
  /** relevo.yaml instead of slackConfigYaml (which it should extend). */
  config?: string;
  /** A second instance on this app's PostgreSQL database (with a fake Slack of its own). */
  sameDatabaseAs?: SlackTestApp;
  /** The business clock (SLA, confirmation windows) the test moves. */
  clock?: Clock;
  /** How often the SLA warning sweep runs by itself. */
  slaSweepMs?: number;
  /** Runs once the fakes are up, before Relevo starts (e.g. to make Slack fail at boot). */
  beforeStart?: (fake: FakeSlack, socket?: FakeSocketMode) => void | Promise<void>;
}

export function startSlackApp(
  database: DatabaseKind | TestDatabase | undefined,
  opts: SlackAppOptions & { socketMode: true },
): Promise<SlackTestApp & { socket: FakeSocketMode }>;
export function startSlackApp(
  database?: DatabaseKind | TestDatabase,
  opts?: SlackAppOptions,
): Promise<SlackTestApp>;
export async function startSlackApp(
  database: DatabaseKind | TestDatabase = 'pglite',
  opts: SlackAppOptions = {},
): Promise<SlackTestApp> {
  const fake = await startFakeSlack({
    // A second instance serves the same Slack app: the same tokens, on a fake Slack of its own.
    ...(opts.sameDatabaseAs
      ? { botToken: opts.sameDatabaseAs.fake.botToken, appToken: opts.sameDatabaseAs.fake.appToken }
      : {}),
    users: [
      { id: CUSTOMER, name: 'carla', realName: 'Carla Customer', email: 'carla@example.com' },
      { id: ANA, name: 'ana', realName: 'Ana' },
      // Mia has no Slack id in relevo.yaml: Relevo knows her by her email.
      { id: MIA, name: 'mia', realName: 'Mia', email: 'mia@support.test' },
      { id: STRANGER, name: 'sam', realName: 'Sam Stranger' },
    ],
    channels: [
      { id: SUPPORT, name: 'acme-support' },
      { id: SUPPORT_ON_REQUEST, name: 'acme-help' },
      { id: AGENTS, name: 'support-agents' },
      { id: MAINTAINERS, name: 'platform-maintainers' },
    ],
  });
  const socket = opts.socketMode ? await startFakeSocketMode({ slack: fake }) : undefined;
  const transport: Record<string, string> = socket
    ? { SLACK_APP_TOKEN: fake.appToken }
    : { SLACK_SIGNING_SECRET: SIGNING_SECRET };
  let t: TestApp;
  try {
    await opts.beforeStart?.(fake, socket);
    t = await startTestApp({
      database,
      sameDatabaseAs: opts.sameDatabaseAs?.t,
      config: opts.config ?? slackConfigYaml,
      clock: opts.clock,
      slaSweepMs: opts.slaSweepMs,
      env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.url, ...transport, ...opts.env },
    });
  } catch (err) {
    await socket?.close();
    await fake.close();
    throw err;
  }
  const slack = new SlackClient({ baseUrl: t.url, signingSecret: SIGNING_SECRET, fake });
  return {
    t,
    fake,
    slack,
    socket,
    async stop() {
      await t.stop();
      await socket?.close();
      await fake.close();
    },
  };
}

export interface PostedButton {
  label: string;
  actionId: string;
  value: string;
}

/** The buttons of a message Relevo posted, as a person sees them. */
export function buttonsOf(message: { blocks?: any[] } | undefined): PostedButton[] {
  return (message?.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements)
    .filter((e: any) => e.type === 'button')
    .map((e: any) => ({ label: e.text.text, actionId: e.action_id, value: e.value }));
}

/** All visible text of a message: blocks and fallback. */
export function textOf(message: { text?: string; blocks?: any[] } | undefined): string {
  return JSON.stringify([message?.text ?? '', message?.blocks ?? []]);
}
