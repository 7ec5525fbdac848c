// The `relevo` command line: start, migrate, token, help. Later capabilities add subcommands here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from './config/env.ts';
import { ConfigError, loadConfig } from './config/index.ts';
import { openDatabase } from './db/index.ts';

const usage = `Usage: relevo <command>

  start      Start Relevo (web chat, agent console, API) — the default
  migrate    Apply pending database migrations and exit
  check      Validate the environment and relevo.yaml, and exit
  token      Print the API token the agent console and API accept
  slack manifest [--socket] [--url https://your.host]
             Print the Slack app manifest to paste into "Create app → From a manifest"
  email inspect <file.eml>
             Print as JSON how Relevo reads a message: sender, original sender if forwarded,
             ticket reference, visible text, attachments, loop-guard verdict
  help       Show this help`;

async function main(argv: string[]) {
  const command = argv[0] ?? 'start';
  try {
    switch (command) {
      case 'start': {
        const { start } = await import('./main.ts');
        return start();
      }
      case 'migrate': {
        const env = parseEnv();
        const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.RELEVO_DATA_DIR });
        const result = await db.migrate();
        console.log(
          result.applied.length
            ? `Applied ${result.applied.length} migration(s) to ${db.description}: ${result.applied.join(', ')}`
            : `${db.description} is up to date (${result.alreadyApplied} migration(s) applied earlier).`,
        );
        await db.close();
        return;
      }
      case 'check': {
        const { configFile, config } = loadConfig();
        console.log(
          `Configuration is valid: ${configFile} (${config.organisations.length} organisation(s), ${config.agents.length} agent(s)).`,
        );
        return;
      }
      case 'token': {
        const env = parseEnv();
        if (env.RELEVO_API_TOKEN) {
          console.log(env.RELEVO_API_TOKEN);
          return;
        }
        const file = path.resolve(env.RELEVO_DATA_DIR, 'api-token');
        console.log(
          (
            await readFile(file, 'utf8').catch(() => 'No token yet: run `relevo start` once to create one.')
          ).trim(),
        );
        return;
      }
      case 'slack': {
        if (argv[1] !== 'manifest') {
          console.error(`Unknown slack command "${argv[1] ?? ''}".\n\n${usage}`);
          process.exit(2);
        }
        const { printSlackManifest } = await import('./cli/slack-manifest.ts');
        return printSlackManifest(argv.slice(2));
      }
      case 'email': {
        if (argv[1] !== 'inspect' || !argv[2]) {
          console.error(`Usage: relevo email inspect <file.eml>\n\n${usage}`);
          process.exit(2);
        }
        const { printEmailInspection } = await import('./cli/email-inspect.ts');
        return await printEmailInspection(argv[2]);
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return;
      default:
        console.error(`Unknown command "${command}".\n\n${usage}`);
        process.exit(2);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(command === 'start' ? `Relevo cannot start.\n${err.message}` : err.message);
      process.exit(78);
    }
    throw err;
  }
}

await main(process.argv.slice(2));
