// Discord's gateway events in the core's words: people's messages in a served channel (or in a thread
// under one: a conversation's thread, a forum post, a panel's private thread) become message events, a 🎫
// reaction a reaction event. Nothing here decides what they mean for tickets (core/chat/router.ts does).
import {
  type GatewayMessageCreateDispatchData,
  type GatewayMessageReactionAddDispatchData,
  MessageType,
} from 'discord.js';
import type { ChatEvent } from '../../src/core/chat/events.ts';
import { fileLine } from '../../src/core/tickets/required-info.ts';
import { PLATFORM } from './platform.ts';

/** Where a channel id sits among the channels Relevo serves: itself, a thread of one, or neither. */
export type Placement = { served: string; thread?: string } | undefined;

/** Looks a channel up: served (relevo.yaml), or a thread whose parent is served. */
export async function placementOf(
  channel: string,
  served: (id: string) => boolean,
  parentOf: (id: string) => Promise<string | undefined>,
): Promise<Placement> {
  if (served(channel)) return { served: channel };
  const parent = await parentOf(channel);
  return parent && served(parent) ? { served: parent, thread: channel } : undefined;
}

/**
 * A message → the event Relevo keeps; undefined for what carries no person's words: bots' and webhooks'
 * messages (Relevo's own too) and system messages (a thread started, a pin, a join).
 * In a served channel a message starts its own conversation (its thread will have its id); in a thread,
 * the thread is the conversation, and its starter (a forum post's first message has the thread's id)
 * opens it.
 */
export function messageEvent(
  m: GatewayMessageCreateDispatchData,
  at: NonNullable<Placement>,
): ChatEvent | undefined {
  if (m.author.bot || m.webhook_id) return undefined;
  if (m.type !== MessageType.Default && m.type !== MessageType.Reply) return undefined;
  const files = (m.attachments ?? []).map((a) => fileLine(a.filename, a.url));
  const text = [m.content, ...files].filter(Boolean).join('\n');
  const thread = at.thread ?? m.id;
  return {
    kind: 'message',
    platform: PLATFORM,
    channel: at.served,
    thread,
    messageId: m.id,
    inThread: m.id !== thread,
    person: { platformId: m.author.id },
    text,
  };
}

/** A 🎫 reaction → the reaction event; undefined for any other emoji, or one from a bot. */
export function reactionEvent(
  r: GatewayMessageReactionAddDispatchData,
  at: NonNullable<Placement>,
): { key: string; event: ChatEvent } | undefined {
  if (r.emoji.name !== '🎫' || r.member?.user?.bot) return undefined;
  return {
    key: `${PLATFORM}:reaction:${r.message_id}:${r.user_id}:ticket`,
    event: {
      kind: 'reaction',
      platform: PLATFORM,
      channel: at.served,
      messageId: r.message_id,
      person: { platformId: r.user_id },
      reaction: 'ticket',
    },
  };
}

/** A message link ("Copy Message Link": https://discord.com/channels/<guild>/<channel>/<message>). */
export function messageLink(link: string): { channel: string; message: string } | undefined {
  const m = /\/channels\/(?:\d+|@me)\/(\d+)\/(\d+)/.exec(link);
  return m?.[1] && m[2] ? { channel: m[1], message: m[2] } : undefined;
}
