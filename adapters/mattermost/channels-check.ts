// Which of relevo.yaml's Mattermost channels the bot can read and post in: a channel it is not a member of
// sends it no posts and refuses its messages. Run at start (logged) and by `relevo mattermost check`.

import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import type { ChannelSettings } from '../../src/core/config.ts';
import { type Client4, request } from './client.ts';
import { PLATFORM } from './translate.ts';

export interface ChannelCheck {
  id: string;
  kind: string;
  name?: string;
  ok: boolean;
  /** What is wrong and what to do, when not ok. */
  problem?: string;
}

export async function checkChannels(client: Client4, channels: ChannelSettings[]): Promise<ChannelCheck[]> {
  const out: ChannelCheck[] = [];
  for (const c of channels.filter((x) => x.platform === PLATFORM)) {
    let name: string | undefined;
    try {
      const channel = await request<{ name: string; display_name?: string; delete_at?: number }>(
        client,
        'get',
        `/channels/${encodeURIComponent(c.id)}`,
      );
      name = channel.name;
      if (channel.delete_at) {
        out.push({
          id: c.id,
          kind: c.kind,
          name,
          ok: false,
          problem: 'the channel is archived: restore it or name another one in relevo.yaml',
        });
        continue;
      }
      await request(client, 'get', `/channels/${encodeURIComponent(c.id)}/members/me`);
      out.push({ id: c.id, kind: c.kind, name, ok: true });
    } catch (err) {
      const code = err instanceof DeliveryFailure ? err.code : 'unexpected';
      const problem =
        code === 'channel_unavailable' || code === 'forbidden'
          ? name
            ? `the bot is not a member: add it (in ~${name}: /invite @<bot name>)`
            : 'no such channel, or the bot cannot see it: check the id in relevo.yaml (channel → View Info) and add the bot to it'
          : (err as Error).message;
      out.push({ id: c.id, kind: c.kind, name, ok: false, problem });
    }
  }
  return out;
}
