// The REST v4 side of the fake Mattermost: routes, token auth, AppError answers, call records and
// fault injection (429s shaped like Mattermost's throttled limiter, injected 5xx, held requests).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AppErr,
  channelMember,
  invalidParam,
  type MmCommand,
  type MmUser,
  makeCommand,
  mmId,
  permissionError,
  str,
  VERSION_STRING,
  wirePost,
  wsEvent,
} from './fake-shapes.ts';
import type { DialogRecord, Store } from './fake-store.ts';

export interface RestCall {
  method: string;
  /** Path without the query string, e.g. `/api/v4/posts`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
  /** The authenticated user, when the token was good. */
  userId?: string;
}

export type CallMatch = string | RegExp | ((call: { method: string; path: string }) => boolean);

interface Ctx {
  user: MmUser;
  params: string[];
  query: URLSearchParams;
  body: any;
}
type Handler = (ctx: Ctx) => [number, unknown] | Promise<[number, unknown]>;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Handlers Mattermost serves without a session (api.APIHandler). */
  open?: boolean;
}

/** Hooks the integration side provides (response URLs, button presses from a client). */
export interface RestHooks {
  /** A POST to a slash command's response_url; answers the text body or throws an AppErr. */
  commandResponse(hookId: string, contentType: string, raw: string): Promise<string>;
  /** A client's POST /posts/{id}/actions/{action_id}. */
  postAction(
    user: MmUser,
    postId: string,
    actionId: string,
    selectedOption: string,
  ): Promise<[number, unknown]>;
}

export class Rest {
  readonly calls: RestCall[] = [];
  private limited = { remaining: 0, resetSeconds: 1, retryAfterSeconds: 1 };
  private readonly failures: { match: CallMatch; status: number; remaining: number; body?: unknown }[] = [];
  private hung: CallMatch | undefined;
  private readonly held: (() => void)[] = [];
  private readonly routes: Route[];

  constructor(
    private readonly store: Store,
    private readonly hooks: RestHooks,
    private readonly opts: { strictDialogs: boolean },
  ) {
    this.routes = this.buildRoutes();
  }

  rateLimitNext(n: number, resetSeconds = 1, retryAfterSeconds = Math.min(1, resetSeconds)): void {
    this.limited = { remaining: n, resetSeconds, retryAfterSeconds };
  }

  failNext(match: CallMatch, status = 500, opts: { times?: number; body?: unknown } = {}): void {
    this.failures.push({ match, status, remaining: opts.times ?? 1, body: opts.body });
  }

  /** From now on, matching calls (or all) wait unanswered until `resume()`. */
  hang(match?: CallMatch): void {
    this.hung = match ?? (() => true);
  }

  resume(): void {
    this.hung = undefined;
    for (const release of this.held.splice(0)) release();
  }

