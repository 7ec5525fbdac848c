// An in-memory chat platform for tests: records what Relevo posted and edited, like a real channel.
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, MessageRef } from '../../src/core/ports.ts';

export interface MemoryMessage {
  ref: string;
  target: ChatTarget;
  message: OutMessage;
  edits: number;
}

export class MemoryChatAdapter implements ChatAdapter {
  readonly platform: string;
  readonly capabilities = { threads: true, privateReplies: false, forms: false } as const;
  readonly messages: MemoryMessage[] = [];
  private readonly seenKeys = new Map<string, string>();

  constructor(platform = 'memory') {
    this.platform = platform;
  }
  async start() {}
  async stop() {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const seen = idempotencyKey ? this.seenKeys.get(idempotencyKey) : undefined;
    if (seen) return seen;
    const ref = `m${this.messages.length + 1}`;
    this.messages.push({ ref, target, message: structuredClone(message), edits: 0 });
    if (idempotencyKey) this.seenKeys.set(idempotencyKey, ref);
    return ref;
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const found = this.messages.find((m) => m.ref === ref);
    if (!found) throw new Error(`unknown message ${ref}`);
    found.message = structuredClone(message);
    found.edits++;
  }

  /** Like Slack: replies to a message go to the thread named after it, in its channel. */
  threadOf(ref: MessageRef): ChatTarget {
    const found = this.messages.find((m) => m.ref === ref);
    if (!found) throw new Error(`unknown message ${ref}`);
    return { channel: found.target.channel, thread: ref };
  }

  /** What a person would see in a channel/thread, oldest first. */
  async read(target: ChatTarget): Promise<OutMessage[]> {
    return this.messages
      .filter((m) => m.target.channel === target.channel && m.target.thread === target.thread)
      .map((m) => m.message);
  }
}
