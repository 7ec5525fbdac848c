// Counts the SQL statements this process sends its database, for benches that report "statements per
// message" and tests that a batch costs what it should: a figure the machine's load does not move, unlike
// a duration. PGlite: each extended-protocol
// Parse message and each simple query entering the WebAssembly PostgreSQL (what Prisma's transactions use
// too, which bypass PGlite's public query method); PostgreSQL: each query a `pg` client sends.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const PARSE = 0x50; // 'P'
const SIMPLE_QUERY = 0x51; // 'Q'

/** Counts from now until `stop`, which puts the drivers back as they were. */
export function countStatements(): { read(): number; stop(): void } {
  let count = 0;
  const lite = PGlite.prototype as unknown as { execProtocolRawSync(message: Uint8Array): unknown };
  const execRaw = lite.execProtocolRawSync;
  lite.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
    if (message[0] === PARSE || message[0] === SIMPLE_QUERY) count++;
    return execRaw.call(this, message);
  };
  const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = client.query;
  client.query = function (this: unknown, ...args: unknown[]) {
    count++;
    return query.apply(this, args);
  };
  return {
    read: () => count,
    stop: () => {
      lite.execProtocolRawSync = execRaw;
      client.query = query;
    },
  };
}
