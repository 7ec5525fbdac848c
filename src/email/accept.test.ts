// Group commit of accepted mail: messages arriving together share one write, each answered only once it
// is stored, duplicates (earlier or in the same batch) told apart, one bad message refusing only itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/harness/databases.ts';
import { RecentInboxBytes } from '../core/inbox-bytes.ts';
import { IngressGate } from '../core/ingress.ts';
import type { Database } from '../db/index.ts';
import { EmailAcceptor, emailInboxThread } from './accept.ts';

const message = (id: string, body = 'hello') =>
  Buffer.from(`Message-ID: <${id}@accept.test>\r\nFrom: a@example.com\r\nSubject: x\r\n\r\n${body}\r\n`);

describe('EmailAcceptor', () => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openTestDatabase('pglite'));
  });
  afterAll(() => close());

  it('stores a burst in few writes, every byte intact, each sender told new or duplicate', async () => {
    const acceptor = new EmailAcceptor(db.prisma, new IngressGate());
    const binary = Buffer.concat([message('bin'), Buffer.from([0, 255, 128, 13, 10])]);
    const burst = [
      message('a'),
      message('b'),
      message('a'),
      binary,
      ...Array.from({ length: 30 }, (_, i) => message(`n${i}`)),
    ];
    const results = await Promise.all(burst.map((raw) => acceptor.accept(raw, 'smtp')));
    expect(results.slice(0, 4)).toEqual([true, true, false, true]);
    expect(results.slice(4).every(Boolean)).toBe(true);
    expect(await acceptor.accept(message('b'), 'imap')).toBe(false);
    const stored = await db.prisma.inboundEvent.findUniqueOrThrow({
      where: { key: 'email:<bin@accept.test>' },
    });
    expect(Buffer.from(stored.blob as Uint8Array).equals(binary)).toBe(true);
    expect(await db.prisma.inboundEvent.count({ where: { key: { not: 'email:<kept@accept.test>' } } })).toBe(
      33,
    );
  });

  it("leaves each new message's bytes for the inbox worker once stored, and none for a duplicate", async () => {
    const recent = new RecentInboxBytes();
    const acceptor = new EmailAcceptor(db.prisma, new IngressGate(), {
      stored: (key, raw) => recent.keep(key, raw),
    });
    const first = message('kept', 'first');
    expect(await acceptor.accept(first, 'smtp')).toBe(true);
    expect(await acceptor.accept(message('kept', 'second'), 'smtp')).toBe(false);
    expect(recent.take('email:<kept@accept.test>')?.equals(first)).toBe(true);
    expect(recent.take('email:<kept@accept.test>')).toBeUndefined();
  });

  it('a message the database refuses fails alone; the rest of its batch is stored', async () => {
    // A stand-in database that refuses any write containing the poison message.
    const writes: number[] = [];
    const fake = {
      async $queryRawUnsafe(_sql: string, ...values: unknown[]) {
        // A new message's conversation is named like its key: each counted once.
        const keys = [
          ...new Set(values.filter((v): v is string => typeof v === 'string' && v.startsWith('email:'))),
        ];
        writes.push(keys.length);
        if (keys.includes('email:<poison@accept.test>')) throw new Error('index row size exceeds maximum');
        return keys.map((key) => ({ key }));
      },
    } as unknown as Database['prisma'];
    const acceptor = new EmailAcceptor(fake, new IngressGate());
    const [first, bad, good] = await Promise.allSettled([
      acceptor.accept(message('solo'), 'smtp'),
      acceptor.accept(message('poison'), 'smtp'),
      acceptor.accept(message('neighbour'), 'smtp'),
    ]);
    expect(first).toEqual({ status: 'fulfilled', value: true });
    expect(bad?.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: true });
    // The lone first message, then the two that arrived meanwhile together, then each alone.
    expect(writes).toEqual([1, 2, 1, 1]);
  });
});

describe('emailInboxThread', () => {
  const mail = (headers: string) => Buffer.from(`${headers}\r\nSubject: x\r\n\r\nbody\r\n`);

  it('names a thread by its root, so a reply follows the message it answers', () => {
    const original = mail('Message-ID: <root@x.test>');
    const reply = mail('Message-ID: <r1@x.test>\r\nIn-Reply-To: <root@x.test>\r\nReferences: <root@x.test>');
    const deeper = mail(
      'Message-ID: <r2@x.test>\r\nIn-Reply-To: <r1@x.test>\r\nReferences: <root@x.test>\r\n <r1@x.test>',
    );
    const bareReply = mail('Message-ID: <r3@x.test>\r\nIn-Reply-To: <root@x.test>');
    expect(emailInboxThread(original)).toBe('email:<root@x.test>');
    expect([reply, deeper, bareReply].map(emailInboxThread)).toEqual(Array(3).fill('email:<root@x.test>'));
  });

  it('leaves a message with no Message-ID and no references out of any conversation', () => {
    expect(emailInboxThread(mail('From: a@x.test'))).toBeUndefined();
  });
});
