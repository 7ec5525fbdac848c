// The web chat is a chat platform Relevo hosts itself. Channels: "agents" (the agent console's feed of
// triage cards) and "support" with one thread per customer session. Posts are stored so a page that
// reloads sees the same conversation, and pushed live to open pages.
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, MessageRef } from '../../src/core/ports.ts';
import type { Db, Tx } from '../../src/db/index.ts';
import type { LiveHub } from '../../src/http/live-hub.ts';

export interface Post {
  id: string;
  channel: string;
  authorKind: 'customer' | 'relevo' | 'agent';
  authorName: string;
  message: OutMessage;
  createdAt: string;
  updatedAt: string;
}

type PostRow = NonNullable<Awaited<ReturnType<Db['webchatPost']['findUnique']>>>;

export function toPost(row: PostRow): Post {
  return {
    id: String(row.id),
    channel: row.channel,
    authorKind: row.authorKind as Post['authorKind'],
    authorName: row.authorName,
    message: row.message as unknown as OutMessage,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** "support" + thread "abc" → "support/abc"; "agents" → "agents". */
export function channelKey(target: ChatTarget): string {
  return target.thread ? `${target.channel}/${target.thread}` : target.channel;
}

export class WebchatAdapter implements ChatAdapter {
  readonly platform = 'webchat';

  constructor(
    private readonly db: Db,
    private readonly hub: LiveHub,
    private readonly botName = 'Relevo',
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const channel = channelKey(target);
    const { row, created } = await this.insert(this.db, {
      channel,
      dedupeKey: idempotencyKey ?? null,
      authorKind: message.author ? 'agent' : 'relevo',
      authorName: message.author ?? this.botName,
      message,
    });
    if (created) this.publish(row);
    return String(row.id);
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const row = await this.db.webchatPost.update({
      where: { id: BigInt(ref) },
      data: { message: message as never },
    });
    this.hub.publish(row.channel, 'update', toPost(row));
  }

  /** Stores a post unless its dedupe key was seen. The caller publishes it once committed. */
  async insert(
    tx: Tx | Db,
    data: {
      channel: string;
      dedupeKey: string | null;
      authorKind: Post['authorKind'];
      authorName: string;
      message: OutMessage;
    },
  ): Promise<{ row: PostRow; created: boolean }> {
    if (data.dedupeKey) {
      const seen = await tx.webchatPost.findUnique({ where: { dedupeKey: data.dedupeKey } });
      if (seen) return { row: seen, created: false };
    }
    const row = await tx.webchatPost.create({ data: { ...data, message: data.message as never } });
    return { row, created: true };
  }

  publish(row: PostRow): void {
    this.hub.publish(row.channel, 'post', toPost(row));
  }

  async history(channel: string, limit = 500): Promise<Post[]> {
    const rows = await this.db.webchatPost.findMany({
      where: { channel },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.reverse().map(toPost);
  }
}
