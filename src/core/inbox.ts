// The inbox: every inbound event is written once (its key is unique) before it is acknowledged, and
// processed afterwards (several to a transaction, each with its effect), so a retry is a no-op and a crash
// loses nothing.
// Scheduling uses the database's clock, shared by every instance.
import { type Db, type DirectSql, Prisma, type Tx } from '../db/index.ts';
import type { RecentInboxBytes } from './inbox-bytes.ts';
import { type IngressGate, yieldTurn } from './ingress.ts';
import type { Logger } from './ports.ts';

export interface InboundEventInput {
  /** Idempotency key: Slack event_id, Message-ID, web chat client message id... */
  key: string;
  source: string;
  payload: Prisma.InputJsonValue;
  /** Raw bytes kept beside the payload (bytea, not base64 in JSON). */
  blob?: Buffer;
  /**
   * The conversation it belongs to: events of one conversation are handled one after another, in the order
   * they were stored, whatever the number of workers and instances. None: no order to keep.
   */
  thread?: string;
}

/** Stores the event unless one with the same key exists. Returns false for a duplicate. */
export async function acceptInbound(tx: Tx | Db | DirectSql, event: InboundEventInput): Promise<boolean> {
  return (await acceptInboundBatch(tx, [event])).has(event.key);
}

/**
 * Stores several events in one statement — one commit for all (group commit: each sender is answered
 * once it has returned). Returns the keys that were new; an event whose key exists, or repeats an
 * earlier one in the batch, is a duplicate.
 * Raw bytes travel as a bytea parameter, in binary format (src/db/pglite-bytea.ts) — straight through the
 * driver when given `DirectSql` (no transaction of the caller's to join).
 */
export async function acceptInboundBatch(
  tx: Tx | Db | DirectSql,
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
      e.blob ?? null,
      e.thread ?? null,
    );
    return `($${at - 5}, $${at - 4}, $${at - 3}, $${at - 2}::jsonb, $${at - 1}::bytea, $${at}::text)`;
  });
  // Placeholders only: every value is a parameter.
  const sql = `INSERT INTO "InboundEvent" (id, key, source, payload, blob, thread) VALUES ${rows.join(', ')}
     ON CONFLICT (key) DO NOTHING RETURNING key`;
  const inserted =
    '$queryRawUnsafe' in tx
      ? await tx.$queryRawUnsafe<{ key: string }[]>(sql, ...values)
      : await tx.query<{ key: string }>(sql, values);
  return new Set(inserted.map((r) => r.key));
}

// Stored bytes are read as base64 text: the embedded database's driver decodes a bytea result one byte at
// a time in JavaScript.
const BLOB_AS_BASE64 = Prisma.sql`encode(blob, 'base64')`;

/**
 * The bytes an event was stored with, while its row keeps them (a received email's original, kept after
 * processing: InboundHandler.keepsBytes); null once they are gone.
 */
export async function storedBytes(db: Db | Tx, key: string): Promise<Buffer | null> {
  const [row] = await db.$queryRaw<{ blob: string | null }[]>`
    SELECT ${BLOB_AS_BASE64} AS blob FROM "InboundEvent" WHERE key = ${key}`;
  return row?.blob ? Buffer.from(row.blob, 'base64') : null;
}

export interface InboundItem {
  payload: unknown;
  key: string;
  blob: Buffer | null;
}

/**
 * Handles one event. With `many`, consecutive events of its source in a batch are handed over together,
 * in their order (a run of mail whose new tickets are written in a few statements for all); `many` must do
 * what handling each in turn would.
 */
export type InboundHandler = ((
  tx: Tx,
  payload: unknown,
  key: string,
  blob: Buffer | null,
) => Promise<void>) & {
  many?: (tx: Tx, items: InboundItem[]) => Promise<void>;
  /**
   * Its events' bytes stay on their rows once processed, for what the handler made of them refers to them
   * (a received email's original); the handler lets go of those nothing refers to. Otherwise they are
   * dropped when processed.
   */
  keepsBytes?: boolean;
  /**
   * Resolves when the handler's next `events` events can be handled without waiting on other work (a
   * mail's parse on the parsing thread): awaited before a batch's transaction opens, as an open
   * transaction holds its locks — on the embedded database, every request — while it waits.
   */
  ready?: (events: number) => Promise<void>;
};