  /** Calls held by `hang()` right now. */
  get hanging(): number {
    return this.held.length;
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const call: RestCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: parseMaybeJson(raw),
      status: 0,
      at: this.store.now(),
    };
    if (this.hung && matches(this.hung, method, path)) {
      await new Promise<void>((release) => {
        this.held.push(release);
        this.store.changes.notify();
      });
      if (res.destroyed) return;
    }
    const hook = /^\/hooks\/commands\/([A-Za-z0-9]+)$/.exec(path);
    if (hook && method === 'POST') {
      try {
        const text = await this.hooks.commandResponse(hook[1]!, req.headers['content-type'] ?? '', raw);
        return this.send(res, call, 200, text, 'text/plain');
      } catch (err) {
        if (err instanceof AppErr) return this.sendError(res, call, err);
        throw err;
      }
    }
    // Mattermost's throttled limiter runs before routing and answers with http.Error.
    if (this.limited.remaining > 0) {
      this.limited.remaining--;
      call.status = 429;
      this.record(call);
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'X-Ratelimit-Limit': '101',
        'X-Ratelimit-Remaining': '0',
        'X-Ratelimit-Reset': String(this.limited.resetSeconds),
        'Retry-After': String(this.limited.retryAfterSeconds),
      });
      res.end('limit exceeded\n');
      return;
    }
    const failure = this.failures.find((f) => f.remaining > 0 && matches(f.match, method, path));
    if (failure) {
      failure.remaining--;
      const body =
        failure.body ?? new AppErr(failure.status, 'fake.injected_failure', 'injected failure').json();
      return this.send(res, call, failure.status, body);
    }
    try {
      const [status, body] = await this.route(req, method, path, url.searchParams, raw, call);
      this.send(res, call, status, body);
    } catch (err) {
      if (!(err instanceof AppErr)) throw err;
      this.sendError(res, call, err);
    }
  }

  private async route(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    raw: string,
    call: RestCall,
  ): Promise<[number, unknown]> {
    const rest = path.startsWith('/api/v4/') ? path.slice('/api/v4'.length) : undefined;
    let found: { route: Route; params: string[] } | undefined;
    for (const route of this.routes) {
      const m = rest === undefined ? null : route.pattern.exec(rest);
      if (m && route.method === method) {
        found = { route, params: m.slice(1) };
        break;
      }
    }
    if (!found)
      throw new AppErr(
        404,
        'api.context.404.app_error',
        'Sorry, we could not find the page.',
        `There doesn't appear to be an api call for the url='${path}'.`,
      );
    const user = this.store.userForToken(tokenOf(req, query));
    if (user) call.userId = user.id;
    if (!user && !found.route.open)
      throw new AppErr(
        401,
        'api.context.session_expired.app_error',
        'Invalid or expired session, please login again.',
      );
    let body: any = {};
    if (raw !== '') {
      body = parseMaybeJson(raw);
      if (typeof body === 'string')
        throw new AppErr(
          400,
          'api.context.invalid_body_param.app_error',
          'Invalid or missing body in request body.',
        );
    }
    return found.route.handler({ user: user!, params: found.params, query, body });
  }

  private buildRoutes(): Route[] {
    const s = this.store;
    const id = '([A-Za-z0-9]+)';
    const r = (method: string, pattern: string, handler: Handler, open = false): Route => ({
      method,
      pattern: new RegExp(`^${pattern.replaceAll('{id}', id)}$`),
      handler,
      open,
    });
    const member = (channelId: string, userId: string) => {
      const c = s.channel(channelId);
      if (c.type === 'P' && !s.isMember(c.id, userId)) throw permissionError(userId, 'read_channel');
      if (!s.isMember(c.id, userId))
        throw new AppErr(
          404,
          'app.channel.get_member.missing.app_error',
          'No channel member found for that user ID and channel ID.',
        );
      return channelMember(c.id, userId, s.now());
    };
    const readable = (channelId: string, userId: string) => {
      const c = s.channel(channelId);
      if (!s.canRead(c.id, userId)) throw permissionError(userId, 'read_channel');
      return c;
    };
    return [
      r('GET', '/system/ping', () => [200, { status: 'OK' }], true),
      r('GET', '/users/me', (c) => [200, c.user]),
      r('GET', '/users/username/([a-z0-9.\\-_]+)', (c) => {
        const u = [...s.users.values()].find((x) => x.username === c.params[0]);
        if (!u) throw new AppErr(404, 'app.user.missing_account.const', 'Unable to find the user.');
        return [200, u];
      }),
      r('GET', '/users/{id}', (c) => [200, s.user(c.params[0]!)]),
      r('GET', '/teams/name/([a-z0-9\\-]+)', (c) => {
        if (c.params[0] !== s.team.name)
          throw new AppErr(
            404,
            'app.team.get_by_name.missing.app_error',
            'Unable to find the existing team.',
          );
        return [200, s.team];
      }),
      r('GET', '/teams/{id}', (c) => {
        if (c.params[0] !== s.team.id)
          throw new AppErr(404, 'app.team.get.find.app_error', 'Unable to find the existing team.');
        return [200, s.team];
      }),
      r('GET', '/teams/{id}/channels/name/([a-z0-9\\-_]+)', (c) => {
        const ch = [...s.channels.values()].find((x) => x.name === c.params[1] && x.team_id === c.params[0]);
        if (!ch)
          throw new AppErr(404, 'app.channel.get_by_name.missing.app_error', 'Channel does not exist.');
        return [200, readable(ch.id, c.user.id)];
      }),
      r('GET', '/channels/{id}', (c) => [200, readable(c.params[0]!, c.user.id)]),
      r('GET', '/channels/{id}/members/me', (c) => [200, member(c.params[0]!, c.user.id)]),
      r('GET', '/channels/{id}/members/{id}', (c) => {
        readable(c.params[0]!, c.user.id);
        return [200, member(c.params[0]!, c.params[1]!)];
      }),
      r('GET', '/channels/{id}/posts', (c) => {
        readable(c.params[0]!, c.user.id);
        const since = Number(c.query.get('since') ?? 0);
        if (since > 0) return [200, s.postsSince(c.params[0]!, since)];
        const page = Math.max(0, Number(c.query.get('page') ?? 0) || 0);
        const perPage = Math.min(200, Math.max(1, Number(c.query.get('per_page') ?? 60) || 60));
        return [200, s.postsPage(c.params[0]!, page, perPage)];
      }),
      r('POST', '/posts', (c) => [201, wirePost(s.createPost(c.user.id, c.body))]),
      r('POST', '/posts/ephemeral', (c) => {
        if (!str(c.body.user_id)) throw invalidParam('user_id');
        if (!c.body.post || typeof c.body.post !== 'object') throw invalidParam('post');
        // create_post_ephemeral is a system permission only system admins hold (mattermost#33551).
        if (!s.isAdmin(c.user.id)) throw permissionError(c.user.id, 'create_post_ephemeral');
        return [201, wirePost(s.addEphemeral(c.body.user_id, c.user.id, c.body.post))];
      }),
      r('GET', '/posts/{id}', (c) => [200, wirePost(s.post(c.params[0]!, c.user.id))]),
      r('GET', '/posts/{id}/thread', (c) => {
        s.post(c.params[0]!, c.user.id);
        return [200, s.thread(c.params[0]!)];
      }),
      r('PUT', '/posts/{id}/patch', (c) => [200, wirePost(s.patchPost(c.user.id, c.params[0]!, c.body))]),
      r('POST', '/reactions', (c) => {
        if (str(c.body.user_id) !== c.user.id) throw permissionError(c.user.id, 'add_reaction');
        return [201, s.addReaction(c.user.id, str(c.body.post_id), str(c.body.emoji_name))];
      }),
      r('GET', '/commands', (c) => {
        const teamId = c.query.get('team_id') ?? '';
        if (teamId !== s.team.id) throw invalidParam('team_id');
        const all = [...s.commands.values()].filter((x) => x.team_id === teamId && !x.delete_at);
        // custom_only=true lists the team's commands with tokens; otherwise the sanitized autocomplete list.
        if (c.query.get('custom_only') !== 'true')
          return [
            200,
            all
              .filter((x) => x.auto_complete)
              .map((x) => ({
                ...x,
                token: '',
                creator_id: '',
                method: '',
                url: '',
                username: '',
                icon_url: '',
              })),
          ];
        if (!s.isAdmin(c.user.id)) throw permissionError(c.user.id, 'manage_slash_commands');
        return [200, all];
      }),
      r('POST', '/commands', (c) => [201, this.saveCommand(c.user, c.body)]),
      r('PUT', '/commands/{id}', (c) => {
        const old = s.commands.get(c.params[0]!);
        if (!old || old.delete_at)
          throw new AppErr(404, 'store.sql_command.get.missing.app_error', 'Unable to find the command.');
        return [200, this.saveCommand(c.user, c.body, old)];
      }),
      r('POST', '/actions/dialogs/open', (c) => this.openDialog(c.body), true),
      // Mattermost's route takes only alphanumeric action ids: `{action_id:[A-Za-z0-9]+}`.
      r('POST', '/posts/{id}/actions/{id}', (c) =>
        this.hooks.postAction(c.user, c.params[0]!, c.params[1]!, str(c.body.selected_option)),
      ),
    ];
  }

  /** createCommand / updateCommand with Command.IsValid; the token stays on update. */
  private saveCommand(user: MmUser, body: any, old?: MmCommand): MmCommand {
    if (!this.store.isAdmin(user.id)) throw permissionError(user.id, 'manage_slash_commands');
    const cmd = makeCommand(body, user.id, old, this.store.now());
    if (cmd.team_id !== this.store.team.id) throw permissionError(user.id, 'manage_slash_commands');
    const invalid = (what: string) =>
      new AppErr(400, `model.command.is_valid.${what}.app_error`, `Invalid ${what}.`);
    if (!cmd.trigger || cmd.trigger.length > 128 || cmd.trigger.startsWith('/') || cmd.trigger.includes(' '))
      throw invalid('trigger');
    if (!cmd.url || cmd.url.length > 1024) throw invalid('url');
    if (!/^https?:\/\/[^/]+/.test(cmd.url)) throw invalid('url_http');
    if (cmd.method !== 'P' && cmd.method !== 'G') throw invalid('method');
    if (cmd.display_name.length > 64) throw invalid('display_name');
    if (cmd.description.length > 128) throw invalid('description');
    const clash = [...this.store.commands.values()].some(
      (x) => x.id !== cmd.id && !x.delete_at && x.team_id === cmd.team_id && x.trigger === cmd.trigger,
    );
    if (clash)
      throw new AppErr(
        400,
        'api.command.duplicate_trigger.app_error',
        'This trigger word is already in use. Please choose another word.',
      );
    this.store.commands.set(cmd.id, cmd);
    this.store.changes.notify();
    return cmd;
  }

  /** POST /actions/dialogs/open: the trigger id is the credential (no session needed). */
  private openDialog(body: any): [number, unknown] {
    if (!str(body.url)) throw invalidParam('url');
    const trigger = this.store.checkTrigger(str(body.trigger_id));
    const dialog = body.dialog && typeof body.dialog === 'object' ? body.dialog : {};
    const problems = dialogProblems(dialog);
    if (problems.length && this.opts.strictDialogs)
      throw new AppErr(
        400,
        'fake_mattermost.dialog_invalid',
        `Interactive dialog is invalid: ${problems.join('; ')}`,
      );
    const record: DialogRecord = {
      id: mmId(),
      url: body.url,
      dialog,
      userId: trigger.userId,
      channelId: trigger.channelId,
      triggerId: body.trigger_id,
      openedAt: this.store.now(),
      problems,
      open: true,
      submissions: [],
    };
    this.store.dialogs.push(record);
    const forClient = JSON.stringify({ trigger_id: trigger.clientId, url: body.url, dialog });
    this.store.publish(wsEvent('open_dialog', { dialog: forClient }, { user_id: trigger.userId }));
    this.store.changes.notify();
    return [200, { status: 'OK' }];
  }

  private send(
    res: ServerResponse,
    call: RestCall,
    status: number,
    body: unknown,
    type = 'application/json',
  ): void {
    call.status = status;
    this.record(call);
    // Client4 parses a body as JSON only when Content-Type is exactly `application/json`.
    res.writeHead(status, { 'Content-Type': type, 'X-Request-Id': mmId(), 'X-Version-Id': VERSION_STRING });
    res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
  }

  private sendError(res: ServerResponse, call: RestCall, err: AppErr): void {
    this.send(res, call, err.status, err.json());
  }

  private record(call: RestCall): void {
    this.calls.push(call);
    this.store.changes.notify();
  }
}

