// The Slack app manifest for Relevo, rendered from the command registry so the slash command Slack shows
// always lists the subcommands Relevo actually has. An admin pastes `manifestYaml(...)`'s output into
// api.slack.com/apps → Create New App → From an app manifest.
//
// Field names and limits: https://docs.slack.dev/reference/app-manifest, and the JSDoc of @slack/web-api's
// manifest types (dist/types/request/manifest.d.ts), which the return type below is checked against.
import type { AppsManifestCreateArguments } from '@slack/web-api';
import { Document } from 'yaml';
import type { CommandDefinition } from '../../commands/command.ts';
import { truncate } from '../kit/truncate.ts';

export type SlackManifest = AppsManifestCreateArguments['manifest'];
type BotScope = NonNullable<NonNullable<NonNullable<SlackManifest['oauth_config']>['scopes']>['bot']>[number];
type BotEvent = NonNullable<
  NonNullable<NonNullable<SlackManifest['settings']>['event_subscriptions']>['bot_events']
>[number];

export interface SlackManifestOptions {
  /** Shown in Slack as the app's name (at most 35 characters). */
  appName: string;
  /** Where Slack reaches Relevo over HTTPS, e.g. `https://relevo.example.com`. Unused in Socket Mode. */
  publicUrl: string;
  /** Socket Mode: Relevo dials out to Slack, so no public URL is needed (self-hosting behind a firewall). */
  socketMode: boolean;
  commands: readonly CommandDefinition[];
}

/**
 * Every bot scope Relevo asks for, and why. Workspace admins approve this list, so nothing is here "just in
 * case". Deliberately absent: `im:history` (Relevo takes no tickets by direct message), `app_mentions:read`
 * (see BOT_EVENTS), `chat:write.public` (Relevo posts only where it was invited).
 */
export const BOT_SCOPES: readonly { scope: BotScope; why: string }[] = [
  {
    scope: 'chat:write',
    why: 'post and edit ticket cards, thread answers, escalation threads and SLA warnings',
  },
  {
    scope: 'chat:write.customize',
    why: "show an agent's public reply under the agent's name (OutMessage.author) rather than the bot's",
  },
  { scope: 'commands', why: 'the /ticket slash command' },
  {
    scope: 'channels:history',
    why: "receive message.channels: customers' messages in public support channels, maintainers' thread replies",
  },
  {
    scope: 'groups:history',
    why: 'receive message.groups: the same in private channels (agents, maintainers)',
  },
  {
    scope: 'reactions:read',
    why: 'receive reaction_added: an agent reacting 🎫 turns a conversation into a ticket',
  },
  { scope: 'users:read', why: 'names for the people who write, and for mentions in private notes' },
  {
    scope: 'users:read.email',
    why: 'match a Slack user to an agent or contact by email, and a customer to an organisation by email domain',
  },
  {
    scope: 'channels:read',
    why: 'check at start that each configured public channel exists and Relevo is in it (a clear error, not a lost post)',
  },
  { scope: 'groups:read', why: 'the same check for configured private channels' },
];

/**
 * Events Relevo subscribes to. `app_mention` is left out on purpose: Relevo already receives every message
 * in its channels through message.channels/message.groups, and a mention would arrive a second time as an
 * app_mention with a different event_id, defeating deduplication.
 */
export const MESSAGE_SHORTCUTS = [
  {
    name: 'Share with customer',
    callback_id: 'relevo_share',
    description: "Sends this maintainer's note to the ticket's customer",
  },
  {
    name: 'Create ticket',
    callback_id: 'relevo_create_ticket',
    description: "Turns this customer's conversation into a ticket",
  },
] as const;

export const BOT_EVENTS: readonly BotEvent[] = ['message.channels', 'message.groups', 'reaction_added'];

/** Bolt's HTTP receiver serves events, commands and interactivity on one path. */
const EVENTS_PATH = '/slack/events';

// Limits from the manifest reference (display_information.name 35, description 140; bot_user.display_name
// 80 of a-z 0-9 - _ .; slash command description 2000, usage_hint 1000).
const NAME_MAX = 35;
const DESCRIPTION_MAX = 140;
const BOT_NAME_MAX = 80;
const COMMAND_DESCRIPTION_MAX = 2000;
const USAGE_HINT_MAX = 1000;

function baseUrl(publicUrl: string, socketMode: boolean): string | undefined {
  if (socketMode) return undefined;
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(
      `Slack publicUrl "${publicUrl}" is not a URL. Give the https:// address Slack can reach, or use Socket Mode.`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new Error(
      `Slack publicUrl must use https:// (Slack refuses plain http request URLs); got "${publicUrl}". Or use Socket Mode.`,
    );
  }
  if (url.search || url.hash)
    throw new Error(`Slack publicUrl "${publicUrl}" must not have a query or fragment.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function botDisplayName(appName: string): string {
  const slug = appName
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, BOT_NAME_MAX);
  return slug || 'relevo';
}

/**
 * The app manifest for one Relevo installation. All subcommands live under a single `/ticket`, so adding a
 * command file changes the usage hint here and nothing else.
 *
 * @example
 *   const manifest = slackManifest({ appName: 'Relevo', publicUrl: 'https://relevo.example.com',
 *     socketMode: false, commands: commandList() });
 *   process.stdout.write(manifestYaml(manifest));
 */
export function slackManifest(opts: SlackManifestOptions): SlackManifest {
  const base = baseUrl(opts.publicUrl, opts.socketMode);
  const requestUrl = base ? `${base}${EVENTS_PATH}` : undefined;
  const names = opts.commands.map((c) => c.name);
  const appName = truncate(opts.appName.trim() || 'Relevo', NAME_MAX);

  return {
    display_information: {
      name: appName,
      description: truncate(
        'Help desk in chat: tickets from Slack, email and web chat, triaged with /ticket.',
        DESCRIPTION_MAX,
      ),
    },
    features: {
      bot_user: { display_name: botDisplayName(appName), always_online: true },
      // Message shortcuts (the "…" menu on a message): a maintainer's answer reaches the customer only
      // through an explicit Share; Create ticket turns a waiting customer conversation into a ticket.
      shortcuts: MESSAGE_SHORTCUTS.map((s) => ({ ...s, type: 'message' as const })),
      slash_commands: [
        {
          command: '/ticket',
          description: truncate(`Relevo tickets: ${names.join(', ')}`, COMMAND_DESCRIPTION_MAX),
          usage_hint: truncate(`${names.join('|')} …`, USAGE_HINT_MAX),
          ...(requestUrl && { url: requestUrl }),
          // Escaping would turn "ana@example.com" into "<mailto:…|…>" and break `/ticket new <email> …`;
          // the registry parses plain text on every platform.
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: BOT_SCOPES.map((s) => s.scope) } },
    settings: {
      event_subscriptions: { ...(requestUrl && { request_url: requestUrl }), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...(requestUrl && { request_url: requestUrl }) },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.socketMode,
      token_rotation_enabled: false,
    },
  };
}

/** The manifest as YAML (Slack accepts YAML or JSON; YAML is easier to read and review). */
export function manifestYaml(manifest: SlackManifest): string {
  const doc = new Document(manifest);
  doc.commentBefore =
    ' Relevo Slack app manifest, generated from the /ticket command registry.\n' +
    ' Paste it at https://api.slack.com/apps → Create New App → From an app manifest.';
  // lineWidth 0: never fold long strings, so what Slack receives is exactly what was rendered.
  return doc.toString({ lineWidth: 0 });
}
