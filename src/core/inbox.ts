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
  const rows = await tx.$executeRaw`
    INSERT INTO "InboundEvent" (id, key, source, payload, blob)
    VALUES (${crypto.randomUUID()}, ${event.key}, ${event.source}, ${JSON.stringify(event.payload)}::jsonb,
            ${event.blob ? new Uint8Array(event.blob) : null})
    ON CONFLICT (key) DO NOTHING`;
  return rows === 1;
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
          { id: string; key: string; source: string; payload: unknown; blob: Uint8Array | null }[]
        >`
          SELECT id, key, source, payload, blob FROM "InboundEvent"
          WHERE "processedAt" IS NULL AND "nextAttemptAt" <= now()
          ORDER BY "receivedAt", id LIMIT 1 FOR UPDATE SKIP LOCKED`;
        const row = rows[0];
        if (!row) return false;
        claimedId = row.id;
        const handler = handlers[row.source];
        if (!handler) throw new Error(`no handler for inbound source "${row.source}"`);
        await handler(tx, row.payload, row.key, row.blob ? Buffer.from(row.blob) : null);
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
