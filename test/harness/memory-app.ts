// A Relevo wired to the in-memory chat platform: a support channel of Acme's (tickets at once), one
// where conversations wait for an agent, the agents' channel and the Platform maintainers' channel.
import type { Clock } from '../../src/core/ports.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { startTestApp, type TestApp } from './app.ts';
import type { DatabaseKind } from './databases.ts';
import { MemoryPlatform } from './memory-platform.ts';

/** The platform's name: any module's name works everywhere (relevo.yaml, tickets' source, identities). */
export const MEMORY = 'memory';

export const SUPPORT = 'mem-support';
export const SUPPORT_ON_REQUEST = 'mem-help';
export const AGENTS = 'mem-agents';
export const MAINTAINERS = 'mem-maintainers';
/** Where alert groups' messages appear (core/alerts). */
export const MONITOR = 'mem-monitor';

/** The test config plus Mia (a maintainer) and the people's ids on the in-memory platform. */
export const memoryConfigYaml = testConfigYaml
  .replace(
    '  - { id: platform, name: Platform }',
    `  - { id: platform, name: Platform, maintainersChannel: ${MAINTAINERS} }`,
  )
  .replace(
    '  - { id: ana, name: Ana, role: admin, email: ana@support.test }',
    `  - { id: ana, name: Ana, role: admin, email: ana@support.test, identities: { ${MEMORY}: M0ANA } }
  - { id: mia, name: Mia, role: maintainer, email: mia@support.test }`,
  )
  .concat(`
tickets:
  generalContact: contacto@support.test
`);

export interface MemoryTestApp {
  t: TestApp;
  chat: MemoryPlatform;
  stop(): Promise<void>;
}

export interface MemoryAppOptions {
  /** The business clock (SLA, confirmation windows) the test moves. */
  clock?: Clock;
  /** relevo.yaml instead of memoryConfigYaml (which it should extend). */
  config?: string;
  /**
   * Another instance on this app's PostgreSQL database, on the same in-memory platform: what any instance
   * posts lands in one place, as on a real platform.
   */
  sameDatabaseAs?: MemoryTestApp;
  /** How often the SLA warning sweep runs by itself. */
  slaSweepMs?: number;
  /** Alert messages' edit spacing (0 in tests unless told; the product's default is 10 s). */
  alertEditGapMs?: number;
}

export async function startMemoryApp(
  database: DatabaseKind = 'pglite',
  opts: MemoryAppOptions = {},
): Promise<MemoryTestApp> {
  const chat = opts.sameDatabaseAs?.chat ?? memoryPlatform();
  const t = await startTestApp({
    database,
    config: opts.config ?? memoryConfigYaml,
    modules: [chat.module],
    clock: opts.clock,
    slaSweepMs: opts.slaSweepMs,
    alertEditGapMs: opts.alertEditGapMs,
    sameDatabaseAs: opts.sameDatabaseAs?.t,
  });
  chat.settleWith(() => t.app.settle());
  return { t, chat, stop: () => t.stop() };
}

function memoryPlatform(): MemoryPlatform {
  return new MemoryPlatform({
    platform: MEMORY,
    channels: [
      { id: SUPPORT, kind: 'support', organisation: 'acme' },
      { id: SUPPORT_ON_REQUEST, kind: 'support', organisation: 'acme', ticketOn: 'agent_request' },
      { id: AGENTS, kind: 'agents' },
      { id: MAINTAINERS, kind: 'maintainers' },
      { id: MONITOR, kind: 'monitor' },
    ],
    people: {
      customer: { id: 'M0CUSTOMER', name: 'Carla Customer', email: 'carla@example.com' },
      ana: { id: 'M0ANA', name: 'Ana' },
      // Mia has no id in relevo.yaml: Relevo knows her by the email her profile shows.
      mia: { id: 'M0MIA', name: 'Mia', email: 'mia@support.test' },
      stranger: { id: 'M0STRANGER', name: 'Sam Stranger' },
    },
  });
}
