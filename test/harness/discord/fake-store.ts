// What the fake Discord knows (the guild, its people, roles, channels, threads, messages, thread
// members, application commands) and what Discord's servers do when it changes: every change a bot
// or a person makes is dispatched over the gateway the way Discord would (MESSAGE_CREATE, THREAD_CREATE,
// MESSAGE_UPDATE...). REST, gateway and interactions share one Store.
import { randomBytes } from 'node:crypto';
import {
  type APIApplicationCommand,
  type APIAttachment,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIThreadChannel,
  type APIUser,
  ChannelType,
  GatewayDispatchEvents,
  MessageFlags,
  MessageType,
} from 'discord-api-types/v10';
import { Changes } from '../slack/changes.ts';
import {
  type ChannelInput,
  clone,
  DiscordError,
  emptyMessage,
  type GuildChannel,
  isoTime,
  isThread,
  makeGuildChannel,
  makeMember,
  makeMessage,
  makeRole,
  makeThread,
  makeUser,
  normalizeEmbed,
  parseMentions,
  Snowflakes,
  type StoredChannel,
  type UserInput,
  unknownChannel,
  unknownMember,
  unknownMessage,
} from './fake-shapes.ts';
import { FormErrors, validateMessageBody, validateThreadName } from './fake-validation.ts';

export interface StoreOptions {
  botToken?: string;
  applicationId?: string;
  guild?: { id?: string; name?: string };
}

export interface CreateMessageOpts {
  /** Forum posts' starter messages take the thread's id. */
  id?: string;
  type?: MessageType;
  attachments?: APIAttachment[];
  /** Extra fields interaction responses carry (interaction_metadata, webhook_id, application_id). */
  extra?: Record<string, unknown>;
  /** Ephemeral interaction messages are never stored in the channel nor dispatched. */
  store?: boolean;
  /** A deferred interaction's "thinking…" message has nothing in it yet. */
  allowEmpty?: boolean;
}

/** A token that looks like a bot token: base64 user id, timestamp part, HMAC part. */
function randomToken(userId: string): string {
  const b64 = (b: Buffer) => b.toString('base64url');
  return `${b64(Buffer.from(userId))}.${b64(randomBytes(4))}.${b64(randomBytes(27))}`;
}

export class Store {
  readonly ids = new Snowflakes();
  readonly changes = new Changes((what, ms) => `fake Discord: no ${what} within ${ms} ms`);
  readonly applicationId: string;
  readonly botToken: string;
  readonly botUser: APIUser;
  readonly guildId: string;
  readonly guildName: string;
  readonly ownerId: string;
  readonly users = new Map<string, APIUser>();
  readonly memberRoles = new Map<string, string[]>();
  readonly joinedAt = new Map<string, number>();
  readonly roles = new Map<string, APIRole>();
  readonly channels = new Map<string, StoredChannel>();
  /** Per channel (threads included), oldest first. */
  readonly messages = new Map<string, APIMessage[]>();
  /** Per thread: member user id → join time. */
  readonly threadMembers = new Map<string, Map<string, number>>();
  /** `allowed_mentions` of each bot message that had one (not part of Discord's message object). */
  readonly allowedMentions = new Map<string, unknown>();
  /** Registered commands by scope: '' for global, else the guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  /** Set by the gateway: sends a dispatch to every session. */
  dispatch: (t: string, d: unknown) => void = () => {};
  private positions = 0;

  constructor(opts: StoreOptions) {
    this.applicationId = opts.applicationId ?? this.ids.next();
    this.botToken = opts.botToken ?? randomToken(this.applicationId);
    this.botUser = makeUser(this.applicationId, 'relevo-bot', null, true);
    this.guildId = opts.guild?.id ?? this.ids.next();
    this.guildName = opts.guild?.name ?? 'Relevo Test Guild';
    this.roles.set(this.guildId, makeRole(this.guildId, '@everyone', 0));
    const owner = this.addUser({ username: 'guild-owner' });
    this.ownerId = owner.id;
    this.users.set(this.botUser.id, this.botUser);
    this.memberRoles.set(this.botUser.id, []);
    this.joinedAt.set(this.botUser.id, Date.now());
  }

