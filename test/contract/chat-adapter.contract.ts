// The contract every chat adapter passes (web chat and the in-memory platform now; Slack, Mattermost
// and Discord as they arrive). `read` shows what a person in that channel would see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget } from '../../src/core/ports.ts';

export interface ContractSubject {
  adapter: ChatAdapter;
  /** A channel and a thread in it where the adapter may post. */
  channel: ChatTarget;
  thread: ChatTarget;
  read(target: ChatTarget): Promise<OutMessage[]>;
  close(): Promise<void>;
}

const card: OutMessage = {
  title: '#7 Printer on fire',
  text: 'Line one\nLine two with <b>markup</b> & "quotes"',
  fields: [{ label: 'Status', value: 'new' }],
  buttons: [
    { action: 'ticket.take', label: 'Take it', value: '7', style: 'primary' },
    { action: 'ticket.resolve', label: 'Resolve…', value: '7' },
  ],
  context: 'via webchat',
};

export function chatAdapterContract(name: string, make: () => Promise<ContractSubject>) {
  describe(`chat adapter contract: ${name}`, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await make();
      await s.adapter.start();
    });
    afterAll(async () => {
      await s.adapter.stop();
      await s.close();
    });

    it('declares what it can do, and does what it declares', () => {
      const { capabilities } = s.adapter;
      expect(capabilities).toMatchObject({
        threads: expect.any(Boolean),
        privateReplies: expect.any(Boolean),
        forms: expect.any(Boolean),
      });
      expect(typeof s.adapter.threadOf === 'function').toBe(capabilities.threads);
    });

    it('posts a message that people in the channel see, text, fields and buttons intact', async () => {
      const ref = await s.adapter.post(s.channel, card);
      expect(typeof ref).toBe('string');
      const seen = await s.read(s.channel);
      expect(seen.at(-1)).toMatchObject({ title: card.title, text: card.text, fields: card.fields });
      expect(seen.at(-1)?.buttons?.map((b) => [b.action, b.value])).toEqual([
        ['ticket.take', '7'],
        ['ticket.resolve', '7'],
      ]);
    });

    it('edits a posted message in place instead of posting another', async () => {
      const ref = await s.adapter.post(s.channel, { text: 'before' });
      const count = (await s.read(s.channel)).length;
      await s.adapter.update(ref, { text: 'after' });
      const seen = await s.read(s.channel);
      expect(seen).toHaveLength(count);
      expect(seen.map((m) => m.text)).toContain('after');
      expect(seen.map((m) => m.text)).not.toContain('before');
    });

    it('posts in a thread without leaking into the channel', async () => {
      await s.adapter.post(s.thread, { text: 'in the thread' });
      expect((await s.read(s.thread)).map((m) => m.text)).toContain('in the thread');
      expect((await s.read(s.channel)).map((m) => m.text)).not.toContain('in the thread');
    });

    it('drops a re-delivery with the same idempotency key', async () => {
      const a = await s.adapter.post(s.thread, { text: 'once' }, 'outbox:99');
      const b = await s.adapter.post(s.thread, { text: 'once' }, 'outbox:99');
      expect(b).toBe(a);
      expect((await s.read(s.thread)).filter((m) => m.text === 'once')).toHaveLength(1);
    });

    it('shows who a reply is from when it is on someone’s behalf', async () => {
      await s.adapter.post(s.thread, { text: 'from an agent', author: 'Ben' });
      expect((await s.read(s.thread)).find((m) => m.text === 'from an agent')?.author).toBe('Ben');
    });
  });
}
