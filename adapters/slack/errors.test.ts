// Slack's errors as the outbox sees them, from real @slack/web-api errors: the official WebClient, built as
// Relevo builds it, against the fake Slack answering the way Slack does (ok:false, 429, 5xx), a port
// nobody listens on, and a Web API that takes the call and never answers.
import { createServer } from 'node:net';
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryFailure } from '../../src/core/chat/failure.ts';
import { type FakeSlack, startFakeSlack } from '../../test/harness/slack/fake-web-api.ts';
import { slackClient } from './adapter.ts';
import { slackCall, slackFailure } from './errors.ts';

const log = pino({ level: 'silent' });
const CHANNEL = 'C0AGENTS01';

/** The DeliveryFailure a chat.postMessage becomes, as the adapter wraps it. */
async function failureOf(client: WebClient): Promise<DeliveryFailure> {
  const err = await slackCall('chat.postMessage', () =>
    client.chat.postMessage({ channel: CHANNEL, text: 'hello' }),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryFailure);
  return err as DeliveryFailure;
}

/** A port that was listening a moment ago and is closed now: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Slack errors as delivery failures', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack({ channels: [{ id: CHANNEL, name: 'agents' }] });
    client = slackClient(fake.botToken, log, fake.url);
  });
  afterAll(async () => {
    await fake.close();
  });

  const permanent: [string, string][] = [
    ['channel_not_found', 'channel_unavailable'],
    ['not_in_channel', 'channel_unavailable'],
    ['is_archived', 'channel_unavailable'],
    ['invalid_auth', 'unauthorized'],
    ['account_inactive', 'unauthorized'],
    ['token_revoked', 'unauthorized'],
    ['missing_scope', 'forbidden'],
    ['msg_too_long', 'message_invalid'],
    ['invalid_blocks', 'message_invalid'],
    ['message_not_found', 'message_gone'],
  ];
  for (const [error, code] of permanent) {
    it(`${error} is permanent (${code}), and the message says what to do`, async () => {
      fake.failNext('chat.postMessage', { error });
      const failure = await failureOf(client);
      expect(failure).toMatchObject({ platform: 'slack', code, retryable: false, outage: false });
      expect(failure.message).toContain(`chat.postMessage: ${error}`);
      expect(failure.message).toMatch(/check|invite|set a valid|add|report|gone|unarchive/);
      expect((failure.cause as { data?: { error?: string } }).data?.error).toBe(error);
    });
  }

  it('a token Slack does not know is refused as invalid_auth: permanent, SLACK_BOT_TOKEN named', async () => {
    const failure = await failureOf(slackClient('xoxb-not-the-token', log, fake.url));
    expect(failure).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(failure.message).toContain('SLACK_BOT_TOKEN');
  });

  it('Slack’s own trouble (internal_error) is retried, as an outage', async () => {
    fake.failNext('chat.postMessage', { error: 'internal_error' });
    expect(await failureOf(client)).toMatchObject({ code: 'server_error', retryable: true, outage: true });
  });

  it('an error Relevo does not know yet is retried (and dead-lettered only after the last attempt)', async () => {
    fake.failNext('chat.postMessage', { error: 'something_new_from_slack' });
    expect(await failureOf(client)).toMatchObject({ code: 'unexpected', retryable: true, outage: false });
  });

  it('a 429 is thrown at once with its Retry-After, which the outbox then waits', async () => {
    fake.rateLimit('chat.postMessage', { times: 1, retryAfterSeconds: 7 });
    const failure = await failureOf(client);
    expect(failure).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      outage: true,
      retryAfterMs: 7000,
    });
    // One call, not a wait and a second one: the client left the waiting to the outbox.
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429)).toHaveLength(1);
  });

  it('a 5xx (Slack or a proxy failing) is retried, as an outage', async () => {
    fake.failNext('chat.postMessage', { status: 503 });
    const failure = await failureOf(client);
    expect(failure).toMatchObject({ code: 'server_error', retryable: true, outage: true });
    expect(failure.message).toContain('HTTP 503');
  });

  it('a refused connection is retried, as an outage, naming the reason', async () => {
    const port = await closedPort();
    const failure = await failureOf(slackClient(fake.botToken, log, `http://127.0.0.1:${port}/api/`));
    expect(failure).toMatchObject({ code: 'unreachable', retryable: true, outage: true });
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('a call left unanswered ends at the client’s timeout: retried, as an outage', async () => {
    fake.hang({ methods: ['chat.postMessage'] });
    try {
      // Relevo's client waits SLACK_TIMEOUT_MS; a shorter timeout shows the same error sooner.
      const impatient = new WebClient(fake.botToken, {
        slackApiUrl: fake.url,
        logger: slackLogger,
        timeout: 50,
        retryConfig: { retries: 0 },
      });
      const failure = await failureOf(impatient);
      expect(failure).toMatchObject({ code: 'timeout', retryable: true, outage: true });
      expect(fake.hanging).toBe(1);
    } finally {
      fake.resume();
    }
  });

  it('leaves a DeliveryFailure as it is and treats anything unknown as worth retrying', () => {
    const typed = new DeliveryFailure('x', { platform: 'slack', code: 'refused', retryable: false });
    expect(slackFailure(typed, 'chat.update')).toBe(typed);
    expect(slackFailure(new TypeError('boom'), 'chat.update')).toMatchObject({
      code: 'unexpected',
      retryable: true,
      outage: false,
    });
  });
});

const slackLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => 'error' as never,
  setName() {},
};
