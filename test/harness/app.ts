// Starts a real Relevo (real database, real HTTP on an ephemeral loopback port) for a test.
import pino, { type Logger as PinoLogger } from 'pino';
import { type App, createApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { type FileConfig, parseConfigFile } from '../../src/config/file.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { ChannelModule } from '../../src/modules/module.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { type DatabaseKind, freshDatabase, type TestDatabase } from './databases.ts';

export { testConfigYaml };

export const API_TOKEN = 'test-token-0123456789abcdef';

/** A clock tests can move. */
export class FakeClock implements Clock {
  constructor(private current = new Date('2026-03-02T09:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: App;
  url: string;
  /** The database's environment, for a second instance on the same PostgreSQL (`sameDatabaseAs`). */
  databaseEnv: Record<string, string | undefined>;
  apiToken: string;
  agentId: string;
  config: FileConfig;
  /** Stops Relevo and drops its database; a second call waits for the first. */
  stop(): Promise<void>;
}

export async function startTestApp(
  opts: {
    /** A fresh database of this kind (default PGlite), or one the test prepared (the app drops it at stop). */
    database?: DatabaseKind | TestDatabase;
    clock?: Clock;
    config?: string;
    pollMs?: number;
    /**
     * How often the SLA warning sweep runs by itself: hourly unless told, so it runs only when a test calls
     * `app.sweepSlaWarnings()` — run at a random moment, it would post warnings in the agents' channels of
     * tests whose clocks jump by days, among the messages they count.
     */
    slaSweepMs?: number;
    /** Alert messages' edit spacing (core/alerts/message-sync.ts); tests edit at once unless told. */
    alertEditGapMs?: number;
    /** Extra environment (e.g. SLACK_* pointing at a fake Slack). */
    env?: Record<string, string>;
    /** Where Relevo logs (default: silent, or TEST_LOG_LEVEL). */
    logger?: PinoLogger;
    /** How often live streams recheck their session. */
    streamCheckMs?: number;
    /** Another instance on this app's PostgreSQL database (the first app drops it when it stops). */
    sameDatabaseAs?: TestApp;
    /** Channel modules besides the shipped ones (the in-memory chat platform, memory-platform.ts). */
    modules?: ChannelModule[];
  } = {},
): Promise<TestApp> {
  const database = opts.sameDatabaseAs
    ? { env: opts.sameDatabaseAs.databaseEnv, drop: async () => {} }
    : typeof opts.database === 'object'
      ? opts.database
      : await freshDatabase(opts.database ?? 'pglite');
  const env = parseEnv({
    ...database.env,
    PORT: '0',
    RELEVO_API_TOKEN: API_TOKEN,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const config = parseConfigFile(opts.config ?? testConfigYaml, 'test config');
  const logger = opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await createApp({
    env,
    config,
    logger,
    clock: opts.clock,
    pollMs: opts.pollMs ?? 200,
    slaSweepMs: opts.slaSweepMs ?? 3_600_000,
    alertEditGapMs: opts.alertEditGapMs ?? 0,
    streamCheckMs: opts.streamCheckMs,
    modules: opts.modules,
    // relevo.yaml's env:NAME secrets see the test's extra environment too.
    environment: { ...process.env, ...opts.env },
  });
  const url = await app.listen();
  // Idempotent: a test may stop Relevo itself (to watch a platform lose it) before its harness does.
  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    databaseEnv: database.env,
    apiToken: API_TOKEN,
    agentId: 'ana',
    config,
    stop: () => {
      stopping ??= app.stop().then(() => database.drop());
      return stopping;
    },
  };
}
