// The `relevo` command line. Every subcommand imports what it needs when it runs, so `help`, `check`,
// `token` and `email inspect` answer without loading the database, Prisma or the chat SDKs.
import { ConfigError } from './config/config-error.ts';

interface Subcommand {
  /** The words that select it, e.g. ['email', 'inspect']. */
  words: string[];
  usage: string;
  summary: string;
  /** What `--help` adds below the usage line. */
  details?: string;
  run(args: string[]): Promise<void>;
}

const subcommands: Subcommand[] = [
  {
    words: ['start'],
    usage: 'relevo start',
    summary: 'Start Relevo (web chat, agent console, API, configured channels) — the default',
    details:
      'Reads the environment (PORT, HOST, DATABASE_URL, RELEVO_DATA_DIR, …) and relevo.yaml, applies pending\nmigrations and serves until SIGTERM or SIGINT, which stop it cleanly.',
    async run() {
      const { start } = await import('./main.ts');
      await start();
    },
  },
  {
    words: ['migrate'],
    usage: 'relevo migrate',
    summary: 'Apply pending database migrations and exit',
    details: '`relevo start` migrates by itself; use this to migrate before rolling out several instances.',
    async run() {
      const { parseEnv } = await import('./config/env.ts');
      const { openConfiguredDatabase } = await import('./db/configured.ts');
      const db = await openConfiguredDatabase(parseEnv(), (message) => console.log(message));
      try {
        const result = await db.migrate();
        console.log(
          result.applied.length
            ? `Applied ${result.applied.length} migration(s) to ${db.description}: ${result.applied.join(', ')}`
            : `${db.description} is up to date (${result.alreadyApplied} migration(s) applied earlier).`,
        );
      } finally {
        await db.close();
      }
    },
  },
  {
    words: ['check'],
    usage: 'relevo check',
    summary: 'Validate the environment and relevo.yaml, and exit',
    async run() {
      const { loadConfig } = await import('./config/index.ts');
      const { configFile, config } = loadConfig();
      console.log(
        `Configuration is valid: ${configFile} (${config.organisations.length} organisation(s), ${config.agents.length} agent(s)).`,
      );
    },
  },
  {
    words: ['token'],
    usage: 'relevo token',
    summary: 'Print the API token the agent console and API accept',
    details:
      'RELEVO_API_TOKEN if set, else the token generated into RELEVO_DATA_DIR/api-token at first start.',
    async run() {
      const { printToken } = await import('./cli/token.ts');
      await printToken();
    },
  },
  {
    words: ['sessions', 'end'],
    usage: 'relevo sessions end [--agent <id>]',
    summary: 'Sign agents out of the console everywhere (all, or one agent)',
    details:
      'Asks the Relevo running at HOST:PORT (POST /api/v1/sessions/end with the API token); when none\nanswers there, ends them in the database directly. Rotating the API token ends them all too.',
    async run(args) {
      const i = args.indexOf('--agent');
      const agent = i >= 0 ? args[i + 1] : undefined;
      if (i >= 0 && !agent) throw new UsageError('--agent needs an agent id.');
      const { endSessions } = await import('./cli/sessions.ts');
      await endSessions(agent);
    },
  },
  {
    words: ['slack', 'manifest'],
    usage: 'relevo slack manifest [--socket] [--url https://your.host]',
    summary: 'Print the Slack app manifest to paste into "Create app → From a manifest"',
    details:
      '--url     the public https:// address Slack sends requests to (default RELEVO_PUBLIC_URL)\n--socket  Socket Mode: no public address needed (also chosen when SLACK_APP_TOKEN is set)',
    async run(args) {
      const { printSlackManifest } = await import('./cli/slack-manifest.ts');
      printSlackManifest(args);
    },
  },
  {
    words: ['mattermost', 'register'],
    usage: 'relevo mattermost register --team <name> [--url https://your.host]',
    summary: 'Create or update the /ticket slash command on a Mattermost team',
    details:
      "--team  the team's name (as in its URL: https://chat.example.com/<team>)\n--url   the public address Mattermost sends commands to (default RELEVO_PUBLIC_URL)\nNeeds MATTERMOST_URL and MATTERMOST_BOT_TOKEN; the bot must be allowed to manage slash commands.",
    async run(args) {
      const flag = (name: string) => {
        const i = args.indexOf(name);
        return i >= 0 ? args[i + 1] : undefined;
      };
      const team = flag('--team');
      if (!team) throw new UsageError('mattermost register needs --team <name>.');
      const { registerMattermost } = await import('./cli/mattermost.ts');
      await registerMattermost(team, flag('--url'));
    },
  },
  {
    words: ['mattermost', 'check'],
    usage: 'relevo mattermost check',
    summary: 'Say which Mattermost channels in relevo.yaml the bot can read and post in',
    async run() {
      const { checkMattermost } = await import('./cli/mattermost.ts');
      await checkMattermost();
    },
  },
  {
    words: ['discord', 'invite'],
    usage: 'relevo discord invite',
    summary: 'Print the link that adds the Discord bot to a server, and the intent to switch on',
    details:
      'Needs only DISCORD_APPLICATION_ID (Developer Portal → your application → General Information).\nThe Message Content intent is switched on in the Developer Portal: Bot → Privileged Gateway Intents.',
    async run() {
      const { printDiscordInvite } = await import('./cli/discord.ts');
      await printDiscordInvite();
    },
  },
  {
    words: ['discord', 'register'],
    usage: 'relevo discord register [--guild <server id>]',
    summary: 'Install or update /ticket on Discord (one server, or every server)',
    details:
      "--guild  a server's id (Developer Mode → right-click the server → Copy Server ID): /ticket shows there at once;\n         without it /ticket is global, and Discord can take up to an hour to show it everywhere\nNeeds DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID.",
    async run(args) {
      const i = args.indexOf('--guild');
      const guild = i >= 0 ? args[i + 1] : undefined;
      if (i >= 0 && !/^\d{17,20}$/.test(guild ?? '')) {
        throw new UsageError(
          "--guild needs a server's id: 17 to 20 digits (right-click the server → Copy Server ID).",
        );
      }
      const { registerDiscord } = await import('./cli/discord.ts');
      await registerDiscord(guild);
    },
  },
  {
    words: ['email', 'inspect'],
    usage: 'relevo email inspect <file.eml>',
    summary:
      'Print as JSON how Relevo reads a message: sender, original sender if forwarded,\nticket reference, visible text, attachments, loop-guard verdict',
    async run(args) {
      const file = args.find((a) => !a.startsWith('-'));
      if (!file) throw new UsageError('email inspect needs the path of a message file (.eml).');
      const { printEmailInspection } = await import('./cli/email-inspect.ts');
      await printEmailInspection(file);
    },
  },
];