/**
 * Slow, repeatable work a handler needs (a platform API lookup), done before the transaction opens so
 * no network wait holds it — with the embedded database an open transaction holds every request.
 */
export type InboundPreparer = (payload: unknown) => Promise<void>;

const MAX_ATTEMPTS = 8;

/**
 * How much one transaction takes on. Each event in a batch saves a transaction's fixed statements (begin,
 * claim, mark, commit); the time bound keeps the embedded database's single connection from being held
 * long from senders waiting to be answered.
 */
export interface InboxBatch {
  events: number;
  ms: number;
}
const DEFAULT_BATCH: InboxBatch = { events: 25, ms: 150 };

interface Claimed {
  id: string;
  key: string;
  source: string;
  payload: unknown;
  size: number | null;
}

export interface DrainOptions {
  /** Senders go first: each batch waits for a quiet moment, and ends early when one waits. */
  ingress?: IngressGate;
  preparers?: Record<string, InboundPreparer>;
  batch?: InboxBatch;
  /** Bytes this process has just stored, taken from memory instead of read back. */
  recent?: RecentInboxBytes;
  /**
   * Transactions taking events at once (PostgreSQL: while one waits on the database another runs; the
   * embedded database serves one at a time, so one there). Conversations keep their order either way.
   */
  workers?: number;
}

/**
 * Processes pending inbound events until none is due: in order, several to a transaction, each event's
 * effect and its "processed" mark committing together. `FOR UPDATE SKIP LOCKED` lets several workers and
 * instances share the work; an event waits while an earlier one of its conversation is still being
 * handled. When an event fails, its batch rolls back and each of its events is processed again in a
 * transaction of its own, so only the failing one is counted as an attempt and retried later.
 */
export async function drainInbox(
  db: Db,
  handlers: Record<string, InboundHandler>,
  log: Logger,
  options: DrainOptions = {},
): Promise<number> {
  const crew = new Crew();
  const workers = Array.from({ length: Math.max(1, options.workers ?? 1) }, (_, i) =>
    // One worker runs the preparers: they call platform APIs, which must not be asked twice.
    drainAsWorker(db, handlers, log, options, i === 0, crew),
  );
  return (await Promise.all(workers)).reduce((a, b) => a + b, 0);
}

/**
 * The workers of one drain. A worker that finds nothing due while another is in a batch waits for that
 * batch to end and looks again (what it committed can free its conversations' next events, and more may
 * have arrived): it stops only when nobody holds anything. Stopping at once left a storm's backlog to one
 * worker — the others found nothing in the first instant and were gone.
 */
class Crew {
  private inBatch = 0;
  private ended: (() => void)[] = [];

  started() {
    this.inBatch++;
  }

  finished() {
    this.inBatch--;
    for (const wake of this.ended.splice(0)) wake();
  }

  /** False when no other worker is in a batch (time to stop); otherwise resolves when one ends. */
  async waitForOthers(): Promise<boolean> {
    if (this.inBatch === 0) return false;
    await new Promise<void>((wake) => this.ended.push(wake));
    return true;
  }
}

async function drainAsWorker(
  db: Db,
  handlers: Record<string, InboundHandler>,
  log: Logger,
  options: DrainOptions,
  prepares: boolean,
  crew: Crew,
): Promise<number> {
  const { ingress, preparers = {}, batch = DEFAULT_BATCH, recent } = options;
  let processed = 0;
  for (;;) {
    await (ingress ? ingress.quiet() : yieldTurn());
    if (prepares && Object.keys(preparers).length) await prepareDue(db, preparers, log, batch.events);
    await Promise.all(Object.values(handlers).map((h) => h.ready?.(batch.events)));
    let claimed: Claimed[] = [];
    try {
      const done = await db.$transaction(async (tx) => {
        claimed = await claim(tx, batch.events);
        if (claimed.length) crew.started();
        const started = performance.now();
        const handled: string[] = [];
        const reader = new BatchReader(tx, claimed, recent);
        for (let index = 0; index < claimed.length; ) {
          // Past the time bound, or with a sender waiting on the one connection, the rest stay claimed
          // only until this commits; the next batch takes them.
          const enough = performance.now() - started > batch.ms || ingress?.senderWaiting();
          if (handled.length && enough) break;
          const count = await reader.handle(handlers, index);
          handled.push(...claimed.slice(index, index + count).map((e) => e.id));
          index += count;
        }
        if (handled.length) await markProcessed(tx, handled, keptBytes(handlers, claimed));
        return handled.length;
      });
      if (claimed.length) crew.finished();
      if (!done) {
        if (await crew.waitForOthers()) continue;
        return processed;
      }
      processed += done;
    } catch (err) {
      if (!claimed.length) throw err;
      crew.finished();
      if (claimed.length === 1) {
        await recordFailure(db, claimed[0] as Claimed, err, log);
        continue;
      }
      // Several instances' batches can also deadlock on PostgreSQL (each holds its events' locks); the
      // database ends one, whose events then go one at a time like any failed batch.
      log.warn({ err, events: claimed.length }, 'inbound batch failed: its events are processed one by one');
      for (const event of claimed) processed += await drainOne(db, handlers, log, event.id, recent);
    }
  }
}

