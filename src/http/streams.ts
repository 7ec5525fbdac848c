// Caps on live streams (SSE) open at once, per session and per address (README "Security → Limits").
// A stream is a row in "LiveStream" while it is open, so the caps hold across every instance on one
// PostgreSQL. Opening counts and inserts under advisory locks on the session and the address (taken in
// a fixed order), so two opens cannot both take the last place. Each instance refreshes its rows' seenAt;
// rows of an instance that died without closing them stop counting once stale, and are swept.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { LimitsConfig } from '../config/file.ts';
import type { Logger } from '../core/ports.ts';
import type { Db } from '../db/index.ts';
import { addressOf, LimitReachedError, limitedText } from './limits.ts';

/** How often an instance refreshes its streams, and how old a row may get before it no longer counts. */
export const STREAM_HEARTBEAT_MS = 20_000;
const STALE_MS = 3 * STREAM_HEARTBEAT_MS;
/** What a refused page is told to wait: about one heartbeat, after which a dead stream has been noticed. */
const RETRY_AFTER_SECONDS = STREAM_HEARTBEAT_MS / 1000;

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

/** A signed 64-bit advisory lock key for a value. */
const lockKey = (value: string) => createHash('sha256').update(value).digest().readBigInt64BE(0);

export class StreamSlots {
  readonly instance = randomUUID();

  constructor(
    private readonly db: Db,
    private readonly limits: Pick<LimitsConfig, 'streamsPerSession' | 'streamsPerAddress'>,
    private readonly log: Logger,
  ) {}

  /**
   * Takes a place for a stream of `session` (e.g. "webchat:<id>") from the request's address, or throws
   * the 429 naming the cap reached. Returns the id to release when the stream ends.
   */
  async open(req: FastifyRequest, session: string): Promise<string> {
    const s = hash(`session:${session}`);
    const a = hash(`address:${addressOf(req)}`);
    const id = randomUUID();
    const refused = await this.db.$transaction(async (tx) => {
      for (const key of [lockKey(s), lockKey(a)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key})`;
      }
      const rows = await tx.$queryRaw<{ perSession: bigint | number; perAddress: bigint | number }[]>`
        SELECT count(*) FILTER (WHERE session = ${s}) AS "perSession",
               count(*) FILTER (WHERE address = ${a}) AS "perAddress"
        FROM "LiveStream"
        WHERE (session = ${s} OR address = ${a}) AND "seenAt" > now() - ${STALE_MS} * interval '1 millisecond'`;
      const counts = rows[0];
      if (Number(counts?.perSession ?? 0) >= this.limits.streamsPerSession)
        return 'streamsPerSession' as const;
      if (Number(counts?.perAddress ?? 0) >= this.limits.streamsPerAddress)
        return 'streamsPerAddress' as const;
      await tx.$executeRaw`
        INSERT INTO "LiveStream" (id, instance, session, address, "seenAt")
        VALUES (${id}, ${this.instance}, ${s}, ${a}, now())`;
      return undefined;
    });
    if (refused) {
      req.log.info({ limit: refused, ip: req.ip }, 'live stream refused: too many open');
      const max = this.limits[refused];
      throw new LimitReachedError(
        refused,
        RETRY_AFTER_SECONDS,
        limitedText(refused, RETRY_AFTER_SECONDS, max),
      );
    }
    return id;
  }

  /** Gives the place back (best effort: a row left behind stops counting once stale). */
  async close(id: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "LiveStream" WHERE id = ${id}`.catch((err: unknown) =>
      this.log.warn({ err }, 'could not release a live stream place; it expires by itself'),
    );
  }

  /** Marks this instance's streams alive, and sweeps rows nobody refreshes any more. */
  async heartbeat(): Promise<void> {
    await this.db.$executeRaw`UPDATE "LiveStream" SET "seenAt" = now() WHERE instance = ${this.instance}`;
    await this.db.$executeRaw`
      DELETE FROM "LiveStream" WHERE "seenAt" < now() - ${2 * STALE_MS} * interval '1 millisecond'`;
  }

  /** At shutdown, once the server is closed: this instance holds no streams any more. */
  async releaseAll(): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "LiveStream" WHERE instance = ${this.instance}`;
  }
}