  now(): number {
    return Date.now();
  }

  // ---- guild ----------------------------------------------------------------------------------

  addUser(input: UserInput): APIUser {
    const user = makeUser(input.id ?? this.ids.next(), input.username, input.globalName ?? null);
    this.users.set(user.id, user);
    this.memberRoles.set(user.id, [...(input.roles ?? [])]);
    this.joinedAt.set(user.id, this.now());
    this.changes.notify();
    return clone(user);
  }

  addRole(input: { id?: string; name: string }): string {
    const id = input.id ?? this.ids.next();
    this.roles.set(id, makeRole(id, input.name, this.roles.size));
    this.changes.notify();
    return id;
  }

  addChannel(input: ChannelInput): GuildChannel {
    const id = input.id ?? this.ids.next();
    const channel = makeGuildChannel(id, this.guildId, input, this.positions++);
    this.channels.set(id, channel);
    this.messages.set(id, []);
    this.changes.notify();
    return clone(channel);
  }

  /** A guild member with `user`, or 10007 Unknown Member. */
  member(userId: string): APIGuildMember {
    const user = this.users.get(userId);
    const roles = this.memberRoles.get(userId);
    if (!user || !roles) throw unknownMember();
    return makeMember(clone(user), [...roles], this.joinedAt.get(userId) ?? 0);
  }

  /** The member as MESSAGE_CREATE carries it: without `user` (that is the message's author). */
  partialMember(userId: string): Omit<APIGuildMember, 'user'> | undefined {
    if (!this.memberRoles.has(userId)) return undefined;
    const { user: _user, ...rest } = this.member(userId);
    return rest;
  }

  roleMembers(roleId: string): string[] {
    return [...this.memberRoles].filter(([, roles]) => roles.includes(roleId)).map(([id]) => id);
  }

  /** The full guild, as GUILD_CREATE sends it after READY (channels without guild_id, as Discord does). */
  guildCreate(): Record<string, unknown> {
    const channels = [...this.channels.values()]
      .filter((c) => !isThread(c))
      .map(({ guild_id: _g, ...c }) => c);
    const threads = [...this.channels.values()].filter((c) => isThread(c) && !c.thread_metadata?.archived);
    const members = [...this.memberRoles.keys()].map((id) => this.member(id));
    return clone({
      id: this.guildId,
      name: this.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      vanity_url_code: null,
      max_members: 500000,
      max_video_channel_users: 25,
      application_id: null,
      roles: [...this.roles.values()],
      emojis: [],
      stickers: [],
      features: [],
      joined_at: isoTime(this.joinedAt.get(this.botUser.id) ?? 0),
      large: false,
      unavailable: false,
      lazy: true,
      member_count: members.length,
      members,
      channels,
      threads,
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
    });
  }

  // ---- channels and threads -------------------------------------------------------------------

  channel(id: string): StoredChannel {
    const c = this.channels.get(id);
    if (!c) throw unknownChannel();
    return c;
  }

  thread(id: string): APIThreadChannel {
    const c = this.channel(id);
    if (!isThread(c)) throw unknownChannel();
    return c;
  }

  /** Where a message may be posted: a text channel or a thread, as Discord allows. */
  /** A message deleted (by the bot over REST, or by a person): MESSAGE_DELETE. */
  deleteMessage(channelId: string, messageId: string): void {
    const list = this.messages.get(channelId) ?? [];
    const i = list.findIndex((m) => m.id === messageId);
    if (i < 0) {
      this.channel(channelId);
      throw unknownMessage();
    }
    list.splice(i, 1);
    this.dispatch(GatewayDispatchEvents.MessageDelete, {
      id: messageId,
      channel_id: channelId,
      guild_id: this.guildId,
    });
    this.changes.notify();
  }

  /** Direct-message channels the bot opened (POST /users/@me/channels), by channel id → the person. */
  readonly dms = new Map<string, { recipient: string; messages: APIMessage[] }>();

