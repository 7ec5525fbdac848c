import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeParsersOnce } from './pglite-parsers-once.ts';

// Parsers like the Prisma adapter's: they must win over PGlite's own for their types.
const adapterParsers: NonNullable<QueryOptions['parsers']> = {
  1700: (x: string) => `numeric:${x}`,
  1184: (x: string) => `timestamptz:${x}`,
  3802: (x: string) => `jsonb:${x}`,
};
const sql = `SELECT 1.50::numeric AS n, '2026-12-06 10:00:00+00'::timestamptz AS at, '{"a":1}'::jsonb AS j,
  42::int4 AS i, 'x'::text AS t, '\\x0102'::bytea AS b, $1::text AS p`;

describe('mergeParsersOnce', () => {
  let lite: PGlite;
  const seen: (QueryOptions | undefined)[] = [];
  beforeAll(async () => {
    lite = await PGlite.create({ dataDir: 'memory://' });
  });
  afterAll(() => lite.close());

  it('parses every value as the per-query parsers did, without passing them per query', async () => {
    const plain = await lite.query(sql, ['p'], { rowMode: 'array', parsers: adapterParsers });
    const fast = mergeParsersOnce(lite);
    const original = lite.query.bind(lite);
    lite.query = ((q: string, params?: unknown[], options?: QueryOptions) => {
      seen.push(options);
      return original(q, params, options);
    }) as PGlite['query'];
    const once = await fast.query(sql, ['p'], { rowMode: 'array', parsers: adapterParsers });
    const again = await fast.query(sql, ['p'], { rowMode: 'array', parsers: adapterParsers });
    expect(plain.rows[0]).toEqual([
      'numeric:1.50',
      expect.stringMatching(/^timestamptz:2026-12-06 10:00:00/),
      'jsonb:{"a": 1}',
      42,
      'x',
      new Uint8Array([1, 2]),
      'p',
    ]);
    expect(once.rows).toEqual(plain.rows);
    expect(again.rows).toEqual(plain.rows);
    expect(seen.map((o) => o?.parsers)).toEqual([undefined, undefined]);
    expect(seen.map((o) => o?.rowMode)).toEqual(['array', 'array']);
  });

  it('does the same inside a transaction, which commits through the wrapper', async () => {
    const fast = mergeParsersOnce(lite);
    await lite.exec('CREATE TABLE kept (n numeric)');
    const rows = await fast.transaction(async (tx) => {
      await tx.query('INSERT INTO kept VALUES (2.5)', [], { parsers: adapterParsers });
      return (await tx.query('SELECT n FROM kept', [], { rowMode: 'array', parsers: adapterParsers })).rows;
    });
    expect(rows).toEqual([['numeric:2.5']]);
    expect((await lite.query('SELECT count(*)::int AS c FROM kept')).rows).toEqual([{ c: 1 }]);
  });
});
