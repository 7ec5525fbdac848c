// prisma/schema.prisma and prisma/migrations must agree: a schema change needs `npm run migration:new`.
import path from 'node:path';
import { expect, it } from 'vitest';
import { pendingSchemaSql } from '../src/db/schema-diff.ts';

it('the committed migrations produce exactly the schema', async () => {
  expect(await pendingSchemaSql(path.resolve('prisma'))).toBe('');
}, 120_000);
