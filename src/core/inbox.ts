// The inbox: every inbound event is written once (its key is unique) before it is acknowledged, and
// processed afterwards in its own transaction, so a retry is a no-op and a crash loses nothing.
// Scheduling uses the database's clock, shared by every instance.
import type { Db, Prisma, Tx } from '../db/index.ts';
import { type IngressGate, yieldTurn } from './ingress.ts';
import type { Logger } from './ports.ts';

export interface InboundEventInput {
  /** Idempotency key: Slack event_id, Message-ID, web chat client message id... */
  key: string;
  source: string;
  payload: Prisma.InputJsonValue;
  /** Raw bytes kept beside the payload (bytea, not base64 in JSON). */
  blob?: Buffer;
}

/** Stores the event unless one with the same key exists. Returns false for a duplicate. */
export async function acceptInbound(tx: Tx | Db, event: InboundEventInput): Promise<boolean> {
  return (await acceptInboundBatch(tx, [event])).has(event.key);
}

/**
 * Stores several events in one statement — one commit for all (group commit: each sender is answered
 * once it has returned). Returns the keys that were new; an event whose key exists, or repeats an
 * earlier one in the batch, is a duplicate.
 *
 * Raw bytes travel as base64 text, decoded by the database: the embedded database's driver would turn
 * a bytea parameter into hex one byte at a time in JavaScript (~10 ms for a 50 KB email).
 */
export async function acceptInboundBatch(
  tx: Tx | Db,
  events: readonly InboundEventInput[],
): Promise<Set<string>> {
  const unique = [...new Map(events.map((e) => [e.key, e] as const)).values()];
  if (unique.length === 0) return new Set();
  const values: unknown[] = [];
  const rows = unique.map((e) => {
    const at = values.push(
      crypto.randomUUID(),
      e.key,
      e.source,
      JSON.stringify(e.payload),
      e.blob ? e.blob.toString('base64') : null,
    );
    return `($${at - 4}, $${at - 3}, $${at - 2}, $${at - 1}::jsonb, decode($${at}::text, 'base64'))`;
  });
  // Placeholders only: every value is a parameter.
  const inserted = await tx.$queryRawUnsafe<{ key: string }[]>(
    `INSERT INTO "InboundEvent" (id, key, source, payload, blob) VALUES ${rows.join(', ')}
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    ...values,
  );
  return new Set(inserted.map((r) => r.key));
}

export type InboundHandler = (tx: Tx, payload: unknown, key: string, blob: Buffer | null) => Promise<void>;

/**
 * Slow, repeatable work a handler needs (a platform API lookup), done before the transaction opens so
 * no network wait holds it — with the embedded database an open transaction holds every request.
 */
export type InboundPreparer = (payload: unknown) => Promise<void>;

const MAX_ATTEMPTS = 8;

/**
 * Processes pending inbound events one by one until none is due. Each event's effect and its
 * "processed" mark commit together; `FOR UPDATE SKIP LOCKED` lets several instances share the work.
 */
export async function drainInbox(
  db: Db,
  handlers: Record<string, InboundHandler>,
  log: Logger,
  ingress?: IngressGate,
  preparers: Record<string, InboundPreparer> = {},
): Promise<number> {
  let processed = 0;
  for (;;) {
    await (ingress ? ingress.quiet() : yieldTurn());
    if (Object.keys(preparers).length) await prepareNext(db, preparers, log);
    let claimedId: string | undefined;
    try {
      const done = await db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<
          { id: string; key: string; source: string; payload: unknown; blob: string | null }[]
        >`
          -- Claim first, encode after: in one query the sort would encode every pending row's bytes.
          WITH next AS (
            SELECT id FROM "InboundEvent"
            WHERE "processedAt" IS NULL AND "nextAttemptAt" <= now()
            ORDER BY "receivedAt", id LIMIT 1 FOR UPDATE SKIP LOCKED)
          SELECT e.id, e.key, e.source, e.payload, encode(e.blob, 'base64') AS blob
          FROM "InboundEvent" e JOIN next ON next.id = e.id`;
        const row = rows[0];
        if (!row) return false;
        claimedId = row.id;
        const handler = handlers[row.source];
        if (!handler) throw new Error(`no handler for inbound source "${row.source}"`);
        await handler(tx, row.payload, row.key, row.blob ? Buffer.from(row.blob, 'base64') : null);
        await tx.$executeRaw`UPDATE "InboundEvent" SET "processedAt" = now(), blob = NULL WHERE id = ${row.id}`;
        return true;
      });
      if (!done) return processed;
      processed++;
    } catch (err) {
      if (!claimedId) throw err;
      const row = await db.inboundEvent.update({
        where: { id: claimedId },
        data: { attempts: { increment: 1 }, lastError: String((err as Error).message ?? err).slice(0, 2000) },
      });
      const giveUp = row.attempts >= MAX_ATTEMPTS;
      const delay = giveUp ? 365 * 24 * 3600_000 : 1000 * 2 ** row.attempts;
      await db.$executeRaw`
        UPDATE "InboundEvent" SET "nextAttemptAt" = now() + make_interval(secs => ${delay / 1000}) WHERE id = ${claimedId}`;
      log.error({ err, inboundEventId: claimedId, attempts: row.attempts, giveUp }, 'inbound event failed');
    }
  }
}

/** Runs the preparer of the next due event, if it has one; a failure only means the handler does the work. */
async function prepareNext(db: Db, preparers: Record<string, InboundPreparer>, log: Logger) {
  const [next] = await db.$queryRaw<{ source: string; payload: unknown }[]>`
    SELECT source, payload FROM "InboundEvent"
    WHERE "processedAt" IS NULL AND "nextAttemptAt" <= now()
    ORDER BY "receivedAt", id LIMIT 1`;
  const prepare = next && preparers[next.source];
  if (!prepare) return;
  await prepare(next.payload).catch((err: unknown) => log.warn({ err }, 'inbound preparation failed'));
}
