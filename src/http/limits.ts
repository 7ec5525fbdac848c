// Rate limits (README "Security → Limits"). @fastify/rate-limit does the bookkeeping of each limit —
// key, window, max, remaining, ttl — over a store of our own: one row per key in "RateCounter", counted
// with one atomic upsert on the database's clock, so every Relevo instance on one PostgreSQL shares each
// count (the plugin's default store is per-process memory). On the embedded PGlite there is one instance
// and the same store serves it. Keys are the limit's name and a hash of what it counts: no address,
// email or session token is ever readable in the table.
import { createHash } from 'node:crypto';
import rateLimit, { type FastifyRateLimitStore, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LimitsConfig } from '../config/file.ts';
import { UserError } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import type { Db, Tx } from '../db/index.ts';
import { both, type Localized } from '../i18n/localized.ts';
import { type LimitName, refusals } from '../i18n/refusals.ts';

/** A limit reached: 429 with Retry-After, in the person's language. */
export class LimitReachedError extends UserError {
  constructor(
    readonly limit: LimitName,
    readonly retryAfterSeconds: number,
    message: Localized,
  ) {
    super(message, 429, 'rate_limited');
  }
}

/** A limit's refusal in both languages; the answer picks the request's. */
export function limitedText(limit: LimitName, seconds: number, max: number): Localized {
  return both((l) => refusals(l).limited[limit](refusals(l).wait(seconds), max));
}

/** The key a limit counts under: its name and a hash of the value (an address, an email, a session). */
export function counterKey(limit: LimitName, value: string): string {
  return `${limit}:${createHash('sha256').update(`${limit}\0${value}`).digest('base64url')}`;
}

/** Adds one to a counter (starting a new window if the last one ended) and returns it and the window's rest. */
export async function hitCounter(
  db: Db | Tx,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const rows = await db.$queryRaw<{ count: number; ttl: bigint | number }[]>`
    INSERT INTO "RateCounter" AS c (key, count, "resetAt")
    VALUES (${key}, 1, now() + ${windowMs} * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN c."resetAt" <= now() THEN 1 ELSE LEAST(c.count + 1, 2000000000) END,
      "resetAt" = CASE WHEN c."resetAt" <= now() THEN EXCLUDED."resetAt" ELSE c."resetAt" END
    RETURNING count, GREATEST(0, CEIL(EXTRACT(EPOCH FROM (c."resetAt" - now())) * 1000))::bigint AS ttl`;
  const row = rows[0];
  return { current: row?.count ?? 1, ttl: Number(row?.ttl ?? windowMs) };
}

/** A counter as it stands, without counting (0 once its window has ended). */
export async function readCounter(db: Db, key: string): Promise<{ current: number; ttl: number }> {
  const rows = await db.$queryRaw<{ count: number; ttl: bigint | number }[]>`
    SELECT count, CEIL(EXTRACT(EPOCH FROM ("resetAt" - now())) * 1000)::bigint AS ttl
    FROM "RateCounter" WHERE key = ${key} AND "resetAt" > now()`;
  const row = rows[0];
  return row ? { current: row.count, ttl: Number(row.ttl) } : { current: 0, ttl: 0 };
}

/** Forgets counters whose window has ended (any instance may run it). */
export async function sweepCounters(db: Db): Promise<number> {
  return db.$executeRaw`DELETE FROM "RateCounter" WHERE "resetAt" < now()`;
}

