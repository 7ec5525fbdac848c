// Plays Slack's side of the Events API and interactivity: builds payloads shaped like the ones Slack
// sends, signs them with the v0 scheme and POSTs them to Relevo. Bodies are serialised once and kept,
// so a retry re-sends the very same bytes (Slack retries carry the same body and event_id).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { type FakeFileInput, type FakeMessage, type FakeSlack, slackId } from './fake-web-api.ts';

export interface SlackSigner {
  /** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<rawBody>`. */
  signature(rawBody: string, timestampSeconds: number): string;
  /** Both headers Slack sends; `skewSeconds` > 0 dates the request that many seconds back. */
  headers(
    rawBody: string,
    skewSeconds?: number,
  ): { 'x-slack-request-timestamp': string; 'x-slack-signature': string };
}

/** `clock` returns ms like Date.now. */
export function slackSigner(signingSecret: string, clock: () => number = Date.now): SlackSigner {
  const signature = (rawBody: string, timestampSeconds: number) =>
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
  return {
    signature,
    headers(rawBody, skewSeconds = 0) {
      const ts = Math.floor(clock() / 1000) - skewSeconds;
      return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(rawBody, ts) };
    },
  };
}

export interface SendOptions {
  /** Marks the delivery as Slack's n-th retry (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). */
  retryNum?: number;
  /** Defaults to `http_timeout`. */
  retryReason?: string;
  /** Dates the signature this many seconds back (360 = six minutes stale). */
  timestampSkewSeconds?: number;
  /** Signs with another secret: right format, wrong signature. */
  badSignature?: boolean;
  /** Sends no signature headers at all. */
  unsigned?: boolean;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A serialised request, ready to be sent (again). */
export interface PreparedRequest<P = any> {
  payload: P;
  rawBody: string;
  contentType: string;
}

export interface SlackResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text ('' for an empty ack). */
  body: any;
  text: string;
  /**
   * Time until the full answer arrived, as information (Slack gives up after 3 s). No test asserts on
   * it: a loaded machine would fail it with nothing wrong. bench/slack.ts measures the ack time.
   */
  ms: number;
}

export type SlackDelivery<P = any> = SlackResponse & PreparedRequest<P>;

export interface SlackClientOptions {
  /** Relevo's base URL, e.g. http://127.0.0.1:PORT */
  baseUrl: string;
  path?: string;
  signingSecret: string;
  /** Supplies ids, trigger ids, response URLs, user names, and records sent messages in Slack's history. */
  fake?: FakeSlack;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  /** The deprecated verification token Slack still puts in payloads. */
  verificationToken?: string;
  clock?: () => number;
}

export interface MessageArgs {
  channel: string;
  /** Author; may be left out for a legacy `bot_message`. */
  user?: string;
  text: string;
  ts?: string;
  threadTs?: string;
  files?: FakeFileInput[];
  botId?: string;
  subtype?: string;
  eventId?: string;
  channelType?: 'channel' | 'group' | 'im' | 'mpim';
  blocks?: any[];
}

export interface ReactionArgs {
  user: string;
  reaction: string;
  channel: string;
  ts: string;
  itemUser?: string;
  eventId?: string;
}

export interface SlashCommandArgs {
  command?: string;
  text?: string;
  user: string;
  userName?: string;
  channel: string;
  channelName?: string;
  responseUrl?: string;
  triggerId?: string;
}

export interface BlockActionArgs {
  user: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** `button` unless told; a `static_select` carries `selectedOption`. */
  actionType?: string;
  selectedOption?: { text: string; value: string };
  /** For an action on a message: */
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  isEphemeral?: boolean;
  /** For an action inside a modal: */
  viewId?: string;
  responseUrl?: string;
  triggerId?: string;
}

export type StateValues = Record<
  string,
  Record<string, { type: string; value?: string | null; [k: string]: any }>
>;

export interface MessageShortcutArgs {
  user: string;
  callbackId: string;
  channel: string;
  message: { ts: string; user?: string; text?: string; threadTs?: string };
  responseUrl?: string;
}

export interface ViewSubmissionArgs {
  user: string;
  callbackId?: string;
  privateMetadata?: string;
  values: StateValues;
  /** A view opened through the fake: its blocks, title, callback_id... are used. */
  viewId?: string;
  triggerId?: string;
}

export class SlackClient {
  readonly url: string;
  readonly signer: SlackSigner;
  readonly fake?: FakeSlack;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botUserId: string;
  private readonly verificationToken: string;
  private readonly forger: SlackSigner;
  private readonly clock: () => number;
  private lastMicros = 0;

