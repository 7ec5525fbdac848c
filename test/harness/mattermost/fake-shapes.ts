// Mattermost's JSON shapes as the server puts them on the wire (server/public/model in
// mattermost/mattermost: User, Team, Channel, ChannelMember, Post, PostList, Command, AppError,
// WebSocketEvent), plus the small helpers every part of the fake shares.
import { randomBytes } from 'node:crypto';

// model.NewId: 16 random bytes in base32 with this alphabet, 26 characters.
const ID_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
export function mmId(): string {
  let s = '';
  for (const b of randomBytes(26)) s += ID_ALPHABET[b % 32];
  return s;
}

export const SERVER_VERSION = '10.11.0';
/** Hello's server_version and the X-Version-Id header: version.build.confighash.licensed */
export const VERSION_STRING = `${SERVER_VERSION}.0.fakehash.false`;
/** Mattermost counts a post's length in runes (code points), at most 16,383. */
export const MAX_POST_RUNES = 16383;

export const clone = <T>(v: T): T => structuredClone(v);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const asObject = (v: unknown): Record<string, any> =>
  v && typeof v === 'object' && !Array.isArray(v) ? clone(v as Record<string, any>) : {};
const stamps = (t: number) => ({ create_at: t, update_at: t, delete_at: 0 });

/** A Mattermost AppError, answered as `{ id, message, detailed_error, request_id, status_code }`. */
export class AppErr extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly detailed = '',
  ) {
    super(message);
  }

  json(): Record<string, unknown> {
    return {
      id: this.id,
      message: this.message,
      detailed_error: this.detailed,
      request_id: mmId(),
      status_code: this.status,
    };
  }
}

export const permissionError = (userId: string, permission: string) =>
  new AppErr(
    403,
    'api.context.permissions.app_error',
    'You do not have the appropriate permissions.',
    `userId=${userId}, permission=${permission}`,
  );
export const invalidParam = (name: string) =>
  new AppErr(400, 'api.context.invalid_param.app_error', `Invalid ${name} parameter.`);
export const notFound = (id: string, message: string) => new AppErr(404, id, message);

export interface UserInput {
  id?: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
  locale?: string;
  isBot?: boolean;
  /** Default `system_user`; add `system_admin` for an admin. */
  roles?: string;
}

export function makeUser(input: UserInput, t: number) {
  return {
    id: input.id ?? mmId(),
    ...stamps(t),
    username: input.username,
    auth_data: '',
    auth_service: '',
    email: input.email ?? `${input.username}@example.com`,
    nickname: input.nickname ?? '',
    first_name: input.firstName ?? '',
    last_name: input.lastName ?? '',
    position: '',
    roles: input.roles ?? 'system_user',
    props: {} as Record<string, string>,
    notify_props: { channel: 'true', desktop: 'mention', email: 'true', mention_keys: '', push: 'mention' },
    last_password_update: t,
    locale: input.locale ?? 'en',
    timezone: { automaticTimezone: '', manualTimezone: '', useAutomaticTimezone: 'true' },
    is_bot: input.isBot ?? false,
    ...(input.isBot ? { bot_description: '' } : {}),
    disable_welcome_email: false,
  };
}
export type MmUser = ReturnType<typeof makeUser>;

export function makeTeam(name: string, displayName: string, t: number) {
  return {
    id: mmId(),
    ...stamps(t),
    display_name: displayName,
    name,
    description: '',
    email: 'admin@example.com',
    type: 'O' as const,
    company_name: '',
    allowed_domains: '',
    invite_id: mmId(),
    allow_open_invite: false,
    scheme_id: null,
    group_constrained: null,
    policy_id: null,
  };
}
export type MmTeam = ReturnType<typeof makeTeam>;

export interface ChannelInput {
  id?: string;
  name: string;
  displayName?: string;
  type?: 'O' | 'P';
  /** Default true. */
  botIsMember?: boolean;
  members?: string[];
}

export function makeChannel(input: ChannelInput, teamId: string, t: number) {
  return {
    id: input.id ?? mmId(),
    ...stamps(t),
    team_id: teamId,
    type: input.type ?? ('O' as 'O' | 'P'),
    display_name: input.displayName ?? input.name,
    name: input.name,
    header: '',
    purpose: '',
    last_post_at: 0,
    total_msg_count: 0,
    extra_update_at: 0,
    creator_id: '',
    scheme_id: null,
    props: null,
    group_constrained: null,
    shared: null,
    total_msg_count_root: 0,
    policy_id: null,
    last_root_post_at: 0,
  };
}
export type MmChannel = ReturnType<typeof makeChannel>;

