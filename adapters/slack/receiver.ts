// Slack's HTTP entry, POST /slack/events, on Relevo's one Fastify server, feeding a Bolt app.
// Every request is verified first (signature over the raw body, 5-minute window, constant-time compare:
// Bolt's verifySlackRequest with our clock). Events are acknowledged only once they are stored in the
// inbox, so an acked event is never lost; commands and clicks are acked at once and answered after.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { Clock, Logger, Metrics } from '../../src/core/ports.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export class FastifySlackReceiver implements Receiver {
  private app?: App;

  constructor(
    private readonly opts: {
      signingSecret: string;
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
        try {
          verifySlackRequest({
            signingSecret: this.opts.signingSecret,
            body: raw,
            headers: {
              'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
              'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
            },
            nowMilliseconds: this.opts.clock.now().getTime(),
          });
        } catch (err) {
          this.opts.log.warn({ reason: (err as Error).message, ip: req.ip }, 'Slack request refused');
          return reply.code(401).send({
            error: 'invalid_signature',
            message: 'Not signed with this app’s SLACK_SIGNING_SECRET, or older than 5 minutes.',
          });
        }
        let body: Record<string, unknown>;
        try {
          body = parseBody(raw, String(req.headers['content-type'] ?? ''));
        } catch (err) {
          this.opts.log.warn(
            { reason: (err as Error).message },
            'Slack request with a malformed body refused',
          );
          return reply.code(400).header('x-slack-no-retry', '1').send({ error: 'malformed_body' });
        }
        if (body.type === 'url_verification') return { challenge: body.challenge };
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
