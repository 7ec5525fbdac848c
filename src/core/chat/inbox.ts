// Chat events in the inbox: stored by every chat adapter under one source, handled by the router.
import type { Db, Tx } from '../../db/index.ts';
import { acceptInbound, type InboundHandler, type InboundPreparer } from '../inbox.ts';
import type { Notifier } from '../ports.ts';
import type { ChatEvent } from './events.ts';
import type { ChatRouter } from './router.ts';

const CHAT_EVENT_SOURCE = 'chat.event';

/**
 * Stores an event before the platform is acknowledged; false for a duplicate (the platform retried).
 * `key` names the event on its platform across retries (Slack's event_id, a Mattermost post id…).
 *
 * @example if (await storeChatEvent(db, notifier, `slack:${body.event_id}`, event)) …
 */
export async function storeChatEvent(
  db: Tx | Db,
  notifier: Pick<Notifier, 'inboxWritten'>,
  key: string,
  event: ChatEvent,
): Promise<boolean> {
  const stored = await acceptInbound(db, {
    key,
    source: CHAT_EVENT_SOURCE,
    payload: event as never,
    thread: conversationOf(event),
  });
  if (stored) notifier.inboxWritten();
  return stored;
}

/**
 * The conversation an event belongs to, for the inbox's order: a message's thread; a reaction's message,
 * which on threaded platforms is a conversation's root (so it follows the messages of that conversation).
 */
function conversationOf(event: ChatEvent): string {
  const thread = event.kind === 'message' ? event.thread : event.messageId;
  return `chat:${event.platform}:${event.channel}:${thread}`;
}

export function chatInbox(router: ChatRouter): {
  handlers: Record<string, InboundHandler>;
  preparers: Record<string, InboundPreparer>;
} {
  return {
    handlers: { [CHAT_EVENT_SOURCE]: (tx, payload) => router.handle(tx, payload as ChatEvent) },
    preparers: { [CHAT_EVENT_SOURCE]: (payload) => router.prepare(payload as ChatEvent) },
  };
}
