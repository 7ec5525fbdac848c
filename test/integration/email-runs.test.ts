// A run of mail handled at once (ingestRun: the inbox hands consecutive messages over together) must end
// exactly as the same messages handled one at a time: same outcomes, same tickets, histories, contacts,
// acknowledgements and kept originals. And the run's new tickets are written together: more messages in
// a run add their reads, not their writes.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockIdentities } from '../../src/core/directory.ts';
import type { Database } from '../../src/db/index.ts';
import { type EmailIngestDeps, type IngestOutcome, ingestParsed, ingestRun } from '../../src/email/ingest.ts';
import { parseEmail } from '../../src/email/parse.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { type DatabaseKind, databaseKinds } from '../harness/databases.ts';
import { openDesk } from '../harness/desk.ts';
import { eventually } from '../harness/http.ts';
import { countStatements } from '../harness/statements.ts';

const SUPPORT = 'support@relevo.test';

function mail(id: string, from: string, subject: string, body: string, extra = ''): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.com>\r\n` +
      `Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n${extra}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
  );
}

/** The ticket core on a fresh database, and email ingestion on it. */
async function desk(kind: DatabaseKind) {
  const opened = await openDesk(kind, `${testConfigYaml}email:\n  autoRepliesPerHour: 3\n`);
  const { db, config, tickets } = opened;
  const deps: EmailIngestDeps = {
    config,
    tickets,
    log: pino({ level: 'silent' }),
    ownAddresses: [SUPPORT],
    now: () => new Date(),
    trustedAuthservIds: [],
    agentCopies: false,
  };
  /** Parsed, with its bytes in the inbox (processed: no loop takes them), as the inbox worker hands them over. */
  const inbox = async (raws: Buffer[]) => {
    const mails = await Promise.all(raws.map(async (raw, i) => ({ email: await parseEmail(raw), raw, i })));
    for (const m of mails) {
      await db.$executeRaw`
        INSERT INTO "InboundEvent" (id, key, source, payload, blob, "processedAt")
        VALUES (${crypto.randomUUID()}, ${`run:${m.email.dedupeKey}:${m.i}:${Math.random()}`}, 'test', '{}'::jsonb,
                ${m.raw}::bytea, now())`;
    }
    const keys = await db.$queryRaw<{ key: string }[]>`
      SELECT key FROM "InboundEvent" WHERE source = 'test' ORDER BY seq DESC LIMIT ${mails.length}`;
    return mails.map(({ email }, i) => ({
      email,
      inboxKey: (keys[mails.length - 1 - i] as { key: string }).key,
    }));
  };
  return { db: opened.database, deps, inbox, close: opened.close };
}

/** The statements a run of messages that each open a ticket costs, checked to have opened them. */
async function statementsOfNewTickets(d: Awaited<ReturnType<typeof desk>>, raws: Buffer[]): Promise<number> {
  const run = await d.inbox(raws);
  const counter = countStatements();
  try {
    const outcomes = await d.db.prisma.$transaction((tx) => ingestRun(tx, run, d.deps));
    expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
    return counter.read();
  } finally {
    counter.stop();
  }
}

/** What the desk holds, without ids or times that differ between two databases. */
async function snapshot(database: Database) {
  const db = database.prisma;
  return {
    tickets: await db.$queryRaw`
      SELECT t.number, t.subject, t.status::text, c.name AS requester, t."organisationId", t.source
      FROM "Ticket" t JOIN "Contact" c ON c.id = t."requesterId" ORDER BY t.number`,
    events: await db.$queryRaw`
      SELECT "ticketNumber", type::text, visibility::text, "authorKind"::text, body, "channelRef"
      FROM "TicketEvent" ORDER BY "ticketNumber", "createdAt", id`,
    outbox: await db.$queryRaw`
      SELECT kind, lane, platform, (payload->>'ticketNumber')::int AS ticket FROM "OutboxItem" ORDER BY id`,
    links: await db.$queryRaw`
      SELECT platform, channel, thread, "ticketNumber" FROM "ConversationLink" ORDER BY thread`,
    originals: await db.$queryRaw`
      SELECT m."messageId", m."ticketNumber", m.error, m."loopVerdict", m.raw IS NULL AS "inInbox",
        octet_length(e.blob) AS size
      FROM "EmailMessage" m LEFT JOIN "InboundEvent" e ON e.key = m."inboundKey"
      WHERE m.direction = 'inbound' ORDER BY m."messageId"`,
    // Each original's bytes are kept once, where they were stored; a duplicate's are let go.
    bytesKept: await db.$queryRaw`SELECT count(*)::int AS n FROM "InboundEvent" WHERE blob IS NOT NULL`,
    // With the language each learnt from what they wrote (the last clear judgement of the run).
    contacts: await db.$queryRaw`
      SELECT c.name, c."organisationId", i."externalId", c.language FROM "Contact" c
      JOIN "Identity" i ON i."contactId" = c.id ORDER BY i."externalId"`,
  };
}