  constructor(opts: SlackClientOptions) {
    this.url = opts.baseUrl.replace(/\/$/, '') + (opts.path ?? '/slack/events');
    this.clock = opts.clock ?? Date.now;
    this.signer = slackSigner(opts.signingSecret, this.clock);
    this.forger = slackSigner(`forged-${opts.signingSecret}`, this.clock);
    this.fake = opts.fake;
    this.teamId = opts.teamId ?? opts.fake?.teamId ?? 'T0RELEVO01';
    this.teamDomain = opts.teamDomain ?? opts.fake?.teamDomain ?? 'relevo-test';
    this.appId = opts.appId ?? opts.fake?.appId ?? 'A0RELEVO01';
    this.botUserId = opts.botUserId ?? opts.fake?.botUserId ?? 'U0RELEVOBOT';
    this.verificationToken = opts.verificationToken ?? 'fakeVerificationToken0001';
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Sends a prepared request; call it again with `{ retryNum }` for a byte-identical retry. */
  async send<P>(req: PreparedRequest<P>, opts: SendOptions = {}): Promise<SlackDelivery<P>> {
    const headers: Record<string, string> = {
      'content-type': req.contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (!opts.unsigned) {
      const signer = opts.badSignature ? this.forger : this.signer;
      Object.assign(headers, signer.headers(req.rawBody, opts.timestampSkewSeconds ?? 0));
    }
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    Object.assign(headers, opts.headers);
    const started = performance.now();
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: req.rawBody,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: any = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      resHeaders[key] = value;
    });
    return { status: res.status, headers: resHeaders, body, text, ms, ...req };
  }

  /** Same as send: reads better at a retry. */
  resend<P>(req: PreparedRequest<P>, opts: SendOptions = { retryNum: 1 }): Promise<SlackDelivery<P>> {
    return this.send(req, opts);
  }

  /** Any body with any content type, signed unless `opts.unsigned`: for malformed-payload tests. */
  raw(
    body: string,
    contentType = 'application/json',
    headers: Record<string, string> = {},
    opts: SendOptions = {},
  ): Promise<SlackDelivery<string>> {
    return this.send(
      { payload: body, rawBody: body, contentType },
      { ...opts, headers: { ...headers, ...opts.headers } },
    );
  }

  message(args: MessageArgs, opts?: SendOptions) {
    return this.send(this.buildMessage(args), opts);
  }
  reactionAdded(args: ReactionArgs, opts?: SendOptions) {
    return this.send(this.buildReaction('reaction_added', args), opts);
  }
  reactionRemoved(args: ReactionArgs, opts?: SendOptions) {
    return this.send(this.buildReaction('reaction_removed', args), opts);
  }
  slashCommand(args: SlashCommandArgs, opts?: SendOptions) {
    return this.send(this.buildSlashCommand(args), opts);
  }
  blockAction(args: BlockActionArgs, opts?: SendOptions) {
    return this.send(this.buildBlockAction(args), opts);
  }
  viewSubmission(args: ViewSubmissionArgs, opts?: SendOptions) {
    return this.send(this.buildViewSubmission(args), opts);
  }
  messageShortcut(args: MessageShortcutArgs, opts?: SendOptions) {
    return this.send(this.buildMessageShortcut(args), opts);
  }
  urlVerification(challenge: string, opts?: SendOptions) {
    return this.send(this.buildUrlVerification(challenge), opts);
  }

  // ---- building ---------------------------------------------------------------------------------

  /**
   * A `message` event in its event_callback envelope. With a fake, the message is also put into
   * Slack's history right away: it exists in Slack whether or not Relevo accepts the delivery.
   */
  buildMessage(args: MessageArgs): PreparedRequest {
    if (!args.user && !args.botId) throw new Error('SlackClient.message needs a user or a botId');
    const ts = args.ts ?? this.nextTs();
    const event: Record<string, any> = { type: 'message' };
    if (args.subtype) event.subtype = args.subtype;
    else if (args.files?.length) event.subtype = 'file_share';
    event.text = args.text;
    if (args.files?.length) {
      event.files = args.files.map((f) => this.fileObject(f, args.user));
      event.upload = false;
      event.display_as_bot = false;
    }
    if (args.user) event.user = args.user;
    if (args.botId) {
      event.bot_id = args.botId;
      event.app_id = slackId('A');
      event.bot_profile = { id: args.botId, name: 'some bot', deleted: false, team_id: this.teamId };
      if (args.subtype === 'bot_message') event.username = 'some bot';
    } else {
      event.client_msg_id = randomUUID();
    }
    event.blocks = args.blocks ?? (args.text ? richText(args.text) : []);
    event.team = this.teamId;
    event.ts = ts;
    if (args.threadTs) {
      event.thread_ts = args.threadTs;
      const parent = this.fake?.findMessage(args.channel, args.threadTs);
      if (parent?.user) event.parent_user_id = parent.user;
    }
    event.channel = args.channel;
    event.event_ts = ts;
    event.channel_type = args.channelType ?? this.channelType(args.channel);

    if (this.fake) {
      const { channel: _c, event_ts: _e, channel_type: _t, ...stored } = event;
      this.fake.addMessage(args.channel, stored as FakeMessage);
    }
    return this.eventCallback(event, args.eventId, Number(ts.split('.')[0]));
  }

