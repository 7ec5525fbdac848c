// The web chat's pages and live channels: the customer page (/chat) and the agent console (/console).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { customerLanguage, isLanguage, rememberLanguages } from '../../src/core/customer-language.ts';
import { contactForProvenEmail, organisationForEmail } from '../../src/core/directory.ts';
import { NotFoundError, refusal, UserError } from '../../src/core/errors.ts';
import { normaliseEmail, verifyIdentitySignature } from '../../src/core/identity/signature.ts';
import { acceptInbound } from '../../src/core/inbox.ts';
import { cleanName, isBlank } from '../../src/core/text.ts';
import { renderCard } from '../../src/core/tickets/card.ts';
import type { Tx } from '../../src/db/index.ts';
import { cookie, hashToken, newSessionToken, parseCookies, sameSecret } from '../../src/http/auth.ts';
import { agentActor, CONSOLE_COOKIE, type HttpContext, UnauthorizedError } from '../../src/http/context.ts';
import { issueMessage, requestLanguage } from '../../src/http/input.ts';
import { addressOf } from '../../src/http/limits.ts';
import { WEBCHAT_SESSION_SECONDS } from '../../src/http/sessions.ts';
import { type Language, t } from '../../src/i18n/index.ts';
import { both } from '../../src/i18n/localized.ts';
import { refusals } from '../../src/i18n/refusals.ts';
import { toPost, type WebchatAdapter } from './adapter.ts';
import { command, press } from './interact.ts';

const CHAT_COOKIE = 'relevo_chat';
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));
const require = createRequire(import.meta.url);
/** What /static/vendor/ serves: uPlot (MIT), the dashboard's charts. */
const vendorFiles: Record<string, string> = {
  'uPlot.esm.js': 'uplot/dist/uPlot.esm.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};
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

/** A page's language as the request carries it; chosenLanguage checks it (with a message of its own). */
const pageLanguage = z.string().max(100).optional();

/**
 * The language the page says its customer reads ('es' or 'en'), when it says one. Anything else is refused
 * with a 400 that says what is expected, and logged; nothing is changed.
 */
function chosenLanguage(req: FastifyRequest, value: string | undefined): Language | undefined {
  if (value === undefined || isLanguage(value)) return value;
  req.log.warn({ language: value.slice(0, 20) }, 'web chat: a language Relevo does not speak, refused');
  throw new UserError(
    {
      en: `The chat's language must be "es" (Spanish) or "en" (English), not "${value.slice(0, 20)}".`,
      es: `El idioma del chat debe ser "es" (español) o "en" (inglés), no «${value.slice(0, 20)}».`,
    },
    400,
    'invalid_language',
  );
}

function body<S extends z.ZodType>(schema: S, req: FastifyRequest): z.infer<S> {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      both((l) => issueMessage(issue, 'body', l)),
      400,
      'invalid_request',
    );
  }
  return parsed.data;
}

/**
 * Streams hub events on one or more channels as Server-Sent Events until the page goes away, or the
 * session behind it ends (signed out, expired, revoked): `alive` is asked at every keep-alive ping.
 * `session` names whose stream it is, for the caps on streams open at once (429 past them).
 */
