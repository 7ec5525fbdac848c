// The REST API for tickets, described once: each route's zod schemas validate requests and are turned
// into the OpenAPI document served at /api/openapi.json.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listAlertGroups, parseAlertCursor } from '../alerts/queries.ts';
import { findOrCreateContact, organisationForEmail } from '../core/directory.ts';
import { ForbiddenError, NotFoundError, UserError } from '../core/errors.ts';
import { storedBytes } from '../core/inbox.ts';
import { type ReportFilters, reportSummary } from '../core/reports/summary.ts';
import { slaSummary } from '../core/sla/view.ts';
import { categories, categoryLabel } from '../core/tickets/categories.ts';
import { statuses, statusLabel } from '../core/tickets/lifecycle.ts';
import { getTicket, listTickets, parseCursor } from '../core/tickets/queries.ts';
import { searchSolved, searchTextMax, similarSolved } from '../core/tickets/search.ts';
import type { Actor } from '../core/tickets/service.ts';
import { attachmentFromOriginal } from '../email/attachment-bytes.ts';
import { both } from '../i18n/localized.ts';
import { agentActor, type HttpContext } from './context.ts';
import { issueMessage, visibleText } from './input.ts';
import { endConsoleSessions } from './sessions.ts';

const ticketParam = z.object({ number: z.coerce.number().int().positive() });
const priority = z.enum(['low', 'normal', 'high', 'urgent']);

interface Route {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  status?: number;
  handler(
    ctx: HttpContext,
    input: { params: never; query: never; body: never; actor: Actor & { kind: 'agent' } },
  ): Promise<unknown>;
}

const route = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(r: {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  status?: number;
  handler(
    ctx: HttpContext,
    input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; actor: Actor & { kind: 'agent' } },
  ): Promise<unknown>;
}) => r as unknown as Route;

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A route's answer that is a file (an attachment, an original email), not JSON. */
class FileResult {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly body: Buffer,
  ) {}
}

const idParam = z.object({ id: z.string().min(1).max(100) });

const DAY = 86_400_000;
/** A report's period and filters, as query parameters. */
const reportQuery = z.strictObject({
  from: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('Start of the period (inclusive); default: 7 days before `to`'),
  to: z.iso
    .datetime({ offset: true })
    .or(z.iso.date())
    .optional()
    .describe('End of the period (exclusive); default: now'),
  bucket: z.enum(['day', 'week']).optional().describe('The series step (default: day)'),
  organisation: z.string().max(100).optional(),
  plan: z.string().max(100).optional(),
  product: z.string().max(100).optional(),
  category: z.string().max(100).optional(),
  priority: priority.optional(),
  source: z
    .string()
    .max(40)
    .optional()
    .describe('Where tickets came from: a platform, email, api, manual, monitor'),
  agent: z.string().max(100).optional().describe('The assigned agent'),
});

function reportFilters(query: z.infer<typeof reportQuery>, now: Date): ReportFilters {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
  if (!(from < to) || to.getTime() - from.getTime() > 800 * DAY) {
    throw new UserError({
      en: 'The period must start before it ends and last at most about two years (from, to).',
      es: 'El periodo debe empezar antes de acabar y durar como mucho unos dos años (from, to).',
    });
  }
  return {
    from,
    to,
    bucket: query.bucket,
    organisationId: query.organisation,
    plan: query.plan,
    productId: query.product,
    category: query.category,
    priority: query.priority,
    source: query.source,
    agentId: query.agent,
  };
}

