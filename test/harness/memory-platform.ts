// A two-way chat platform in memory, after Errbot's test backend: a test reads
//   await chat.say('customer', 'printer on fire');
//   chat.seen('mem-support', thread)   // what the customer sees
// It joins a real Relevo through the chat kit exactly as Slack does — a channel module whose adapter
// posts and edits here, whose people's words are stored with storeChatEvent for the router, and whose
// buttons, forms, commands and message gestures go to router.interact with a responder that records
// what each person was told privately. Nothing of the core is mocked.
import type { FileConfig } from '../../src/config/file.ts';
import type { ChatEvent, FormRef, Interaction } from '../../src/core/chat/events.ts';
import { storeChatEvent } from '../../src/core/chat/inbox.ts';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { FormSpec, OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, MessageRef } from '../../src/core/ports.ts';
import { type ChannelModule, defineModule, type ModuleContext } from '../../src/modules/module.ts';

export interface MemoryChannel {
  id: string;
  kind: 'support' | 'agents' | 'maintainers' | 'monitor';
  organisation?: string;
  ticketOn?: 'first_message' | 'agent_request';
}

/** Someone on the platform: their platform id, and the profile the platform shows (name, email). */
export interface MemoryPerson {
  id: string;
  name?: string;
  email?: string;
}

export interface MemoryMessage {
  id: string;
  channel: string;
  /** The thread's root id; undefined for a message at the channel's top level. */
  thread?: string;
  /** A person's name in this platform's `people`, or "relevo" for Relevo's posts. */
  from: string;
  message: OutMessage;
  /** How many times Relevo edited it in place. */
  edits: number;
}

/** What pressing a button (or submitting a form) showed the person who did it. */
export interface Pressed {
  /** The private answer: a confirmation, or why not. */
  text?: string;
  /** The form that opened instead of an answer; `submit` fills it in. */
  form?: FormSpec;
  /** A submitted form was refused: why, with the form still open. */
  formError?: string;
}

export interface MemoryPlatformOptions {
  /** The platform's name in relevo.yaml (`identities`) and on tickets. */
  platform?: string;
  channels: MemoryChannel[];
  people: Record<string, MemoryPerson>;
}

type ChannelEntry = FileConfig['channels'][number];

export class MemoryPlatform {
  readonly platform: string;
  readonly messages: MemoryMessage[] = [];
  readonly adapter: ChatAdapter;
  private readonly channels: MemoryChannel[];
  private readonly people: Record<string, MemoryPerson>;
  private readonly said = new Map<string, ChatEvent>();
  private readonly whispers = new Map<string, string[]>();
  private readonly forms = new Map<string, { form: FormSpec; ref: FormRef }>();
  private ctx?: ModuleContext;
  private settleFn: () => Promise<void> = async () => {};
  private seq = 0;

  constructor(opts: MemoryPlatformOptions) {
    this.platform = opts.platform ?? 'memory';
    this.channels = opts.channels;
    this.people = opts.people;
    this.adapter = new MemoryPlatformAdapter(this);
  }

  /** Waits for Relevo after each gesture (the app's settle), so a test reads the outcome right away. */
  settleWith(settle: () => Promise<void>): void {
    this.settleFn = settle;
  }

  /** The channel module to start Relevo with (`startTestApp({ modules: [chat.module] })`). */
  get module(): ChannelModule {
    return defineModule({
      name: `memory platform (${this.platform})`,
      settings: () => true,
      // This platform serves its channels itself, as the web chat does.
      channels: () =>
        this.channels.map(
          (c) => ({ ticketOn: 'first_message', ...c, platform: this.platform }) as unknown as ChannelEntry,
        ),
      create: async (ctx) => {
        this.ctx = ctx;
        ctx.router.register({
          platform: this.platform,
          profile: async (platformId) => {
            const person = Object.values(this.people).find((p) => p.id === platformId);
            if (!person) throw new Error(`nobody has the id ${platformId}`);
            return { name: person.name ?? platformId, email: person.email };
          },
          messageAt: async (link) => {
            const m = /^memory:\/\/([^/]+)\/([^/]+)$/.exec(link);
            const found = m && this.messages.find((x) => x.channel === m[1] && x.id === m[2]);
            return found
              ? { channel: found.channel, thread: found.thread ?? found.id, messageId: found.id }
              : undefined;
          },
        });
        return { adapter: this.adapter };
      },
    }) as ChannelModule;
  }