/** The @fastify/rate-limit store over "RateCounter". `onFirstRefusal` runs once per window and key. */
function databaseStore(db: Db, onFirstRefusal: (key: string) => void) {
  class DatabaseStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      hitCounter(db, key, timeWindow).then(
        (result) => {
          if (result.current === max + 1) onFirstRefusal(key);
          callback(null, result);
        },
        (err: Error) => callback(err),
      );
    }
    read(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    ): void {
      readCounter(db, key).then(
        (result) => callback(null, result),
        (err: Error) => callback(err),
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return DatabaseStore;
}

type Check = ReturnType<FastifyInstance['createRateLimit']>;
type Rated = Exclude<LimitName, 'streamsPerSession' | 'streamsPerAddress'>;

/** The visitor's address as limits count it: IPv6 by /64 (one host's range), IPv4-mapped as IPv4. */
export const addressOf = (req: FastifyRequest) => normalizeIP(req.ip);

export interface Limits {
  /** A hook (onRequest or preHandler) that counts the request under `limit`; `value` undefined skips it. */
  hook(
    limit: Rated,
    value: (req: FastifyRequest) => string | undefined,
  ): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Throws the 429 if `limit` is already reached for `value`, without counting this request. */
  refuseIfReached(req: FastifyRequest, limit: Rated, value: string): Promise<void>;
  /** Counts one under `limit` (a wrong token): throws the 429 if that went past the limit. */
  count(req: FastifyRequest, limit: Rated, value: string): Promise<void>;
  /** Counts one inside a transaction (it rolls back with it): for tickets, counted as they are accepted. */
  countIn(tx: Tx, req: FastifyRequest, limit: Rated, value: string): Promise<void>;
  readonly config: LimitsConfig;
}

/** Registers @fastify/rate-limit (no global limit: each route names its own) and returns the limits. */
export async function registerLimits(
  app: FastifyInstance,
  db: Db,
  config: LimitsConfig,
  log: Logger,
): Promise<Limits> {
  await app.register(rateLimit, {
    global: false,
    store: databaseStore(db, (key) =>
      // The limit's name and the hashed key, never what it counts: an email is personal.
      log.warn({ limit: key.split(':')[0], key }, 'rate limit reached: refusing until the window ends'),
    ),
  });
  // The value each check counts is handed to its key generator through this map (one request, one value).
  const values = new WeakMap<FastifyRequest, Map<Rated, string>>();
  const checks = new Map<Rated, Check>();
  for (const [name, rule] of Object.entries(config)) {
    if (typeof rule === 'number') continue; // a concurrent cap (streams), not a rate
    const limit = name as Rated;
    checks.set(
      limit,
      app.createRateLimit({
        max: rule.max,
        timeWindow: rule.per * 60_000,
        keyGenerator: (req) => counterKey(limit, values.get(req)?.get(limit) ?? ''),
      }),
    );
  }

  const refusal = (req: FastifyRequest, limit: Rated, ttlMs: number) => {
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    const rule = config[limit] as { max: number };
    req.log.debug({ limit, ip: req.ip, url: req.routeOptions.url }, 'request refused by a rate limit');
    return new LimitReachedError(limit, seconds, limitedText(limit, seconds, rule.max));
  };

  const run = async (req: FastifyRequest, limit: Rated, value: string, increment: boolean) => {
    const check = checks.get(limit);
    if (!check) throw new Error(`no rate limit "${limit}"`);
    const forRequest = values.get(req) ?? new Map<Rated, string>();
    values.set(req, forRequest);
    forRequest.set(limit, value);
    const result = await check(req, { increment });
    if (!result.isAllowed && result.isExceeded) throw refusal(req, limit, result.ttl);
    if (!result.isAllowed && !increment && result.remaining === 0) throw refusal(req, limit, result.ttl);
  };

  return {
    config,
    hook: (limit, value) => async (req) => {
      const v = value(req);
      if (v !== undefined) await run(req, limit, v, true);
    },
    refuseIfReached: (req, limit, value) => run(req, limit, value, false),
    count: (req, limit, value) => run(req, limit, value, true),
    async countIn(tx, req, limit, value) {
      const rule = config[limit] as { max: number; per: number };
      const key = counterKey(limit, value);
      const { current, ttl } = await hitCounter(tx, key, rule.per * 60_000);
      if (current > rule.max) {
        if (current === rule.max + 1)
          log.warn({ limit, key }, 'rate limit reached: refusing until the window ends');
        throw refusal(req, limit, ttl);
      }
    },
  };
}