  /** The bot's DM channel with `userId`, opened once (Discord answers the same channel again). */
  openDm(userId: string) {
    const user = this.users.get(userId);
    if (!user) throw new DiscordError(400, 50033, 'Invalid Recipient(s)');
    let id = [...this.dms].find(([, d]) => d.recipient === userId)?.[0];
    if (!id) {
      id = this.ids.next();
      this.dms.set(id, { recipient: userId, messages: [] });
    }
    return { id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [clone(user)] };
  }

  /** A message the bot sends in a DM: kept for the test; not dispatched (Relevo asks no DM intent). */
  directMessage(channelId: string, body: Record<string, any>): APIMessage {
    const dm = this.dms.get(channelId);
    if (!dm) throw unknownChannel();
    validateMessageBody(body);
    const message = makeMessage({
      id: this.ids.next(),
      channelId,
      guildId: undefined as unknown as string,
      author: clone(this.botUser),
      content: typeof body.content === 'string' ? body.content : '',
      now: this.now(),
      type: MessageType.Default,
      body,
      mentions: [],
      mentionRoles: [],
    });
    delete (message as { guild_id?: string }).guild_id;
    dm.messages.push(message);
    this.changes.notify();
    return clone(message);
  }

  private postTarget(channelId: string): StoredChannel {
    const c = this.channel(channelId);
    if (c.type === ChannelType.GuildForum)
      throw new DiscordError(400, 50008, 'Cannot send messages in a non-text channel');
    if (isThread(c) && c.thread_metadata?.archived) {
      // Discord unarchives a thread that gets a message, unless a moderator locked it.
      if (c.thread_metadata.locked) throw new DiscordError(400, 50083, 'Thread is archived');
      this.updateChannel(c.id, { archived: false });
    }
    return c;
  }

  addThreadMember(threadId: string, userId: string): void {
    const thread = this.thread(threadId);
    if (!this.memberRoles.has(userId)) throw unknownMember();
    const members = this.threadMembers.get(threadId) ?? new Map<string, number>();
    this.threadMembers.set(threadId, members);
    if (members.has(userId)) return;
    const at = this.now();
    members.set(userId, at);
    thread.member_count = members.size;
    this.dispatch(GatewayDispatchEvents.ThreadMembersUpdate, {
      id: threadId,
      guild_id: this.guildId,
      member_count: members.size,
      added_members: [{ ...this.threadMember(threadId, userId, at), member: this.member(userId) }],
    });
    this.changes.notify();
  }

  threadMember(threadId: string, userId: string, at: number) {
    return { id: threadId, user_id: userId, join_timestamp: isoTime(at), flags: 0 };
  }

  private newThread(
    id: string,
    parentId: string,
    ownerId: string,
    body: Record<string, any>,
    type: ChannelType.PublicThread | ChannelType.PrivateThread,
  ): APIThreadChannel {
    validateThreadName(body.name);
    const thread = makeThread({
      id,
      guildId: this.guildId,
      parentId,
      ownerId,
      name: body.name,
      type,
      autoArchiveDuration: body.auto_archive_duration,
      invitable: body.invitable,
      now: this.now(),
    });
    this.channels.set(id, thread);
    this.messages.set(id, []);
    this.threadMembers.set(id, new Map());
    this.dispatch(GatewayDispatchEvents.ThreadCreate, { ...clone(thread), newly_created: true });
    // The creator joins the thread it made.
    this.addThreadMember(id, ownerId);
    return thread;
  }

  /** POST /channels/{id}/messages/{mid}/threads: a public thread whose id is the message's. */
  threadFromMessage(
    channelId: string,
    messageId: string,
    body: Record<string, any>,
    ownerId = this.botUser.id,
  ): APIThreadChannel {
    const parent = this.channel(channelId);
    if (parent.type !== ChannelType.GuildText) throw unknownChannel();
    const message = this.message(channelId, messageId);
    if (this.channels.has(messageId))
      throw new DiscordError(400, 160004, 'A thread has already been created for this message');
    const thread = this.newThread(messageId, channelId, ownerId, body, ChannelType.PublicThread);
    (message as APIMessage & { thread?: unknown }).thread = clone(thread);
    this.changes.notify();
    return thread;
  }

