// What HTTP routes need from the running app, and the one way they find out who is calling.
import type { FastifyRequest } from 'fastify';
import type { FileConfig } from '../config/file.ts';
import type { ActionDeps } from '../core/actions.ts';
import type { ChatRouter } from '../core/chat/router.ts';
import { UserError } from '../core/errors.ts';
import type { VerificationCodes } from '../core/identity/codes.ts';
import type { IngressGate } from '../core/ingress.ts';
import type { Clock, Logger, Metrics, Notifier } from '../core/ports.ts';
import type { SurveyLinks } from '../core/survey/link.ts';
import type { Actor, TicketService } from '../core/tickets/service.ts';
import type { Db } from '../db/index.ts';
import type { Localized } from '../i18n/localized.ts';
import { bearer, parseCookies, sameSecret } from './auth.ts';
import { addressOf, type Limits } from './limits.ts';
import type { LiveHub } from './live-hub.ts';
import type { ConsoleSessions } from './sessions.ts';
import type { StreamSlots } from './streams.ts';

export const CONSOLE_COOKIE = 'relevo_console';

export interface HttpContext {
  db: Db;
  config: FileConfig;
  tickets: TicketService;
  /** What buttons and forms act through (triage, escalation, conversations). */
  actions: ActionDeps;
  /** The one way a button press, form or command from any platform is answered. */
  router: ChatRouter;
  /** Requests that store inbound events mark themselves, so background work lets them go first. */
  ingress: IngressGate;
  clock: Clock;
  log: Logger;
  hub: LiveHub;
  notifier: Notifier;
  /** Ack latency of the requests that store inbound events (web chat messages). */
  metrics: Metrics;
  apiToken: string;
  /** The satisfaction survey's signed links (mailed to customers): checked by /survey/<token>. */
  surveyLinks: SurveyLinks;
  sessions: ConsoleSessions;
  /** One-time codes mailed to web chat visitors (unavailable without outgoing mail). */
  codes: VerificationCodes;
  /** RELEVO_WEBCHAT_IDENTITY_SECRET: the secret embedding sites sign visitors' addresses with. */
  identitySecret?: string;
  secureCookies: boolean;
  /** How often a live stream (SSE) rechecks its session, closing when it ended. */
  streamCheckMs: number;
  /** Rate limits shared by every instance on the database (limits.ts). */
  limits: Limits;
  /** Caps on live streams open at once (streams.ts). */
  streams: StreamSlots;
}

export class UnauthorizedError extends UserError {
  constructor(message: Localized) {
    super(message, 401, 'unauthorized');
  }
}

/**
 * The agent behind a request: a console session cookie, or the API token (acting as the agent named in
 * `X-Relevo-Agent`, else the first admin in relevo.yaml). Throws 401 otherwise.
 */
export async function agentActor(ctx: HttpContext, req: FastifyRequest): Promise<Actor & { kind: 'agent' }> {
  const token = bearer(req.headers.authorization);
  let agentId: string | undefined;
  if (token !== undefined) {
    // Past the limit of wrong tokens from this address, no token is even compared: guessing stops there.
    const address = addressOf(req);
    await ctx.limits.refuseIfReached(req, 'wrongTokensPerAddress', address);
    if (!sameSecret(token, ctx.apiToken)) {
      await ctx.limits.count(req, 'wrongTokensPerAddress', address);
      throw new UnauthorizedError({
        en: 'The API token is wrong. Use the value of RELEVO_API_TOKEN (or data/api-token).',
        es: 'El token de la API no es correcto. Use el valor de RELEVO_API_TOKEN (o de data/api-token).',
      });
    }
    const wanted = req.headers['x-relevo-agent'];
    agentId =
      typeof wanted === 'string'
        ? wanted
        : (ctx.config.agents.find((a) => a.role === 'admin')?.id ?? ctx.config.agents[0]?.id);
  } else {
    agentId = await ctx.sessions.verify(parseCookies(req.headers.cookie)[CONSOLE_COOKIE]);
    if (!agentId) {
      throw new UnauthorizedError({
        en: 'Sign in first: send "Authorization: Bearer <API token>" or use the agent console.',
        es: 'Inicie sesión primero: envíe "Authorization: Bearer <token de la API>" o use la consola de agentes.',
      });
    }
  }
  const agent = agentId ? await ctx.db.agent.findUnique({ where: { id: agentId } }) : null;
  if (!agent?.active) {
    throw new UnauthorizedError({
      en: `There is no active agent "${agentId}".`,
      es: `No existe ningún agente activo «${agentId}».`,
    });
  }
  return { kind: 'agent', agentId: agent.id };
}
