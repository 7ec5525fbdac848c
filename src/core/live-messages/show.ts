// The one way Relevo shows something that changes (a card, an escalation post, a waiting conversation) on
// a chat platform: the first time it is posted, every time after it is edited in place, on every platform.
// The LiveMessage row is what makes the second time an edit, across restarts and instances.
import type { Db } from '../../db/index.ts';
import type { OutMessage } from '../message.ts';
import type { ChatAdapter } from '../ports.ts';

/** Where a live message is shown, and what it shows. */
export interface LivePlace {
  /** What it shows (see `liveSubject`), e.g. "card:12". */
  subject: string;
  platform: string;
  channel: string;
  /** The thread it is posted in (a customer's conversation); unset: the channel itself. */
  thread?: string;
  /** The ticket it belongs to, if any. */
  ticketNumber?: number;
  /**
   * Replies in the thread the message opens belong to `ticketNumber`, among these people (a card's thread
   * among agents, an escalation's among maintainers): recorded as a ConversationLink of this kind.
   */
  threadLink?: 'agents' | 'maintainers';
}

export interface Shown {
  ref: string;
  /** Where replies to it go, on platforms with threads. */
  thread?: string;
  /** True the one time it was posted rather than edited. */
  posted: boolean;
}

/**
 * Posts `message` at `place` once, then edits that same message on every later call. `key` (the outbox
 * item's) is the adapter's idempotency key: a retry after a crash between the post and its record finds
 * the post instead of repeating it. Two calls for one place must not run at once; the outbox's lanes
 * (one per live message) see to that across instances.
 *
 * @example
 *   await showLive(db, slack, { subject: liveSubject.card(12), platform: 'slack', channel: 'C0AGENTS',
 *     ticketNumber: 12, threadLink: 'agents' }, await renderCard(db, 12, 'en'), 'outbox:41');
 */
export async function showLive(
  db: Db,
  adapter: ChatAdapter,
  place: LivePlace,
  message: OutMessage,
  key: string,
): Promise<Shown> {
  const { subject, platform, channel } = place;
  if (adapter.platform !== platform) {
    throw new Error(`the ${adapter.platform} adapter cannot show a live message on ${platform}`);
  }
  const where = { subject_platform_channel: { subject, platform, channel } };
  const live = await db.liveMessage.findUnique({ where });
  if (live) {
    await adapter.update(live.ref, message);
    // Only the time changes: operators read it as "last shown as of".
    await db.liveMessage.update({ where: { id: live.id }, data: { updatedAt: new Date() } });
    return { ref: live.ref, ...(live.thread ? { thread: live.thread } : {}), posted: false };
  }
  const ref = await adapter.post(
    place.thread ? { channel, thread: place.thread } : { channel },
    message,
    key,
  );
  const replies = adapter.threadOf?.(ref);
  // The record and the thread's link commit together: a crash between them would leave a message that is
  // edited in place but whose thread replies are never heard.
  await db.$transaction(async (tx) => {
    await tx.liveMessage.create({
      data: {
        subject,
        platform,
        channel,
        ref,
        thread: replies?.thread ?? null,
        ticketNumber: place.ticketNumber ?? null,
      },
    });
    if (replies?.thread && place.threadLink && place.ticketNumber !== undefined) {
      const thread = { platform, channel: replies.channel, thread: replies.thread };
      await tx.conversationLink.upsert({
        where: { platform_channel_thread: thread },
        create: { ...thread, kind: place.threadLink, ticketNumber: place.ticketNumber },
        update: {},
      });
    }
  });
  return { ref, ...(replies?.thread ? { thread: replies.thread } : {}), posted: true };
}