  buildReaction(type: 'reaction_added' | 'reaction_removed', args: ReactionArgs): PreparedRequest {
    const itemUser = args.itemUser ?? this.fake?.findMessage(args.channel, args.ts)?.user;
    const event: Record<string, any> = {
      type,
      user: args.user,
      reaction: args.reaction,
      ...(itemUser ? { item_user: itemUser } : {}),
      item: { type: 'message', channel: args.channel, ts: args.ts },
      event_ts: this.nextTs(),
    };
    return this.eventCallback(event, args.eventId);
  }

  /** Form-encoded, fields in the order Slack sends them. */
  buildSlashCommand(args: SlashCommandArgs): PreparedRequest<Record<string, string>> {
    const payload: Record<string, string> = {
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: args.channel,
      channel_name: args.channelName ?? this.channelName(args.channel),
      user_id: args.user,
      user_name: args.userName ?? this.fake?.user(args.user)?.name ?? args.user.toLowerCase(),
      command: args.command ?? '/ticket',
      text: args.text ?? '',
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: args.responseUrl ?? this.newResponseUrl(),
      trigger_id: args.triggerId ?? this.newTriggerId({ userId: args.user }),
    };
    return {
      payload,
      rawBody: new URLSearchParams(payload).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }

  /** `payload=<JSON>` form-encoded, as Slack posts interactions. */
  buildBlockAction(args: BlockActionArgs): PreparedRequest {
    const onView = args.viewId !== undefined;
    if (!onView && (!args.channel || !args.messageTs)) {
      throw new Error('SlackClient.blockAction needs channel + messageTs, or viewId');
    }
    const view = onView ? (this.fake?.view(args.viewId!) ?? this.placeholderView(args.viewId!)) : undefined;
    const message =
      !onView && !args.isEphemeral
        ? (this.fake?.findMessage(args.channel!, args.messageTs!) ?? {
            type: 'message',
            ts: args.messageTs!,
            user: this.botUserId,
            text: '',
            team: this.teamId,
          })
        : undefined;
    if (message && args.threadTs && !message.thread_ts) message.thread_ts = args.threadTs;
    // Find the pressed element in what was posted so block_id and label match the real message.
    const element = findElement(message?.blocks ?? view?.blocks ?? [], args.actionId);
    const actionType = args.actionType ?? element?.element.type ?? 'button';
    const action: Record<string, any> = {
      action_id: args.actionId,
      block_id: args.blockId ?? element?.blockId ?? randomBytes(3).toString('hex'),
    };
    if (actionType === 'button') {
      action.text = element?.element.text ?? { type: 'plain_text', text: args.actionId, emoji: true };
      if (args.value !== undefined) action.value = args.value;
      else if (element?.element.value !== undefined) action.value = element.element.value;
    } else if (args.selectedOption) {
      action.selected_option = {
        text: { type: 'plain_text', text: args.selectedOption.text, emoji: true },
        value: args.selectedOption.value,
      };
    } else if (args.value !== undefined) {
      action.value = args.value;
    }
    action.type = actionType;
    action.action_ts = this.nextTs();

    const payload: Record<string, any> = {
      type: 'block_actions',
      user: this.userObject(args.user),
      api_app_id: this.appId,
      token: this.verificationToken,
      container: onView
        ? { type: 'view', view_id: args.viewId }
        : {
            type: 'message',
            message_ts: args.messageTs,
            channel_id: args.channel,
            is_ephemeral: args.isEphemeral ?? false,
            ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          },
      trigger_id: args.triggerId ?? this.newTriggerId({ userId: args.user, viewId: args.viewId }),
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
    };
    if (onView) {
      payload.view = view;
    } else {
      payload.channel = { id: args.channel, name: this.channelName(args.channel!) };
      if (message) payload.message = message;
      payload.state = { values: {} };
      payload.response_url = args.responseUrl ?? this.newResponseUrl();
    }
    payload.actions = [action];
    return interaction(payload);
  }

  /** A message shortcut (the "…" menu on a message): `message_action`. */
  buildMessageShortcut(args: MessageShortcutArgs): PreparedRequest {
    const payload = {
      type: 'message_action',
      callback_id: args.callbackId,
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.userObject(args.user),
      channel: { id: args.channel, name: this.channelName(args.channel) },
      message: {
        type: 'message',
        ts: args.message.ts,
        ...(args.message.user ? { user: args.message.user } : {}),
        ...(args.message.threadTs ? { thread_ts: args.message.threadTs } : {}),
        text: args.message.text ?? '',
      },
      message_ts: args.message.ts,
      action_ts: `${Math.floor(this.clock() / 1000)}.000001`,
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: this.newTriggerId({ userId: args.user }),
      response_url: args.responseUrl ?? this.newResponseUrl(),
      is_enterprise_install: false,
      enterprise: null,
    };
    return interaction(payload);
  }

  buildViewSubmission(args: ViewSubmissionArgs): PreparedRequest {
    const base = args.viewId
      ? (this.fake?.view(args.viewId) ?? this.placeholderView(args.viewId))
      : this.placeholderView();
    const view = {
      ...base,
      callback_id: args.callbackId ?? base.callback_id,
      private_metadata: args.privateMetadata ?? base.private_metadata,
      state: { values: args.values },
    };
    const payload = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.userObject(args.user),
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: args.triggerId ?? this.newTriggerId({ userId: args.user, viewId: view.id }),
      view,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return interaction(payload);
  }

  buildUrlVerification(challenge: string): PreparedRequest {
    const payload = { token: this.verificationToken, challenge, type: 'url_verification' };
    return { payload, rawBody: JSON.stringify(payload), contentType: 'application/json' };
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private eventCallback(event: Record<string, any>, eventId?: string, eventTime?: number): PreparedRequest {
    const payload = {
      token: this.verificationToken,
      team_id: this.teamId,
      context_team_id: this.teamId,
      context_enterprise_id: null,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: eventId ?? slackId('Ev0', 9),
      event_time: eventTime ?? Math.floor(this.clock() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify({ et: event.type, tid: this.teamId, aid: this.appId })).toString('base64url')}`,
    };
    return { payload, rawBody: JSON.stringify(payload), contentType: 'application/json' };
  }

  private nextTs(): string {
    if (this.fake) return this.fake.nextTs();
    const micros = Math.max(this.clock() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private newTriggerId(opts: { userId?: string; viewId?: string }): string {
    if (this.fake) return this.fake.issueTriggerId(opts);
    return `${this.clock()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
  }

  private newResponseUrl(): string {
    if (this.fake) return this.fake.responseUrl();
    return `https://hooks.slack.com/commands/${this.teamId}/${Date.now()}/${randomBytes(12).toString('hex')}`;
  }

  private channelType(channel: string): 'channel' | 'group' | 'im' | 'mpim' {
    const known = this.fake?.channel(channel);
    if (known?.isIm || channel.startsWith('D')) return 'im';
    if (known?.isPrivate || channel.startsWith('G')) return 'group';
    return 'channel';
  }

  /** Slack's own names for DMs and private channels in slash command forms. */
  private channelName(channel: string): string {
    const known = this.fake?.channel(channel);
    if (known?.isIm || channel.startsWith('D')) return 'directmessage';
    if (known?.isPrivate || channel.startsWith('G')) return 'privategroup';
    return known?.name ?? 'general';
  }

  private userObject(id: string) {
    const name = this.fake?.user(id)?.name ?? id.toLowerCase();
    return { id, username: name, name, team_id: this.teamId };
  }

  private fileObject(f: FakeFileInput, user?: string): Record<string, any> {
    if (this.fake) return this.fake.addFile({ ...f, user: f.user ?? user });
    const id = f.id ?? slackId('F');
    const url = `https://files.slack.com/files-pri/${this.teamId}-${id}/${encodeURIComponent(f.name)}`;
    return {
      id,
      name: f.name,
      title: f.title ?? f.name,
      mimetype: f.mimetype ?? 'text/plain',
      user: f.user ?? user ?? '',
      size: Buffer.from(f.content ?? '').length,
      url_private: url,
      url_private_download: `${url}?download=1`,
    };
  }

  private placeholderView(id = slackId('V')): any {
    return {
      id,
      team_id: this.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: `${Math.floor(this.clock() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Relevo', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: id,
      app_id: this.appId,
      external_id: '',
      app_installed_team_id: this.teamId,
      bot_id: this.fake?.botId ?? 'B0RELEVO01',
    };
  }
}

function interaction(payload: Record<string, any>): PreparedRequest {
  return {
    payload,
    rawBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

/** The rich_text block Slack's client attaches to what a person types. */
function richText(text: string): any[] {
  return [
    {
      type: 'rich_text',
      block_id: randomBytes(3).toString('base64url'),
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
    },
  ];
}

function findElement(blocks: any[], actionId: string): { blockId: string; element: any } | undefined {
  for (const block of blocks) {
    const elements = [...(block?.elements ?? []), ...(block?.accessory ? [block.accessory] : [])];
    if (block?.element) elements.push(block.element);
    const element = elements.find((e: any) => e?.action_id === actionId);
    if (element) return { blockId: block.block_id, element };
  }
  return undefined;
}
