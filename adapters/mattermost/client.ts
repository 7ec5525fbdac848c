// The official Mattermost client (Client4) set up for a server process, and one typed way to call REST v4
// through it. Client4's own helpers throw an error without the HTTP status or headers (a 429's reset time
// is lost, a proxy's 502 looks like any other), so every call goes through `request`, which keeps Client4's
// URLs and authentication and reads the answer itself (errors.ts says what a refusal means).

import type { Client4 as Client4Type } from '@mattermost/client';
import mm from '@mattermost/client';
import { mattermostFailure, unreachable } from './errors.ts';

const { Client4 } = mm;
export type Client4 = Client4Type;

/**
 * How long a REST call may go unanswered before it counts as a failure. Shorter than the outbox's 60 s
 * claim on an item, long enough that a slow answer is not retried into a second post.
 */
export const MATTERMOST_TIMEOUT_MS = 30_000;

/** A Client4 for `url` acting as the bot: its token in the Authorization header, no browser cookies. */
export function mattermostClient(url: string, token: string): Client4 {
  const client = new Client4();
  client.setUrl(url.replace(/\/+$/, ''));
  client.setToken(token);
  client.setIncludeCookies(false);
  client.setUserAgent('Relevo');
  return client;
}

export type Method = 'get' | 'post' | 'put' | 'delete';

/**
 * One REST v4 call: `path` is below /api/v4 ("/posts"). Resolves with the JSON answer; throws a
 * DeliveryFailure that says what went wrong and whether retrying can help.
 *
 * @example const post = await request<Post>(client, 'post', '/posts', { channel_id, message });
 */
export async function request<T>(
  client: Client4,
  method: Method,
  path: string,
  body?: unknown,
  timeoutMs = MATTERMOST_TIMEOUT_MS,
): Promise<T> {
  const what = `${method.toUpperCase()} ${path.replace(/\?.*$/, '')}`;
  const options = client.getOptions({
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  let response: Response;
  let data: unknown;
  try {
    response = await fetch(`${client.getBaseRoute()}${path}`, {
      ...(options as RequestInit),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    data = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  } catch (err) {
    throw unreachable(err, what, client.getUrl());
  }
  if (response.ok) return data as T;
  throw mattermostFailure(response.status, response.headers, data, what);
}
