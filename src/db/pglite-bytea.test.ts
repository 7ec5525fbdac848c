import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/harness/databases.ts';
import type { Database } from './index.ts';
import { bytesAsBinary } from './pglite-bytea.ts';

// Every byte value, twice, and an empty array: what a bytea parameter must carry unchanged.
const every = Buffer.from([
  ...Array.from({ length: 256 }, (_, i) => i),
  ...Array.from({ length: 256 }, (_, i) => 255 - i),
]);

/** A Bind message's parameter format codes: 'B', length, portal and statement names, count, codes. */
function bindFormats(message: Uint8Array): number[] {
  const view = Buffer.from(message);
  let at = view.indexOf(0, 5) + 1;
  at = view.indexOf(0, at) + 1;
  const count = view.readInt16BE(at);
  return Array.from({ length: count }, (_, i) => view.readInt16BE(at + 2 + 2 * i));
}

describe('bytes to the embedded database', () => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openTestDatabase('pglite'));
  });
  afterAll(() => close());

  it('are handed on as they are (binary format), not spelled out in hex', () => {
    const serialize = (bytesAsBinary as unknown as Record<number, (v: unknown) => unknown>)[17];
    expect(serialize?.(every)).toBe(every);
    expect(() => serialize?.('not bytes')).toThrow('Invalid input for bytea type');
  });

  it('arrive unchanged through a raw query and through the ORM, and read back the same', async () => {
    // The parameter formats of each Bind message the database receives: 1 is binary.
    const formats: number[][] = [];
    const lite = PGlite.prototype as unknown as { execProtocolRawSync(message: Uint8Array): unknown };
    const exec = lite.execProtocolRawSync;
    lite.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
      if (message[0] === 0x42) formats.push(bindFormats(message));
      return exec.call(this, message);
    };
    try {
      await db.prisma.$queryRaw`SELECT octet_length(${every}::bytea) AS n`;
    } finally {
      lite.execProtocolRawSync = exec;
    }
    expect(formats).toEqual([[1]]);
    const rows = await db.prisma.$queryRaw<{ n: number; hex: string }[]>`
      SELECT octet_length(${every}::bytea)::int AS n, encode(${every}::bytea, 'hex') AS hex`;
    expect(rows).toEqual([{ n: 512, hex: every.toString('hex') }]);
    const empty = await db.prisma.$queryRaw<
      { n: number }[]
    >`SELECT octet_length(${Buffer.alloc(0)}::bytea)::int AS n`;
    expect(empty).toEqual([{ n: 0 }]);
    const message = await db.prisma.emailMessage.create({
      data: {
        messageId: '<bytes@relevo.test>',
        direction: 'inbound',
        fromAddress: 'a@relevo.test',
        toAddresses: [],
        ccAddresses: [],
        subject: 'bytes',
        counterparty: 'a@relevo.test',
        raw: every,
      },
    });
    const read = await db.prisma.emailMessage.findUniqueOrThrow({ where: { id: message.id } });
    expect(Buffer.from(read.raw as Uint8Array).equals(every)).toBe(true);
  });
});