  /** POST /channels/{id}/threads: a thread without a starter message, or a forum post. */
  createThread(
    channelId: string,
    ownerId: string,
    body: Record<string, any>,
  ): APIThreadChannel & { message?: APIMessage } {
    const parent = this.channel(channelId);
    if (parent.type === ChannelType.GuildForum) {
      const post = this.forumPost(channelId, ownerId, body, body.message ?? {});
      return { ...clone(post.thread), message: post.message };
    }
    if (parent.type !== ChannelType.GuildText) throw unknownChannel();
    // API v9+ creates a private thread when no type is given.
    const type =
      body.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread;
    return clone(this.newThread(this.ids.next(), channelId, ownerId, body, type));
  }

  /** A forum post: THREAD_CREATE, then its starter message, whose id is the thread's. */
  forumPost(
    forumId: string,
    authorId: string,
    threadBody: Record<string, any>,
    messageBody: Record<string, any>,
    attachments: APIAttachment[] = [],
  ): { thread: APIThreadChannel; message: APIMessage } {
    const forum = this.channel(forumId);
    if (forum.type !== ChannelType.GuildForum) throw unknownChannel();
    validateMessageBody(messageBody);
    checkNotEmpty(messageBody, attachments);
    const id = this.ids.next();
    this.newThread(id, forumId, authorId, threadBody, ChannelType.PublicThread);
    const message = this.createMessage(id, authorId, messageBody, { id, attachments });
    return { thread: clone(this.thread(id)), message };
  }

  /** PATCH /channels/{id}: rename, archive, lock a thread (THREAD_UPDATE) or rename a channel. */
  updateChannel(id: string, body: Record<string, any>): StoredChannel {
    const c = this.channel(id);
    if (body.name !== undefined) {
      validateThreadName(body.name);
      c.name = body.name;
    }
    if (isThread(c)) {
      const meta = c.thread_metadata!;
      if (typeof body.archived === 'boolean' && body.archived !== meta.archived) {
        meta.archived = body.archived;
        meta.archive_timestamp = isoTime(this.now());
      }
      if (typeof body.locked === 'boolean') meta.locked = body.locked;
      if (typeof body.invitable === 'boolean' && c.type === ChannelType.PrivateThread)
        meta.invitable = body.invitable;
      if (typeof body.auto_archive_duration === 'number')
        meta.auto_archive_duration = body.auto_archive_duration;
      this.dispatch(GatewayDispatchEvents.ThreadUpdate, clone(c));
    } else {
      if (body.topic !== undefined && c.type === ChannelType.GuildText) c.topic = body.topic;
      this.dispatch(GatewayDispatchEvents.ChannelUpdate, clone(c));
    }
    this.changes.notify();
    return clone(c);
  }

  // ---- messages -------------------------------------------------------------------------------

  message(channelId: string, messageId: string): APIMessage {
    this.channel(channelId);
    const m = this.messages.get(channelId)?.find((x) => x.id === messageId);
    if (!m) throw unknownMessage();
    return m;
  }