export function channelMember(channelId: string, userId: string, t: number) {
  return {
    channel_id: channelId,
    user_id: userId,
    roles: 'channel_user',
    last_viewed_at: t,
    msg_count: 0,
    mention_count: 0,
    mention_count_root: 0,
    urgent_mention_count: 0,
    msg_count_root: 0,
    notify_props: { desktop: 'default', email: 'default', mark_unread: 'all', push: 'default' },
    last_update_at: t,
    scheme_guest: false,
    scheme_user: true,
    scheme_admin: false,
    explicit_roles: '',
  };
}

/** model.Post in its JSON field order. */
type PostFields = { user_id: string; channel_id: string; root_id: string; message: string; type: string };
export function makePost(p: PostFields & { props: Record<string, any> }, t: number) {
  return {
    id: mmId(),
    ...stamps(t),
    edit_at: 0,
    is_pinned: false,
    user_id: p.user_id,
    channel_id: p.channel_id,
    root_id: p.root_id,
    original_id: '',
    message: p.message,
    type: p.type,
    props: p.props,
    hashtags: hashtags(p.message),
    pending_post_id: '',
    has_reactions: undefined as boolean | undefined,
    reply_count: 0,
    last_reply_at: 0,
    participants: null,
    metadata: {} as Record<string, any>,
  };
}
export type MmPost = ReturnType<typeof makePost>;

export function hashtags(message: string): string {
  return [...message.matchAll(/(?:^|\s)(#[A-Za-z][\w-]{2,})/g)].map((m) => m[1]).join(' ');
}

export function checkLength(message: string): void {
  if ([...message].length > MAX_POST_RUNES)
    throw new AppErr(400, 'model.post.is_valid.msg.app_error', 'Invalid message.');
}

export function actionsOf(post: { props: Record<string, any> } | undefined): any[] {
  const attachments = Array.isArray(post?.props.attachments) ? post.props.attachments : [];
  return attachments.flatMap((a: any) => (Array.isArray(a?.actions) ? a.actions : [])).filter(Boolean);
}

/** Post.GenerateActionIds: actions without an id get one (26 alphanumerics). */
export function generateActionIds(post: { props: Record<string, any> }): void {
  for (const action of actionsOf(post)) if (typeof action === 'object' && !action.id) action.id = mmId();
}

/** A post as every client sees it: Post.ToJSON strips the actions' `integration` (URL and context). */
export function wirePost(post: MmPost): MmPost {
  const p = clone(post);
  for (const action of actionsOf(p)) if (typeof action === 'object') delete action.integration;
  return p;
}

/** model.PostList; `order` newest first, `posts` may hold more (a reply's root). */
export function postList(newestFirst: MmPost[], extra: MmPost[] = []) {
  const posts = Object.fromEntries([...extra, ...newestFirst].map((p) => [p.id, wirePost(p)]));
  return {
    order: newestFirst.map((p) => p.id),
    posts,
    next_post_id: '',
    prev_post_id: '',
    first_inaccessible_post_time: 0,
  };
}

/** model.Command from a POST/PUT /commands body (the token and creator stay on update). */
type Kept = { id: string; token: string; create_at: number; creator_id: string; team_id: string };
export function makeCommand(body: Record<string, any>, creatorId: string, old: Kept | undefined, t: number) {
  return {
    id: old?.id ?? mmId(),
    token: old?.token ?? mmId(),
    create_at: old?.create_at ?? t,
    update_at: t,
    delete_at: 0,
    creator_id: old?.creator_id ?? creatorId,
    team_id: old?.team_id ?? str(body.team_id),
    trigger: str(body.trigger).toLowerCase(),
    method: str(body.method),
    username: str(body.username),
    icon_url: str(body.icon_url),
    auto_complete: body.auto_complete === true,
    auto_complete_desc: str(body.auto_complete_desc),
    auto_complete_hint: str(body.auto_complete_hint),
    display_name: str(body.display_name),
    description: str(body.description),
    url: str(body.url),
    plugin_id: '',
  };
}
export type MmCommand = ReturnType<typeof makeCommand>;

export interface WsEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: {
    omit_users: Record<string, boolean> | null;
    user_id: string;
    channel_id: string;
    team_id: string;
    connection_id: string;
    omit_connection_id: string;
  };
}

export function wsEvent(
  event: string,
  data: Record<string, unknown>,
  to: Partial<WsEvent['broadcast']>,
): WsEvent {
  const broadcast = {
    omit_users: null,
    user_id: '',
    channel_id: '',
    team_id: '',
    connection_id: '',
    omit_connection_id: '',
  };
  return { event, data: sortKeys(data), broadcast: { ...broadcast, ...to } };
}

/** Go marshals map[string]any with sorted keys; event data is such a map. */
export function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
