// The bot-token REST routes of the fake Discord: gateway info, users, the guild, channels, messages,
// threads and their members, reactions and application commands. Each answers what Discord's API v10
// answers (shapes and error codes) and leaves the state change to the Store, which dispatches it.
import { type APIApplicationCommand, ChannelType } from 'discord-api-types/v10';
import type { Attachments } from './fake-attachments.ts';
import { type Answer, type Route, route } from './fake-rest.ts';
import { clone, DiscordError, isThread, unknownUser } from './fake-shapes.ts';
import type { Store } from './fake-store.ts';
import { validateCommands } from './fake-validation.ts';

const ok = (body: unknown): Answer => [200, clone(body)];

export function botRoutes(store: Store, attachments: Attachments, gatewayUrl: () => string): Route[] {
  const bot = store.botUser.id;
  const guild = (id: string) => {
    if (id !== store.guildId) throw new DiscordError(404, 10004, 'Unknown Guild');
  };
  const app = (id: string) => {
    if (id !== store.applicationId) throw new DiscordError(404, 10002, 'Unknown Application');
  };

  return [
    route('GET', '/gateway/bot', () =>
      ok({
        url: gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      }),
    ),
    route('GET', '/gateway', () => ok({ url: gatewayUrl() })),
    route('GET', '/users/@me', () => ok(store.botUser)),
    route('GET', '/users/{id}', ({ params: [id] }) => {
      const u = store.users.get(id!);
      if (!u) throw unknownUser();
      return ok(u);
    }),
    route('GET', '/applications/@me', () =>
      ok({ id: store.applicationId, name: store.botUser.username, bot: store.botUser, flags: 0 }),
    ),

    route('GET', '/guilds/{g}', ({ params: [g] }) => {
      guild(g!);
      const {
        channels: _c,
        threads: _t,
        members: _m,
        presences: _p,
        voice_states: _v,
        ...rest
      } = store.guildCreate();
      return ok(rest);
    }),
    route('GET', '/guilds/{g}/members/{u}', ({ params: [g, u] }) => {
      guild(g!);
      return ok(store.member(u!));
    }),
    route('GET', '/guilds/{g}/roles', ({ params: [g] }) => {
      guild(g!);
      return ok([...store.roles.values()]);
    }),
    route('GET', '/guilds/{g}/channels', ({ params: [g] }) => {
      guild(g!);
      return ok([...store.channels.values()].filter((c) => !isThread(c)));
    }),
    route('GET', '/guilds/{g}/threads/active', ({ params: [g] }) => {
      guild(g!);
      const threads = [...store.channels.values()].filter((c) => isThread(c) && !c.thread_metadata?.archived);
      const members = threads.flatMap((t) => {
        const at = store.threadMembers.get(t.id)?.get(bot);
        return at === undefined ? [] : [store.threadMember(t.id, bot, at)];
      });
      return ok({ threads, members });
    }),

    route('GET', '/channels/{id}', ({ params: [id] }) => ok(store.channel(id!))),
    route('PATCH', '/channels/{id}', ({ params: [id], body }) => [200, store.updateChannel(id!, body)]),

    route('GET', '/channels/{id}/messages', ({ params: [id], query }) => [
      200,
      store.listMessages(id!, query),
    ]),
    route('POST', '/users/@me/channels', ({ body }) => ok(store.openDm(String(body.recipient_id)))),
    route('POST', '/channels/{id}/messages', ({ params: [id], body, files }) => {
      const channelId = id!;
      if (store.dms.has(channelId)) return [200, store.directMessage(channelId, body)];
      store.channel(channelId);
      const saved = attachments.save(channelId, files, body.attachments);
      return [200, store.createMessage(channelId, bot, body, { attachments: saved })];
    }),
    route('GET', '/channels/{id}/messages/{mid}', ({ params: [id, mid] }) => ok(store.message(id!, mid!))),
    route('PATCH', '/channels/{id}/messages/{mid}', ({ params: [id, mid], body, files }) => {
      store.message(id!, mid!);
      const saved = attachments.save(id!, files, body.attachments);
      return [200, store.editMessage(id!, mid!, body, saved)];
    }),
    route('PUT', '/channels/{id}/messages/{mid}/reactions/{emoji}/@me', ({ params: [id, mid, emoji] }) => {
      store.addReaction(id!, mid!, bot, emoji!);
      return [204];
    }),
    route('POST', '/channels/{id}/messages/{mid}/threads', ({ params: [id, mid], body }) => [
      201,
      clone(store.threadFromMessage(id!, mid!, body)),
    ]),
    route('POST', '/channels/{id}/threads', ({ params: [id], body, files }) => {
      const channel = store.channel(id!);
      if (channel.type === ChannelType.GuildForum) {
        const message = body.message ?? {};
        const saved = attachments.save(id!, files, message.attachments);
        const post = store.forumPost(id!, bot, body, message, saved);
        return [201, { ...post.thread, message: post.message }];
      }
      return [201, store.createThread(id!, bot, body)];
    }),
    route('GET', '/channels/{id}/thread-members', ({ params: [id] }) => {
      store.thread(id!);
      const members = [...(store.threadMembers.get(id!) ?? new Map<string, number>())];
      return ok(members.map(([user, at]) => store.threadMember(id!, user, at)));
    }),
    route('GET', '/channels/{id}/thread-members/{u}', ({ params: [id, u] }) => {
      store.thread(id!);
      const at = store.threadMembers.get(id!)?.get(u!);
      if (at === undefined) throw new DiscordError(404, 10007, 'Unknown Member');
      return ok(store.threadMember(id!, u!, at));
    }),
    route('PUT', '/channels/{id}/thread-members/{u}', ({ params: [id, u] }) => {
      const thread = store.thread(id!);
      if (thread.thread_metadata?.archived) throw new DiscordError(400, 50083, 'Thread is archived');
      store.addThreadMember(id!, u!);
      return [204];
    }),
    route('DELETE', '/channels/{id}/messages/{mid}', ({ params: [id, mid] }) => {
      store.deleteMessage(id!, mid!);
      return [204];
    }),

    route('GET', '/applications/{app}/commands', ({ params: [a] }) => {
      app(a!);
      return ok(store.commands.get('') ?? []);
    }),
    route('PUT', '/applications/{app}/commands', ({ params: [a], body }) => {
      app(a!);
      return ok(overwriteCommands(store, '', body));
    }),
    route('GET', '/applications/{app}/guilds/{g}/commands', ({ params: [a, g] }) => {
      app(a!);
      guild(g!);
      return ok(store.commands.get(g!) ?? []);
    }),
    route('PUT', '/applications/{app}/guilds/{g}/commands', ({ params: [a, g], body }) => {
      app(a!);
      guild(g!);
      return ok(overwriteCommands(store, g!, body));
    }),
  ];
}

/** Bulk overwrite: commands keep their id across overwrites when the name stays (as Discord does). */
function overwriteCommands(store: Store, scope: string, body: unknown): APIApplicationCommand[] {
  validateCommands(body);
  const before = store.commands.get(scope) ?? [];
  const commands = (body as Record<string, any>[]).map((c) => {
    const previous = before.find((p) => p.name === c.name && p.type === (c.type ?? 1));
    return {
      id: previous?.id ?? store.ids.next(),
      application_id: store.applicationId,
      ...(scope ? { guild_id: scope } : {}),
      type: 1,
      description: '',
      options: [],
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      // Every overwrite bumps a command's version.
      version: store.ids.next(),
      ...clone(c),
    } as unknown as APIApplicationCommand;
  });
  store.commands.set(scope, commands);
  store.changes.notify();
  return commands;
}
