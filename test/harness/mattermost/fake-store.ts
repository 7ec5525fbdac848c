// What the fake Mattermost knows: people, the team, channels, posts, slash commands, dialogs and
// trigger ids, and what the server does with them (app/post.go CreatePost and UpdatePost, thread
// bookkeeping, the events each change publishes). REST, WebSocket and integration sides share one Store.
import { randomBytes } from 'node:crypto';
import { Changes } from '../slack/changes.ts';
import {
  AppErr,
  asObject,
  type ChannelInput,
  checkLength,
  clone,
  generateActionIds,
  hashtags,
  invalidParam,
  type MmChannel,
  type MmCommand,
  type MmPost,
  type MmTeam,
  type MmUser,
  makeChannel,
  makePost,
  makeTeam,
  makeUser,
  mmId,
  notFound,
  permissionError,
  postList,
  str,
  type UserInput,
  type WsEvent,
  wirePost,
  wsEvent,
} from './fake-shapes.ts';

/** An ephemeral post: shown to one person, never stored in the channel. */
export interface EphemeralRecord {
  /** Who sees it. */
  userId: string;
  post: MmPost;
}

export interface DialogRecord {
  id: string;
  url: string;
  dialog: Record<string, any>;
  userId: string;
  channelId: string;
  triggerId: string;
  openedAt: number;
  /** Problems Mattermost's Dialog.IsValid would report (the server only logs them). */
  problems: string[];
  open: boolean;
  submissions: { submission: Record<string, unknown>; cancelled: boolean; status: number; body: unknown }[];
}

interface Trigger {
  userId: string;
  channelId: string;
  issuedAt: number;
  clientId: string;
}

export interface StoreOptions {
  now?: () => number;
  teamName?: string;
  teamDisplayName?: string;
  botUsername?: string;
  botToken?: string;
  botIsSystemAdmin?: boolean;
  /** Lifetime of trigger ids for dialogs/open; 3,000 ms as documented (newer servers allow more). */
  triggerTtlMs?: number;
}

export interface PostInput {
  channel_id?: unknown;
  message?: unknown;
  root_id?: unknown;
  props?: unknown;
  type?: unknown;
}

const RETAIN_PROP_KEYS = ['from_webhook', 'override_username', 'override_icon_url'];

export class Store {
  readonly now: () => number;
  readonly changes = new Changes(
    (what, ms) => `fake Mattermost: timed out after ${ms} ms waiting for ${what}`,
  );
  readonly team: MmTeam;
  readonly botUserId: string;
  readonly botToken: string;
  readonly triggerTtlMs: number;
  readonly users = new Map<string, MmUser>();
  readonly tokens = new Map<string, string>();
  readonly channels = new Map<string, MmChannel>();
  readonly members = new Map<string, Set<string>>();
  readonly posts = new Map<string, MmPost>();
  readonly ephemerals: EphemeralRecord[] = [];
  readonly commands = new Map<string, MmCommand>();
  readonly dialogs: DialogRecord[] = [];
  private readonly triggers = new Map<string, Trigger>();
  /** Set by the WebSocket hub: delivers an event to the sockets allowed to see it. */
  publish: (event: WsEvent) => void = () => {};

  constructor(opts: StoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.team = makeTeam(opts.teamName ?? 'support-team', opts.teamDisplayName ?? 'Support Team', this.now());
    const bot = this.addUser({
      username: opts.botUsername ?? 'relevo',
      firstName: 'Relevo',
      isBot: true,
      roles: opts.botIsSystemAdmin ? 'system_user system_admin' : 'system_user',
    });
    this.botUserId = bot.id;
    this.botToken = this.addToken(bot.id, opts.botToken);
  }

  // ---- people and channels ----------------------------------------------------------------------

  addUser(input: UserInput): MmUser {
    const user = makeUser(input, this.now());
    this.users.set(user.id, user);
    return clone(user);
  }