class UsageError extends Error {}

function overview(): string {
  const lines = subcommands.map((c) => {
    const [first, ...rest] = c.summary.split('\n');
    const pad = ' '.repeat(Math.max(2, 16 - c.words.join(' ').length));
    const head = `  ${c.words.join(' ')}${pad}${first}`;
    return [head, ...rest.map((l) => `${' '.repeat(18)}${l}`)].join('\n');
  });
  return `Usage: relevo <command> [--help]\n\n${lines.join('\n')}\n  help            Show this help`;
}

function helpFor(c: Subcommand): string {
  return [`Usage: ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : [])].join('\n');
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0) argv = ['start'];
  if (['help', '--help', '-h'].includes(argv[0] ?? '')) {
    const wanted = argv.slice(1).join(' ');
    const c = subcommands.find((s) => s.words.join(' ') === wanted);
    console.log(c ? helpFor(c) : overview());
    return;
  }
  const command = subcommands.find((c) => c.words.every((w, i) => argv[i] === w));
  if (!command) {
    const group = subcommands.filter((c) => c.words[0] === argv[0]);
    console.error(
      group.length
        ? `Unknown ${argv[0]} command "${argv[1] ?? ''}". Try: ${group.map((c) => c.usage).join(' · ')}`
        : `Unknown command "${argv[0]}".\n\n${overview()}`,
    );
    process.exitCode = 2;
    return;
  }
  const args = argv.slice(command.words.length);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(helpFor(command));
    return;
  }
  try {
    await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\nUsage: ${command.usage}`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof ConfigError) {
      console.error(command.words[0] === 'start' ? `Relevo cannot start.\n${err.message}` : err.message);
      process.exitCode = 78; // EX_CONFIG
      return;
    }
    throw err;
  }
}

await main(process.argv.slice(2));