/** One claimed event again, alone in its transaction (after its batch failed); 1 if it was processed. */
async function drainOne(
  db: Db,
  handlers: Record<string, InboundHandler>,
  log: Logger,
  id: string,
  recent?: RecentInboxBytes,
): Promise<number> {
  let event: Claimed | undefined;
  try {
    return await db.$transaction(async (tx) => {
      const one = await claimOne(tx, id);
      event = one[0];
      if (!event) return 0; // taken and processed meanwhile by another instance
      await new BatchReader(tx, one, recent).handle(handlers, 0);
      await markProcessed(tx, [event.id], keptBytes(handlers, one));
      return 1;
    });
  } catch (err) {
    if (!event) throw err;
    await recordFailure(db, event, err, log);
    return 0;
  }
}

/**
 * The next due events, locked for this transaction: of each conversation only its earliest unprocessed
 * event, so the next one waits until that has committed, whichever worker or instance holds it (an event
 * that has already failed holds nothing up). Looked for among the next few hundred pending events, so a
 * backlog of one busy conversation costs each claim a bounded scan. Bytes are read apart (BatchReader).
 * One level, walking the pending-events index in order and stopping at the batch (a join with a list of
 * pending ids sorted them all first: ~10 ms a claim under a storm on the embedded database, now ~0.3 ms).
 * The row's conditions sit beside the lock, which PostgreSQL re-checks when the row changed after this
 * statement's snapshot (another worker processed and committed it meanwhile), so it is not taken twice.
 */
function claim(tx: Tx, limit: number): Promise<Claimed[]> {
  return tx.$queryRaw<Claimed[]>`
    SELECT e.id, e.key, e.source, e.payload, octet_length(e.blob) AS size
    FROM "InboundEvent" e
    WHERE e."processedAt" IS NULL AND e."nextAttemptAt" <= now()
      AND e.seq <= coalesce((
        SELECT seq FROM "InboundEvent" WHERE "processedAt" IS NULL AND "nextAttemptAt" <= now()
        ORDER BY seq OFFSET ${limit * 8 - 1} LIMIT 1), ${Number.MAX_SAFE_INTEGER})
      AND (e.thread IS NULL OR NOT EXISTS (
        SELECT 1 FROM "InboundEvent" earlier
        WHERE earlier.thread = e.thread AND earlier.seq < e.seq AND earlier."processedAt" IS NULL
          AND earlier.attempts = 0))
    ORDER BY e.seq LIMIT ${limit} FOR UPDATE OF e SKIP LOCKED`;
}

/** One event, again due and unprocessed, locked for this transaction. */
function claimOne(tx: Tx, id: string): Promise<Claimed[]> {
  return tx.$queryRaw<Claimed[]>`
    SELECT id, key, source, payload, octet_length(blob) AS size FROM "InboundEvent"
    WHERE id = ${id} AND "processedAt" IS NULL AND "nextAttemptAt" <= now() FOR UPDATE SKIP LOCKED`;
}

/** Up to this many bytes of events' raw bytes are read in one statement, or handed to one handler at once. */
const BLOB_READ_BYTES = 8 * 1024 * 1024;

/**
 * Hands each event to its handler in order, reading raw bytes for several events at once (one statement
 * instead of one each), but never more than BLOB_READ_BYTES ahead.
 */
class BatchReader {
  private blobs = new Map<string, Buffer>();

  constructor(
    private readonly tx: Tx,
    private readonly events: readonly Claimed[],
    private readonly recent?: RecentInboxBytes,
  ) {}

