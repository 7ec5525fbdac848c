// Slack's HTTP entry, POST /slack/events, on Relevo's one Fastify server, feeding a Bolt app.
// Every request is verified first (signature over the raw body, constant-time compare: Bolt's
// verifySlackRequest with our clock), and its timestamp must be within 5 minutes either way: Bolt refuses
// the past only, and a future timestamp would keep a captured request replayable for longer. Events are
// acknowledged only once they are stored in the inbox (keyed by event_id, so a replay is a no-op);
// commands and clicks carry no id, so the hash of what Slack signed names them and a replay does nothing.
// They are acked at once and answered after.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { Clock, Logger, Metrics } from '../../src/core/ports.ts';
import { firstSight, replayKey } from '../../src/core/replay.ts';
import { stripControlsDeep } from '../../src/core/text.ts';
import type { Db } from '../../src/db/index.ts';
import { envelopeProblem } from './envelope.ts';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack: "verify that the request timestamp is within five minutes of the current time". */
export const MAX_SKEW_SECONDS = 5 * 60;

export class FastifySlackReceiver implements Receiver {
  private app?: App;

  constructor(
    private readonly opts: {
      signingSecret: string;
      db: Db;
      clock: Clock;
      log: Logger;
      ingress: IngressGate;
      metrics?: Metrics;
    },
  ) {}

  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  register(http: FastifyInstance): void {
    http.register(async (scope) => {
      // The signature covers the exact bytes Slack sent: keep them raw, whatever the content type.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      scope.post(SLACK_EVENTS_PATH, async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        const timestamp = Number(req.headers['x-slack-request-timestamp']);
        const nowMs = this.opts.clock.now().getTime();
        try {
          if (timestamp > Math.floor(nowMs / 1000) + MAX_SKEW_SECONDS) {
            throw new Error('x-slack-request-timestamp is more than 5 minutes in the future');
          }
          verifySlackRequest({
            signingSecret: this.opts.signingSecret,
            body: raw,
            headers: {
              'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
              'x-slack-request-timestamp': timestamp,
            },
            nowMilliseconds: nowMs,
          });
        } catch (err) {
          this.opts.log.warn({ reason: (err as Error).message, ip: req.ip }, 'Slack request refused');
          return reply.code(401).send({
            error: 'invalid_signature',
            message:
              'Not signed with this app’s SLACK_SIGNING_SECRET, or its timestamp is more than 5 minutes away.',
          });
        }
        let body: Record<string, unknown>;
        try {
          // Authentic, but text Relevo cannot store (NUL) or show (controls) is dropped, not the message.
          body = stripControlsDeep(parseBody(raw, String(req.headers['content-type'] ?? '')));
        } catch (err) {
          this.opts.log.warn(
            { reason: (err as Error).message },
            'Slack request with a malformed body refused',
          );
          return reply.code(400).header('x-slack-no-retry', '1').send({ error: 'malformed_body' });
        }
        const problem = envelopeProblem(body);
        if (problem) {
          // Signed, so from Slack or someone holding the secret, but not a shape Slack sends: nothing is run.
          this.opts.log.info({ problem, ip: req.ip }, 'Slack request with an unexpected shape refused');
          return reply
            .code(400)
            .header('x-slack-no-retry', '1')
            .send({ error: 'malformed_body', message: `Not a request Slack sends (${problem}).` });
        }
        if (body.type === 'url_verification') return { challenge: body.challenge };
        if (body.type !== 'event_callback') {
          // The signed base string, with the timestamp as Bolt reads it, is what a replay must repeat.
          const key = replayKey('slack', `v0:${timestamp}:${raw}`);
          // Accepted until timestamp + 5 min; kept 5 min longer for instances whose clocks differ a little.
          const until = new Date((timestamp + 2 * MAX_SKEW_SECONDS) * 1000);
          if (!(await firstSight(this.opts.db, key, until))) {
            this.opts.log.info(
              { type: body.type ?? 'command', ip: req.ip },
              'Slack request replayed: already handled, ignored',
            );
            return reply.code(200).send();
          }
        }
        // Events are stored before the answer: let background work wait while we do it.
        if (body.type === 'event_callback')
          return this.opts.ingress.run(async () => this.dispatch(body, reply, req.headers));
        return this.dispatch(body, reply, req.headers);
      });
    });
  }

  private dispatch(body: Record<string, unknown>, reply: FastifyReply, headers: Record<string, unknown>) {
    const app = this.app;
    if (!app) return reply.code(503).send({ error: 'starting' });
    const isEvent = body.type === 'event_callback';
    return new Promise<FastifyReply>((resolve) => {
      let sent = false;
      const send = (status: number, response?: unknown) => {
        if (sent) return;
        sent = true;
        if (status === 200) this.opts.metrics?.ackLatency('slack', 'http', reply.elapsedTime / 1000);
        if (response === undefined || response === '') resolve(reply.code(status).send());
        else if (typeof response === 'string') resolve(reply.code(status).type('text/plain').send(response));
        else resolve(reply.code(status).send(response));
      };
      const event: ReceiverEvent = {
        body,
        retryNum: headers['x-slack-retry-num'] ? Number(headers['x-slack-retry-num']) : undefined,
        retryReason: headers['x-slack-retry-reason'] as string | undefined,
        // Bolt acks events before its listeners run; ours store the event, so the answer waits for them.
        ack: async (response?: unknown) => {
          if (!isEvent) send(200, response);
        },
      };
      app
        .processEvent(event)
        .then(() => send(200))
        .catch((err: unknown) => {
          this.opts.log.error({ err }, 'Slack request failed');
          // A 500 makes Slack retry an event we could not store; a failed click is explained instead.
          send(isEvent ? 500 : 200, isEvent ? { error: 'not_stored' } : undefined);
        });
    });
  }
}

/** Events come as JSON; commands as a form; interactions as a form with one `payload` JSON field. */
export function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) {
    const json = JSON.parse(raw) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json))
      throw new Error('JSON body is not an object');
    return json as Record<string, unknown>;
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === 'string') {
      const json = JSON.parse(form.payload) as unknown;
      if (!json || typeof json !== 'object') throw new Error('payload is not a JSON object');
      return json as Record<string, unknown>;
    }
    return form;
  }
  throw new Error(`unsupported content type "${contentType}"`);
}
