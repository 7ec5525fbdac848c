// A Mattermost user's name and email (GET /users/{id}), for the router to tell agents known by email from
// customers. Mattermost shows the bot people's emails when the bot may see them (a system admin bot, or
// "Show Email Address" on in the System Console); without it agents are known by their Mattermost id.
import type { Profile } from '../../src/core/chat/people.ts';
import { type Client4, request } from './client.ts';

interface User {
  username: string;
  first_name?: string;
  last_name?: string;
  nickname?: string;
  email?: string;
}

export function mattermostProfiles(client: Client4) {
  return async (userId: string): Promise<Profile> => {
    const u = await request<User>(client, 'get', `/users/${encodeURIComponent(userId)}`, undefined, 10_000);
    const full = [u.first_name, u.last_name].filter(Boolean).join(' ');
    return { name: full || u.nickname || u.username || userId, email: u.email || undefined };
  };
}
