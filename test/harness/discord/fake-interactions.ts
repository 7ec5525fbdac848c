// Interactions from Discord's side: the people's clicks become INTERACTION_CREATE, and the bot answers
// on POST /interactions/{id}/{token}/callback (once: 40060 after that; 10062 when unknown or later
// than Discord's 3 s), then through the interaction webhook (@original, follow-ups; the token lives
// 15 minutes). Every answer is recorded with the time since the interaction was sent.
import {
  type APIMessage,
  InteractionResponseType as Cb,
  GatewayDispatchEvents,
  InteractionType,
  MessageFlags,
  MessageType,
} from 'discord-api-types/v10';
import type { Attachments } from './fake-attachments.ts';
import type { UploadedFile } from './fake-bodies.ts';
import { type InteractionKind, InteractionPayloads } from './fake-interaction-payloads.ts';
import { type Answer, type Route, route } from './fake-rest.ts';
import { clone, DiscordError, unknownInteraction, unknownMessage, unknownWebhook } from './fake-shapes.ts';
import type { Store } from './fake-store.ts';
import { FormErrors, validateModal } from './fake-validation.ts';

export interface InitialResponse {
  type: number;
  data?: any;
}

export interface ResponseRecord extends InitialResponse {
  /** callback: the initial response; followup: POST to the webhook; edit / delete: of a message. */
  kind: 'callback' | 'followup' | 'edit' | 'delete';
  messageId?: string;
  msSinceDispatch: number;
}

export interface PendingInteraction {
  id: string;
  token: string;
  /** Date.now() when the interaction was sent to the bot. */
  dispatchedAt: number;
  payload: Record<string, any>;
  /** The first callback the bot sent; waits for it (no timeout of its own). */
  response(): Promise<InitialResponse>;
}

interface Record_ {
  payload: Record<string, any>;
  createdAt: number;
  dispatchedAt: number;
  initial?: InitialResponse;
  responses: ResponseRecord[];
  /** The message @original names: a channel message, or one of `ephemerals`. */
  original?: string;
  ephemerals: APIMessage[];
  /** Follow-up and original message ids that belong to this interaction. */
  own: Set<string>;
  waiters: ((r: InitialResponse) => void)[];
}

