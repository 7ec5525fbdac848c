// Slack's payloads in the core's words: channel messages and 🎫 reactions become ChatEvents, message links
// become a channel and thread. Nothing here decides what they mean for tickets (core/chat/router.ts does).
import type { ChatEvent } from '../../src/core/chat/events.ts';
import type { MessageAt } from '../../src/core/chat/router.ts';
import { fileLine } from '../../src/core/tickets/required-info.ts';

interface MessageEvent {
  type: 'message';
  channel: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
  /** A `file_share` message's files (https://docs.slack.dev/reference/objects/file-object). */
  files?: { name?: string; title?: string; permalink?: string }[];
}
interface ReactionEvent {
  type: 'reaction_added';
  user: string;
  reaction: string;
  item: { type: string; channel: string; ts: string };
}

/** Slack escapes these three in message text (https://docs.slack.dev/messaging/formatting-message-text). */
export const unescapeSlack = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Message subtypes that carry a person's words; edits, joins and bot posts are not new messages. */
const wordsSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

/** The files a customer shared, one line each as the core reads them (agents follow the link in Slack). */
function filesOf(e: MessageEvent): string[] {
  return (e.files ?? [])
    .filter((f) => f.permalink)
    .map((f) => fileLine(f.name || f.title || 'file', f.permalink as string));
}

/** An Events API envelope → the event Relevo keeps; undefined for what carries nothing for Relevo. */
export function slackChatEvent(envelope: unknown): ChatEvent | undefined {
  const e = (envelope as { event?: MessageEvent | ReactionEvent } | null)?.event;
  if (e?.type === 'message') {
    if (!wordsSubtypes.has(e.subtype) || e.bot_id || !e.user || !e.channel || !e.ts) return undefined;
    return {
      kind: 'message',
      platform: 'slack',
      channel: e.channel,
      thread: e.thread_ts ?? e.ts,
      messageId: e.ts,
      inThread: Boolean(e.thread_ts),
      person: { platformId: e.user },
      text: [unescapeSlack(e.text ?? ''), ...filesOf(e)].filter(Boolean).join('\n'),
    };
  }
  if (e?.type === 'reaction_added') {
    if (e.reaction !== 'ticket' || e.item?.type !== 'message' || !e.user) return undefined;
    return {
      kind: 'reaction',
      platform: 'slack',
      channel: e.item.channel,
      messageId: e.item.ts,
      person: { platformId: e.user },
      reaction: 'ticket',
    };
  }
  return undefined;
}

/**
 * A Slack message link ("Copy link": …/archives/C0123/p1700000000000100?thread_ts=…) → its channel and the
 * thread it belongs to. `/ticket create <link>` and `/ticket share <link>` need it: Slack does not tell a slash command its thread.
 */
export function slackMessageLink(link: string): MessageAt | undefined {
  const m = /archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})(?:\?.*thread_ts=(\d+\.\d+))?/.exec(link);
  if (!m) return undefined;
  const [, channel, secs, micros, threadTs] = m;
  const ts = `${secs}.${micros}`;
  return { channel: channel as string, thread: threadTs ?? ts, messageId: ts };
}