  /** A personal access (or bot) token for the user: 26 characters like Mattermost's. */
  addToken(userId: string, token = mmId()): string {
    this.tokens.set(token, userId);
    return token;
  }

  userForToken(token: string | undefined): MmUser | undefined {
    const id = token ? this.tokens.get(token) : undefined;
    return id ? this.users.get(id) : undefined;
  }

  isAdmin(userId: string): boolean {
    return this.users.get(userId)?.roles.split(' ').includes('system_admin') ?? false;
  }

  addChannel(input: ChannelInput): MmChannel {
    const channel = makeChannel(input, this.team.id, this.now());
    this.channels.set(channel.id, channel);
    this.members.set(channel.id, new Set(input.members ?? []));
    if (input.botIsMember ?? true) this.addMember(channel.id, this.botUserId);
    return clone(channel);
  }

  addMember(channelId: string, userId: string): void {
    this.members.get(channelId)?.add(userId);
  }

  removeMember(channelId: string, userId: string): void {
    this.members.get(channelId)?.delete(userId);
  }

  isMember(channelId: string, userId: string): boolean {
    return this.members.get(channelId)?.has(userId) ?? false;
  }

  /** Members read their channels; anyone on the team reads public ones. */
  canRead(channelId: string, userId: string): boolean {
    return this.isMember(channelId, userId) || this.channels.get(channelId)?.type === 'O';
  }

  user(id: string): MmUser {
    const u = this.users.get(id);
    if (!u) throw new AppErr(404, 'app.user.missing_account.const', 'Unable to find the user.');
    return u;
  }

