import { describe, expect, it } from 'vitest';
import { mattermostFailure, retryAfterMs, unreachable } from './errors.ts';

const headers = (h: Record<string, string> = {}) => new Headers(h);
const appError = (id: string, status: number) => ({ id, message: 'm', status_code: status });

describe('Mattermost failures', () => {
  it('a 429 waits as long as Mattermost asks and counts as an outage', () => {
    const f = mattermostFailure(429, headers({ 'x-ratelimit-reset': '3' }), 'limit exceeded', 'POST /posts');
    expect(f).toMatchObject({ code: 'rate_limited', retryable: true, outage: true, retryAfterMs: 3000 });
    expect(retryAfterMs(headers({ 'retry-after': '2', 'x-ratelimit-reset': '9' }))).toBe(2000);
    expect(retryAfterMs(headers())).toBe(1000);
  });

  it('what retrying cannot fix is permanent and says what to do', () => {
    const token = mattermostFailure(
      401,
      headers(),
      appError('api.context.session_expired.app_error', 401),
      'POST /posts',
    );
    expect(token).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(token.message).toMatch(/MATTERMOST_BOT_TOKEN/);
    expect(
      mattermostFailure(403, headers(), appError('api.context.permissions.app_error', 403), 'POST /posts'),
    ).toMatchObject({
      code: 'forbidden',
      retryable: false,
    });
    expect(mattermostFailure(404, headers(), appError('x', 404), 'PUT /posts/abc/patch').code).toBe(
      'message_gone',
    );
    expect(mattermostFailure(404, headers(), appError('x', 404), 'POST /posts').code).toBe(
      'channel_unavailable',
    );
    expect(mattermostFailure(400, headers(), appError('x', 400), 'POST /posts')).toMatchObject({
      code: 'message_invalid',
      retryable: false,
    });
  });

  it('a failing or unreachable server is retried', () => {
    expect(mattermostFailure(502, headers(), '<html>', 'POST /posts')).toMatchObject({
      code: 'server_error',
      retryable: true,
      outage: true,
    });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const f = unreachable(refused, 'POST /posts', 'http://mm.test');
    expect(f).toMatchObject({ code: 'unreachable', retryable: true, outage: true });
    expect(f.message).toMatch(/ECONNREFUSED/);
    expect(unreachable(new DOMException('t', 'TimeoutError'), 'GET /users/me', 'x').code).toBe('timeout');
  });
});
