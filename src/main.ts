// `relevo start`: load and validate configuration, start Relevo, stop cleanly on SIGINT/SIGTERM.
// The first log line is written before the application's modules load, so a person starting Relevo
// sees it at once rather than after the seconds module loading and the database take.
import { ConfigError, loadConfig } from './config/index.ts';
import { createLogger } from './logger.ts';

export async function start(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Relevo cannot start.\n${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const { env, config, configFile } = loaded;
  const log = createLogger(env.LOG_LEVEL);
  log.info(
    { config: configFile, database: env.DATABASE_URL ? 'postgresql' : `PGlite in ${env.RELEVO_DATA_DIR}` },
    'Relevo is starting',
  );
  // Until the app exists, a signal just ends the process: nothing has been accepted yet.
  let app: Awaited<ReturnType<typeof import('./app.ts')['createApp']>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!app) process.exit(0);
    log.info({ signal }, 'stopping: finishing work in progress');
    await app.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let address: string;
  try {
    const { createApp } = await import('./app.ts');
    app = await createApp({ env, config, logger: log });
    address = await app.listen();
  } catch (err) {
    // A refused IMAP login, a port in use, an unreachable database: say what, not a stack trace.
    console.error(`Relevo cannot start.\n${(err as Error).message}`);
    log.error({ err }, 'start-up failed');
    process.exit(1);
  }
  log.info(
    {
      database: app.db.description,
      config: configFile,
      organisations: config.organisations.length,
    },
    `Relevo is running: web chat ${address}/chat · agent console ${address}/console (sign in with RELEVO_API_TOKEN or the token in ${env.RELEVO_API_TOKEN ? 'RELEVO_API_TOKEN' : `${env.RELEVO_DATA_DIR}/api-token`})`,
  );
}
