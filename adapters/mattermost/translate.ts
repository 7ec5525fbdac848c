// Mattermost's WebSocket events and posts in the core's words: people's posts in a channel become message
// events, a 🎫 (:ticket:) reaction a reaction event. Nothing here decides what they mean for tickets
// (core/chat/router.ts does).
import type { ChatEvent } from '../../src/core/chat/events.ts';
import { fileLine } from '../../src/core/tickets/required-info.ts';

/** The parts of a Mattermost Post that Relevo reads (REST v4 Post). */
export interface MattermostPostData {
  id: string;
  channel_id: string;
  user_id: string;
  root_id?: string;
  message?: string;
  type?: string;
  create_at?: number;
  props?: Record<string, unknown>;
  /** The files attached to the post (REST v4 PostMetadata.files: FileInfo). */
  metadata?: { files?: { id?: string; name?: string }[] };
}

/** A WebSocket event as Mattermost sends it (`posted`'s data.post is a JSON-encoded string). */
export interface MattermostSocketEvent {
  event: string;
  data?: Record<string, unknown>;
  broadcast?: { channel_id?: string; user_id?: string; team_id?: string };
  seq?: number;
}

export const PLATFORM = 'mattermost';

/** The post inside a `posted` event, or undefined when it is not one or cannot be read. */
export function postOf(e: MattermostSocketEvent): MattermostPostData | undefined {
  if (e.event !== 'posted' || typeof e.data?.post !== 'string') return undefined;
  try {
    const post = JSON.parse(e.data.post) as MattermostPostData;
    return post && typeof post.id === 'string' && typeof post.channel_id === 'string' ? post : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A post → the message event Relevo keeps; undefined for what carries no person's words: system posts
 * (joins, header changes: a non-empty `type`), Relevo's own posts, other bots' and webhooks' posts.
 */
export function messageEvent(
  post: MattermostPostData,
  botUserId: string | undefined,
  /** The server's address: a file's link is `<server>/api/v4/files/<id>` (agents open it signed in). */
  server = '',
): ChatEvent | undefined {
  if (post.type || !post.user_id || post.user_id === botUserId) return undefined;
  if (post.props?.from_bot === 'true' || post.props?.from_webhook === 'true') return undefined;
  return {
    kind: 'message',
    platform: PLATFORM,
    channel: post.channel_id,
    thread: post.root_id || post.id,
    messageId: post.id,
    inThread: Boolean(post.root_id),
    person: { platformId: post.user_id },
    text: [post.message ?? '', ...filesOf(post, server)].filter(Boolean).join('\n'),
  };
}

/** The post's files, one line each as the core reads them. */
function filesOf(post: MattermostPostData, server: string): string[] {
  return (post.metadata?.files ?? [])
    .filter((f) => f.id)
    .map((f) => fileLine(f.name || 'file', `${server.replace(/\/+$/, '')}/api/v4/files/${f.id}`));
}

/** A `reaction_added` event with the :ticket: emoji → the reaction event; undefined otherwise. */
export function reactionEvent(e: MattermostSocketEvent): { key: string; event: ChatEvent } | undefined {
  if (e.event !== 'reaction_added' || typeof e.data?.reaction !== 'string') return undefined;
  let r: { user_id?: string; post_id?: string; emoji_name?: string };
  try {
    r = JSON.parse(e.data.reaction);
  } catch {
    return undefined;
  }
  const channel = e.broadcast?.channel_id;
  if (r.emoji_name !== 'ticket' || !r.user_id || !r.post_id || !channel) return undefined;
  return {
    key: `${PLATFORM}:reaction:${r.post_id}:${r.user_id}:ticket`,
    event: {
      kind: 'reaction',
      platform: PLATFORM,
      channel,
      messageId: r.post_id,
      person: { platformId: r.user_id },
      reaction: 'ticket',
    },
  };
}

/** A Mattermost permalink (https://chat.example.com/<team>/pl/<post id>) → the post's id. */
export function permalinkPostId(link: string): string | undefined {
  return /\/pl\/([a-z0-9]{26})\b/.exec(link)?.[1];
}