// In this order: new tickets from new and known senders, the same new sender twice, a reply to a message
// of the run, the per-sender limit reached inside the run, a stranger's mail (kept), a ticket named that does not
// exist, an auto-reply, and a message delivered twice.
const storm = [
  mail('m1', 'Carla <carla@example.com>', 'Export fails', 'The invoice export fails with error 500.'),
  mail('m2', 'Carla <carla@example.com>', 'Login is slow', 'Logging in takes a minute.'),
  mail('m3', 'Juan <juan@globex.es>', 'Factura duplicada', 'La factura de marzo llegó dos veces.'),
  mail('m4', 'juan@globex.es', 'Re: Factura', 'Y la de abril.', 'In-Reply-To: <m3@example.com>\r\n'),
  mail('m5', 'Carla <carla@example.com>', 'Reports empty', 'The monthly report is empty.'),
  mail('m6', 'Carla <carla@example.com>', 'Search broken', 'Search finds nothing since Monday.'),
  mail('m7', 'Pat <pat@unknown.org>', 'Hi', 'Is anyone there?'),
  mail('m8', 'Pedro <pedro@example.com>', 'About [#999]', 'Is there news on this one?'),
  // A subject decoding to half a UTF-16 pair: stored as U+FFFD, not refused.
  mail('m8b', 'Pedro <pedro@example.com>', '=?UTF-16BE?B?2AA=?= broken', 'The subject is broken.'),
  mail(
    'm9',
    'Juan <juan@globex.es>',
    'Fuera de la oficina',
    'Vuelvo el lunes.',
    'Auto-Submitted: auto-replied\r\n',
  ),
  mail('m3', 'Juan <juan@globex.es>', 'Factura duplicada', 'La factura de marzo llegó dos veces.'),
];

