// What the bot asks of a server when it is added (its permissions, in the invite link) and of Discord when
// it connects (its gateway intents): each one for something Relevo does, nothing more.
import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';

/** The bot's permissions, granted on the server by the invite link. */
export const BOT_PERMISSIONS: bigint =
  // See the mapped channels (support, agents, maintainers, the ticket panel) and the threads in them.
  PermissionFlagsBits.ViewChannel |
  // Answer customers, post triage cards and escalations, open forum posts (a forum's "Create Posts").
  PermissionFlagsBits.SendMessages |
  // Everything about a ticket after its first message happens in its thread; also what Add Thread Member
  // asks for, to add agents to a private ticket thread.
  PermissionFlagsBits.SendMessagesInThreads |
  // A customer's conversation in a support channel becomes a thread on their message.
  PermissionFlagsBits.CreatePublicThreads |
  // Tickets opened from the panel get a private thread: only the customer, the agents and the bot see it.
  PermissionFlagsBits.CreatePrivateThreads |
  // Archive and lock a ticket's thread on close (Modify Thread: anything but unarchiving needs it); see
  // private ticket threads it is not a member of (Discord shows a private thread only to its members and to
  // holders of this); list archived private threads when catching up (with ReadMessageHistory).
  PermissionFlagsBits.ManageThreads |
  // Triage cards and ticket summaries are embeds, and links in Relevo's messages get their previews.
  PermissionFlagsBits.EmbedLinks |
  // Transcripts: a closed ticket's conversation as a file.
  PermissionFlagsBits.AttachFiles |
  // Catch-up after an outage or a restart: read what was posted while Relevo was not listening.
  PermissionFlagsBits.ReadMessageHistory |
  // Mark a customer's message with a reaction (🎫 once it became a ticket, so agents see it was taken).
  // Reading the agents' reactions needs no permission, only the GuildMessageReactions intent.
  PermissionFlagsBits.AddReactions;
// Not MentionEveryone. Relevo adds agents to a private thread one by one (Add Thread Member), which needs no
// mention. To have the agents' role pinged, make that role mentionable (Server Settings → Roles → "Allow
// anyone to @mention this role"): a role that is not mentionable is all MentionEveryone would add, and it
// would also let the bot ping @everyone and @here — in a bot that posts text customers wrote.

/**
 * The gateway intents Relevo connects with. GuildMessageReactions: an agent's 🎫 reaction turns a customer's
 * message into a ticket. MessageContent is privileged (switched on in the Developer Portal: Bot → Privileged
 * Gateway Intents): without it, guild messages arrive with empty content — except messages that mention the
 * bot, DMs, and interactions — so a customer's plain message in a support channel cannot become a ticket.
 * Slash commands, buttons, the ticket panel and its forms (modals) are interactions and work without it.
 */
export const GATEWAY_INTENTS: number =
  GatewayIntentBits.Guilds |
  GatewayIntentBits.GuildMessages |
  GatewayIntentBits.MessageContent |
  GatewayIntentBits.GuildMessageReactions;

/**
 * The link that adds the bot to a server with these permissions and lets it install `/ticket`
 * (`applications.commands`).
 */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.toString(),
  });
  // URLSearchParams writes a space as "+"; Discord's own links use %20.
  return `https://discord.com/oauth2/authorize?${query.toString().replaceAll('+', '%20')}`;
}
