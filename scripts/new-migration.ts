// npm run migration:new -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql
// for whatever changed in prisma/schema.prisma since the last migration.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pendingSchemaSql } from '../src/db/schema-diff.ts';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('Usage: npm run migration:new -- <name>   (e.g. add_ticket_tags)');
  process.exit(2);
}
const prismaDir = path.resolve('prisma');
const sql = await pendingSchemaSql(prismaDir);
if (!sql) {
  console.log('prisma/schema.prisma matches the migrations: nothing to write.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(prismaDir, 'migrations', `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
