// Discord API v10 objects as the fake Discord builds them: snowflakes, users, roles, members, guild
// channels, threads and messages, with the fields Discord really sends (discord.js reads several of
// them, e.g. thread_metadata and member.joined_at, and breaks on their absence).
import {
  type APIAttachment,
  type APIEmbed,
  type APIGuildForumChannel,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  ChannelType,
  EmbedType,
  ForumLayoutType,
  type GuildMemberFlags,
  MessageType,
  type RoleFlags,
  type ThreadAutoArchiveDuration,
  type UserFlags,
} from 'discord-api-types/v10';

/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it. */
const DISCORD_EPOCH = 1420070400000;

/**
 * Increasing snowflakes from the clock like Discord's: time in the top bits and a counter in the low
 * 12, so ids sort by creation (Relevo pages messages with `after=` and compares ids).
 */
export class Snowflakes {
  private lastMs = 0;
  private counter = 0;

  next(now = Date.now()): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = 0;
    } else if (++this.counter > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      this.lastMs++;
      this.counter = 0;
    }
    return ((BigInt(this.lastMs - DISCORD_EPOCH) << 22n) | BigInt(this.counter)).toString();
  }
}

/** The creation time Discord encodes in a snowflake. */
export const snowflakeTime = (id: string): number => Number(BigInt(id) >> 22n) + DISCORD_EPOCH;

/** An error answer as Discord sends it: `{message, code}`, plus `errors` for 50035 Invalid Form Body. */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  json(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const unknownChannel = () => new DiscordError(404, 10003, 'Unknown Channel');
export const unknownMessage = () => new DiscordError(404, 10008, 'Unknown Message');
export const unknownMember = () => new DiscordError(404, 10007, 'Unknown Member');
export const unknownUser = () => new DiscordError(404, 10013, 'Unknown User');
export const unknownRole = () => new DiscordError(404, 10011, 'Unknown Role');
export const unknownWebhook = () => new DiscordError(404, 10015, 'Unknown Webhook');
export const unknownInteraction = () => new DiscordError(404, 10062, 'Unknown interaction');
export const emptyMessage = () => new DiscordError(400, 50006, 'Cannot send an empty message');
export const notFound = () => new DiscordError(404, 0, '404: Not Found');
export const unauthorized = () => new DiscordError(401, 0, '401: Unauthorized');

export const clone = <T>(v: T): T => structuredClone(v);

export const isoTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

export interface UserInput {
  id?: string;
  username: string;
  globalName?: string;
  roles?: string[];
}

export function makeUser(id: string, username: string, globalName: string | null, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: globalName,
    avatar: null,
    ...(bot ? { bot: true } : {}),
    banner: null,
    accent_color: null,
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    avatar_decoration_data: null,
  };
}

export function makeRole(id: string, name: string, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    // @everyone (position 0) carries the guild's default permissions; other roles add none here.
    permissions: position === 0 ? '2248473465835073' : '0',
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

/** A guild member as GUILD_CREATE and GET /guilds/{g}/members/{u} give it (with `user`). */
export function makeMember(user: APIUser, roles: string[], joinedAt: number): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: isoTime(joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export type GuildChannel = APITextChannel | APIGuildForumChannel;
export type StoredChannel = GuildChannel | APIThreadChannel;

export interface ChannelInput {
  id?: string;
  name: string;
  type: 'text' | 'forum';
}

export function makeGuildChannel(
  id: string,
  guildId: string,
  input: ChannelInput,
  position: number,
): GuildChannel {
  const base = {
    id,
    guild_id: guildId,
    name: input.name,
    position,
    parent_id: null,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    flags: 0,
  };
  if (input.type === 'text') {
    return {
      ...base,
      type: ChannelType.GuildText,
      last_message_id: null,
      default_auto_archive_duration: 4320,
    };
  }
  return {
    ...base,
    type: ChannelType.GuildForum,
    last_message_id: null,
    available_tags: [],
    default_reaction_emoji: null,
    default_sort_order: null,
    default_forum_layout: ForumLayoutType.NotSet,
    default_thread_rate_limit_per_user: 0,
  } as APIGuildForumChannel;
}

export interface ThreadInput {
  id: string;
  guildId: string;
  parentId: string;
  ownerId: string;
  name: string;
  type: ChannelType.PublicThread | ChannelType.PrivateThread;
  autoArchiveDuration?: number;
  invitable?: boolean;
  now: number;
}

export function makeThread(t: ThreadInput): APIThreadChannel {
  return {
    id: t.id,
    type: t.type,
    guild_id: t.guildId,
    parent_id: t.parentId,
    owner_id: t.ownerId,
    name: t.name,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    message_count: 0,
    member_count: 0,
    total_message_sent: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: (t.autoArchiveDuration ?? 4320) as ThreadAutoArchiveDuration,
      archive_timestamp: isoTime(t.now),
      locked: false,
      create_timestamp: isoTime(t.now),
      ...(t.type === ChannelType.PrivateThread ? { invitable: t.invitable ?? true } : {}),
    },
    applied_tags: [],
  } as unknown as APIThreadChannel;
}

export const isThread = (c: StoredChannel): c is APIThreadChannel =>
  c.type === ChannelType.PublicThread || c.type === ChannelType.PrivateThread;

export interface MessageFields {
  id: string;
  channelId: string;
  guildId: string;
  author: APIUser;
  content: string;
  now: number;
  type?: MessageType;
  body?: Record<string, any>;
  attachments?: APIAttachment[];
  mentions?: APIUser[];
  mentionRoles?: string[];
}

/** A stored message; the REST answer and the gateway's MESSAGE_CREATE both derive from it. */
export function makeMessage(m: MessageFields): APIMessage {
  const body = m.body ?? {};
  return {
    id: m.id,
    channel_id: m.channelId,
    guild_id: m.guildId,
    author: m.author,
    content: m.content,
    timestamp: isoTime(m.now),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: m.mentions ?? [],
    mention_roles: m.mentionRoles ?? [],
    attachments: m.attachments ?? [],
    embeds: Array.isArray(body.embeds) ? body.embeds.map(normalizeEmbed) : [],
    components: Array.isArray(body.components) ? body.components : [],
    pinned: false,
    type: m.type ?? MessageType.Default,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
    ...(body.message_reference ? { message_reference: body.message_reference } : {}),
  } as APIMessage;
}

/** Discord stores embeds sent by bots as type "rich". */
export const normalizeEmbed = (e: object): APIEmbed => ({ type: EmbedType.Rich, ...e });

/** `<@id>` / `<@!id>` user mentions and `<@&id>` role mentions in message content. */
export function parseMentions(content: string): { users: string[]; roles: string[] } {
  const users = [...content.matchAll(/<@!?(\d{1,20})>/g)].map((m) => m[1]!);
  const roles = [...content.matchAll(/<@&(\d{1,20})>/g)].map((m) => m[1]!);
  return { users: [...new Set(users)], roles: [...new Set(roles)] };
}
