// A Slack user's name and email (users.info; the email needs users:read.email), for the router to tell
// agents known by email from customers.
import type { WebClient } from '@slack/web-api';
import type { Profile } from '../../src/core/chat/people.ts';

export function slackProfiles(client: WebClient) {
  return async (user: string): Promise<Profile> => {
    const u = (await client.users.info({ user })).user;
    return {
      name: u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name || user,
      email: u?.profile?.email || undefined,
    };
  };
}