  /** Hands the event at `index` to its handler, with the ones after it of its source when it takes several; how many. */
  async handle(handlers: Record<string, InboundHandler>, index: number): Promise<number> {
    const event = this.events[index] as Claimed;
    const handler = handlers[event.source];
    if (!handler) throw new Error(`no handler for inbound source "${event.source}"`);
    if (!handler.many) {
      await handler(this.tx, event.payload, event.key, await this.bytes(index));
      return 1;
    }
    // Bounded like the reading ahead: a run of large messages is held in memory whole.
    let end = index + 1;
    let bytes = event.size ?? 0;
    for (let next = this.events[end]; next?.source === event.source; next = this.events[++end]) {
      bytes += next.size ?? 0;
      if (bytes > BLOB_READ_BYTES) break;
    }
    const items: InboundItem[] = [];
    for (let i = index; i < end; i++) {
      const { payload, key } = this.events[i] as Claimed;
      items.push({ payload, key, blob: await this.bytes(i) });
    }
    await handler.many(this.tx, items);
    return items.length;
  }

  private async bytes(index: number): Promise<Buffer | null> {
    const event = this.events[index] as Claimed;
    if (event.size === null) return null;
    const kept = this.recent?.take(event.key);
    // The same length as stored, or it is not these bytes (never expected; read them from the row).
    if (kept?.length === event.size) this.blobs.set(event.id, kept);
    if (!this.blobs.has(event.id)) await this.readFrom(index);
    const blob = this.blobs.get(event.id) ?? null;
    this.blobs.delete(event.id);
    return blob;
  }

  private async readFrom(index: number) {
    const ids: string[] = [];
    let bytes = 0;
    for (const event of this.events.slice(index)) {
      // Bytes waiting in memory are taken from there when their event's turn comes, not read here.
      if (event.size === null || this.blobs.has(event.id) || this.recent?.has(event.key)) continue;
      if (ids.length && bytes + event.size > BLOB_READ_BYTES) break;
      ids.push(event.id);
      bytes += event.size;
    }
    const rows = await this.tx.$queryRaw<{ id: string; blob: string }[]>`
      SELECT id, ${BLOB_AS_BASE64} AS blob FROM "InboundEvent" WHERE id = ANY(${ids}::text[])`;
    for (const row of rows) this.blobs.set(row.id, Buffer.from(row.blob, 'base64'));
  }
}

/** The events whose handler keeps their bytes (InboundHandler.keepsBytes). */
function keptBytes(handlers: Record<string, InboundHandler>, events: readonly Claimed[]): string[] {
  return events.filter((e) => handlers[e.source]?.keepsBytes).map((e) => e.id);
}

async function markProcessed(tx: Tx, ids: string[], keep: string[]) {
  await tx.$executeRaw`
    UPDATE "InboundEvent" SET "processedAt" = now(),
      blob = CASE WHEN id = ANY(${keep}::text[]) THEN blob END
    WHERE id = ANY(${ids}::text[])`;
}

async function recordFailure(db: Db, event: Claimed, err: unknown, log: Logger) {
  const row = await db.inboundEvent.update({
    where: { id: event.id },
    data: { attempts: { increment: 1 }, lastError: String((err as Error).message ?? err).slice(0, 2000) },
  });
  const giveUp = row.attempts >= MAX_ATTEMPTS;
  const delay = giveUp ? 365 * 24 * 3600_000 : 1000 * 2 ** row.attempts;
  await db.$executeRaw`
    UPDATE "InboundEvent" SET "nextAttemptAt" = now() + make_interval(secs => ${delay / 1000}) WHERE id = ${event.id}`;
  log.error({ err, inboundEventId: event.id, attempts: row.attempts, giveUp }, 'inbound event failed');
}

/** Runs the preparers of the next due events; a failure only means the handler does the work. */
async function prepareDue(db: Db, preparers: Record<string, InboundPreparer>, log: Logger, limit: number) {
  const due = await db.$queryRaw<{ source: string; payload: unknown }[]>`
    SELECT source, payload FROM "InboundEvent"
    WHERE "processedAt" IS NULL AND "nextAttemptAt" <= now() AND source = ANY(${Object.keys(preparers)}::text[])
    ORDER BY seq LIMIT ${limit}`;
  for (const next of due) {
    const prepare = preparers[next.source];
    if (prepare)
      await prepare(next.payload).catch((err: unknown) => log.warn({ err }, 'inbound preparation failed'));
  }
}
