// The web chat's pages and live channels: the customer page (/chat) and the agent console (/console).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { runCommandLine } from '../../commands/index.ts';
import { runAction } from '../../src/core/actions.ts';
import { findOrCreateContact, organisationForEmail } from '../../src/core/directory.ts';
import { NotFoundError, UserError } from '../../src/core/errors.ts';
import { acceptInbound } from '../../src/core/inbox.ts';
import { cleanName, isBlank } from '../../src/core/text.ts';
import type { Tx } from '../../src/db/index.ts';
import { cookie, hashToken, newSessionToken, parseCookies, sameSecret } from '../../src/http/auth.ts';
import { agentActor, CONSOLE_COOKIE, type HttpContext, UnauthorizedError } from '../../src/http/context.ts';
import { issueMessage, requestLanguage } from '../../src/http/input.ts';
import { addressOf } from '../../src/http/limits.ts';
import { refusals } from '../../src/i18n/refusals.ts';
import { toPost, type WebchatAdapter } from './adapter.ts';

const CHAT_COOKIE = 'relevo_chat';
const SESSION_DAYS = 30;
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The inbound event a customer's web chat message becomes. */
export const webchatMessagePayload = z.object({
  sessionId: z.string(),
  contactId: z.string(),
  text: z.string(),
  postId: z.string(),
});

function body<S extends z.ZodType>(schema: S, req: FastifyRequest): z.infer<S> {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    throw new UserError(
      issueMessage(parsed.error.issues[0], 'body', requestLanguage(req)),
      400,
      'invalid_request',
    );
  }
  return parsed.data;
}

/**
 * Streams hub events on one or more channels as Server-Sent Events until the page goes away. `session`
 * names whose stream it is, for the caps on streams open at once (429 past them).
 */
async function stream(
  ctx: HttpContext,
  req: FastifyRequest,
  reply: FastifyReply,
  channels: string[],
  session: string,
) {
  let gone = false;
  req.raw.once('close', () => {
    gone = true;
  });
  const slot = await ctx.streams.open(req, session);
  reply.hijack();
  if (gone) {
    // The page left while its place was being taken.
    await ctx.streams.close(slot);
    return;
  }
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const unsubscribe = channels.map((c) => ctx.hub.subscribe(c, send));
  const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
  req.raw.on('close', () => {
    clearInterval(ping);
    for (const u of unsubscribe) u();
    void ctx.streams.close(slot);
  });
}