/** Discord drops an interaction nobody acknowledged within 3 s; its token then lasts 15 minutes. */
const INITIAL_WINDOW_MS = 3_000;
const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Which callback types each interaction type accepts. */
const ALLOWED: Record<number, number[]> = {
  [InteractionType.Ping]: [Cb.Pong],
  [InteractionType.ApplicationCommand]: [
    Cb.ChannelMessageWithSource,
    Cb.DeferredChannelMessageWithSource,
    Cb.Modal,
  ],
  [InteractionType.MessageComponent]: [
    Cb.ChannelMessageWithSource,
    Cb.DeferredChannelMessageWithSource,
    Cb.DeferredMessageUpdate,
    Cb.UpdateMessage,
    Cb.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [Cb.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    Cb.ChannelMessageWithSource,
    Cb.DeferredChannelMessageWithSource,
    Cb.DeferredMessageUpdate,
    Cb.UpdateMessage,
  ],
};

export class Interactions {
  /** Added to Date.now() for interaction deadlines: lets a test pass 3 s or 15 min without waiting. */
  skewMs = 0;
  readonly payloads: InteractionPayloads;
  private readonly records = new Map<string, Record_>();

  constructor(
    private readonly store: Store,
    private readonly attachments: Attachments,
  ) {
    this.payloads = new InteractionPayloads(store, (c, m) => this.findMessage(c, m));
  }

  private now(): number {
    return Date.now() + this.skewMs;
  }

  /** Builds and registers an interaction; `dispatch` sends it as INTERACTION_CREATE. */
  create(kind: InteractionKind, dispatch: boolean): PendingInteraction {
    const payload = this.payloads.build(kind);
    const rec: Record_ = {
      payload,
      createdAt: this.now(),
      dispatchedAt: Date.now(),
      responses: [],
      ephemerals: [],
      own: new Set(),
      waiters: [],
    };
    this.records.set(payload.id, rec);
    if (dispatch) this.store.dispatch(GatewayDispatchEvents.InteractionCreate, clone(payload));
    this.store.changes.notify();
    return {
      id: payload.id,
      token: payload.token,
      dispatchedAt: rec.dispatchedAt,
      payload: clone(payload),
      response: () =>
        rec.initial
          ? Promise.resolve(clone(rec.initial))
          : new Promise((resolve) => rec.waiters.push(resolve)),
    };
  }

  responses(id: string): ResponseRecord[] {
    return clone(this.records.get(id)?.responses ?? []);
  }

  ephemerals(id: string): APIMessage[] {
    return clone(this.records.get(id)?.ephemerals ?? []);
  }

  /** A channel message, or an ephemeral one some interaction created (people can click those too). */
  findMessage(channelId: string, messageId: string): APIMessage {
    const stored = this.store.messages.get(channelId)?.find((m) => m.id === messageId);
    if (stored) return stored;
    for (const r of this.records.values()) {
      const e = r.ephemerals.find((m) => m.id === messageId);
      if (e) return e;
    }
    this.store.channel(channelId);
    throw unknownMessage();
  }

  /** The initial response of an interaction delivered over HTTP (the endpoint's answer body). */
  respondHttp(id: string, body: Record<string, any>): void {
    const rec = this.records.get(id);
    if (!rec) throw unknownInteraction();
    this.initial(rec, body);
  }

  /** Tokens whose interaction is being answered over HTTP right now: their webhook calls wait for it. */
  private readonly overHttp = new Map<string, Promise<void>>();

  /**
   * An interaction delivered to an HTTP endpoint: until its answer is back, calls with its token wait,
   * as Discord applies the endpoint's answer before it accepts edits of it. Returns the release.
   */
  holdWebhooks(token: string): () => void {
    let release!: () => void;
    this.overHttp.set(
      token,
      new Promise<void>((r) => {
        release = r;
      }),
    );
    return () => {
      this.overHttp.delete(token);
      release();
    };
  }

  routes(): Route[] {
    const open = { open: true };
    const afterHttp =
      <C extends { params: string[] }>(fn: (c: C) => Answer) =>
      async (c: C) => {
        await this.overHttp.get(c.params[1] ?? '');
        return fn(c);
      };
    return [
      route(
        'POST',
        '/interactions/{id}/{token}/callback',
        (c) => this.callback(c.params, c.body, c.query),
        open,
      ),
      route(
        'GET',
        '/webhooks/{app}/{token}/messages/@original',
        afterHttp((c) => this.getMessage(c.params, true)),
        open,
      ),
      route(
        'PATCH',
        '/webhooks/{app}/{token}/messages/@original',
        afterHttp((c) => this.edit(c.params, c.body, c.files, true)),
        open,
      ),
      route(
        'DELETE',
        '/webhooks/{app}/{token}/messages/@original',
        afterHttp((c) => this.remove(c.params, true)),
        open,
      ),
      route(
        'POST',
        '/webhooks/{app}/{token}',
        afterHttp((c) => this.followUp(c.params, c.body, c.files)),
        open,
      ),
      route(
        'GET',
        '/webhooks/{app}/{token}/messages/{mid}',
        afterHttp((c) => this.getMessage(c.params, false)),
        open,
      ),
      route(
        'PATCH',
        '/webhooks/{app}/{token}/messages/{mid}',
        afterHttp((c) => this.edit(c.params, c.body, c.files, false)),
        open,
      ),
      route(
        'DELETE',
        '/webhooks/{app}/{token}/messages/{mid}',
        afterHttp((c) => this.remove(c.params, false)),
        open,
      ),
    ];
  }

  // ---- the initial response -------------------------------------------------------------------

  private callback(params: string[], body: Record<string, any>, query: URLSearchParams): Answer {
    const [id, token] = params;
    const rec = this.records.get(id!);
    if (!rec || rec.payload.token !== token) throw unknownInteraction();
    if (rec.initial) throw new DiscordError(400, 40060, 'Interaction has already been acknowledged.');
    if (this.now() - rec.createdAt > INITIAL_WINDOW_MS) throw unknownInteraction();
    const message = this.initial(rec, body);
    if (query.get('with_response') !== 'true') return [204];
    return [
      200,
      {
        interaction: {
          id: rec.payload.id,
          type: rec.payload.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
                response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
              }
            : {}),
        },
        resource: { type: body.type, ...(message ? { message: clone(message) } : {}) },
      },
    ];
  }

  /** Applies an initial response; answers the message it created or changed, if any. */
  private initial(rec: Record_, body: Record<string, any>): APIMessage | undefined {
    const type = body?.type;
    const data: Record<string, any> = body?.data ?? {};
    if (!(ALLOWED[rec.payload.type] ?? []).includes(type)) {
      const errors = new FormErrors();
      errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Invalid interaction response type');
      errors.throwIfAny();
    }
    let message: APIMessage | undefined;
    switch (type) {
      case Cb.ChannelMessageWithSource:
        message = this.createFor(rec, data, [], rec.payload.type === InteractionType.ApplicationCommand);
        rec.original = message.id;
        break;
      case Cb.DeferredChannelMessageWithSource: {
        // A deferral posts a "thinking…" message (LOADING) that the first edit or follow-up fills.
        const flags = MessageFlags.Loading | ((data.flags ?? 0) & MessageFlags.Ephemeral);
        message = this.createFor(
          rec,
          { flags },
          [],
          rec.payload.type === InteractionType.ApplicationCommand,
          true,
        );
        rec.original = message.id;
        break;
      }
      case Cb.DeferredMessageUpdate:
      case Cb.UpdateMessage: {
        const source = rec.payload.message as APIMessage | undefined;
        if (!source) throw new DiscordError(400, 50035, 'Invalid Form Body', { type: { _errors: [] } });
        rec.original = source.id;
        if (type === Cb.UpdateMessage) message = this.editOwn(rec, source.id, data, []);
        break;
      }
      case Cb.Modal:
        validateModal(data);
        this.payloads.modals.set(data.custom_id, clone(data));
        break;
    }
    rec.initial = { type, data: clone(body.data) };
    this.record(rec, { kind: 'callback', type, data: clone(body.data) });
    for (const w of rec.waiters.splice(0)) w(clone(rec.initial));
    return message;
  }

  // ---- the interaction webhook ----------------------------------------------------------------

  private byToken(params: string[], needsAck = true): Record_ {
    const [app, token] = params;
    if (app !== this.store.applicationId) throw unknownWebhook();
    const rec = [...this.records.values()].find((r) => r.payload.token === token);
    if (!rec || this.now() - rec.createdAt > TOKEN_LIFETIME_MS)
      throw new DiscordError(401, 50027, 'Invalid Webhook Token');
    // Follow-ups need an acknowledged interaction; @original just has no message yet (10008).
    if (needsAck && !rec.initial) throw unknownWebhook();
    return rec;
  }

  private target(rec: Record_, params: string[], original: boolean): string {
    const id = original ? rec.original : params[2];
    if (!id || (!original && !rec.own.has(id) && id !== rec.original)) throw unknownMessage();
    return id;
  }

  private getMessage(params: string[], original: boolean): Answer {
    const rec = this.byToken(params, !original);
    return [200, clone(this.messageOf(rec, this.target(rec, params, original)))];
  }

  private edit(
    params: string[],
    body: Record<string, any>,
    files: UploadedFile[],
    original: boolean,
  ): Answer {
    const rec = this.byToken(params);
    const id = this.target(rec, params, original);
    const saved = this.attachments.save(rec.payload.channel_id, files, body.attachments);
    const message = this.editOwn(rec, id, body, saved);
    this.record(rec, { kind: 'edit', type: 0, messageId: id, data: clone(body) });
    return [200, message];
  }

  private remove(params: string[], original: boolean): Answer {
    const rec = this.byToken(params, !original);
    const id = this.target(rec, params, original);
    const i = rec.ephemerals.findIndex((m) => m.id === id);
    if (i >= 0) rec.ephemerals.splice(i, 1);
    else {
      const list = this.store.messages.get(rec.payload.channel_id) ?? [];
      const j = list.findIndex((m) => m.id === id);
      if (j < 0) throw unknownMessage();
      list.splice(j, 1);
      this.store.dispatch(GatewayDispatchEvents.MessageDelete, {
        id,
        channel_id: rec.payload.channel_id,
        guild_id: this.store.guildId,
      });
    }
    this.record(rec, { kind: 'delete', type: 0, messageId: id });
    return [204];
  }

  private followUp(params: string[], body: Record<string, any>, files: UploadedFile[]): Answer {
    const rec = this.byToken(params);
    const saved = this.attachments.save(rec.payload.channel_id, files, body.attachments);
    const original = rec.original ? this.messageOrUndefined(rec, rec.original) : undefined;
    let message: APIMessage;
    if (original && (original.flags ?? 0) & MessageFlags.Loading) {
      // Discord's quirk: the first follow-up after a deferral fills the "thinking…" message.
      message = this.editOwn(rec, original.id, body, saved);
    } else {
      message = this.createFor(rec, body, saved, false);
    }
    this.record(rec, { kind: 'followup', type: 0, messageId: message.id, data: clone(body) });
    return [200, message];
  }

  // ---- messages of an interaction -------------------------------------------------------------

  private createFor(
    rec: Record_,
    body: Record<string, any>,
    attachments: ReturnType<Attachments['save']>,
    isCommandReply: boolean,
    loading = false,
  ): APIMessage {
    const p = rec.payload;
    const ephemeral = ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    const user = p.member?.user ?? p.user;
    const extra = {
      webhook_id: this.store.applicationId,
      application_id: this.store.applicationId,
      interaction_metadata: {
        id: p.id,
        type: p.type,
        user,
        authorizing_integration_owners: { '0': this.store.guildId },
        ...(rec.original ? { original_response_message_id: rec.original } : {}),
        ...(p.type === InteractionType.MessageComponent ? { interacted_message_id: p.message?.id } : {}),
      },
    };
    const message = this.store.createMessage(p.channel_id, this.store.botUser.id, body, {
      type: isCommandReply ? MessageType.ChatInputCommand : MessageType.Default,
      attachments,
      extra,
      store: !ephemeral,
      allowEmpty: loading,
    });
    rec.own.add(message.id);
    if (ephemeral) rec.ephemerals.push(message);
    return clone(message);
  }

  private messageOrUndefined(rec: Record_, id: string): APIMessage | undefined {
    return (
      rec.ephemerals.find((m) => m.id === id) ??
      this.store.messages.get(rec.payload.channel_id)?.find((m) => m.id === id) ??
      this.ephemeralAnywhere(id)
    );
  }

  private ephemeralAnywhere(id: string): APIMessage | undefined {
    for (const r of this.records.values()) {
      const e = r.ephemerals.find((m) => m.id === id);
      if (e) return e;
    }
    return undefined;
  }

  private messageOf(rec: Record_, id: string): APIMessage {
    const m = this.messageOrUndefined(rec, id);
    if (!m) throw unknownMessage();
    return m;
  }

  /** Edits a message of the interaction: ephemeral ones in place (no dispatch), others as the bot. */
  private editOwn(
    rec: Record_,
    id: string,
    body: Record<string, any>,
    files: ReturnType<Attachments['save']>,
  ) {
    const m = this.messageOf(rec, id);
    if ((m.flags ?? 0) & MessageFlags.Ephemeral) {
      this.store.applyEdit(m, body, files);
      this.store.changes.notify();
      return clone(m);
    }
    return this.store.editMessage(m.channel_id, id, body, files);
  }

  private record(rec: Record_, r: Omit<ResponseRecord, 'msSinceDispatch'>): void {
    rec.responses.push({ ...r, msSinceDispatch: this.now() - rec.createdAt });
    this.store.changes.notify();
  }
}
