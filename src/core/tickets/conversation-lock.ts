// Two messages of one conversation may be processed at the same moment by two instances: both would find
// no ticket and open one each. Holding this lock until the transaction ends makes the second wait and
// then see the first one's ticket. Re-entrant within a transaction; other conversations never wait.
import type { Tx } from '../../db/index.ts';

type Conversation = { platform: string; channel: string; thread: string };

const keyOf = (c: Conversation) => `conversation:${c.platform}:${c.channel}:${c.thread}`;

export function lockConversation(tx: Tx, conversation: Conversation): Promise<void> {
  return lockConversations(tx, [conversation]);
}

/**
 * Several conversations' locks in one statement, taken in the order of their keys: two transactions
 * locking overlapping sets then wait on each other in turn instead of deadlocking.
 */
export async function lockConversations(tx: Tx, conversations: readonly Conversation[]): Promise<void> {
  const keys = [...new Set(conversations.map(keyOf))].sort();
  if (!keys.length) return;
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS u(k, i)
    ORDER BY i`;
}