export function registerWebchatRoutes(app: FastifyInstance, ctx: HttpContext, chat: WebchatAdapter): void {
  const page = (file: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await readFile(path.join(publicDir, file)));
  app.get('/', async (_req, reply) => reply.redirect('/chat'));
  app.get('/chat', page('chat.html'));
  app.get('/console', page('console.html'));
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const file = req.params.file;
    const type = contentTypes[path.extname(file)];
    if (!/^[\w.-]+$/.test(file) || !type) throw new NotFoundError(`There is no /static/${file}.`);
    const content = await readFile(path.join(publicDir, file)).catch(() => {
      throw new NotFoundError(`There is no /static/${file}.`);
    });
    return reply.type(type).header('cache-control', 'no-cache').send(content);
  });

  // ── customer side ────────────────────────────────────────────────────────
  async function loadSession(token: string | undefined) {
    const session = token
      ? await ctx.db.webchatSession.findUnique({
          where: { tokenHash: hashToken(token) },
          include: {
            contact: { include: { organisation: true, identities: { where: { platform: 'email' } } } },
          },
        })
      : null;
    if (!session) throw new UnauthorizedError('Start a conversation first: tell us your name and email.');
    return session;
  }
  const customer = (req: FastifyRequest) => loadSession(parseCookies(req.headers.cookie)[CHAT_COOKIE]);
  const describe = (s: Awaited<ReturnType<typeof loadSession>>) => ({
    contact: {
      name: s.contact.name,
      email: s.contact.identities[0]?.externalId ?? null,
      organisation: s.contact.organisation.name,
    },
    language: s.contact.organisation.language,
  });

  app.get('/webchat/api/session', async (req) => describe(await customer(req)));

  const limits = ctx.limits;
  const perAddress = (
    limit: 'webchatSessionsPerAddress' | 'webchatMessagesPerAddress' | 'signInsPerAddress',
  ) => limits.hook(limit, addressOf);
  // The session a request names (its token's hash), without a database read; a wrong one gets 401 later.
  const sessionOf = (req: FastifyRequest) => {
    const token = parseCookies(req.headers.cookie)[CHAT_COOKIE];
    return token ? hashToken(token) : undefined;
  };
  const emailOf = (req: FastifyRequest) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
  };
  // A customer's button (confirm solved / still happening) counts as one of their messages.
  const messageLimits = {
    onRequest: perAddress('webchatMessagesPerAddress'),
    preHandler: limits.hook('webchatMessagesPerSession', sessionOf),
  };

  /**
   * Whether a message opens a ticket: none unfinished in this conversation, not a greeting, and no earlier
   * message of this session still waiting in the inbox (that one opens the ticket this one joins).
   */
  async function opensTicket(tx: Tx, sessionId: string, text: string): Promise<boolean> {
    const conversation = { platform: 'webchat', channel: 'support', thread: sessionId };
    if (!(await ctx.tickets.wouldOpenTicket(tx, conversation, text))) return false;
    const waiting = await tx.$queryRaw<{ text: string | null }[]>`
      SELECT payload->>'text' AS text FROM "InboundEvent"
      WHERE source = 'webchat.message' AND "processedAt" IS NULL AND payload->>'sessionId' = ${sessionId}
      LIMIT 20`;
    return !waiting.some((w) => !ctx.tickets.isGreeting(w.text ?? ''));
  }

  app.post(
    '/webchat/api/session',
    {
      onRequest: perAddress('webchatSessionsPerAddress'),
      preHandler: limits.hook('webchatSessionsPerVisitor', emailOf),
    },
    async (req, reply) => {
      const input = body(z.strictObject({ name: z.string().max(200), email: z.email() }), req);
      // Shown to agents beside the customer's words: one line, no bidi override that could reverse them.
      const name = cleanName(input.name);
      if (!name) throw new UserError(refusals(requestLanguage(req)).emptyName, 400, 'invalid_request');
      const email = input.email.toLowerCase();
      const organisationId =
        organisationForEmail(ctx.config, email) ?? ctx.config.webchat.defaultOrganisation;
      if (!organisationId) {
        throw new UserError(
          `We could not find your organisation from ${email}. Please write to your usual support address.`,
        );
      }
      const token = newSessionToken();
      await ctx.db.$transaction(async (tx) => {
        const contact = await findOrCreateContact(tx, {
          platform: 'email',
          externalId: email,
          name,
          organisationId,
        });
        await tx.webchatSession.create({ data: { tokenHash: hashToken(token), contactId: contact.id } });
      });
      reply.header('set-cookie', cookie(CHAT_COOKIE, token, SESSION_DAYS * 86_400, ctx.secureCookies));
      return describe(await loadSession(token));
    },
  );

  app.get('/webchat/api/messages', async (req) => {
    const session = await customer(req);
    return { messages: await chat.history(`support/${session.id}`) };
  });

  app.post('/webchat/api/messages', messageLimits, async (req, reply) => {
    const session = await customer(req);
    const input = body(z.strictObject({ text: z.string(), clientId: z.string().min(8).max(100) }), req);
    const max = ctx.config.tickets.maxMessageLength;
    if (input.text.length > max) {
      throw new UserError(
        `Your message is too long (${input.text.length} characters; the limit is ${max}).`,
        413,
        'message_too_long',
      );
    }
    // Zero-width spaces and other invisible characters alone would open a ticket nobody can read.
    if (isBlank(input.text)) {
      throw new UserError(refusals(requestLanguage(req)).emptyMessage, 400, 'empty_message');
    }
    // The post and its inbound event commit together: once we answer 202 the message is in the database.
    const { row, created } = await ctx.ingress.run(() =>
      ctx.db.$transaction(async (tx) => {
        const stored = await chat.insert(tx, {
          channel: `support/${session.id}`,
          dedupeKey: `client:${session.id}:${input.clientId}`,
          authorKind: 'customer',
          authorName: session.contact.name,
          message: { text: input.text },
        });
        if (stored.created) {
          // Counted in this transaction: a refused message rolls back with its count.
          if (await opensTicket(tx, session.id, input.text)) {
            await limits.countIn(tx, req, 'ticketsPerVisitor', session.contactId);
          }
          await acceptInbound(tx, {
            key: `webchat:${stored.row.id}`,
            source: 'webchat.message',
            payload: {
              sessionId: session.id,
              contactId: session.contactId,
              text: input.text,
              postId: String(stored.row.id),
            },
          });
        }
        return stored;
      }),
    );
    if (created) {
      chat.publish(row);
      ctx.notifier.inboxWritten();
    }
    ctx.metrics.ackLatency('webchat', 'http', reply.elapsedTime / 1000);
    return reply.code(202).send({ message: toPost(row) });
  });

  app.post('/webchat/api/actions', messageLimits, async (req) => {
    const session = await customer(req);
    const input = body(z.strictObject({ action: z.string(), value: z.string() }), req);
    if (!input.action.startsWith('ticket.confirm_'))
      throw new UserError('That button is for agents.', 403, 'forbidden');
    const text = await runAction(ctx.actions, { kind: 'contact', contactId: session.contactId }, input);
    return { text };
  });

  app.get('/webchat/api/stream', async (req, reply) => {
    const session = await customer(req);
    await stream(ctx, req, reply, [`support/${session.id}`], `webchat:${session.id}`);
  });

  // ── agent console ────────────────────────────────────────────────────────
  app.post('/console/api/login', { onRequest: perAddress('signInsPerAddress') }, async (req, reply) => {
    const input = body(z.strictObject({ token: z.string(), agentId: z.string() }), req);
    await limits.refuseIfReached(req, 'wrongTokensPerAddress', addressOf(req));
    if (!sameSecret(input.token, ctx.apiToken)) {
      req.log.warn({ ip: req.ip }, 'console login with a wrong token');
      await limits.count(req, 'wrongTokensPerAddress', addressOf(req));
      throw new UnauthorizedError(
        'That token is wrong. It is RELEVO_API_TOKEN, or the contents of data/api-token.',
      );
    }
    const agent = await ctx.db.agent.findUnique({ where: { id: input.agentId } });
    if (!agent?.active) throw new NotFoundError(`There is no active agent "${input.agentId}".`);
    const value = ctx.sessions.issue(agent.id, ctx.clock.now(), 7 * 86_400);
    reply.header('set-cookie', cookie(CONSOLE_COOKIE, value, 7 * 86_400, ctx.secureCookies));
    return { agent: { id: agent.id, name: agent.name, role: agent.role } };
  });

  app.post('/console/api/logout', async (_req, reply) => {
    reply.header('set-cookie', cookie(CONSOLE_COOKIE, '', 0, ctx.secureCookies));
    return { ok: true };
  });

  app.get('/console/api/me', async (req) => {
    const actor = await agentActor(ctx, req);
    const agent = await ctx.db.agent.findUniqueOrThrow({
      where: { id: actor.agentId },
      select: { id: true, name: true, role: true },
    });
    return { agent };
  });

  app.get('/console/api/messages', async (req) => {
    await agentActor(ctx, req);
    return { messages: await chat.history('agents') };
  });

  app.get('/console/api/stream', async (req, reply) => {
    const actor = await agentActor(ctx, req);
    // One sign-in (its cookie) is one session; API-token callers share their agent's.
    const signIn = parseCookies(req.headers.cookie)[CONSOLE_COOKIE];
    const session = signIn ? `console:${hashToken(signIn)}` : `agent:${actor.agentId}`;
    await stream(ctx, req, reply, ['agents', 'tickets'], session);
  });

  app.post('/console/api/actions', async (req) => {
    const actor = await agentActor(ctx, req);
    const input = body(
      z.strictObject({
        action: z.string(),
        value: z.string(),
        form: z.record(z.string(), z.string()).optional(),
      }),
      req,
    );
    return { text: await runAction(ctx.actions, actor, input) };
  });

  app.post('/console/api/commands', async (req) => {
    const actor = await agentActor(ctx, req);
    const input = body(
      z.strictObject({ text: z.string().max(ctx.config.tickets.maxMessageLength + 200) }),
      req,
    );
    const message = await runCommandLine(input.text, {
      actor,
      tickets: ctx.tickets,
      db: ctx.db,
      config: ctx.config,
    });
    return { message };
  });
}