async function stream(
  ctx: HttpContext,
  req: FastifyRequest,
  reply: FastifyReply,
  channels: string[],
  session: string,
  alive: () => Promise<boolean>,
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
  const ping = setInterval(() => {
    alive().then(
      (ok) => {
        if (res.destroyed || res.writableEnded) return; // the page left while we asked
        if (ok) res.write(': ping\n\n');
        else res.end();
      },
      (err) => ctx.log.warn({ err }, 'live stream: could not recheck the session'),
    );
  }, ctx.streamCheckMs);
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
  // Asked for by browsers and bookmarks that never read the pages' icon link.
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/static/favicon.svg', 301));
  app.get('/chat', page('chat.html'));
  app.get('/console', page('console.html'));
  app.get('/dashboard', page('dashboard.html'));
  // The dashboard's charting library, served from its npm package as published (no front-end build step):
  // only these two files, read once.
  app.get<{ Params: { file: string } }>('/static/vendor/:file', async (req, reply) => {
    const file = vendorFiles[req.params.file];
    if (!file) throw new NotFoundError({ en: 'There is no such file.', es: 'No existe ese archivo.' });
    return reply
      .type(contentTypes[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(await readFile(require.resolve(file)));
  });
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const file = req.params.file;
    const type = contentTypes[path.extname(file)];
    const missing = { en: `There is no /static/${file}.`, es: `No existe /static/${file}.` };
    if (!/^[\w.-]+$/.test(file) || !type) throw new NotFoundError(missing);
    const content = await readFile(path.join(publicDir, file)).catch(() => {
      throw new NotFoundError(missing);
    });
    return reply.type(type).header('cache-control', 'no-cache').send(content);
  });

  // ── customer side ────────────────────────────────────────────────────────
  // A visitor who only typed an address is a contact of their own (unverified) and sees only this
  // conversation; a mailed code or an identity signed by the embedding site attaches the session to
  // the contact that owns the address. Sessions live in the database (hash of the cookie's token).
  const sessionToken = (req: FastifyRequest) => parseCookies(req.headers.cookie)[CHAT_COOKIE];
  async function findSession(token: string | undefined) {
    const session = token
      ? await ctx.db.webchatSession.findUnique({
          where: { tokenHash: hashToken(token) },
          include: {
            contact: { include: { organisation: true, identities: { where: { platform: 'email' } } } },
          },
        })
      : null;
    if (session && session.expiresAt <= ctx.clock.now()) {
      await ctx.db.webchatSession.deleteMany({ where: { id: session.id } });
      return null;
    }
    return session;
  }
  async function loadSession(token: string | undefined) {
    const session = await findSession(token);
    if (!session) {
      throw new UnauthorizedError({
        en: 'Start a conversation first: tell us your name and email.',
        es: 'Empiece primero una conversación: díganos su nombre y su correo.',
      });
    }
    return session;
  }
  const customer = (req: FastifyRequest) => loadSession(sessionToken(req));
  type Session = Awaited<ReturnType<typeof loadSession>>;
  const describe = (s: Session) => {
    const c = s.contact;
    return {
      contact: {
        name: c.name,
        email: c.verified ? (c.identities[0]?.externalId ?? null) : c.claimedEmail,
        // Only a verified customer is told which organisation they are served as.
        organisation: c.verified ? c.organisation.name : null,
      },
      verified: c.verified,
      /** Whether a code can be mailed here (outgoing mail is configured). */
      codes: ctx.codes.available,
      /** The language Relevo writes to them in: the one their page chose, else their organisation's. */
      language: customerLanguage(c, c.organisation),
    };
  };
  /** The language the customer's page shows now, kept on their contact (only when it changed). */
  async function keepLanguage(tx: Tx, session: Session, language: Language | undefined) {
    if (language && language !== session.contact.language)
      await rememberLanguages(tx, [{ contactId: session.contactId, language }]);
  }
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.header('set-cookie', cookie(CHAT_COOKIE, token, WEBCHAT_SESSION_SECONDS, ctx.secureCookies));
  const expiry = () => new Date(ctx.clock.now().getTime() + WEBCHAT_SESSION_SECONDS * 1000);

  /** The verified contact for a proven address; an agent's address is refused. */
  async function provenContact(tx: Tx, input: { email: string; name: string; organisationId: string }) {
    const contact = await contactForProvenEmail(tx, input);
    if (contact === 'agent') {
      throw new UserError(
        both((l) => t(l).verification.agentAddress),
        409,
        'agent_address',
      );
    }
    return contact;
  }

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
      const input = body(
        z.strictObject({
          name: z.string().max(200),
          email: z.email().max(254),
          /** Hex HMAC-SHA256 of the address, made by the site that embeds the chat. */
          signature: z.string().max(200).optional(),
          /** The language the page shows: Relevo writes to them in it. */
          language: pageLanguage,
        }),
        req,
      );
      const language = chosenLanguage(req, input.language);
      // Shown to agents beside the customer's words: one line, no bidi override that could reverse them.
      const name = cleanName(input.name);
      if (!name)
        throw new UserError(
          both((l) => refusals(l).emptyName),
          400,
          'invalid_request',
        );
      const email = normaliseEmail(input.email);
      const signed = input.signature !== undefined;
      if (signed) {
        if (!ctx.identitySecret) {
          req.log.warn('web chat: a signed identity, but RELEVO_WEBCHAT_IDENTITY_SECRET is not set');
          throw new UserError(
            both((l) => t(l).verification.signedUnavailable),
            400,
            'signed_identities_off',
          );
        }
        if (!verifyIdentitySignature(ctx.identitySecret, email, input.signature ?? '')) {
          req.log.warn({ ip: req.ip }, 'web chat: an identity with a wrong signature, refused');
          throw new UserError(
            both((l) => t(l).verification.badSignature),
            401,
            'bad_signature',
          );
        }
      }
      const organisationId =
        organisationForEmail(ctx.config, email) ?? ctx.config.webchat.defaultOrganisation;
      if (!organisationId) {
        throw new UserError({
          en: `We could not find your organisation from ${email}. Please write to your usual support address.`,
          es: `No hemos podido identificar su organización a partir de ${email}. Escriba a su dirección de soporte habitual.`,
        });
      }
      const token = newSessionToken();
      const previous = sessionToken(req);
      await ctx.db.$transaction(async (tx) => {
        const contact = signed
          ? await provenContact(tx, { email, name, organisationId })
          : await tx.contact.create({
              data: { name, organisationId, verified: false, claimedEmail: email, language },
            });
        if (signed && language && language !== contact.language)
          await rememberLanguages(tx, [{ contactId: contact.id, language }]);
        await tx.webchatSession.create({
          data: {
            tokenHash: hashToken(token),
            contactId: contact.id,
            createdAt: ctx.clock.now(),
            expiresAt: expiry(),
          },
        });
        // A new sign-in in this browser ends the one it had.
        if (previous) await tx.webchatSession.deleteMany({ where: { tokenHash: hashToken(previous) } });
      });
      setSessionCookie(reply, token);
      return describe(await loadSession(token));
    },
  );

  app.post('/webchat/api/verification', async (req) => {
    const session = await customer(req);
    body(z.strictObject({}), req);
    const language = customerLanguage(session.contact, session.contact.organisation);
    return answeringIn(language, async () => {
      if (session.contact.verified || !session.contact.claimedEmail) {
        throw new UserError(
          both((l) => t(l).verification.alreadyVerified),
          409,
          'already_verified',
        );
      }
      await ctx.codes.send(session.id, session.contact.claimedEmail, language);
      return { sentTo: session.contact.claimedEmail };
    });
  });

  app.post('/webchat/api/verification/confirm', async (req, reply) => {
    const session = await customer(req);
    const input = body(z.strictObject({ code: z.string().max(20) }), req);
    return answeringIn(customerLanguage(session.contact, session.contact.organisation), () =>
      confirmCode(req, reply, session, input.code),
    );
  });

  async function confirmCode(req: FastifyRequest, reply: FastifyReply, session: Session, typed: string) {
    if (session.contact.verified) {
      throw new UserError(
        both((l) => t(l).verification.alreadyVerified),
        409,
        'already_verified',
      );
    }
    const code = await ctx.codes.check(session.id, typed);
    const token = newSessionToken();
    await ctx.db.$transaction(async (tx) => {
      // A message of this session being filed right now waits for this, then goes to the new contact.
      await tx.$queryRaw`SELECT id FROM "WebchatSession" WHERE id = ${session.id} FOR UPDATE`;
      await ctx.codes.consume(tx, code.id);
      const contact = await provenContact(tx, {
        email: code.email,
        name: session.contact.name,
        organisationId: session.contact.organisationId,
      });
      // The language the visitor chose goes with them: it is the latest word on what they read.
      if (session.contact.language && session.contact.language !== contact.language) {
        await rememberLanguages(tx, [
          { contactId: contact.id, language: session.contact.language as Language },
        ]);
      }
      // Same conversation, new token: the cookie from before the proof stops working.
      await tx.webchatSession.update({
        where: { id: session.id },
        data: { tokenHash: hashToken(token), contactId: contact.id, expiresAt: expiry() },
      });
      await ctx.tickets.adoptVisitor(tx, {
        from: session.contactId,
        to: contact.id,
        email: code.email,
        how: 'code',
      });
    });
    req.log.info({ session: session.id }, 'web chat visitor verified by a mailed code');
    setSessionCookie(reply, token);
    return describe(await loadSession(token));
  }

  app.post('/webchat/api/logout', async (req, reply) => {
    const token = sessionToken(req);
    if (token) await ctx.db.webchatSession.deleteMany({ where: { tokenHash: hashToken(token) } });
    reply.header('set-cookie', cookie(CHAT_COOKIE, '', 0, ctx.secureCookies));
    return { ok: true };
  });

  // The customer switched the page's language: Relevo writes to them in it from now on. Counted like a
  // message: each switch may write.
  app.post('/webchat/api/language', messageLimits, async (req) => {
    const session = await customer(req);
    const input = body(z.strictObject({ language: z.string().max(100) }), req);
    const language = chosenLanguage(req, input.language) as Language;
    await ctx.db.$transaction((tx) => keepLanguage(tx, session, language));
    return describe(await loadSession(sessionToken(req)));
  });

  app.get('/webchat/api/messages', async (req) => {
    const session = await customer(req);
    return { messages: await chat.history(`support/${session.id}`) };
  });

  app.post('/webchat/api/messages', messageLimits, async (req, reply) => {
    const session = await customer(req);
    const input = body(
      z.strictObject({
        text: z.string(),
        clientId: z.string().min(8).max(100),
        /** The language the page shows as the message is sent. */
        language: pageLanguage,
      }),
      req,
    );
    const language = chosenLanguage(req, input.language);
    const max = ctx.config.tickets.maxMessageLength;
    if (input.text.length > max) {
      throw new UserError(
        {
          en: `Your message is too long (${input.text.length} characters; the limit is ${max}).`,
          es: `Su mensaje es demasiado largo (${input.text.length} caracteres; el límite es ${max}).`,
        },
        413,
        'message_too_long',
      );
    }
    // Zero-width spaces and other invisible characters alone would open a ticket nobody can read.
    if (isBlank(input.text)) {
      throw new UserError(
        both((l) => refusals(l).emptyMessage),
        400,
        'empty_message',
      );
    }
    // The post and its inbound event commit together: once we answer 202 the message is in the database.
    const { row, created } = await ctx.ingress.run(() =>
      ctx.db.$transaction(async (tx) => {
        // Before the message is filed: what Relevo answers to it speaks the page's language.
        await keepLanguage(tx, session, language);
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
            // An unverified visitor is a new contact per session: counted by the address they typed,
            // a new session does not start a new count.
            const visitor = session.contact.verified
              ? session.contactId
              : `claimed:${session.contact.claimedEmail ?? session.contactId}`;
            await limits.countIn(tx, req, 'ticketsPerVisitor', visitor);
          }
          await acceptInbound(tx, {
            key: `webchat:${stored.row.id}`,
            source: 'webchat.message',
            // A visitor's messages are taken in the order they were written.
            thread: `webchat:${session.id}`,
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
    if (created) ctx.notifier.inboxWritten();
    ctx.metrics.ackLatency('webchat', 'http', reply.elapsedTime / 1000);
    return reply.code(202).send({ message: toPost(row) });
  });

  app.post('/webchat/api/actions', messageLimits, async (req) => {
    const session = await customer(req);
    const input = body(
      z.strictObject({
        action: z.string(),
        value: z.string(),
        /** The form the button opened, filled in (a survey's comment). */
        form: z.record(z.string(), z.string().max(ctx.config.tickets.maxMessageLength)).optional(),
        /** The post whose button it was: once the press is taken, its buttons give way to the outcome. */
        post: z
          .string()
          .regex(/^\d{1,18}$/)
          .optional(),
      }),
      req,
    );
    const answer = await press(ctx, { kind: 'contact', contactId: session.contactId }, input);
    if (input.post && 'text' in answer)
      await chat.answered(`support/${session.id}`, input.post, input, answer.text);
    return answer;
  });

  app.get('/webchat/api/stream', async (req, reply) => {
    const token = sessionToken(req);
    const session = await loadSession(token);
    await stream(ctx, req, reply, [`support/${session.id}`], `webchat:${session.id}`, async () =>
      Boolean(await findSession(token)),
    );
  });

  // ── agent console ────────────────────────────────────────────────────────
  app.post('/console/api/login', { onRequest: perAddress('signInsPerAddress') }, async (req, reply) => {
    const input = body(z.strictObject({ token: z.string(), agentId: z.string() }), req);
    await limits.refuseIfReached(req, 'wrongTokensPerAddress', addressOf(req));
    if (!sameSecret(input.token, ctx.apiToken)) {
      req.log.warn({ ip: req.ip }, 'console login with a wrong token');
      await limits.count(req, 'wrongTokensPerAddress', addressOf(req));
      throw new UnauthorizedError({
        en: 'That token is wrong. It is RELEVO_API_TOKEN, or the contents of data/api-token.',
        es: 'Ese token no es correcto. Es RELEVO_API_TOKEN, o el contenido de data/api-token.',
      });
    }
    const agent = await ctx.db.agent.findUnique({ where: { id: input.agentId } });
    if (!agent?.active) {
      throw new NotFoundError({
        en: `There is no active agent "${input.agentId}".`,
        es: `No existe ningún agente activo «${input.agentId}».`,
      });
    }
    // A sign-in in this browser ends the session it had.
    await ctx.sessions.end(parseCookies(req.headers.cookie)[CONSOLE_COOKIE]);
    const token = await ctx.sessions.issue(agent.id);
    reply.header('set-cookie', cookie(CONSOLE_COOKIE, token, ctx.sessions.ttlSeconds, ctx.secureCookies));
    return { agent: { id: agent.id, name: agent.name, role: agent.role } };
  });

  app.post('/console/api/logout', async (req, reply) => {
    await ctx.sessions.end(parseCookies(req.headers.cookie)[CONSOLE_COOKIE]);
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
    // The console's list holds its agents' channel and its monitor channel (alert groups), oldest first.
    const posts = [...(await chat.history('agents')), ...(await chat.history('monitor'))];
    return { messages: posts.sort((a, b) => Number(a.id) - Number(b.id)) };
  });

  app.get('/console/api/stream', async (req, reply) => {
    const actor = await agentActor(ctx, req);
    // One sign-in (its cookie) is one session; API-token callers share their agent's.
    const signIn = parseCookies(req.headers.cookie)[CONSOLE_COOKIE];
    const session = signIn ? `console:${hashToken(signIn)}` : `agent:${actor.agentId}`;
    await stream(ctx, req, reply, ['agents', 'monitor', 'tickets'], session, () =>
      agentActor(ctx, req).then(
        () => true,
        (err) => {
          if (err instanceof UnauthorizedError) return false;
          throw err;
        },
      ),
    );
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
    return press(ctx, actor, input, await consoleLanguage(ctx, req, actor));
  });

  // The ticket view's actions: the buttons of the ticket's triage card, so the console offers exactly what the
  // card offers where the ticket stands (src/core/tickets/card.ts), pressed through /console/api/actions. In
  // the page's language: the card in the feed is the team's, these buttons are one agent's.
  app.get('/console/api/tickets/:number/actions', async (req) => {
    const actor = await agentActor(ctx, req);
    const parsed = z.coerce
      .number()
      .int()
      .positive()
      .safeParse((req.params as { number: string }).number);
    const ticket = parsed.success
      ? await ctx.db.ticket.findUnique({ where: { number: parsed.data }, select: { number: true } })
      : null;
    if (!ticket) throw new NotFoundError(refusal.noTicket((req.params as { number: string }).number));
    const language = await consoleLanguage(ctx, req, actor);
    return { buttons: (await renderCard(ctx.db, ticket.number, language)).buttons ?? [] };
  });

  app.post('/console/api/commands', async (req) => {
    const actor = await agentActor(ctx, req);
    const input = body(
      z.strictObject({ text: z.string().max(ctx.config.tickets.maxMessageLength + 200) }),
      req,
    );
    const message = await command(ctx, actor, input.text, await consoleLanguage(ctx, req, actor));
    return { message };
  });
}

/**
 * The language the console page speaks: its api() sends it as Accept-Language (public/render.js). A caller
 * that names neither Spanish nor English (a script on the API token; Node's fetch sends "*") reads the
 * agent's own, as on any chat platform.
 */
async function consoleLanguage(
  ctx: HttpContext,
  req: FastifyRequest,
  actor: { kind: 'agent'; agentId: string },
): Promise<string> {
  const header = req.headers['accept-language'];
  const named = /(^|,)\s*(es|en)\b/i.test(Array.isArray(header) ? header.join(',') : (header ?? ''));
  return named ? requestLanguage(req) : ctx.router.languageOf('webchat', { actor });
}

/**
 * Refusals of a customer's verification in the language Relevo writes to them in (the one their page
 * chose, else their organisation's), whatever language the request asked for.
 */
async function answeringIn<T>(language: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError)
      throw UserError.inTheirLanguage(err.messageIn(language), err.status, err.code);
    throw err;
  }
}
