// The fake Mattermost acting toward an integration the way the server does when people act:
// slash commands (app/command.go: tryExecuteCustomCommand, DoCommandRequest, HandleCommandResponse),
// response URLs (/hooks/commands/{id}), button presses (app/integration_action.go:
// DoPostActionWithCookie) and dialog submissions (SubmitInteractiveDialog).
import { AppErr, actionsOf, type MmUser, mmId, permissionError, str } from './fake-shapes.ts';
import type { DialogRecord, Store } from './fake-store.ts';

export interface IntegrationRequest {
  kind: 'slash_command' | 'post_action' | 'dialog_submission';
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The form (slash commands; repeated keys as arrays) or the JSON body. */
  body: any;
  status: number;
  responseBody: unknown;
}

export interface SlashCommandInput {
  /** The command as typed, default `/ticket`; its registered command supplies url, token and method. */
  command?: string;
  url?: string;
  token?: string;
  method?: 'P' | 'G';
  userId: string;
  channelId: string;
  text?: string;
  rootId?: string;
}

export interface SlashCommandResult {
  status: number;
  /** The integration's answer, parsed as Mattermost does (JSON when so typed, else text). */
  body: unknown;
  triggerId: string;
  responseUrl: string;
  /** What Mattermost would show the person instead (the AppError message), when it failed. */
  error?: string;
}

export interface ButtonInput {
  postId: string;
  actionId?: string;
  actionName?: string;
  userId: string;
  /** For a `select` action. */
  selectedOption?: string;
}

export interface PreparedRequest {
  /** As Mattermost calls it (a public address is routed only when sent: see FakeMattermost.route). */
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The bytes sent (undefined for a GET, whose form is in the URL). */
  body?: string;
  triggerId: string;
}

export interface PreparedSlashCommand extends PreparedRequest {
  /** The form as `integrationRequests()` records it. */
  form: Record<string, string | string[]>;
  responseUrl: string;
  hookId: string;
  trigger: string;
}

export interface ActionResult {
  status: number;
  body: unknown;
  triggerId: string;
  error?: string;
}

export interface SubmitInput {
  dialog: DialogRecord | string;
  userId?: string;
  submission?: Record<string, string | boolean | number | null>;
  cancelled?: boolean;
}

interface ResponseHook {
  userId: string;
  channelId: string;
  rootId: string;
  createdAt: number;
  bodies: unknown[];
  trigger: string;
}

/** A command webhook takes 5 answers within 30 minutes (MaxCommandWebhookUses, CommandWebhookLifetime). */
const HOOK_USES = 5;
const HOOK_LIFETIME_MS = 30 * 60_000;

export class Integration {
  readonly requests: IntegrationRequest[] = [];
  baseUrl = '';
  /** Public address → where it really is (a reverse proxy's job in production; see FakeMattermost.route). */
  readonly routes = new Map<string, string>();
  private readonly hooks = new Map<string, ResponseHook>();