export const apiRoutes: Route[] = [
  route({
    method: 'GET',
    url: '/api/v1/alerts',
    summary:
      'List monitoring alert groups (firing by default), most recently changed first, with their alerts, source, monitor, organisation, severity, acknowledgement, silence and ticket',
    query: z.strictObject({
      status: z.enum(['firing', 'resolved', 'all']).default('firing'),
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().optional().describe('nextCursor from the previous page'),
    }),
    async handler(ctx, { query }) {
      const cursor = query.cursor ? parseAlertCursor(query.cursor) : undefined;
      if (query.cursor && !cursor)
        throw new UserError({
          en: 'The cursor is not valid: pass nextCursor from the previous page.',
          es: 'El cursor no es válido: pase el nextCursor de la página anterior.',
        });
      return listAlertGroups(ctx.db, { status: query.status, limit: query.limit, cursor });
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/tickets',
    summary: 'List tickets: most recently changed first, or what falls due first; filtered, searched',
    query: z.strictObject({
      status: z
        .string()
        .transform((s) => s.split(','))
        .pipe(z.array(z.enum(statuses)))
        .optional(),
      organisation: z.string().optional(),
      source: z
        .string()
        .max(40)
        .optional()
        .describe(
          'Where the ticket came from: email, webchat, slack, mattermost, discord, api, manual (/ticket new), monitor',
        ),
      product: z.string().max(100).optional().describe('A product id (relevo.yaml products)'),
      assignee: z.string().optional().describe('An agent id, or "none" for unassigned tickets'),
      priority: priority.optional(),
      q: z
        .string()
        .max(searchTextMax)
        .optional()
        .describe(
          'Words to search for in subjects, messages, replies and notes (Spanish and English stems, web search syntax: "quoted phrase", -word, or), or a ticket number; each row then has `snippet`, its matched words marked',
        ),
      sort: z
        .enum(['activity', 'due'])
        .optional()
        .describe(
          'activity (default): most recently changed first; due: the earliest SLA due time first, tickets without a running clock last',
        ),
      sla: z
        .enum(['breached', 'at_risk'])
        .optional()
        .describe(
          'breached: a clock is past its target and still counting (overdue); at_risk: a running clock is past its warning share, none breached',
        ),
      limit: z.coerce.number().int().min(1).max(200).optional(),
      cursor: z.string().optional().describe('nextCursor from the previous page'),
    }),
    async handler(ctx, { query }) {
      const cursor = query.cursor ? parseCursor(query.cursor) : undefined;
      // A page past the tickets without a clock exists only in the due order: in the other it would be
      // read as no cursor at all, and a client paging on would get the first page forever.
      if (query.cursor && (!cursor || (cursor.at === null && query.sort !== 'due')))
        throw new UserError({
          en: 'The cursor is not valid: pass nextCursor from the previous page.',
          es: 'El cursor no es válido: pase el nextCursor de la página anterior.',
        });
      const page = await listTickets(
        ctx.db,
        {
          status: query.status,
          organisationId: query.organisation,
          source: query.source,
          productId: query.product,
          text: query.q,
          sort: query.sort,
          assigneeId: query.assignee === 'none' ? null : query.assignee,
          priority: query.priority,
          sla: query.sla ? { state: query.sla, now: ctx.clock.now() } : undefined,
          limit: query.limit,
          cursor,
        },
        { kind: 'agent' },
      );
      return {
        ...page,
        tickets: page.tickets.map((ticket) => ({ ...ticket, statusLabel: statusLabel(ticket.status) })),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/search',
    summary:
      'Search the solved tickets (awaiting confirmation, resolved, closed): ranked, with snippet, solution and technical note',
    query: z.strictObject({
      q: z
        .string()
        .trim()
        .min(1)
        .max(searchTextMax)
        .describe(
          'Words in Spanish or English (stems included: "facturas" finds "factura"); web search syntax',
        ),
      limit: z.coerce.number().int().min(1).max(50).optional(),
    }),
    async handler(ctx, { query }) {
      const hits = await searchSolved(ctx.db, query.q, query.limit);
      return { results: hits.map((hit) => ({ ...hit, statusLabel: statusLabel(hit.status) })) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/reports/summary',
    summary:
      'Counts now; created and resolved over the period (and per day or week); first-response and resolution times (median, 90th percentile, business minutes); SLA compliance per clock; top categories, products, organisations',
    query: reportQuery,
    async handler(ctx, { query }) {
      return reportSummary(ctx.db, reportFilters(query, ctx.clock.now()));
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/reports/series.csv',
    summary:
      'Created and resolved tickets per day or week over the period, as CSV (the same filters as the summary)',
    query: reportQuery,
    async handler(ctx, { query }) {
      const filters = reportFilters(query, ctx.clock.now());
      const { series } = await reportSummary(ctx.db, filters);
      const lines = ['start,created,resolved', ...series.map((s) => `${s.start},${s.created},${s.resolved}`)];
      const name = `relevo-${filters.from.toISOString().slice(0, 10)}-${filters.to.toISOString().slice(0, 10)}.csv`;
      return new FileResult(name, 'text/csv; charset=utf-8', Buffer.from(`${lines.join('\r\n')}\r\n`));
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/tickets/:number/similar',
    summary: 'Up to three solved tickets most like this one (any of its words, ranked), with their solutions',
    params: ticketParam,
    async handler(ctx, { params }) {
      await getTicket(ctx.db, params.number, { kind: 'agent' }); // 404 for a ticket that does not exist
      const hits = await similarSolved(ctx.db, params.number);
      return { results: hits.map((hit) => ({ ...hit, statusLabel: statusLabel(hit.status) })) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/tickets/:number',
    summary: 'A ticket with all its events, private notes included',
    params: ticketParam,
    async handler(ctx, { params }) {
      const ticket = await getTicket(ctx.db, params.number, { kind: 'agent' });
      return {
        ticket: {
          ...ticket,
          // The one wording of its status, in both languages: the console and cards read the same words.
          statusLabel: statusLabel(ticket.status),
          sla: await slaSummary(ctx.db, ctx.config, params.number, ctx.clock.now()),
        },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/attachments/:id',
    summary: 'Download an attachment (as a file, never rendered)',
    params: idParam,
    async handler(ctx, { params }) {
      const a = await ctx.db.attachment.findUnique({ where: { id: params.id } });
      if (!a) throw new NotFoundError({ en: 'There is no such attachment.', es: 'No existe ese adjunto.' });
      if (a.oversized) {
        throw new UserError(
          {
            en: `"${a.filename}" was over the attachment size limit, so only its name was kept.`,
            es: `«${a.filename}» superaba el tamaño máximo de adjunto, así que solo se guardó su nombre.`,
          },
          404,
          'not_stored',
        );
      }
      // An email's file is read from the original it came in (not copied when taken in).
      const { inboundKey, part } = a;
      const content =
        a.content ??
        (inboundKey !== null && part !== null
          ? await attachmentFromOriginal(ctx.db, { inboundKey, part, filename: a.filename, size: a.size })
          : null);
      if (!content) {
        ctx.log.error({ attachmentId: a.id }, 'an attachment without its bytes or its original');
        throw new NotFoundError({
          en: `"${a.filename}" is no longer kept.`,
          es: `«${a.filename}» ya no se conserva.`,
        });
      }
      return new FileResult(a.filename, 'application/octet-stream', Buffer.from(content));
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/emails/:id/raw',
    summary: 'The full original of a received email (message/rfc822), quoted history included',
    params: idParam,
    async handler(ctx, { params }) {
      // Kept in the inbox row it was stored in before "250" (older mail: on the record itself).
      const m = await ctx.db.emailMessage.findUnique({
        where: { id: params.id },
        select: { id: true, raw: true, inboundKey: true },
      });
      const raw = m?.raw ?? (m?.inboundKey ? await storedBytes(ctx.db, m.inboundKey) : null);
      if (!m || !raw) {
        throw new NotFoundError({
          en: 'There is no such received email.',
          es: 'No existe ese correo recibido.',
        });
      }
      return new FileResult(`${m.id}.eml`, 'message/rfc822', Buffer.from(raw));
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets',
    summary: "Open a ticket on a customer's behalf",
    status: 201,
    body: z.strictObject({
      requesterEmail: z.email(),
      requesterName: visibleText().max(200).optional(),
      subject: visibleText().max(500),
      body: visibleText(),
      priority: priority.optional(),
      productId: z.string().optional(),
    }),
    async handler(ctx, { body, actor }) {
      const email = body.requesterEmail.toLowerCase();
      const organisationId = organisationForEmail(ctx.config, email);
      const known = await ctx.db.identity.findUnique({
        where: { platform_externalId: { platform: 'email', externalId: email } },
      });
      if (!known?.contactId && !organisationId) {
        throw new UserError({
          en: `No organisation has the email domain of ${email}; add it to emailDomains in relevo.yaml.`,
          es: `Ninguna organización tiene el dominio de correo de ${email}; añádalo a emailDomains en relevo.yaml.`,
        });
      }
      // The contact and its ticket commit together: a refused ticket (unknown product, text too long)
      // leaves no contact behind.
      const number = await ctx.db.$transaction(async (tx) => {
        const contact = await findOrCreateContact(tx, {
          platform: 'email',
          externalId: email,
          name: body.requesterName ?? email.split('@')[0] ?? email,
          organisationId: organisationId as string,
        });
        return ctx.tickets.create(
          {
            subject: body.subject,
            body: body.body,
            requesterId: contact.id,
            source: 'api',
            priority: body.priority,
            productId: body.productId,
          },
          actor,
          tx,
        );
      });
      return { number };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/replies',
    summary: 'Send a public reply to the customer',
    status: 201,
    params: ticketParam,
    body: z.strictObject({ text: visibleText() }),
    async handler(ctx, { params, body, actor }) {
      return { eventId: await ctx.tickets.reply(params.number, actor, body.text) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/notes',
    summary: 'Add a private note (never shown to the customer)',
    status: 201,
    params: ticketParam,
    body: z.strictObject({ text: visibleText() }),
    async handler(ctx, { params, body, actor }) {
      return { eventId: await ctx.tickets.note(params.number, actor, body.text) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/notes/:eventId/share',
    summary: "Send a private note's text to the customer (once; e.g. a maintainer's answer)",
    status: 201,
    params: ticketParam.extend({ eventId: z.string().min(1).max(100) }),
    async handler(ctx, { params, actor }) {
      return { eventId: await ctx.tickets.shareWithCustomer(params.number, actor, params.eventId) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/assign',
    summary: 'Assign the ticket to an agent (null unassigns)',
    params: ticketParam,
    body: z.strictObject({ assignee: z.string().nullable() }),
    async handler(ctx, { params, body, actor }) {
      await ctx.tickets.assign(params.number, actor, body.assignee);
      return { ok: true };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/status',
    summary: 'Change the status (open, waiting_on_customer, on_hold, spam, rejected, closed)',
    params: ticketParam,
    body: z.strictObject({ status: z.enum(statuses), reason: z.string().max(2000).optional() }),
    async handler(ctx, { params, body, actor }) {
      await ctx.tickets.setStatus(params.number, actor, body.status, body.reason);
      return { ok: true };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tickets/:number/resolve',
    summary: 'Propose the solution; the customer is asked to confirm',
    params: ticketParam,
    body: z.strictObject({ message: visibleText(), technicalNote: z.string().optional() }),
    async handler(ctx, { params, body, actor }) {
      await ctx.tickets.resolve(params.number, actor, body);
      return { ok: true };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/sessions/end',
    summary: 'End agent console sessions: everyone’s, or one agent’s (admins only)',
    body: z.strictObject({ agent: z.string().min(1).max(100).optional() }),
    async handler(ctx, { body, actor }) {
      const me = await ctx.db.agent.findUniqueOrThrow({ where: { id: actor.agentId } });
      if (me.role !== 'admin') {
        throw new ForbiddenError({
          en: 'Only an admin can end console sessions.',
          es: 'Solo un administrador puede cerrar sesiones de la consola.',
        });
      }
      if (body.agent && !(await ctx.db.agent.findUnique({ where: { id: body.agent } }))) {
        throw new NotFoundError({
          en: `There is no agent "${body.agent}".`,
          es: `No existe el agente «${body.agent}».`,
        });
      }
      const ended = await endConsoleSessions(ctx.db, body.agent);
      ctx.log.info({ ended, agent: body.agent ?? 'everyone', by: actor.agentId }, 'console sessions ended');
      return { ended };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/organisations',
    summary: 'The organisations configured in relevo.yaml',
    async handler(ctx) {
      const organisations = await ctx.db.organisation.findMany({
        select: { id: true, name: true, plan: true, language: true },
        orderBy: { name: 'asc' },
      });
      return { organisations };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/products',
    summary: 'The products configured in relevo.yaml',
    async handler(ctx) {
      const products = await ctx.db.product.findMany({
        select: { id: true, name: true },
        orderBy: { name: 'asc' },
      });
      return { products };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/agents',
    summary: 'The agents configured in relevo.yaml',
    async handler(ctx) {
      const agents = await ctx.db.agent.findMany({
        where: { active: true },
        select: { id: true, name: true, role: true },
        orderBy: { id: 'asc' },
      });
      return { agents };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/plans',
    summary: 'The support plans configured in relevo.yaml (organisations name one)',
    async handler(ctx) {
      // Plans live only in the configuration, not in the database like organisations and products.
      const plans = Object.entries(ctx.config.plans)
        .map(([id, plan]) => ({ id, name: plan.name }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { plans };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/categories',
    summary: 'The ticket categories, with their names in English and Spanish (`label: {en, es}`)',
    async handler() {
      // Both languages, as statusLabel: the page picks its own and switches without asking again.
      return { categories: categories.map((id) => ({ id, label: categoryLabel[id] })) };
    },
  }),
];

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(
      both((l) => issueMessage(issue, where, l)),
      400,
      'invalid_request',
    );
  }
  return result.data;
}

export function registerApiRoutes(app: FastifyInstance, ctx: HttpContext): void {
  for (const r of apiRoutes) {
    app.route({
      method: r.method,
      url: r.url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const actor = await agentActor(ctx, req);
        const input = {
          params: parse(r.params, req.params, 'path'),
          query: parse(r.query, req.query, 'query'),
          body: parse(r.body, req.body, 'body'),
          actor,
        } as never;
        const result = await r.handler(ctx, input);
        reply.code(r.status ?? 200);
        if (result instanceof FileResult) {
          // Served as a download, never rendered: a customer's HTML attachment must not run in our origin.
          return reply
            .type(result.contentType)
            .header('content-disposition', contentDisposition(result.filename))
            .header('x-content-type-options', 'nosniff')
            .send(result.body);
        }
        return result;
      },
    });
  }
  app.get('/api/openapi.json', async () => openApiDocument());
  app.all('/api/*', async (req) => {
    const route = `${req.method} ${req.url.split('?')[0]}`;
    throw new NotFoundError({
      en: `There is no ${route}. See /api/openapi.json.`,
      es: `No existe ${route}. Consulte /api/openapi.json.`,
    });
  });
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  for (const r of apiRoutes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!s) continue;
      const json = schema(s) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, prop] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || json.required?.includes(name),
          schema: prop,
        });
      }
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      security: [{ bearer: [] }],
      parameters,
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body) } } } }
        : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK' },
        '400': {
          description: 'Invalid request',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        '401': { description: 'Missing or wrong API token' },
        '404': { description: 'No such ticket' },
        '409': { description: 'Not allowed in the ticket’s current state' },
        '429': { description: 'Too many wrong tokens from this address: wait Retry-After seconds' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Relevo API',
      version: '1',
      description:
        'Tickets of the Relevo help desk. Authenticate with `Authorization: Bearer <RELEVO_API_TOKEN>`; `X-Relevo-Agent: <agent id>` chooses the acting agent.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
    paths,
  };
}
