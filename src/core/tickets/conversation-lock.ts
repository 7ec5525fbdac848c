// Two messages of one conversation may be processed at the same moment by two instances: both would find
// no ticket and open one each. Holding this lock until the transaction ends makes the second wait and
// then see the first one's ticket. Re-entrant within a transaction; other conversations never wait.
import type { Tx } from '../../db/index.ts';
import { lockNames } from '../advisory-locks.ts';

type Conversation = { platform: string; channel: string; thread: string };

const keyOf = (c: Conversation) => `conversation:${c.platform}:${c.channel}:${c.thread}`;

export function lockConversation(tx: Tx, conversation: Conversation): Promise<void> {
  return lockConversations(tx, [conversation]);
}

/** Several conversations' locks in one statement, in an order that cannot deadlock (advisory-locks.ts). */
export function lockConversations(tx: Tx, conversations: readonly Conversation[]): Promise<void> {
  return lockNames(tx, conversations.map(keyOf));
}
