// A Discord user's name (GET /users/{id}): their display name, else their username. Discord never shows a
// bot people's email addresses, so agents are known by their user id (`identities: { discord: … }`).
import { type APIUser, type REST, Routes } from 'discord.js';
import type { Profile } from '../../src/core/chat/people.ts';

export function discordProfiles(rest: REST) {
  return async (userId: string): Promise<Profile> => {
    const u = (await rest.get(Routes.user(userId))) as APIUser;
    return { name: u.global_name || u.username || userId };
  };
}
