// Upgrading a database that already holds data, on PGlite and PostgreSQL: the migrations of server-side
// sessions and web chat identity keep every contact (verified: they came from platforms that identify
// people), give existing web chat sessions an expiry, then end them — nobody ever proved those addresses.

import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyMigrations, migrationsDir, type SqlConnection } from '../../src/db/migrate.ts';
import { databaseKinds, freshDatabase } from '../harness/databases.ts';

/** A directory holding the committed migrations that sort before `stop` (all of them without it). */
async function migrationsBefore(stop?: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'relevo-migrations-'));
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    if (stop && name >= stop) break;
    await cp(path.join(migrationsDir, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

async function connect(kind: (typeof databaseKinds)[number]) {
  if (kind === 'pglite') {
    const lite = await PGlite.create();
    const conn: SqlConnection = {
      query: async (sql, params) => ({ rows: (await lite.query(sql, params)).rows as never[] }),
      exec: (sql) => lite.exec(sql),
    };
    return { conn, close: () => lite.close() };
  }
  const database = await freshDatabase('postgresql');
  const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
  await client.connect();
  const conn: SqlConnection = {
    query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
    exec: (sql) => client.query(sql),
  };
  return {
    conn,
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

describe.each(databaseKinds)('upgrading a %s database that holds data', (kind) => {
  it('keeps contacts (verified), gives old web chat sessions an expiry, then ends them', async () => {
    const names = (await readdir(migrationsDir)).sort();
    const sessions = names.find((n) => n.endsWith('_server_sessions'));
    const identity = names.find((n) => n.endsWith('_webchat_identity'));
    expect(sessions && identity && sessions < identity).toBe(true);
    const { conn, close } = await connect(kind);
    const dirs: string[] = [];
    try {
      dirs.push(await migrationsBefore(sessions));
      expect((await applyMigrations(conn, dirs[0])).applied.length).toBeGreaterThan(0);
      await conn.exec(`
        INSERT INTO "Organisation" (id, name, plan, language, "emailDomains", products, "updatedAt")
          VALUES ('acme', 'Acme', 'production', 'en', '{example.com}', '{}', now());
        INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla');
        INSERT INTO "Identity" (id, platform, "externalId", "contactId") VALUES ('i1', 'email', 'carla@example.com', 'c1');
        INSERT INTO "WebchatSession" (id, "tokenHash", "contactId", "createdAt")
          VALUES ('s1', 'hash-of-an-old-token', 'c1', '2026-03-01T10:00:00Z');
      `);

      dirs.push(await migrationsBefore(identity));
      expect((await applyMigrations(conn, dirs[1])).applied).toEqual([sessions]);
      const [session] = (
        await conn.query<{ expires: string }>(
          `SELECT to_char("expiresAt", 'YYYY-MM-DD"T"HH24:MI') AS expires FROM "WebchatSession" WHERE id = 's1'`,
        )
      ).rows;
      expect(session?.expires).toBe('2026-03-31T10:00');

      dirs.push(await migrationsBefore());
      expect((await applyMigrations(conn, dirs[2])).applied).toContain(identity);
      expect((await conn.query('SELECT id FROM "WebchatSession"')).rows).toEqual([]);
      expect(
        (await conn.query('SELECT name, verified, "claimedEmail" FROM "Contact" WHERE id = $1', ['c1'])).rows,
      ).toEqual([{ name: 'Carla', verified: true, claimedEmail: null }]);
      expect(
        (await conn.query('SELECT "externalId" FROM "Identity" WHERE "contactId" = $1', ['c1'])).rows,
      ).toEqual([{ externalId: 'carla@example.com' }]);
    } finally {
      await close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('gives outbox items still waiting or given up the platform they go to; delivered ones stay as they were', async () => {
    const platformColumn = (await readdir(migrationsDir)).sort().find((n) => n.endsWith('_outbox_platform'));
    expect(platformColumn).toBeDefined();
    const { conn, close } = await connect(kind);
    const dirs: string[] = [];
    try {
      dirs.push(await migrationsBefore(platformColumn));
      await applyMigrations(conn, dirs[0]);
      await conn.exec(`
        INSERT INTO "Organisation" (id, name, plan, language, "emailDomains", products, "updatedAt")
          VALUES ('acme', 'Acme', 'production', 'en', '{example.com}', '{}', now());
        INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla');
        INSERT INTO "Ticket" (number, subject, source, "requesterId", "organisationId", "updatedAt")
          VALUES (7, 'VPN down', 'email', 'c1', 'acme', now()), (8, 'No link', 'api', 'c1', 'acme', now());
        INSERT INTO "ConversationLink" (id, platform, channel, thread, kind, "ticketNumber") VALUES
          ('l1', 'webchat', 'support', 's1', 'customer', 7),
          ('l2', 'email', 'email', '<a@example.com>', 'customer', 7),
          ('l3', 'slack', 'C0MAINT001', '1.2', 'maintainers', 7);
        INSERT INTO "OutboxItem" (kind, payload, status, lane) VALUES
          ('card', '{"ticketNumber":7,"platform":"slack","channel":"C0AGENTS01"}', 'pending', 'card:7'),
          ('customer_event', '{"eventId":"e1","ticketNumber":7}', 'dead', 'customer:7'),
          ('customer_event', '{"eventId":"e2","ticketNumber":7}', 'done', 'customer:7'),
          ('customer_event', '{"eventId":"e3","ticketNumber":8}', 'pending', 'customer:8');
      `);
      dirs.push(await migrationsBefore());
      expect((await applyMigrations(conn, dirs[1])).applied).toContain(platformColumn);
      const rows = (
        await conn.query<{ payload: { eventId?: string; platform?: string }; platform: string | null }>(
          'SELECT payload, platform FROM "OutboxItem" ORDER BY id',
        )
      ).rows.map((r) => [r.payload.eventId ?? r.payload.platform, r.platform]);
      // A customer's message goes to every platform the ticket reaches them on (not the maintainers' thread).
      expect(rows).toEqual([
        ['slack', 'slack'],
        ['e1', 'email,webchat'],
        ['e2', null],
        ['e3', null],
      ]);
    } finally {
      await close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