  channel(id: string): MmChannel {
    const c = this.channels.get(id);
    if (!c)
      throw new AppErr(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
    return c;
  }

  // ---- posts ------------------------------------------------------------------------------------

  /** CreatePost as Mattermost runs it for `userId`, then the `posted` event (also for the bot's own). */
  createPost(userId: string, input: PostInput, extraProps: Record<string, unknown> = {}): MmPost {
    const channelId = str(input.channel_id);
    // Unknown channel and non-member both fail the create_post permission check: 403, not 404.
    const channel = this.channels.get(channelId);
    if (!channel || !this.isMember(channelId, userId)) throw permissionError(userId, 'create_post');
    const type = str(input.type);
    if (type.startsWith('system_')) throw invalidParam('post.type');
    const message = str(input.message);
    checkLength(message);
    const rootId = str(input.root_id);
    if (rootId) {
      const root = this.posts.get(rootId);
      if (!root || root.root_id)
        throw new AppErr(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
      if (root.channel_id !== channelId)
        throw new AppErr(
          400,
          'api.post.create_post.channel_root_id.app_error',
          'Invalid ChannelId for RootId parameter.',
        );
    }
    const t = this.now();
    const props: Record<string, any> = { ...asObject(input.props), ...extraProps };
    if (this.user(userId).is_bot) props.from_bot = 'true';
    const post = makePost(
      { user_id: userId, channel_id: channelId, root_id: rootId, message, type, props },
      t,
    );
    generateActionIds(post);
    this.posts.set(post.id, post);
    channel.last_post_at = t;
    channel.total_msg_count++;
    if (!rootId) {
      channel.last_root_post_at = t;
      channel.total_msg_count_root++;
    } else {
      this.posts.get(rootId)!.update_at = t; // saving a reply touches its root (SqlPostStore.Save)
      this.refreshThread(rootId);
    }
    this.publishPost('posted', post, userId);
    this.changes.notify();
    return post;
  }

  /** PATCH /posts/{id}/patch: the author changes message and/or props. */
  patchPost(userId: string, postId: string, patch: Record<string, unknown>): MmPost {
    const post = this.posts.get(postId);
    if (!post || (post.user_id !== userId && !this.isAdmin(userId)))
      throw permissionError(userId, 'edit_post');
    const next: Partial<MmPost> = {};
    if (typeof patch.message === 'string') next.message = patch.message;
    if (patch.props && typeof patch.props === 'object') next.props = patch.props as Record<string, any>;
    if (typeof patch.is_pinned === 'boolean') next.is_pinned = patch.is_pinned;
    return this.updatePost(post, { ...post, ...next });
  }

  /**
   * An integration's `{update}` answer to a button press (DoPostActionWithCookie + UpdatePost): the
   * message becomes `update.message` (missing means empty), props are replaced only when given and then
   * keep from_webhook/override_username/override_icon_url from the original post.
   */
  applyActionUpdate(postId: string, update: Record<string, unknown>): MmPost {
    const post = this.posts.get(postId)!;
    let props = post.props;
    if (update.props && typeof update.props === 'object') {
      props = { ...(update.props as Record<string, any>) };
      for (const key of RETAIN_PROP_KEYS) {
        if (key in post.props) props[key] = post.props[key];
        else delete props[key];
      }
    }
    return this.updatePost(post, { ...post, message: str(update.message), props });
  }

  private updatePost(post: MmPost, wanted: MmPost): MmPost {
    checkLength(wanted.message);
    const t = this.now();
    const attachmentsBefore = JSON.stringify(post.props.attachments ?? null);
    if (wanted.message !== post.message) {
      post.message = wanted.message;
      post.hashtags = hashtags(wanted.message);
      post.edit_at = t;
    }
    post.props = clone(wanted.props);
    generateActionIds(post);
    if (JSON.stringify(post.props.attachments ?? null) !== attachmentsBefore) post.edit_at = t;
    post.is_pinned = wanted.is_pinned;
    post.update_at = t;
    this.publishPost('post_edited', post);
    this.changes.notify();
    return post;
  }

  addEphemeral(recipientId: string, senderId: string, input: PostInput): MmPost {
    const post = makePost(
      {
        user_id: senderId,
        channel_id: str(input.channel_id),
        root_id: str(input.root_id),
        message: str(input.message),
        type: 'system_ephemeral',
        props: asObject(input.props),
      },
      this.now(),
    );
    generateActionIds(post);
    this.ephemerals.push({ userId: recipientId, post });
    const event = wsEvent(
      'ephemeral_message',
      { post: JSON.stringify(wirePost(post)) },
      { user_id: recipientId },
    );
    this.publish(event);
    this.changes.notify();
    return post;
  }

  addReaction(userId: string, postId: string, emojiName: string): Record<string, unknown> {
    const post = this.posts.get(postId);
    if (!post) throw notFound('app.post.get.app_error', 'Unable to get the post.');
    if (!this.canRead(post.channel_id, userId)) throw permissionError(userId, 'add_reaction');
    const t = this.now();
    const reaction = {
      user_id: userId,
      post_id: postId,
      emoji_name: emojiName,
      create_at: t,
      update_at: t,
      delete_at: 0,
      remote_id: '',
      channel_id: post.channel_id,
    };
    post.has_reactions = true;
    post.metadata.reactions = [...(post.metadata.reactions ?? []), reaction];
    this.publish(
      wsEvent('reaction_added', { reaction: JSON.stringify(reaction) }, { channel_id: post.channel_id }),
    );
    this.changes.notify();
    return reaction;
  }

  post(id: string, userId: string): MmPost {
    const post = this.posts.get(id);
    if (!post) throw notFound('app.post.get.app_error', 'Unable to get the post.');
    if (!this.canRead(post.channel_id, userId)) throw permissionError(userId, 'read_channel');
    return post;
  }

  /** Posts of a channel created or changed after `since` (UpdateAt > since, not >=), newest first. */
  postsSince(channelId: string, since: number) {
    const changed = this.channelPosts(channelId)
      .filter((p) => p.update_at > since)
      .slice(0, 1000);
    // Roots of changed replies come along in `posts` (not in `order`) so a thread can be shown.
    return postList(changed, this.rootsOf(changed));
  }

  postsPage(channelId: string, page: number, perPage: number) {
    const slice = this.channelPosts(channelId).slice(page * perPage, (page + 1) * perPage);
    return postList(slice, this.rootsOf(slice));
  }

  thread(postId: string) {
    const post = this.posts.get(postId)!;
    const rootId = post.root_id || post.id;
    const all = this.channelPosts(post.channel_id).filter((p) => p.id === rootId || p.root_id === rootId);
    return { ...postList(all), has_next: false };
  }

  /** A channel's posts, newest first (ties in creation order reversed, as a store sort would). */
  channelPosts(channelId: string): MmPost[] {
    return [...this.posts.values()].filter((p) => p.channel_id === channelId).reverse();
  }

  private rootsOf(posts: MmPost[]): MmPost[] {
    return posts.flatMap((p) => (p.root_id && this.posts.has(p.root_id) ? [this.posts.get(p.root_id)!] : []));
  }

  private refreshThread(rootId: string): void {
    const thread = [...this.posts.values()].filter((p) => p.id === rootId || p.root_id === rootId);
    const replies = thread.filter((p) => p.root_id === rootId);
    const last = replies.reduce((m, p) => Math.max(m, p.create_at), 0);
    for (const p of thread) {
      p.reply_count = replies.length;
      p.last_reply_at = last;
    }
  }

  private publishPost(event: 'posted' | 'post_edited', post: MmPost, senderId?: string): void {
    const channel = this.channels.get(post.channel_id)!;
    const data: Record<string, unknown> = { post: JSON.stringify(wirePost(post)) };
    if (event === 'posted') {
      const sender = this.user(senderId ?? post.user_id);
      Object.assign(data, {
        channel_display_name: channel.display_name,
        channel_name: channel.name,
        channel_type: channel.type,
        sender_name: `@${sender.username}`,
        set_online: true,
        team_id: this.team.id,
      });
      const mentioned = this.mentionedMembers(post);
      if (mentioned.length) data.mentions = JSON.stringify(mentioned);
    }
    this.publish(wsEvent(event, data, { channel_id: post.channel_id }));
  }

  private mentionedMembers(post: MmPost): string[] {
    const names = new Set([...post.message.matchAll(/\B@([a-z0-9.\-_]+)/gi)].map((m) => m[1]!.toLowerCase()));
    return [...this.users.values()]
      .filter((u) => names.has(u.username) && u.id !== post.user_id && this.isMember(post.channel_id, u.id))
      .map((u) => u.id);
  }

  // ---- trigger ids ------------------------------------------------------------------------------

  /** A trigger id as sent with a slash command or a button press: base64 of `client:user:millis:signature`. */
  issueTrigger(userId: string, channelId: string): string {
    const clientId = mmId();
    const issuedAt = this.now();
    const sig = randomBytes(70).toString('base64');
    const id = Buffer.from(`${clientId}:${userId}:${issuedAt}:${sig}`).toString('base64');
    this.triggers.set(id, { userId, channelId, issuedAt, clientId });
    return id;
  }

  /** The short id Mattermost hands the clicking client (its `trigger_id` answer). */
  clientTriggerId(id: string): string {
    return this.triggers.get(id)?.clientId ?? '';
  }

  /** DecodeAndVerifyTriggerId: like Mattermost, a trigger may be used more than once until it expires. */
  checkTrigger(id: string): Trigger {
    const t = this.triggers.get(id);
    const parts = Buffer.from(id, 'base64').toString('utf8').split(':');
    if (!t && parts.length !== 4)
      throw new AppErr(
        400,
        'interactive_message.decode_trigger_id.missing_data',
        'Trigger ID missing required data.',
      );
    if (!t)
      throw new AppErr(
        400,
        'interactive_message.decode_trigger_id.verify_signature_failed',
        'Signature verification failed for interactive dialog trigger ID.',
      );
    if (this.now() - t.issuedAt > this.triggerTtlMs)
      throw new AppErr(
        400,
        'interactive_message.decode_trigger_id.expired',
        `Trigger ID for interactive dialog is expired. Trigger IDs live for a maximum of ${this.triggerTtlMs / 1000}s.`,
      );
    return t;
  }
}
