// The web chat is a chat platform Relevo hosts itself. Channels: "agents" (the agent console's feed of
// triage cards) and "support" with one thread per customer session. Posts are stored so a page that
// reloads sees the same conversation, and pushed live to open pages.
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, MessageRef } from '../../src/core/ports.ts';
import type { Db, Tx } from '../../src/db/index.ts';
import type { LiveBus } from '../../src/http/live-bus.ts';
import type { LiveHub } from '../../src/http/live-hub.ts';
import { leadOf, opened } from '../kit/mentions.ts';

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
  // A support thread is the visitor's session, not a message's thread; the console answers each agent
  // privately and shows forms as dialogs.
  readonly capabilities = { threads: false, privateReplies: true, forms: true } as const;

  constructor(
    private readonly db: Db,
    private readonly bus: LiveBus,
    hub: LiveHub,
    private readonly botName = 'Relevo',
  ) {
    // Every instance hears of every post and update (see live-bus.ts) and pushes it to its own pages.
    // The post travels in the signal when it fits (most do); a long one is read back by its id.
    bus.on('webchat.post', async ({ id, event, post }) => {
      const kind = event === 'update' ? 'update' : 'post';
      if (typeof post === 'string') {
        const shown = JSON.parse(post) as Post;
        hub.publish(shown.channel, kind, shown);
        return;
      }
      const row = await db.webchatPost.findUnique({ where: { id: BigInt(id ?? 0) } });
      if (row) hub.publish(row.channel, kind, toPost(row));
    });
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const channel = channelKey(target);
    const { row } = await this.insert(this.db, {
      channel,
      dedupeKey: idempotencyKey ?? null,
      authorKind: message.author ? 'agent' : 'relevo',
      authorName: message.author ?? this.botName,
      message: named(message),
    });
    return String(row.id);
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const row = await this.db.webchatPost.update({
      where: { id: BigInt(ref) },
      data: { message: message as never },
    });
    await this.announce(row, 'update', this.db);
  }

  /**
   * A customer's press on a button of `post` was taken (a confirmation, say): the post keeps its words,
   * loses its buttons (they are spent: a second press would only be refused) and says what came of it —
   * live on open pages and after a reload. Only a post of the customer's own conversation that carries
   * that very button is changed.
   */
  async answered(channel: string, post: string, pressed: { action: string; value: string }, outcome: string) {
    const row = await this.db.webchatPost.findUnique({ where: { id: BigInt(post) } });
    if (!row || row.channel !== channel) return;
    const message = row.message as unknown as OutMessage;
    if (!message.buttons?.some((b) => b.action === pressed.action && b.value === pressed.value)) return;
    const { buttons: _, ...rest } = message;
    await this.update(post, { ...rest, context: `✓ ${outcome}` });
  }

  /** Stores a post unless its dedupe key was seen; open pages get it once `tx` commits. */
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
    await this.announce(row, 'post', tx);
    return { row, created: true };
  }

  private async announce(row: PostRow, event: 'post' | 'update', tx: Tx | Db) {
    const id = String(row.id);
    await this.bus.signal('webchat.post', { id, event, post: JSON.stringify(toPost(row)) }, tx, {
      id,
      event,
    });
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

/** The console has no mentions that notify: the people a message is addressed to are named before it. */
function named(message: OutMessage): OutMessage {
  if (!message.mentions?.length) return message;
  const { mentions, ...rest } = message;
  return {
    ...rest,
    text: opened(
      leadOf(mentions, (m) => `@${m.name}`),
      message.text,
    ),
  };
}
