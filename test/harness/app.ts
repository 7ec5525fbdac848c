// Starts a real Relevo (real database, real HTTP on an ephemeral loopback port) for a test.
import pino from 'pino';
import { type App, createApp } from '../../src/app.ts';
import { parseEnv } from '../../src/config/env.ts';
import { type FileConfig, parseConfigFile } from '../../src/config/file.ts';
import type { Clock } from '../../src/core/ports.ts';
import { type DatabaseKind, freshDatabase } from './databases.ts';

export const testConfigYaml = `
plans:
  production:
    name: Production
    sla:
      urgent: { firstResponse: 1h, nextUpdate: 2h, resolution: 1d }
      high: { firstResponse: 2h, nextUpdate: 4h, resolution: 2d }
      normal: { firstResponse: 4h, nextUpdate: 1d, resolution: 5d }
      low: { firstResponse: 1d, nextUpdate: 2d, resolution: 10d }
products:
  - { id: platform, name: Platform }
organisations:
  - id: acme
    name: Acme
    plan: production
    language: en
    products: [platform]
    emailDomains: [example.com]
    infrastructureUrl: https://wiki.example.com/acme
  - id: globex
    name: Globex
    plan: production
    language: es
    emailDomains: [globex.es]
agents:
  - { id: ana, name: Ana, role: admin, email: ana@support.test }
  - { id: ben, name: Ben, role: agent }
`;

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
  apiToken: string;
  agentId: string;
  config: FileConfig;
  stop(): Promise<void>;
}

export async function startTestApp(
  opts: { database?: DatabaseKind; clock?: Clock; config?: string; pollMs?: number } = {},
): Promise<TestApp> {
  const database = await freshDatabase(opts.database ?? 'pglite');
  const env = parseEnv({ ...database.env, PORT: '0', RELEVO_API_TOKEN: API_TOKEN, LOG_LEVEL: 'silent' });
  const config = parseConfigFile(opts.config ?? testConfigYaml, 'test config');
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await createApp({ env, config, logger, clock: opts.clock, pollMs: opts.pollMs ?? 200 });
  const url = await app.listen();
  return {
    app,
    url,
    apiToken: API_TOKEN,
    agentId: 'ana',
    config,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}