export function matches(m: CallMatch, method: string, path: string): boolean {
  if (typeof m === 'string') return path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`);
  if (m instanceof RegExp) return m.test(path);
  return m({ method, path });
}

function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m = /^(?:Bearer|Token)\s+(\S+)$/i.exec(auth);
  return m?.[1] ?? query.get('access_token') ?? undefined;
}

function parseMaybeJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const TEXT_SUBTYPES = ['', 'text', 'email', 'number', 'tel', 'url', 'password'];
const ELEMENT_TYPES = ['text', 'textarea', 'select', 'bool', 'radio', 'date', 'datetime'];

/** Dialog.IsValid / DialogElement.IsValid, roughly (model/integration_action.go). */
export function dialogProblems(d: Record<string, any>): string[] {
  const out: string[] = [];
  const title = str(d.title);
  if (!title || title.length > 24) out.push(`invalid dialog title "${title}" (1 to 24 characters)`);
  const seen = new Set<string>();
  for (const e of Array.isArray(d.elements) ? d.elements : []) {
    const name = str(e?.name);
    const at = `element "${name}"`;
    if (seen.has(name)) out.push(`duplicate dialog element "${name}"`);
    seen.add(name);
    const display = str(e?.display_name);
    if (!display || display.length > 24) out.push(`${at}: display_name must be 1 to 24 characters`);
    if (!name || name.length > 300) out.push(`${at}: name must be 1 to 300 characters`);
    if (str(e?.help_text).length > 150) out.push(`${at}: help_text longer than 150 characters`);
    if ((Number(e?.min_length) || 0) > (Number(e?.max_length) || 0))
      out.push(`${at}: min_length > max_length`);
    const type = str(e?.type);
    if (!ELEMENT_TYPES.includes(type)) out.push(`${at}: invalid element type "${type}"`);
    const max = type === 'textarea' ? 3000 : type === 'select' ? 3000 : 150;
    if (str(e?.default).length > max || str(e?.placeholder).length > max)
      out.push(`${at}: default/placeholder too long`);
    if ((type === 'text' || type === 'textarea') && !TEXT_SUBTYPES.includes(str(e?.subtype)))
      out.push(`${at}: invalid subtype "${str(e?.subtype)}"`);
    if ((type === 'select' && !e?.data_source) || type === 'radio') {
      const options = Array.isArray(e?.options) ? e.options : [];
      if (options.some((o: any) => !str(o?.text) || !str(o?.value)))
        out.push(`${at}: options need text and value`);
      if (e?.default && !options.some((o: any) => o?.value === e.default))
        out.push(`${at}: default not in options`);
    }
    if (type === 'select' && e?.data_source && !['users', 'channels', 'dynamic'].includes(e.data_source))
      out.push(`${at}: invalid data_source "${e.data_source}"`);
  }
  return out;
}
