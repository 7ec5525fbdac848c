// Slack, wired: the Web API client and chat adapter, the Bolt app (HTTP on Relevo's server, or Socket
// Mode under a lease so one instance holds the socket), and its listeners. Listeners only translate:
// events are stored for the router, interactions go to it with a responder that keeps Slack's deadlines.
import { createHash } from 'node:crypto';
import { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import type { FileConfig } from '../../src/config/file.ts';
import type { Interaction } from '../../src/core/chat/events.ts';
import { storeChatEvent } from '../../src/core/chat/inbox.ts';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { ChatRouter } from '../../src/core/chat/router.ts';
import type { InboundHandler } from '../../src/core/inbox.ts';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { Clock, Logger, Metrics, Notifier } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { Lease } from '../../src/jobs/lease.ts';
import { SocketLease } from '../kit/socket-lease.ts';
import { SlackAdapter, slackClient } from './adapter.ts';
import { parseActionId, readButtonValue, renderMessage } from './blocks.ts';
import { slackLogger } from './logger.ts';
import { readSubmission, renderModal } from './modal.ts';
import { slackProfiles } from './profile.ts';
import { FastifySlackReceiver } from './receiver.ts';
import { SocketSlackReceiver } from './socket-receiver.ts';
import { slackChatEvent, slackMessageLink } from './translate.ts';

export interface SlackSettings {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export interface SlackDeps {
  settings: SlackSettings;
  config: FileConfig;
  db: Db;
  router: ChatRouter;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  ingress: IngressGate;
  /** Ack latency over HTTP and Socket Mode. */
  metrics?: Metrics;
  /** How often the Socket Mode lease is renewed (tests shorten it to watch a take-over). */
  socketLeaseMs?: number;
}

export async function createSlack(deps: SlackDeps) {
  const { settings, config, db, router, log } = deps;
  const client = slackClient(settings.botToken, log, settings.apiUrl);
  const adapter = new SlackAdapter({ db, client, log });
  router.register({
    platform: 'slack',
    profile: slackProfiles(client),
    messageLink: slackMessageLink,
  });

  /** Answers privately through a response_url (commands, buttons, shortcuts). */
  const respond = async (url: string, message: OutMessage) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        ...renderMessage(message),
      }),
    });
    if (!res.ok) log.warn({ status: res.status }, 'Slack response_url refused the answer');
  };
  const interact = (i: Interaction, responder: InteractionResponder) =>
    router.interact(i, responder).catch((err: unknown) => log.error({ err }, 'Slack interaction failed'));

  const ids = await botIds(client, log);
  void checkChannels(client, config, log);
  const socketMode = Boolean(settings.appToken);
  const httpReceiver = socketMode
    ? undefined
    : new FastifySlackReceiver({
        signingSecret: settings.signingSecret ?? '',
        db,
        clock: deps.clock,
        log,
        ingress: deps.ingress,
        metrics: deps.metrics,
      });
  const socketReceiver = settings.appToken
    ? new SocketSlackReceiver({
        appToken: settings.appToken,
        apiUrl: settings.apiUrl,
        log,
        ingress: deps.ingress,
        metrics: deps.metrics,
      })
    : undefined;
  // One instance per Slack app holds the Socket Mode connection; the others stand by to take over.
  const socket = socketReceiver
    ? new SocketLease({
        // Named by a hash of the app-level token: the same for every instance, known without asking
        // Slack, and never the token itself.
        lease: new Lease(
          db,
          `slack-socket:${tokenHash(settings.appToken ?? '')}`,
          3 * (deps.socketLeaseMs ?? 10_000),
        ),
        connect: () => socketReceiver.start(),
        disconnect: () => socketReceiver.stop(),
        log,
        renewMs: deps.socketLeaseMs,
      })
    : undefined;
  const app = new App({
    token: settings.botToken,
    receiver: httpReceiver ?? socketReceiver,
    botId: ids.botId,
    botUserId: ids.botUserId,
    logger: slackLogger(log, 'bolt'),
    clientOptions: settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {},
    tokenVerificationEnabled: false,
  });

  const store = async (envelope: unknown) => {
    const event = slackChatEvent(envelope);
    if (!event || !router.channel('slack', event.channel)) return;
    const body = envelope as { event_id?: string; team_id?: string; event?: { event_ts?: string } };
    // Slack's event_id names one event across its retries; without it, team + channel + ts do.
    const key =
      body.event_id ?? `${body.team_id}:${event.channel}:${body.event?.event_ts ?? event.messageId}`;
    await storeChatEvent(db, deps.notifier, `slack:${key}`, event);
  };
  app.event('message', async ({ body }) => store(body));
  app.event('reaction_added', async ({ body }) => store(body));

  app.command('/ticket', async ({ command, ack }) => {
    await ack();
    await interact(
      { kind: 'command', platform: 'slack', person: { platformId: command.user_id }, text: command.text },
      { reply: (m) => respond(command.response_url, m) },
    );
  });

  app.action(/^relevo:/, async ({ body, action, ack, client: web }) => {
    await ack();
    if (body.type !== 'block_actions' || !('action_id' in action) || !('value' in action)) return;
    const parsed = parseActionId(action.action_id);
    if (!parsed || typeof action.value !== 'string') return;
    const channel = body.channel?.id ?? body.container?.channel_id;
    await interact(
      {
        kind: 'button',
        platform: 'slack',
        person: { platformId: body.user.id },
        action: parsed.action,
        value: readButtonValue(action.value),
        channel,
      },
      {
        reply: async (m) => {
          if (body.response_url) await respond(body.response_url, m);
        },
        // The trigger_id lives 3 s from the click: the form is looked up and opened well within it.
        openForm: async (form, ref) => {
          await web.views.open({
            trigger_id: body.trigger_id,
            view: renderModal(form, {
              action: ref.action,
              value: ref.value,
              context: ref.channel ? { channel: ref.channel } : undefined,
            }),
          });
        },
      },
    );
  });

  app.view(/^relevo:/, async ({ view, body, ack, client: web }) => {
    const sub = readSubmission(view);
    const channel = sub.context?.channel;
    let acked = false;
    const once = async (answer?: { response_action: 'errors'; errors: Record<string, string> }) => {
      if (acked) return;
      acked = true;
      await ack(answer);
    };
    try {
      await router.interact(
        {
          kind: 'form',
          platform: 'slack',
          person: { platformId: body.user.id },
          action: sub.action,
          value: sub.value,
          values: sub.form,
          channel,
        },
        {
          reply: async (m) => {
            await once();
            if (channel) await web.chat.postEphemeral({ channel, user: body.user.id, text: m.text });
          },
          // Shown under the first field of the still-open modal, so nothing typed is lost.
          formError: async (text) => {
            const first = view.blocks.find((b) => b.type === 'input')?.block_id;
            await once(first ? { response_action: 'errors', errors: { [first]: text } } : undefined);
          },
        },
      );
    } finally {
      await once();
    }
  });

  for (const [callbackId, gesture] of [
    ['relevo_share', 'share_note'],
    ['relevo_create_ticket', 'create_ticket'],
  ] as const) {
    app.shortcut(callbackId, async ({ shortcut, ack, respond: reply }) => {
      await ack();
      if (shortcut.type !== 'message_action') return;
      await interact(
        {
          kind: 'message_action',
          platform: 'slack',
          person: { platformId: shortcut.user.id },
          action: gesture,
          channel: shortcut.channel.id,
          thread: shortcut.message.thread_ts ?? shortcut.message.ts,
          messageId: shortcut.message.ts,
        },
        { reply: async (m) => void (await reply({ response_type: 'ephemeral', text: m.text })) },
      );
    });
  }

  // Events stored by earlier versions in Slack's own shape, still waiting in the inbox after an upgrade.
  const legacy: InboundHandler = async (tx, payload) => {
    const event = slackChatEvent(payload);
    if (event) await router.handle(tx, event);
  };

  return {
    adapter,
    client,
    inboxHandlers: { 'slack.event': legacy },
    register(http: FastifyInstance) {
      httpReceiver?.register(http);
    },
    async start() {
      await socket?.start();
    },
    async stop() {
      await socket?.stop();
    },
    /**
     * Socket Mode: connected to Slack, or standing by while another instance holds the socket. Over HTTP
     * Slack calls us, so there is nothing to hold.
     */
    ready(): boolean {
      if (!socketReceiver || !socket) return true;
      return socket.holding ? socketReceiver.connected : true;
    },
  };
}

