// How a slash command is described: once, here, and rendered from that description for every platform
// (the web console now; Slack's manifest, Mattermost's registration and Discord's commands later).
import type { z } from 'zod';
import type { DeskConfig } from '../src/core/config.ts';
import type { OutMessage } from '../src/core/message.ts';
import type { Conversations } from '../src/core/tickets/conversations.ts';
import type { Actor, TicketService } from '../src/core/tickets/service.ts';
import type { Db } from '../src/db/index.ts';
import { type Localized, pick } from '../src/i18n/localized.ts';

export interface CommandContext {
  actor: Actor;
  tickets: TicketService;
  db: Db;
  config: DeskConfig;
  /** Where the command was typed, if in a ticket's thread (lets `/ticket reply` omit the number). */
  ticketInThread?: number;
  conversations?: Conversations;
  /** Platforms that can name a conversation by a link (Slack's "Copy link") resolve it here. */
  findConversation?: (link: string) => Promise<string | undefined>;
  /** The same for a message that became a private note (a maintainer's reply): its ticket and event. */
  findNote?: (link: string) => Promise<{ ticketNumber: number; eventId: string } | undefined>;
  /** The language of the person who typed the command (English when unset): confirmations use it. */
  language?: string;
  /** Where the command was typed: its platform, and its channel when the platform says. */
  place?: { platform: string; channel?: string };
  /**
   * A person @mentioned in the command, as the platform sent it: undefined when the platform resolved no
   * such mention, else the agent they are (`agentId` null for someone who is not an agent).
   */
  agentMentioned?: (mention: string) => Promise<{ agentId: string | null } | undefined>;
}

/** A short confirmation in the language of the person who typed the command. */
export function say(ctx: Pick<CommandContext, 'language'>, text: Localized): string {
  return pick(text, ctx.language ?? 'en');
}

export interface CommandDefinition<S extends z.ZodType = z.ZodType> {
  /** The subcommand: `/ticket <name>`. */
  name: string;
  /** Positional argument names in order; a trailing `...` takes the rest of the line. */
  args: string[];
  schema: S;
  usage: string;
  /** One line on what it does, in both languages: `/ticket help` and Discord's command picker show it. */
  help: Localized;
  /**
   * What each argument holds (its name without `...`), for platforms that ask for arguments one by one
   * (Discord's command options). `ticket` needs none: every platform describes it the same way.
   */
  argHelp?: Record<string, Localized>;
  /** Who may run it. */
  audience: 'agent' | 'anyone';
  run(ctx: CommandContext, args: z.infer<S>): Promise<OutMessage>;
}

export function defineCommand<S extends z.ZodType>(def: CommandDefinition<S>): CommandDefinition<S> {
  return def;
}