  /**
   * A message as Discord creates it: validated, mentions parsed (and filtered by allowed_mentions),
   * thread bookkeeping (position, counts, private-thread membership of the mentioned), then
   * MESSAGE_CREATE with the author's member.
   */
  createMessage(
    channelId: string,
    authorId: string,
    body: Record<string, any>,
    opts: CreateMessageOpts = {},
  ): APIMessage {
    validateMessageBody(body);
    if (!opts.allowEmpty) checkNotEmpty(body, opts.attachments ?? []);
    const persist = opts.store !== false;
    const target = persist ? this.postTarget(channelId) : this.channel(channelId);
    const author = this.users.get(authorId);
    if (!author) throw unknownMember();
    const content = typeof body.content === 'string' ? body.content : '';
    const mentioned = this.effectiveMentions(content, body.allowed_mentions);
    const reference = body.message_reference;
    const message = makeMessage({
      id: opts.id ?? this.ids.next(),
      channelId,
      guildId: this.guildId,
      author: clone(author),
      content,
      now: this.now(),
      type: opts.type ?? (reference ? MessageType.Reply : MessageType.Default),
      body,
      attachments: opts.attachments,
      mentions: mentioned.users.map((id) => clone(this.users.get(id)!)),
      mentionRoles: mentioned.roles,
    });
    Object.assign(message, opts.extra ?? {});
    if (reference?.message_id) {
      const referenced = this.messages
        .get(reference.channel_id ?? channelId)
        ?.find((m) => m.id === reference.message_id);
      if (!referenced) throw unknownMessage();
      message.message_reference = { type: 0, channel_id: channelId, guild_id: this.guildId, ...reference };
      message.referenced_message = clone(referenced);
    }
    if (!persist) return message;
    if (body.allowed_mentions !== undefined)
      this.allowedMentions.set(message.id, clone(body.allowed_mentions));
    if (isThread(target)) {
      message.position = target.total_message_sent ?? 0;
      target.total_message_sent = (target.total_message_sent ?? 0) + 1;
      // message_count leaves out a forum post's starter message.
      if (message.id !== target.id) target.message_count = (target.message_count ?? 0) + 1;
      target.last_message_id = message.id;
    } else if ('last_message_id' in target) {
      target.last_message_id = message.id;
    }
    this.messages.get(channelId)!.push(message);
    this.dispatch(GatewayDispatchEvents.MessageCreate, this.gatewayMessage(message));
    if (isThread(target)) this.joinThreadOnMessage(target, authorId, mentioned);
    this.changes.notify();
    return clone(message);
  }

  /** Sending in a thread joins the author; in a private thread, the mentioned people are added. */
  private joinThreadOnMessage(
    thread: APIThreadChannel,
    authorId: string,
    mentioned: { users: string[]; roles: string[] },
  ): void {
    this.addThreadMember(thread.id, authorId);
    if (thread.type !== ChannelType.PrivateThread) return;
    const people = new Set(mentioned.users);
    for (const role of mentioned.roles) for (const id of this.roleMembers(role)) people.add(id);
    for (const id of people) if (this.memberRoles.has(id)) this.addThreadMember(thread.id, id);
  }

  /** Mentions that ping: parsed from content, then narrowed by allowed_mentions when present. */
  private effectiveMentions(content: string, allowed: any): { users: string[]; roles: string[] } {
    const parsed = parseMentions(content);
    const users = parsed.users.filter((id) => this.users.has(id));
    const roles = parsed.roles.filter((id) => this.roles.has(id));
    if (!allowed || typeof allowed !== 'object') return { users, roles };
    const parse: string[] = Array.isArray(allowed.parse) ? allowed.parse : [];
    const allowUser = (id: string) => parse.includes('users') || (allowed.users ?? []).includes(id);
    const allowRole = (id: string) => parse.includes('roles') || (allowed.roles ?? []).includes(id);
    return { users: users.filter(allowUser), roles: roles.filter(allowRole) };
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE data: the message plus member (and members on mentions). */
  gatewayMessage(message: APIMessage): Record<string, unknown> {
    const member = message.webhook_id ? undefined : this.partialMember(message.author.id);
    return {
      ...clone(message),
      ...(member ? { member } : {}),
      mentions: message.mentions.map((u) => ({ ...u, member: this.partialMember(u.id) })),
    };
  }

  /** PATCH /channels/{id}/messages/{mid} (and interaction edits): bot-authored messages only. */
  editMessage(
    channelId: string,
    messageId: string,
    body: Record<string, any>,
    newFiles: APIAttachment[] = [],
    as: string = this.botUser.id,
  ): APIMessage {
    const m = this.message(channelId, messageId);
    if (m.author.id !== as)
      throw new DiscordError(403, 50005, 'Cannot edit a message authored by another user');
    this.applyEdit(m, body, newFiles);
    this.dispatch(GatewayDispatchEvents.MessageUpdate, this.gatewayMessage(m));
    this.changes.notify();
    return clone(m);
  }

  /** Changes a message in place as an edit does (also used for ephemeral messages, undispatched). */
  applyEdit(m: APIMessage, body: Record<string, any>, newFiles: APIAttachment[] = []): void {
    validateMessageBody(body);
    if (typeof body.content === 'string' || body.content === null) m.content = body.content ?? '';
    if (Array.isArray(body.embeds)) m.embeds = body.embeds.map(normalizeEmbed);
    if (Array.isArray(body.components)) m.components = body.components;
    if (Array.isArray(body.attachments)) {
      // `attachments` lists what to keep; new uploads are appended.
      const keep = new Set(body.attachments.map((a: { id: unknown }) => String(a.id)));
      m.attachments = m.attachments.filter((a) => keep.has(a.id));
    }
    m.attachments = [...m.attachments, ...newFiles];
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS can be toggled by an edit; a deferred reply's LOADING flag clears on edit.
      const suppress = body.flags & MessageFlags.SuppressEmbeds;
      m.flags = ((m.flags ?? 0) & ~MessageFlags.SuppressEmbeds) | suppress;
    }
    m.flags = (m.flags ?? 0) & ~MessageFlags.Loading;
    if (body.allowed_mentions !== undefined) this.allowedMentions.set(m.id, clone(body.allowed_mentions));
    m.edited_timestamp = isoTime(this.now());
  }

