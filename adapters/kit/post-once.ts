// The idempotent post: an outbox item re-delivered after a crash (the post went out, the "done" mark did
// not) must not post twice. The key is the outbox item's; the ref of what was posted is kept under it.
import type { Db } from '../../src/db/index.ts';

/**
 * Runs `post` unless something was already posted under `key` on `platform`, and returns the ref either way.
 *
 * @example const ref = await postOnce(db, 'slack', 'outbox:41', () => client.chat.postMessage(…).then(toRef));
 */
export async function postOnce(
  db: Db,
  platform: string,
  key: string | undefined,
  post: () => Promise<string>,
): Promise<string> {
  if (!key) return post();
  const id = `${platform}:${key}`;
  const sent = await db.sentMessage.findUnique({ where: { key: id } });
  if (sent) return sent.ref;
  const ref = await post();
  await db.sentMessage.upsert({ where: { key: id }, create: { key: id, platform, ref }, update: {} });
  return ref;
}
