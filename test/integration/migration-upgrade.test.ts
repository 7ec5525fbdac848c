// Upgrading a database that already holds data, on PGlite and PostgreSQL: the migrations of server-side
// sessions and web chat identity keep every contact (verified: they came from platforms that identify
// people), give existing web chat sessions an expiry, then end them — nobody ever proved those addresses.
// Ticket.source turning from an enum into text keeps every ticket's source; waiting outbox items learn their
// platform.
// The live_messages migration moves what Relevo had posted to edit later (cards, escalation posts,
// conversation notices) into LiveMessage: a Relevo started on the old database upgrades it and edits those
// very messages, and a reply in an old card's Slack thread is still a note on its ticket.
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyMigrations, migrationsDir, type SqlConnection } from '../../src/db/migrate.ts';
import { databaseKinds, freshDatabase, type TestDatabase } from '../harness/databases.ts';
import {
  AGENTS,
  ANA,
  CUSTOMER,
  MAINTAINERS,
  type SlackTestApp,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

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
    let snapshotDir: string | undefined;
    return {
      conn,
      close: async () => {
        if (!lite.closed) await lite.close();
        if (snapshotDir) await rm(snapshotDir, { recursive: true, force: true });
      },
      /** The database as it is now, for a Relevo to open (and finish upgrading); stops using it here. */
      handOver: async (): Promise<TestDatabase> => {
        snapshotDir = await mkdtemp(path.join(tmpdir(), 'relevo-upgrade-'));
        const file = path.join(snapshotDir, 'before.tar');
        await writeFile(file, Buffer.from(await (await lite.dumpDataDir('none')).arrayBuffer()));
        await lite.close();
        return { env: { RELEVO_DATA_DIR: 'memory://', RELEVO_PGLITE_SNAPSHOT: file }, drop: async () => {} };
      },
    };
  }
  const database = await freshDatabase('postgresql');
  const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
  await client.connect();
  const conn: SqlConnection = {
    query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
    exec: (sql) => client.query(sql),
  };
  let handedOver = false;
  return {
    conn,
    close: async () => {
      if (!handedOver) await client.end();
      await database.drop();
    },
    handOver: async (): Promise<TestDatabase> => {
      handedOver = true;
      await client.end();
      return { env: database.env, drop: async () => {} };
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

  it("keeps every ticket's source when the column turns from an enum into text, then takes any platform", async () => {
    const names = (await readdir(migrationsDir)).sort();
    const textSource = names.find((n) => n.endsWith('_ticket_source_text'));
    expect(textSource).toBeDefined();
    const { conn, close } = await connect(kind);
    const dirs: string[] = [];
    try {
      dirs.push(await migrationsBefore(textSource));
      await applyMigrations(conn, dirs[0]);
      await conn.exec(`
        INSERT INTO "Organisation" (id, name, plan, language, "emailDomains", products, "updatedAt")
          VALUES ('acme', 'Acme', 'production', 'en', '{example.com}', '{}', now());
        INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla');
        INSERT INTO "Ticket" (subject, source, "requesterId", "organisationId", "updatedAt") VALUES
          ('from slack', 'slack', 'c1', 'acme', now()),
          ('from mail', 'email', 'c1', 'acme', now()),
          ('from the api', 'api', 'c1', 'acme', now());
      `);
      // Before: the enum refuses a platform it does not list.
      await expect(
        conn.exec(`INSERT INTO "Ticket" (subject, source, "requesterId", "organisationId", "updatedAt")
          VALUES ('x', 'zulip', 'c1', 'acme', now())`),
      ).rejects.toThrow(/TicketSource/);

      dirs.push(await migrationsBefore());
      expect((await applyMigrations(conn, dirs[1])).applied).toContain(textSource);
      expect((await conn.query('SELECT subject, source FROM "Ticket" ORDER BY number')).rows).toEqual([
        { subject: 'from slack', source: 'slack' },
        { subject: 'from mail', source: 'email' },
        { subject: 'from the api', source: 'api' },
      ]);
      await conn.exec(`INSERT INTO "Ticket" (subject, source, "requesterId", "organisationId", "updatedAt")
        VALUES ('from zulip', 'zulip', 'c1', 'acme', now())`);
      expect(
        (await conn.query(`SELECT count(*)::int AS n FROM pg_type WHERE typname = 'TicketSource'`)).rows,
      ).toEqual([{ n: 0 }]);
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

// Relevo's messages in Slack and in the web chat before the live_messages migration: a ticket's card in
// each agents' channel (ChatMessageRef), an escalation's post (SentMessage "escalation:…", and the
// adapter's own "slack:escalation:…" row) and the notice of a waiting conversation (SentMessage
// "conversation:…"). Timestamps are Slack ts values; the refs are "<channel>:<ts>".
const before = {
  support: '1767000000.000100',
  card: '1767000001.000200',
  escalation: '1767000002.000300',
  notice: '1767000003.000400',
  waiting: '1767000004.000500',
};

function seedBeforeLiveMessages(webchatCard: string) {
  const msg = (text: string) => JSON.stringify([{ text, channelRef: 'slack:x', at: '2026-11-30T09:00:00Z' }]);
  return `
    INSERT INTO "Organisation" (id, name, plan, language, "emailDomains", products, "updatedAt")
      VALUES ('acme', 'Acme', 'production', 'en', '{example.com}', '{platform}', now());
    INSERT INTO "Product" (id, name, "maintainersChannel") VALUES ('platform', 'Platform', '${MAINTAINERS}');
    INSERT INTO "Contact" (id, "organisationId", name) VALUES ('c1', 'acme', 'Carla Customer');
    INSERT INTO "Ticket" (number, subject, status, source, "requesterId", "organisationId", "productId", "updatedAt")
      VALUES (1, 'Backups fail since Monday', 'on_hold', 'slack', 'c1', 'acme', 'platform', now());
    SELECT setval(pg_get_serial_sequence('"Ticket"', 'number'), 1);
    INSERT INTO "TicketEvent" (id, "ticketNumber", type, visibility, "authorKind", "authorContactId", body)
      VALUES ('ev1', 1, 'customer_message', 'public', 'contact', 'c1', 'Backups fail since Monday');
    INSERT INTO "ConversationLink" (id, platform, channel, thread, kind, "ticketNumber")
      VALUES ('l1', 'slack', '${SUPPORT}', '${before.support}', 'customer', 1),
             ('l2', 'slack', '${MAINTAINERS}', '${before.escalation}', 'maintainers', 1);
    INSERT INTO "Escalation" (id, "ticketNumber", "productId", "threadRef", "updatedAt")
      VALUES ('e-old', 1, 'platform', '${MAINTAINERS}:${before.escalation}', now());
    INSERT INTO "ChatMessageRef" (id, purpose, "ticketNumber", platform, ref, "updatedAt")
      VALUES ('r1', 'card', 1, 'slack:${AGENTS}', '${AGENTS}:${before.card}', now()),
             ('r2', 'card', 1, 'webchat:agents', '${webchatCard}', now());
    INSERT INTO "PendingConversation" (id, platform, channel, thread, "contactId", messages, "updatedAt")
      VALUES ('pc-old', 'slack', '${SUPPORT_ON_REQUEST}', '${before.waiting}', 'c1', '${msg('Can you add SSO?')}', now());
    -- e-gone's escalation was deleted with its ticket: its post has nothing left to show and is not moved.
    INSERT INTO "SentMessage" (key, platform, ref) VALUES
      ('escalation:e-old:slack:${MAINTAINERS}', 'slack', '${MAINTAINERS}:${before.escalation}'),
      ('slack:escalation:e-old:slack:${MAINTAINERS}', 'slack', '${MAINTAINERS}:${before.escalation}'),
      ('escalation:e-gone:slack:${MAINTAINERS}', 'slack', '${MAINTAINERS}:1767000000.000009'),
      ('conversation:pc-old:slack:${AGENTS}', 'slack', '${AGENTS}:${before.notice}');
  `;
}

describe.each(databaseKinds)('upgrading a %s database with messages Relevo edits in place', (kind) => {
  it('moves cards, escalation posts and conversation notices into LiveMessage and edits them, never posting again', async () => {
    const liveMessages = (await readdir(migrationsDir)).sort().find((n) => n.endsWith('_live_messages'));
    expect(liveMessages).toBeDefined();
    const { conn, close, handOver } = await connect(kind);
    const dir = await migrationsBefore(liveMessages);
    let s: SlackTestApp | undefined;
    try {
      await applyMigrations(conn, dir);
      const [webchatCard] = (
        await conn.query<{ id: string }>(
          `INSERT INTO "WebchatPost" (channel, "authorKind", "authorName", message, "updatedAt")
           VALUES ('agents', 'relevo', 'Relevo', '{"title":"#1 Backups fail since Monday","text":"old"}', now())
           RETURNING id::text`,
        )
      ).rows;
      await conn.exec(seedBeforeLiveMessages(webchatCard?.id ?? ''));

      // Relevo starts on the old database, with Slack holding what it had posted, and upgrades it.
      s = await startSlackApp(await handOver(), {
        beforeStart: (fake) => {
          const bot = { user: fake.botUserId, bot_id: fake.botId };
          fake.addMessage(SUPPORT, { ts: before.support, user: CUSTOMER, text: 'Backups fail since Monday' });
          fake.addMessage(AGENTS, { ts: before.card, ...bot, text: '#1 Backups fail since Monday' });
          fake.addMessage(MAINTAINERS, {
            ts: before.escalation,
            ...bot,
            text: 'Escalation: #1 Backups fail',
          });
          fake.addMessage(AGENTS, { ts: before.notice, ...bot, text: 'Conversation from Carla Customer' });
          fake.addMessage(SUPPORT_ON_REQUEST, {
            ts: before.waiting,
            user: CUSTOMER,
            text: 'Can you add SSO?',
          });
        },
      });
      const app = s.t.app;
      const db = app.db.prisma;
      const rows = await db.liveMessage.findMany({ orderBy: [{ subject: 'asc' }, { platform: 'asc' }] });
      expect(
        rows.map(({ subject, platform, channel, ref, thread, ticketNumber }) => ({
          subject,
          platform,
          channel,
          ref,
          thread,
          ticketNumber,
        })),
      ).toEqual([
        {
          subject: 'card:1',
          platform: 'slack',
          channel: AGENTS,
          ref: `${AGENTS}:${before.card}`,
          thread: before.card,
          ticketNumber: 1,
        },
        {
          subject: 'card:1',
          platform: 'webchat',
          channel: 'agents',
          ref: webchatCard?.id,
          thread: null,
          ticketNumber: 1,
        },
        {
          subject: 'conversation:pc-old',
          platform: 'slack',
          channel: AGENTS,
          ref: `${AGENTS}:${before.notice}`,
          thread: before.notice,
          ticketNumber: null,
        },
        {
          subject: 'escalation:e-old',
          platform: 'slack',
          channel: MAINTAINERS,
          ref: `${MAINTAINERS}:${before.escalation}`,
          thread: before.escalation,
          ticketNumber: 1,
        },
      ]);
      // SentMessage keeps only what adapters wrote for their own re-deliveries.
      expect((await db.sentMessage.findMany()).map((m) => m.key)).toEqual([
        `slack:escalation:e-old:slack:${MAINTAINERS}`,
      ]);

      // A change to each: the same messages are edited, nothing of them is posted again.
      s.fake.clearCalls();
      const ana = { kind: 'agent', agentId: 'ana' } as const;
      await app.tickets.setField(1, ana, 'priority', 'urgent');
      await app.actions.escalations.claim(1, { kind: 'agent', agentId: 'mia' });
      const created = await app.actions.conversations.createTicket('pc-old', ana);
      await app.settle();
      const edited = s.fake.callsTo('chat.update').map((c) => `${c.args.channel}:${c.args.ts}`);
      expect(edited).toEqual(
        expect.arrayContaining([
          `${AGENTS}:${before.card}`,
          `${MAINTAINERS}:${before.escalation}`,
          `${AGENTS}:${before.notice}`,
        ]),
      );
      const postedText = s.fake.callsTo('chat.postMessage').map((c) => JSON.stringify(c.args));
      expect(postedText.filter((p) => p.includes('#1 ') || p.includes('Conversation from'))).toEqual([]);
      expect(s.fake.messages(MAINTAINERS).filter((m) => m.bot_id)).toHaveLength(1);
      expect(textOf(s.fake.findMessage(AGENTS, before.card))).toContain('urgent');
      expect(textOf(s.fake.findMessage(AGENTS, before.notice))).toContain(`Ticket #${created} created.`);
      // The web chat's card is the same post, edited.
      const cards = await db.webchatPost.findMany({ where: { channel: 'agents' } });
      const old = cards.filter((p) => JSON.stringify(p.message).includes('#1 '));
      expect(old.map((p) => String(p.id))).toEqual([webchatCard?.id]);
      expect(JSON.stringify(old[0]?.message)).toContain('urgent');

      // A reply in the old card's thread is still the ticket's discussion, through the link the upgrade wrote.
      await s.slack.message({
        channel: AGENTS,
        user: ANA,
        text: 'The backup disk is full',
        threadTs: before.card,
      });
      await app.settle();
      const note = await db.ticketEvent.findFirst({
        where: { ticketNumber: 1, body: 'The backup disk is full' },
      });
      expect(note).toMatchObject({ type: 'private_note', visibility: 'internal', authorAgentId: 'ana' });
    } finally {
      await s?.stop();
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