  constructor(
    private readonly store: Store,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The request Mattermost sends for one run of a slash command, built (its trigger id issued, its
   * response URL open) but not sent: what `slashCommand` sends, for a load generator to send itself.
   */
  prepareSlashCommand(input: SlashCommandInput): PreparedSlashCommand {
    const s = this.store;
    const typed = (input.command ?? '/ticket').toLowerCase();
    const trigger = typed.replace(/^\//, '');
    const registered = [...s.commands.values()].find((c) => c.trigger === trigger && !c.delete_at);
    const url = input.url ?? registered?.url;
    if (!url) throw new Error(`fake Mattermost: no command registered for ${typed} and no url given`);
    const token = input.token ?? registered?.token ?? '';
    const method = input.method ?? (registered?.method === 'G' ? 'G' : 'P');
    const user = s.user(input.userId);
    const channel = s.channel(input.channelId);
    const text = input.text ?? '';
    const triggerId = s.issueTrigger(user.id, channel.id);
    const hookId = mmId();
    const responseUrl = `${this.baseUrl}/hooks/commands/${hookId}`;
    const rootId = input.rootId ?? '';
    this.hooks.set(hookId, {
      userId: user.id,
      channelId: channel.id,
      rootId,
      createdAt: s.now(),
      bodies: [],
      trigger,
    });
    const form = new URLSearchParams({
      channel_id: channel.id,
      channel_name: channel.name,
      command: `/${trigger}`,
      response_url: responseUrl,
      root_id: rootId, // url.Values.Set("root_id", args.RootId): present even when empty
      team_domain: s.team.name,
      team_id: s.team.id,
      text,
      token,
      trigger_id: triggerId,
      user_id: user.id,
      user_name: user.username,
    });
    for (const u of this.mentionedUsers(text)) {
      form.append('user_mentions', u.username);
      form.append('user_mentions_ids', u.id);
    }
    form.sort(); // url.Values.Encode sorts by key
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'Mattermost-Bot/1.1',
    };
    if (token) headers.Authorization = `Token ${token}`;
    let target = url;
    if (method === 'P') headers['Content-Type'] = 'application/x-www-form-urlencoded';
    else target += (url.includes('?') ? '&' : '?') + form.toString();
    return {
      url: target,
      method: method === 'P' ? 'POST' : 'GET',
      headers,
      body: method === 'P' ? form.toString() : undefined,
      form: formObject(form),
      triggerId,
      responseUrl,
      hookId,
      trigger,
    };
  }

  async slashCommand(input: SlashCommandInput): Promise<SlashCommandResult> {
    const { url, method, headers, body, form, triggerId, responseUrl, hookId, trigger } =
      this.prepareSlashCommand(input);
    const failed = `Command with a trigger of '/${trigger}' failed.`;
    const sent = await this.send('slash_command', url, method, headers, form, body);
    const result: SlashCommandResult = { status: sent.status, body: undefined, triggerId, responseUrl };
    if (sent.status === 0) return { ...result, error: failed };
    const parsed = parseCommandResponse(sent.contentType, sent.text);
    result.body = parsed.json ? parsed.value : sent.text;
    if (sent.status !== 200)
      return {
        ...result,
        error: `Command with a trigger of '/${trigger}' returned response ${sent.status}.`,
      };
    if (!parsed.ok) return { ...result, error: failed };
    const problem = this.applyCommandResponse(this.hooks.get(hookId)!, parsed.value);
    return problem ? { ...result, error: problem } : result;
  }

  /** POST /hooks/commands/{id}: the integration's late answers. */
  async commandResponse(hookId: string, contentType: string, raw: string): Promise<string> {
    const hook = this.hooks.get(hookId);
    if (!hook) throw new AppErr(404, 'app.command_webhook.get.missing', 'Unable to find the webhook.');
    if (this.store.now() - hook.createdAt > HOOK_LIFETIME_MS || hook.bodies.length >= HOOK_USES)
      throw new AppErr(400, 'app.command_webhook.try_use.invalid', 'Invalid webhook.');
    const parsed = parseCommandResponse(contentType, raw);
    if (!parsed.ok)
      throw new AppErr(400, 'web.command_webhook.parse.app_error', 'Unable to parse incoming data.');
    hook.bodies.push(parsed.value);
    const problem = this.applyCommandResponse(hook, parsed.value);
    if (problem) throw new AppErr(500, 'api.command.execute_command.create_post_failed.app_error', problem);
    this.store.changes.notify();
    return 'ok';
  }

  responses(responseUrl: string): unknown[] {
    return structuredClone(this.hooks.get(responseUrl.split('/').pop() ?? '')?.bodies ?? []);
  }

  async pressButton(input: ButtonInput): Promise<ActionResult> {
    const post = this.store.posts.get(input.postId);
    const action = actionsOf(post).find((a: any) =>
      input.actionId ? a?.id === input.actionId : a?.name === input.actionName,
    );
    if (!post || !action) throw new Error(`fake Mattermost: no such action on post ${input.postId}`);
    // The client's route is /posts/{post_id}/actions/{action_id:[A-Za-z0-9]+}: other ids never arrive.
    if (!/^[A-Za-z0-9]+$/.test(str(action.id)))
      return {
        status: 0,
        body: undefined,
        triggerId: '',
        error: `Mattermost answers 404: action id "${action.id}" is not alphanumeric`,
      };
    try {
      return await this.runAction(
        this.store.user(input.userId),
        post.id,
        action.id,
        input.selectedOption ?? '',
      );
    } catch (err) {
      if (err instanceof AppErr) return { status: 0, body: undefined, triggerId: '', error: err.message };
      throw err;
    }
  }

  /** A client's POST /posts/{id}/actions/{action_id}: answers `{status:'OK', trigger_id}` as Mattermost does. */
  async postAction(
    user: MmUser,
    postId: string,
    actionId: string,
    selectedOption: string,
  ): Promise<[number, unknown]> {
    const r = await this.runAction(user, postId, actionId, selectedOption);
    if (r.error)
      throw new AppErr(400, 'api.post.do_action.action_integration.app_error', r.error, `status=${r.status}`);
    return [200, { status: 'OK', trigger_id: this.store.clientTriggerId(r.triggerId) }];
  }

  /**
   * The request Mattermost sends when `input.userId` presses a button, built (its trigger id issued) but
   * not sent: what `pressButton` sends, for a load generator to send itself.
   */
  prepareButtonPress(input: ButtonInput): PreparedRequest & { body: string } {
    const post = this.store.posts.get(input.postId);
    const action = actionsOf(post).find((a: any) =>
      input.actionId ? a?.id === input.actionId : a?.name === input.actionName,
    );
    if (!post || !action) throw new Error(`fake Mattermost: no such action on post ${input.postId}`);
    if (!/^[A-Za-z0-9]+$/.test(str(action.id)))
      throw new Error(
        `fake Mattermost: action id "${action.id}" is not alphanumeric (Mattermost answers 404)`,
      );
    return this.prepareAction(this.store.user(input.userId), post.id, action.id, input.selectedOption ?? '');
  }

  /** DoPostActionWithCookie up to the request it sends; throws the AppErr for what fails before. */
  private prepareAction(
    user: MmUser,
    postId: string,
    actionId: string,
    selectedOption: string,
  ): PreparedRequest & { body: string; recorded: Record<string, unknown> } {
    const s = this.store;
    const post = s.posts.get(postId);
    if (!post || !s.canRead(post.channel_id, user.id)) throw permissionError(user.id, 'read_channel');
    const action = actionsOf(post).find((a: any) => a?.id === actionId);
    if (!action?.integration)
      throw new AppErr(404, 'api.post.do_action.action_id.app_error', 'Invalid action id.');
    const channel = s.channel(post.channel_id);
    const triggerId = s.issueTrigger(user.id, channel.id);
    let context = action.integration.context ? structuredClone(action.integration.context) : undefined;
    let dataSource = '';
    if (action.type === 'select' && selectedOption) {
      context = { ...(context ?? {}), selected_option: selectedOption };
      dataSource = str(action.data_source);
    }
    const body: Record<string, unknown> = {
      user_id: user.id,
      user_name: user.username,
      channel_id: channel.id,
      channel_name: channel.name,
      team_id: s.team.id,
      team_domain: s.team.name,
      post_id: post.id,
      trigger_id: triggerId,
      type: str(action.type),
      data_source: dataSource,
    };
    if (context && Object.keys(context).length) body.context = context; // `context,omitempty`
    return {
      url: str(action.integration.url),
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      recorded: body,
      triggerId,
    };
  }

  /** DoPostActionWithCookie for a stored post; throws the AppErr for what fails before the integration is called. */
  private async runAction(
    user: MmUser,
    postId: string,
    actionId: string,
    selectedOption: string,
  ): Promise<ActionResult> {
    const s = this.store;
    const { url, headers, body, recorded, triggerId } = this.prepareAction(
      user,
      postId,
      actionId,
      selectedOption,
    );
    const post = s.posts.get(postId)!;
    const channel = s.channel(post.channel_id);
    const sent = await this.send('post_action', url, 'POST', headers, recorded, body);
    const failed = { status: sent.status, body: sent.text, triggerId, error: 'Action integration error.' };
    if (sent.status !== 200) return failed;
    let answer: any = {};
    if (sent.text.length > 0) {
      try {
        answer = JSON.parse(sent.text);
      } catch {
        return failed;
      }
    }
    if (answer?.update && typeof answer.update === 'object') s.applyActionUpdate(post.id, answer.update);
    if (typeof answer?.ephemeral_text === 'string' && answer.ephemeral_text) {
      s.addEphemeral(user.id, user.id, {
        channel_id: channel.id,
        root_id: post.root_id || post.id,
        message: answer.ephemeral_text,
      });
    }
    return { status: sent.status, body: answer, triggerId };
  }

  async submitDialog(input: SubmitInput): Promise<{ status: number; body: unknown; error?: string }> {
    const s = this.store;
    const record =
      typeof input.dialog === 'string' ? s.dialogs.find((d) => d.id === input.dialog) : input.dialog;
    const dialog = record && s.dialogs.find((d) => d.id === record.id);
    if (!dialog) throw new Error('fake Mattermost: no such dialog');
    if (!dialog.open) throw new Error('fake Mattermost: that dialog is closed');
    const cancelled = input.cancelled ?? false;
    // A dialog without notify_on_cancel just closes: Mattermost sends nothing.
    if (cancelled && !dialog.dialog.notify_on_cancel) {
      dialog.open = false;
      s.changes.notify();
      return { status: 0, body: undefined };
    }
    const submission = input.submission ?? {};
    const body = {
      type: 'dialog_submission',
      callback_id: str(dialog.dialog.callback_id),
      state: str(dialog.dialog.state),
      user_id: input.userId ?? dialog.userId,
      channel_id: dialog.channelId,
      team_id: s.team.id,
      submission,
      cancelled,
    };
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const sent = await this.send(
      'dialog_submission',
      dialog.url,
      'POST',
      headers,
      body,
      JSON.stringify(body),
    );
    let answer: any;
    try {
      answer = sent.text ? JSON.parse(sent.text) : undefined;
    } catch {
      answer = undefined; // "Don't fail, an empty response is acceptable"
    }
    dialog.submissions.push({ submission, cancelled, status: sent.status, body: answer });
    if (sent.status !== 200) {
      s.changes.notify();
      return { status: sent.status, body: answer, error: 'Action integration error.' };
    }
    const keepOpen = !cancelled && (Boolean(answer?.error) || Object.keys(answer?.errors ?? {}).length > 0);
    dialog.open = keepOpen;
    s.changes.notify();
    return { status: sent.status, body: answer };
  }

  /** HandleCommandResponse: in_channel posts as the invoking user; ephemeral (the default) shows only to them. */
  private applyCommandResponse(hook: ResponseHook, response: Record<string, any>): string | undefined {
    const all = [response, ...(Array.isArray(response.extra_responses) ? response.extra_responses : [])];
    for (const r of all) {
      const props: Record<string, unknown> = { ...(r.props ?? {}) };
      if (Array.isArray(r.attachments)) props.attachments = r.attachments;
      const text = str(r.text);
      const channelId = str(r.channel_id) || hook.channelId;
      if (r.response_type === 'in_channel') {
        if (!this.store.isMember(channelId, hook.userId))
          return `Command with a trigger of '/${hook.trigger}' failed to post its response.`;
        try {
          this.store.createPost(
            hook.userId,
            { channel_id: channelId, root_id: hook.rootId, message: text, type: str(r.type), props },
            { from_webhook: 'true' },
          );
        } catch (err) {
          if (err instanceof AppErr) return err.message;
          throw err;
        }
      } else if (text || props.attachments) {
        this.store.addEphemeral(hook.userId, hook.userId, {
          channel_id: channelId,
          root_id: hook.rootId,
          message: text,
          props: { ...props, from_webhook: 'true' },
        });
      }
    }
    return undefined;
  }

  private mentionedUsers(text: string): MmUser[] {
    const names = new Set(
      [...text.matchAll(/\B@([a-z0-9][a-z0-9.\-_:]*)/gi)].map((m) => m[1]!.toLowerCase()),
    );
    return [...this.store.users.values()].filter((u) => names.has(u.username));
  }

  private async send(
    kind: IntegrationRequest['kind'],
    url: string,
    method: string,
    headers: Record<string, string>,
    recordedBody: unknown,
    body?: string,
  ): Promise<{ status: number; contentType: string; text: string }> {
    const entry: IntegrationRequest = {
      kind,
      url,
      method,
      headers,
      body: recordedBody,
      status: 0,
      responseBody: undefined,
    };
    this.requests.push(entry);
    let out = { status: 0, contentType: '', text: '' };
    try {
      let target = url;
      for (const [from, to] of this.routes) if (url.startsWith(from)) target = to + url.slice(from.length);
      const res = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      out = {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text: await res.text(),
      };
    } catch {
      // unreachable, refused or timed out: Mattermost reports a failed request
    }
    entry.status = out.status;
    const parsed = parseCommandResponse(out.contentType, out.text);
    entry.responseBody = parsed.json ? parsed.value : out.text;
    this.store.changes.notify();
    return out;
  }
}

/** CommandResponseFromHTTPBody: JSON when typed application/json (invalid JSON fails), else plain text. */
function parseCommandResponse(contentType: string, text: string): { ok: boolean; json: boolean; value: any } {
  if (contentType.split(';')[0]!.trim() === 'application/json') {
    try {
      return { ok: true, json: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, json: false, value: text };
    }
  }
  return { ok: true, json: false, value: { text } };
}

function formObject(form: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = key.startsWith('user_mentions') ? all : all[0]!;
  }
  return out;
}
