// One HTTP server: pages, health, the REST API and the web chat. Errors always answer JSON that says
// what to do; unexpected ones are logged with context and answered with a short apology.
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { UserError } from '../core/errors.ts';
import { registerApiRoutes } from './api-routes.ts';
import type { HttpContext } from './context.ts';
import { registerInputGuard, requestLanguage } from './input.ts';
import { LimitReachedError, registerLimits } from './limits.ts';

export const BODY_LIMIT = 1024 * 1024;

/**
 * What the pages may load: only Relevo's own scripts, styles and API (the pages build every element with
 * createElement/textContent, no inline script or style), never framed by another site.
 */
export function contentSecurityPolicy(secure: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Over plain HTTP (127.0.0.1 in development) an upgrade would break every request.
    'upgrade-insecure-requests': secure ? [] : null,
  };
}

export interface HttpServerOptions {
  /** RELEVO_PUBLIC_URL is https: HSTS and upgrade-insecure-requests are sent. */
  secure: boolean;
  /** RELEVO_TRUST_PROXY: the proxies whose X-Forwarded-For names the client (req.ip). */
  trustProxy?: string[];
  /** A connection that has not sent its request headers within this is closed (slowloris). */
  headersTimeoutMs: number;
  /** The whole request (not the answer: live streams go on) must arrive within this. */
  requestTimeoutMs: number;
}

/** The server, and the HTTP context completed with its limits (routes registered later need them). */
export async function createHttpServer(
  base: Omit<HttpContext, 'limits'>,
  logger: PinoLogger,
  options: HttpServerOptions,
): Promise<{ app: FastifyInstance; ctx: HttpContext }> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // Per-request lines would drown the log; errors are logged by the error handler below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Long-lived SSE connections must not hold shutdown forever.
    forceCloseConnections: true,
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
    requestTimeout: options.requestTimeoutMs,
    http: {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node looks for expired requests at this interval (30 s by default, which let slow connections
      // live ~90 s); a quarter of the headers timeout keeps the overrun small for little work.
      connectionsCheckingInterval: Math.min(5000, Math.max(50, Math.floor(options.headersTimeoutMs / 4))),
    },
  });

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options.secure) },
    // HSTS only means something over HTTPS; over plain HTTP browsers ignore it anyway.
    strictTransportSecurity: options.secure ? { maxAge: 180 * 86_400 } : false,
  });

  registerInputGuard(app);
  const ctx: HttpContext = {
    ...base,
    limits: await registerLimits(app, base.db, base.config.limits, base.log),
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof LimitReachedError) {
      // Logged once per window where the limit is reached, not once per refused request of a flood.
      return reply
        .code(429)
        .header('retry-after', String(err.retryAfterSeconds))
        .send({
          error: {
            code: err.code,
            message: err.messageIn(requestLanguage(req)),
            retryAfterSeconds: err.retryAfterSeconds,
          },
        });
    }
    if (err instanceof UserError) {
      req.log.info({ code: err.code, url: req.url, msg: err.message }, 'request refused');
      // In the language the request asks for (Accept-Language), English without one.
      return reply
        .code(err.status)
        .send({ error: { code: err.code, message: err.messageIn(requestLanguage(req)) } });
    }
    const e = err as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: {
          code: 'too_large',
          message: `The request is too large (the limit is ${(req.routeOptions.bodyLimit ?? BODY_LIMIT) / 1024} KiB).`,
        },
      });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      req.log.info({ code: e.code, url: req.url, msg: e.message }, 'malformed request');
      return reply.code(e.statusCode).send({ error: { code: e.code ?? 'bad_request', message: e.message } });
    }
    req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'Sorry, something went wrong. It has been logged.' } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `There is no ${req.method} ${req.url.split('?')[0]}.` } }),
  );

  app.get('/healthz', async (_req, reply) => {
    try {
      await ctx.db.$queryRaw`SELECT 1`;
      return { status: 'ok' };
    } catch (err) {
      ctx.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  registerApiRoutes(app, ctx);
  return { app, ctx };
}
