// Operations endpoints beside /healthz (a cheap liveness check in server.ts):
//   GET /readyz  — ready to serve: the database answers, no migration is pending, every configured adapter
//                  is connected. 200 or 503, with each check's state, so a load balancer or an orchestrator
//                  sends traffic only to an instance that can take it.
//   GET /metrics — Prometheus text format. Metrics reveal volumes, so RELEVO_METRICS_TOKEN (Bearer) guards
//                  them when set; without it they are as open as the rest of the server on HOST.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/ports.ts';
import type { Db } from '../db/index.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { bearer, sameSecret } from './auth.ts';
import { addressOf, type Limits } from './limits.ts';
import type { PrometheusMetrics } from './metrics.ts';

/** A check's state: `ok` / `connected` pass; anything else ('unreachable', 'pending', 'disconnected'…) fails. */
export type CheckState = string;
export type ReadinessCheck = () => CheckState | Promise<CheckState>;

const PASSING = new Set(['ok', 'connected']);
/** A probe answers within a load balancer's usual timeout even when a check hangs. */
const CHECK_TIMEOUT_MS = 2000;

export interface OpsOptions {
  metrics: PrometheusMetrics;
  metricsToken?: string;
  /** Run together on every /readyz; their names appear in the answer (database, migrations, slack, …). */
  readiness: () => Record<string, ReadinessCheck>;
  log: Logger;
  /** Wrong metrics tokens count with wrong API tokens against the address. */
  limits: Limits;
}

async function runCheck(
  name: string,
  check: ReadinessCheck,
  log: Logger,
  timeoutMs: number,
): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<CheckState>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
  } catch (err) {
    log.warn({ err, check: name }, 'readiness check failed');
    return 'error';
  } finally {
    clearTimeout(timer);
  }
}

/** The database answers, and has every committed migration (a newer build on an unmigrated database is not ready). */
export function databaseChecks(db: Db): Record<string, ReadinessCheck> {
  return {
    database: () =>
      db.$queryRaw`SELECT 1`.then(
        () => 'ok',
        () => 'unreachable',
      ),
    migrations: async () => {
      const pending = await pendingMigrations({
        query: async <T>(sql: string, params: unknown[] = []) => ({
          rows: await db.$queryRawUnsafe<T[]>(sql, ...params),
        }),
      });
      return pending.length ? 'pending' : 'ok';
    },
  };
}

export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
  log: Logger,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<{ ready: boolean; checks: Record<string, CheckState>; failing: string[] }> {
  const names = Object.keys(checks);
  const states = await Promise.all(
    names.map((name) => runCheck(name, checks[name] as ReadinessCheck, log, timeoutMs)),
  );
  const result = Object.fromEntries(names.map((name, i) => [name, states[i] as CheckState]));
  const failing = names.filter((name) => !PASSING.has(result[name] ?? ''));
  return { ready: failing.length === 0, checks: result, failing };
}

export function registerOpsRoutes(app: FastifyInstance, opts: OpsOptions): void {
  app.get('/readyz', async (_req, reply) => {
    const { ready, checks, failing } = await checkReadiness(opts.readiness(), opts.log);
    if (ready) return { ready, checks };
    return reply.code(503).send({ ready, checks, failing });
  });

  app.get('/metrics', async (req, reply) => {
    if (opts.metricsToken) {
      const token = bearer(req.headers.authorization);
      const address = addressOf(req);
      await opts.limits.refuseIfReached(req, 'wrongTokensPerAddress', address);
      if (token === undefined || !sameSecret(token, opts.metricsToken)) {
        // A missing token is a misconfigured scraper; a wrong one may be a guess.
        if (token !== undefined) await opts.limits.count(req, 'wrongTokensPerAddress', address);
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="relevo-metrics"')
          .send({
            error: {
              code: 'unauthorized',
              message: 'Send "Authorization: Bearer <RELEVO_METRICS_TOKEN>" to read the metrics.',
            },
          });
      }
    }
    const { contentType, body } = await opts.metrics.scrape();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}