for (const kind of databaseKinds) {
  describe(`a run of mail on ${kind}`, () => {
    let together: Awaited<ReturnType<typeof desk>>;
    let oneByOne: Awaited<ReturnType<typeof desk>>;
    beforeAll(async () => {
      [together, oneByOne] = await Promise.all([desk(kind), desk(kind)]);
    });
    afterAll(async () => {
      await together?.close();
      await oneByOne?.close();
    });

    it('ends exactly as the same messages one at a time', async () => {
      const run = await together.inbox(storm);
      const outcomes = await together.db.prisma.$transaction((tx) => ingestRun(tx, run, together.deps));
      const alone = [];
      for (const m of await oneByOne.inbox(storm)) {
        alone.push(
          await oneByOne.db.prisma.$transaction((tx) => ingestParsed(tx, m.email, m.inboxKey, oneByOne.deps)),
        );
      }
      expect(outcomes).toEqual(alone);
      // The cases above are all there: new, appended, unacknowledged past the limit, kept, duplicate.
      expect(outcomes.map((o) => o.kind)).toEqual([
        'created',
        'created',
        'created',
        'appended',
        'created',
        'created',
        'kept',
        'created',
        'created',
        'created',
        'duplicate',
      ]);
      expect(outcomes.filter((o) => o.kind === 'created' && !o.acknowledged)).toHaveLength(2);
      const held = await snapshot(together.db);
      expect(held).toEqual(await snapshot(oneByOne.db));
      expect(held.bytesKept).toEqual([{ n: storm.length - 1 }]);
      expect(held.contacts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ externalId: 'carla@example.com', language: 'en' }),
          expect.objectContaining({ externalId: 'juan@globex.es', language: 'es' }),
        ]),
      );
      expect(held.originals).toHaveLength(storm.length - 1);
      expect(held.originals).toEqual(
        expect.arrayContaining([expect.objectContaining({ inInbox: true, size: expect.any(Number) })]),
      );
    });

    it('refuses a run in which a message names the ticket an earlier one opens; one at a time it joins it', async () => {
      const named = async (d: typeof together) => {
        const [next] = await d.db.prisma.$queryRaw<{ n: number }[]>`
          SELECT coalesce(max(number), 0)::int + 1 AS n FROM "Ticket"`;
        const n = next?.n as number;
        const mails = await d.inbox([
          mail(`named-1-${n}`, 'Carla <carla@example.com>', 'Printer offline', 'The printer is offline.'),
          mail(`named-2-${n}`, 'Carla <carla@example.com>', `More on [#${n}]`, 'It is the one on floor 2.'),
        ]);
        return { n, mails };
      };
      // Decided on "there is no ticket #n", which the run itself then opened: the whole run rolls back and
      // the inbox processes each message again in a transaction of its own.
      const run = await named(together);
      await expect(
        together.db.prisma.$transaction((tx) => ingestRun(tx, run.mails, together.deps)),
      ).rejects.toThrow(`named ticket #${run.n}, opened in the same run`);
      const alone = await named(oneByOne);
      const outcomes = [];
      for (const m of alone.mails) {
        outcomes.push(
          await oneByOne.db.prisma.$transaction((tx) => ingestParsed(tx, m.email, m.inboxKey, oneByOne.deps)),
        );
      }
      expect(outcomes).toMatchObject([
        { kind: 'created', ticketNumber: alone.n },
        { kind: 'appended', ticketNumber: alone.n },
      ]);
    });

    it('reads again the first facts an earlier message of the run changed, as one at a time would see them', async () => {
      // Read for all at the start, these would be stale: Rosa's count of acknowledgements (the limit is
      // 3), the ticket Tom's reply answers, and that r1 was processed already.
      const firsts = (tag: string) => [
        mail(`${tag}-r1`, `Rosa <rosa.${tag}@example.com>`, 'Printer jam', 'Paper stuck.'),
        mail(`${tag}-r2`, `Rosa <rosa.${tag}@example.com>`, 'Scanner', 'No scan.'),
        mail(`${tag}-r3`, `Rosa <rosa.${tag}@example.com>`, 'Fax', 'No fax.'),
        mail(`${tag}-r4`, `Rosa <rosa.${tag}@example.com>`, 'Toner', 'No toner.'),
        mail(
          `${tag}-t1`,
          `Tom <tom.${tag}@example.com>`,
          'Re: Printer jam',
          'Still stuck.',
          `In-Reply-To: <${tag}-r1@example.com>\r\n`,
        ),
        mail(`${tag}-r1`, `Rosa <rosa.${tag}@example.com>`, 'Printer jam', 'Paper stuck.'),
      ];
      // Ticket numbers differ between the two desks: each outcome names the run's nth ticket instead.
      const relative = (outcomes: IngestOutcome[]) => {
        const numbers: number[] = [];
        return outcomes.map((o) => {
          if (!('ticketNumber' in o)) return o;
          if (!numbers.includes(o.ticketNumber)) numbers.push(o.ticketNumber);
          return { ...o, ticketNumber: numbers.indexOf(o.ticketNumber) };
        });
      };
      const run = await together.inbox(firsts('run'));
      const outcomes = await together.db.prisma.$transaction((tx) => ingestRun(tx, run, together.deps));
      const alone: IngestOutcome[] = [];
      for (const m of await oneByOne.inbox(firsts('one'))) {
        alone.push(
          await oneByOne.db.prisma.$transaction((tx) => ingestParsed(tx, m.email, m.inboxKey, oneByOne.deps)),
        );
      }
      expect(relative(outcomes)).toEqual(relative(alone));
      expect(relative(outcomes)).toMatchObject([
        { kind: 'created', ticketNumber: 0, acknowledged: true },
        { kind: 'created', ticketNumber: 1, acknowledged: true },
        { kind: 'created', ticketNumber: 2, acknowledged: true },
        { kind: 'created', ticketNumber: 3, acknowledged: false },
        { kind: 'appended', ticketNumber: 0 },
        { kind: 'duplicate' },
      ]);
    });

    it('reads the first facts of a run’s messages from different senders in one statement', async () => {
      const senders = Array.from({ length: 10 }, (_, i) => `Sender ${i} <sender${i}@example.com>`);
      // Known senders (their contacts made by a first message each): no contact to make in the runs.
      for (const m of await together.inbox(
        senders.map((from, i) => mail(`known-${i}`, from, 'Hello', 'Hi.')),
      ))
        await together.db.prisma.$transaction((tx) => ingestParsed(tx, m.email, m.inboxKey, together.deps));
      const sent = (count: number, tag: string) =>
        statementsOfNewTickets(
          together,
          senders.slice(0, count).map((from, i) => mail(`${tag}-${i}`, from, `Question ${i}`, 'Why?')),
        );
      // Read one at a time, ten messages would cost eight statements more than two; and known senders
      // need no locks for contacts to be made: two messages cost what one does.
      const one = await sent(1, 'distinct-one');
      const two = await sent(2, 'distinct-two');
      expect(two).toBe(one);
      expect(await sent(10, 'distinct-ten')).toBe(two);
    });

    if (kind === 'postgresql')
      it('locks all its new senders before writing anything: two workers’ runs from them wait, not deadlock', async () => {
        const run = await together.inbox([
          mail('lock-1', 'Dora <dora@example.com>', 'Login fails', 'I cannot log in.'),
          mail('lock-2', 'Eli <eli@example.com>', 'Export broken', 'The export is empty.'),
        ]);
        const db = together.db.prisma;
        let ran: Promise<unknown> = Promise.resolve();
        // Another transaction holds Eli's lock, as a worker creating Eli's contact would.
        await db.$transaction(
          async (holder) => {
            await lockIdentities(holder, 'email', ['eli@example.com']);
            ran = db.$transaction((tx) => ingestRun(tx, run, together.deps), { timeout: 60_000 });
            const waiting = await eventually(
              async () =>
                (
                  await db.$queryRaw<{ pid: number }[]>`
                    SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`
                )[0],
              'the run waiting for the held lock',
            );
            // Waiting with Dora's contact already written (a transaction id taken), it could be holding a
            // lock the other worker wants next: the deadlock seen with several workers.
            const written = await db.$queryRaw<{ n: number }[]>`
              SELECT count(*)::int AS n FROM pg_locks WHERE pid = ${waiting.pid} AND locktype = 'transactionid'`;
            expect(written).toEqual([{ n: 0 }]);
          },
          { timeout: 60_000 },
        );
        expect(await ran).toMatchObject([{ kind: 'created' }, { kind: 'created' }]);
      });

    it('adds a customer’s reply to their ticket in a handful of statements: the ticket is read in one', async () => {
      const [opening] = await together.inbox([
        mail('lena-1', 'Lena <lena@example.com>', 'Export fails', 'The export fails.'),
      ]);
      const first = await together.db.prisma.$transaction((tx) =>
        ingestParsed(tx, opening!.email, opening!.inboxKey, together.deps),
      );
      expect(first).toMatchObject({ kind: 'created' });
      const [reply] = await together.inbox([
        mail(
          'lena-2',
          'Lena <lena@example.com>',
          'Re: Export fails',
          'Still failing.',
          'In-Reply-To: <lena-1@example.com>\r\n',
        ),
      ]);
      const counter = countStatements();
      try {
        const outcome = await together.db.prisma.$transaction((tx) =>
          ingestParsed(tx, reply!.email, reply!.inboxKey, together.deps),
        );
        expect(outcome).toEqual({
          kind: 'appended',
          ticketNumber: (first as { ticketNumber: number }).ticketNumber,
        });
        // Its first facts; the ticket with its language, requester, people and conversation (the ORM's
        // nested read took seven); the conversation's lock, its link and ticket; the message and its kept
        // original — and the transaction's BEGIN and COMMIT.
        expect(counter.read()).toBeLessThanOrEqual(9);
      } finally {
        counter.stop();
      }
    });

    it('learns a customer’s language without a statement more while it stays the same', async () => {
      const [opening] = await together.inbox([
        mail(
          'rosa-1',
          'Rosa <rosa@example.com>',
          'Exportación',
          'La exportación de facturas falla desde ayer.',
        ),
      ]);
      await together.db.prisma.$transaction((tx) =>
        ingestParsed(tx, opening!.email, opening!.inboxKey, together.deps),
      );
      const language = async () =>
        (
          await together.db.prisma.contact.findFirstOrThrow({
            where: { identities: { some: { externalId: 'rosa@example.com' } } },
          })
        ).language;
      // An English organisation's customer, written in Spanish: learnt with her first message.
      expect(await language()).toBe('es');
      /** The statements a reply of hers costs. */
      const reply = async (id: string, text: string) => {
        const [m] = await together.inbox([
          mail(id, 'rosa@example.com', 'Re: Exportación', text, 'In-Reply-To: <rosa-1@example.com>\r\n'),
        ]);
        const counter = countStatements();
        try {
          await together.db.prisma.$transaction((tx) =>
            ingestParsed(tx, m!.email, m!.inboxKey, together.deps),
          );
          return counter.read();
        } finally {
          counter.stop();
        }
      };
      // Too short to judge, and clearly Spanish again: the same statements (her language was read with
      // her first facts, so the same language writes nothing).
      const short = await reply('rosa-2', 'Sigue igual.');
      expect(await reply('rosa-3', 'Sigue fallando también con las facturas de abril.')).toBe(short);
      expect(await language()).toBe('es');
      // Clearly English: one statement more, the change itself.
      expect(await reply('rosa-4', 'It also fails with the April invoices now.')).toBe(short + 1);
      expect(await language()).toBe('en');
    });

    it('writes a run of new tickets in the statements of one, and one sender’s messages share its first facts', async () => {
      // Carla is over the per-sender limit by now: no acknowledgement, so no re-read at the limit.
      const sent = (count: number, tag: string) =>
        statementsOfNewTickets(
          together,
          Array.from({ length: count }, (_, i) =>
            mail(`${tag}-${i}`, 'Carla <carla@example.com>', `Question ${tag} ${i}`, `Question number ${i}.`),
          ),
        );
      const two = await sent(2, 'pair');
      const ten = await sent(10, 'ten');
      // Her first facts are read once for the run (her earlier messages there only open tickets, written
      // together after); one at a time, each would read its own and add its ticket, message, link, kept
      // original and history too.
      expect(ten).toBe(two);
    });
  });
}