  // ── what people do ─────────────────────────────────────────────────────

  /** `who` writes in a channel (the first support channel unless told), or in a thread of it. */
  async say(who: string, text: string, where: { channel?: string; thread?: string } = {}) {
    const channel = where.channel ?? this.supportChannel();
    const message = this.record({ channel, thread: where.thread, from: who, message: { text } });
    const event: ChatEvent = {
      kind: 'message',
      platform: this.platform,
      channel,
      thread: where.thread ?? message.id,
      messageId: message.id,
      inThread: where.thread !== undefined,
      person: { platformId: this.idOf(who) },
      text,
    };
    this.said.set(message.id, event);
    await this.deliver(`message:${message.id}`, event);
    return message;
  }

  /** The platform delivers a message's event again (its retry after a timeout): same key, same event. */
  async resend(message: MemoryMessage): Promise<void> {
    const event = this.said.get(message.id);
    if (!event) throw new Error(`${message.id} was not said by a person`);
    await this.deliver(`message:${message.id}`, event);
  }

  /** `who` reacts 🎫 to a message. */
  async react(who: string, message: MemoryMessage): Promise<void> {
    await this.deliver(`reaction:${who}:${message.id}`, {
      kind: 'reaction',
      platform: this.platform,
      channel: message.channel,
      messageId: message.id,
      person: { platformId: this.idOf(who) },
      reaction: 'ticket',
    });
  }

  /** `who` types a /ticket command, in a channel or a thread; returns what they were told. */
  async command(who: string, line: string, where: { channel?: string; thread?: string } = {}) {
    const text = line.replace(/^\/ticket\b\s*/, '');
    // Like Mattermost, the platform resolves the @handles of its people it finds in the line.
    const mentioned = [...text.matchAll(/@([\w-]+)/g)].flatMap((m) => {
      const person = this.people[m[1] as string];
      return person ? [[m[0], person.id] as const] : [];
    });
    const mentions = mentioned.length ? { mentions: Object.fromEntries(mentioned) } : {};
    return this.interact(who, { kind: 'command', ...this.person(who), text, ...where, ...mentions });
  }

  /** `who` presses a button of a message as it is now; a button with a form opens it (see `submit`). */
  async press(who: string, message: MemoryMessage, label: string): Promise<Pressed> {
    const current = this.messages.find((m) => m.id === message.id) ?? message;
    const button = current.message.buttons?.find((b) => b.label === label);
    if (!button) {
      const labels = current.message.buttons?.map((b) => b.label).join(', ');
      throw new Error(`no "${label}" button on ${current.id}; it has ${labels || 'none'}`);
    }
    return this.interact(who, {
      kind: 'button',
      ...this.person(who),
      action: button.action,
      value: button.value,
      channel: current.channel,
    });
  }

  /** `who` submits the form they have open; a refused form stays open with the reason. */
  async submit(who: string, values: Record<string, string>): Promise<Pressed> {
    const open = this.forms.get(who);
    if (!open) throw new Error(`${who} has no form open`);
    const pressed = await this.interact(who, {
      kind: 'form',
      ...this.person(who),
      action: open.ref.action,
      value: open.ref.value,
      values,
      channel: open.ref.channel,
    });
    if (!pressed.formError) this.forms.delete(who);
    return pressed;
  }

  /** A gesture on one message ("Share with customer", "Create ticket"). */
  async act(who: string, message: MemoryMessage, action: 'share_note' | 'create_ticket') {
    return this.interact(who, {
      kind: 'message_action',
      ...this.person(who),
      action,
      channel: message.channel,
      thread: message.thread ?? message.id,
      messageId: message.id,
    });
  }

  // ── what people see ────────────────────────────────────────────────────

  /** A channel's top level, or a whole thread (its root first), as anyone in it sees them. */
  seen(channel: string, thread?: string): MemoryMessage[] {
    return this.messages.filter((m) =>
      thread === undefined
        ? m.channel === channel && m.thread === undefined
        : m.channel === channel && (m.id === thread || m.thread === thread),
    );
  }

