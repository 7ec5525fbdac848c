import { inject } from 'vitest';
import { WebchatAdapter } from '../../adapters/webchat/adapter.ts';
import { openDatabase } from '../../src/db/index.ts';
import { LiveHub } from '../../src/http/live-hub.ts';
import { MemoryChatAdapter } from '../harness/memory-adapter.ts';
import { chatAdapterContract } from './chat-adapter.contract.ts';

chatAdapterContract('in-memory test platform', async () => {
  const adapter = new MemoryChatAdapter();
  return {
    adapter,
    channel: { channel: 'agents' },
    thread: { channel: 'support', thread: 't1' },
    read: (target) => adapter.read(target),
    close: async () => {},
  };
});

chatAdapterContract('web chat', async () => {
  const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  const hub = new LiveHub();
  const adapter = new WebchatAdapter(db.prisma, hub);
  return {
    adapter,
    channel: { channel: 'agents' },
    thread: { channel: 'support', thread: 'session-1' },
    // What the page shows: the stored posts of that channel.
    read: async (target) =>
      (await adapter.history(target.thread ? `support/${target.thread}` : target.channel)).map((p) => ({
        ...p.message,
        author: p.authorKind === 'agent' ? p.authorName : undefined,
      })),
    close: () => db.close(),
  };
});
