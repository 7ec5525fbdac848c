// POST /hooks/<source>: monitoring systems' webhooks (README "Monitoring alerts"). Authenticated by the
// monitor's own secret; stored in the inbox before the 2xx (src/alerts/accept.ts). Answers:
//   202 { stored: true|false, … }  accepted (false: the same delivery was accepted before)
//   200 { ignored: "why" }         understood, but nothing to keep (a test button, a pending beat)
//   400 malformed JSON · 401 missing or wrong secret · 413 over 10 MiB · 415 not JSON
//   422 JSON of the wrong shape for this source, naming the field
import type { FastifyInstance } from 'fastify';
import { acceptDelivery } from '../alerts/accept.ts';
import { monitorFor, presentedSecret } from '../alerts/auth.ts';
import { PayloadError } from '../alerts/read.ts';
import type { Monitor } from '../alerts/tokens.ts';
import { type AlertSource, alertSources } from '../core/alerts/batch.ts';
import type { HttpContext } from './context.ts';
import { addressOf } from './limits.ts';

/**
 * A 10,000-alert Alertmanager group with a handful of labels and annotations each is ~5.3 MB of JSON:
 * room for it, not for anything much bigger (the rest of the API takes 1 MiB).
 */
export const HOOK_BODY_LIMIT = 10 * 1024 * 1024;

export function registerAlertHooks(
  app: FastifyInstance,
  ctx: HttpContext,
  monitors: readonly Monitor[],
): void {
  for (const source of alertSources) {
    app.post(`/hooks/${source}`, { bodyLimit: HOOK_BODY_LIMIT }, async (req, reply) => {
      const address = addressOf(req);
      // Past the limit of wrong secrets from this address nothing is compared: guessing stops there.
      await ctx.limits.refuseIfReached(req, 'wrongTokensPerAddress', address);
      const monitor = monitorFor(monitors, source as AlertSource, presentedSecret(req.headers.authorization));
      if (!monitor) {
        await ctx.limits.count(req, 'wrongTokensPerAddress', address);
        const sent = req.headers.authorization ? 'a wrong secret' : 'no secret';
        req.log.warn({ source, ip: req.ip, sent }, 'alert webhook refused: missing or wrong secret');
        return reply.code(401).send({
          error: {
            code: 'unauthorized',
            message: `Send the secret of a relevo.yaml monitor with source "${source}" as "Authorization: Bearer <token>" (or as the basic auth password).`,
          },
        });
      }
      try {
        const result = await acceptDelivery(
          ctx,
          source as AlertSource,
          monitor.id,
          req.body,
          ctx.clock.now(),
        );
        if ('ignored' in result) {
          req.log.info(
            { source, monitor: monitor.id, reason: result.ignored },
            'alert webhook: nothing to keep',
          );
          return reply.code(200).send({ ignored: result.ignored });
        }
        if (result.truncated) {
          req.log.info(
            { source, monitor: monitor.id, group: result.groupKey, truncated: result.truncated },
            'alert group truncated',
          );
        }
        return reply.code(202).send({
          stored: result.stored,
          groupKey: result.groupKey,
          alerts: result.alerts,
          truncated: result.truncated,
        });
      } catch (err) {
        if (!(err instanceof PayloadError)) throw err;
        req.log.info(
          { source, monitor: monitor.id, problem: err.message },
          'alert webhook refused: wrong shape',
        );
        return reply.code(422).send({
          error: { code: 'invalid_payload', message: `Not a ${source} webhook payload: ${err.message}` },
        });
      }
    });
  }
}