/** The bot's own ids let Bolt drop our own messages; if Slack is unreachable now, Bolt asks later. */
async function botIds(client: WebClient, log: Logger) {
  try {
    // Slack out of reach must not hold up the rest of Relevo: wait a few seconds at most.
    const auth = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref(),
      ),
    ]);
    return { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (err) {
    log.error(
      { err: (err as Error).message },
      'Slack auth.test failed: check SLACK_BOT_TOKEN and that Slack is reachable',
    );
    return {} as { botId?: string; botUserId?: string };
  }
}

/** A channel typo or a bot not invited shows up at start, by name, instead of as lost posts later. */
async function checkChannels(client: WebClient, config: FileConfig, log: Logger) {
  for (const c of config.channels.filter((ch) => ch.platform === 'slack')) {
    try {
      const info = await client.conversations.info({ channel: c.id });
      if (info.channel && info.channel.is_member === false) {
        log.warn(
          { channel: c.id, kind: c.kind },
          `Relevo is not in Slack channel #${info.channel.name}: invite it (/invite @relevo)`,
        );
      }
    } catch (err) {
      log.warn(
        { channel: c.id, kind: c.kind, err: (err as Error).message },
        'A Slack channel in relevo.yaml cannot be read: check its id and invite Relevo to it',
      );
    }
  }
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);
