// The REST side's plumbing (routes live in fake-routes.ts and fake-interactions.ts): the /api/v10
// prefix, `Authorization: Bot <token>`, forced 429s, Discord's error JSON, bucket headers on every
// answer, 204s without a content type (discord.js parses any JSON-typed answer), and a record of
// every call, unknown ones included, so a test can see what Relevo asked for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attachments } from './fake-attachments.ts';
import { parseBody, type UploadedFile } from './fake-bodies.ts';
import type { RateLimitOpts, RateLimits } from './fake-rate-limits.ts';
import { DiscordError, notFound, unauthorized } from './fake-shapes.ts';

export interface RestCall {
  method: string;
  /** Without the /api/v10 prefix and without the query. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  files?: { name: string; contentType: string; data: Buffer }[];
  status: number;
  at: number;
}

export interface Ctx {
  params: string[];
  query: URLSearchParams;
  body: any;
  files: UploadedFile[];
}

export type Answer = [status: number, body?: unknown];

export interface Route {
  method: string;
  /** e.g. `/channels/{id}/messages`: also the rate-limit bucket's template. */
  template: string;
  pattern: RegExp;
  /** Token in the URL instead of the Authorization header (interaction callbacks, webhooks). */
  open: boolean;
  handler: (ctx: Ctx) => Answer | Promise<Answer>;
}

export function route(
  method: string,
  template: string,
  handler: Route['handler'],
  opts: { open?: boolean } = {},
): Route {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)');
  return { method, template, pattern: new RegExp(`^${source}$`), open: opts.open ?? false, handler };
}

const PREFIX = '/api/v10';

export class Rest {
  readonly calls: RestCall[] = [];
  offline = false;
  private routes: Route[] = [];

  constructor(
    private readonly botToken: string,
    private readonly limits: RateLimits,
    private readonly attachments: Attachments,
    private readonly notify: () => void,
  ) {}

  use(routes: Route[]): void {
    this.routes.push(...routes);
  }

  rateLimit(match: RegExp, opts: RateLimitOpts): void {
    this.limits.force(match, opts);
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    if (this.offline) {
      // As a reset connection: no answer at all.
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/attachments/'))
      return this.serveFile(url.pathname, res);
    // Segments decoded (clients encode `@original` and emoji), so routes and records read plainly.
    const pathname = url.pathname.split('/').map(safeDecode).join('/');
    const path = pathname.startsWith(`${PREFIX}/`) ? pathname.slice(PREFIX.length) : pathname;
    const parsed = await parseBody(raw, req.headers['content-type']).catch(() => ({
      body: raw.toString(),
      files: [],
    }));
    const call: RestCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parsed.body,
      ...(parsed.files.length
        ? { files: parsed.files.map(({ name, contentType, data }) => ({ name, contentType, data })) }
        : {}),
      status: 0,
      at: Date.now(),
    };
    const found = pathname.startsWith(`${PREFIX}/`) ? this.find(method, path) : undefined;
    const template = found?.route.template ?? path;
    try {
      if (!found) throw notFound();
      const limited = this.limits.take(path, `${method} ${template}`);
      if (limited) return this.send(res, call, 429, limited.body, limited.headers);
      if (!found.route.open && req.headers.authorization !== `Bot ${this.botToken}`) throw unauthorized();
      const [status, body] = await found.route.handler({
        params: found.params,
        query: url.searchParams,
        body: parsed.body ?? {},
        files: parsed.files,
      });
      this.send(res, call, status, body, this.limits.headers(`${method} ${template}`));
    } catch (err) {
      if (!(err instanceof DiscordError)) throw err;
      this.send(res, call, err.status, err.json(), this.limits.headers(`${method} ${template}`));
    }
  }

  private find(method: string, path: string): { route: Route; params: string[] } | undefined {
    for (const r of this.routes) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) return { route: r, params: m.slice(1) };
    }
    return undefined;
  }

  private send(
    res: ServerResponse,
    call: RestCall,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    call.status = status;
    this.calls.push(call);
    this.notify();
    if (status === 204 || body === undefined) {
      // A JSON content type on an empty answer makes discord.js try to parse it and throw.
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private serveFile(path: string, res: ServerResponse): void {
    const file = this.attachments.get(path);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': String(file.data.length) });
    res.end(file.data);
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
