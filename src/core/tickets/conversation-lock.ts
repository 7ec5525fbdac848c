// Two messages of one conversation may be processed at the same moment by two instances: both would find
// no ticket and open one each. Holding this lock until the transaction ends makes the second wait and
// then see the first one's ticket. Re-entrant within a transaction; other conversations never wait.
import type { Tx } from '../../db/index.ts';

export async function lockConversation(
  tx: Tx,
  conversation: { platform: string; channel: string; thread: string },
): Promise<void> {
  const key = `conversation:${conversation.platform}:${conversation.channel}:${conversation.thread}`;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