  /** Everything Relevo told `who` privately (answers to buttons and commands, whispers), oldest first. */
  privateTo(who: string): string[] {
    return [...(this.whispers.get(who) ?? [])];
  }

  /** The form `who` has open, if any. */
  formOf(who: string): FormSpec | undefined {
    return this.forms.get(who)?.form;
  }

  /** A message's link, as "Copy link" gives it (for `/ticket create <link>`). */
  link(message: MemoryMessage): string {
    return `memory://${message.channel}/${message.id}`;
  }

  // ── the platform's inside ──────────────────────────────────────────────

  record(m: Omit<MemoryMessage, 'id' | 'edits'>): MemoryMessage {
    const message = { ...m, id: `m${++this.seq}`, edits: 0, message: structuredClone(m.message) };
    this.messages.push(message);
    return message;
  }

  private async deliver(key: string, event: ChatEvent): Promise<void> {
    const ctx = this.started();
    // Stored only in the channels Relevo serves, as Slack's listener does; then handled by the inbox.
    if (ctx.router.channel(this.platform, event.channel)) {
      await storeChatEvent(ctx.db, ctx.notifier, `${this.platform}:${key}`, event);
    }
    await this.settleFn();
  }

  /** Answers one interaction the way a chat platform does: privately, or with a form. */
  private async interact(who: string, i: Interaction): Promise<Pressed> {
    const pressed: Pressed = {};
    const responder: InteractionResponder = {
      reply: async (m) => {
        pressed.text = m.text;
        this.tell(who, m.text);
      },
      openForm: async (form, ref) => {
        pressed.form = form;
        this.forms.set(who, { form, ref });
      },
      formError: async (text) => {
        pressed.formError = text;
      },
    };
    await this.started().router.interact(i, responder);
    await this.settleFn();
    return pressed;
  }

  /** @internal for its adapter */
  tell(who: string, text: string) {
    this.whispers.set(who, [...(this.whispers.get(who) ?? []), text]);
  }

  private person(who: string) {
    return { platform: this.platform, person: { platformId: this.idOf(who) } };
  }

  private idOf(who: string): string {
    const person = this.people[who];
    if (!person) throw new Error(`nobody called "${who}" on this platform`);
    return person.id;
  }

  /** @internal for its adapter */
  nameOf(platformId: string): string {
    return Object.entries(this.people).find(([, p]) => p.id === platformId)?.[0] ?? platformId;
  }

  private supportChannel(): string {
    const support = this.channels.find((c) => c.kind === 'support');
    if (!support) throw new Error('this platform has no support channel');
    return support.id;
  }

  private started(): ModuleContext {
    if (!this.ctx) throw new Error('start Relevo with this platform’s module first');
    return this.ctx;
  }
}

/** The outbound half: Relevo's posts and edits land in the platform's messages. */
class MemoryPlatformAdapter implements ChatAdapter {
  readonly capabilities = { threads: true, privateReplies: true, forms: true } as const;
  private readonly keys = new Map<string, string>();

  constructor(private readonly chat: MemoryPlatform) {}

  get platform() {
    return this.chat.platform;
  }
  async start() {}
  async stop() {}

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const seen = idempotencyKey ? this.keys.get(idempotencyKey) : undefined;
    if (seen) return seen;
    const posted = this.chat.record({
      channel: target.channel,
      thread: target.thread,
      from: 'relevo',
      message,
    });
    if (idempotencyKey) this.keys.set(idempotencyKey, posted.id);
    return posted.id;
  }

  async update(ref: MessageRef, message: OutMessage): Promise<void> {
    const found = this.chat.messages.find((m) => m.id === ref);
    if (!found) throw new Error(`unknown message ${ref}`);
    found.message = structuredClone(message);
    found.edits++;
  }

  async whisper(_channel: string, platformId: string, message: OutMessage): Promise<void> {
    this.chat.tell(this.chat.nameOf(platformId), message.text);
  }

  threadOf(ref: MessageRef): ChatTarget {
    const found = this.chat.messages.find((m) => m.id === ref);
    if (!found) throw new Error(`unknown message ${ref}`);
    return { channel: found.channel, thread: found.thread ?? found.id };
  }
}