  /** GET /channels/{id}/messages: newest first, like Discord, with after/before/around and limit. */
  listMessages(channelId: string, q: URLSearchParams): APIMessage[] {
    this.channel(channelId);
    const limit = Number(q.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      const errors = new FormErrors();
      errors.add(['limit'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 100.');
      errors.throwIfAny();
    }
    const all = this.messages.get(channelId) ?? [];
    const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
    let picked: APIMessage[];
    const after = q.get('after');
    const before = q.get('before');
    const around = q.get('around');
    if (after) picked = all.filter((m) => cmp(m.id, after) > 0).slice(0, limit);
    else if (before) picked = all.filter((m) => cmp(m.id, before) < 0).slice(-limit);
    else if (around) {
      const i = all.findIndex((m) => cmp(m.id, around) >= 0);
      const start = Math.max(0, (i < 0 ? all.length : i) - Math.floor(limit / 2));
      picked = all.slice(start, start + limit);
    } else picked = all.slice(-limit);
    return clone(picked).reverse();
  }

  /** A reaction: stored on the message and dispatched as MESSAGE_REACTION_ADD. */
  addReaction(channelId: string, messageId: string, userId: string, emojiName: string): void {
    const m = this.message(channelId, messageId);
    m.reactions ??= [];
    const reactions = m.reactions;
    let r = reactions.find((x) => x.emoji.name === emojiName);
    if (!r) {
      r = {
        count: 0,
        count_details: { burst: 0, normal: 0 },
        me: false,
        me_burst: false,
        emoji: { id: null, name: emojiName },
        burst_colors: [],
      };
      reactions.push(r);
    }
    r.count++;
    r.count_details.normal++;
    if (userId === this.botUser.id) r.me = true;
    this.dispatch(GatewayDispatchEvents.MessageReactionAdd, {
      user_id: userId,
      channel_id: channelId,
      message_id: messageId,
      guild_id: this.guildId,
      member: this.member(userId),
      emoji: { id: null, name: emojiName },
      message_author_id: m.author.id,
      burst: false,
      burst_colors: [],
      type: 0,
    });
    this.changes.notify();
  }
}

/** Discord refuses a message with nothing in it (50006). */
export function checkNotEmpty(body: Record<string, any>, attachments: APIAttachment[]): void {
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  if (
    !(typeof body.content === 'string' && body.content.length > 0) &&
    !has(body.embeds) &&
    !has(body.components) &&
    !has(body.sticker_ids) &&
    !body.poll &&
    attachments.length === 0
  )
    throw emptyMessage();
}
