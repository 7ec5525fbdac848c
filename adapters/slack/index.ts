// Slack, wired: the Web API client and chat adapter, the Bolt app (HTTP on Relevo's server, or Socket
// Mode), its listeners, and the inbox handlers that turn stored events into core calls.
import { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import type { FileConfig } from '../../src/config/file.ts';
import type { ActionDeps } from '../../src/core/actions.ts';
import { acceptInbound } from '../../src/core/inbox.ts';
import type { IngressGate } from '../../src/core/ingress.ts';
import type { ActionInvocation, OutMessage } from '../../src/core/message.ts';
import type { Clock, Logger, Metrics, Notifier } from '../../src/core/ports.ts';
import { renderCard } from '../../src/core/tickets/card.ts';
import { SlackAdapter, slackClient } from './adapter.ts';
import { parseActionId, readButtonValue, renderMessage } from './blocks.ts';
import { slackChannel, slackInboxHandlers, slackInboxPreparers, slackInteractions } from './inbound.ts';
import { slackLogger } from './logger.ts';
import { readSubmission, renderModal } from './modal.ts';
import { SlackPeople } from './people.ts';
import { FastifySlackReceiver } from './receiver.ts';
import { SocketSlackReceiver } from './socket-receiver.ts';

export interface SlackSettings {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export interface SlackDeps {
  settings: SlackSettings;
  config: FileConfig;
  actions: ActionDeps;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  ingress: IngressGate;
  /** Ack latency over HTTP and Socket Mode. */
  metrics?: Metrics;
}

export async function createSlack(deps: SlackDeps) {
  const { settings, config, actions, log } = deps;
  const client = slackClient(settings.botToken, log, settings.apiUrl);
  const adapter = new SlackAdapter({ db: actions.db, client, log });
  const people = new SlackPeople(client, log);
  const respond = async (url: string, message: OutMessage) => {
    const rendered = renderMessage(message);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...rendered }),
    });
    if (!res.ok) log.warn({ status: res.status }, 'Slack response_url refused the answer');
  };
  const whisper = (channel: string, user: string, text: string) => {
    client.chat.postEphemeral({ channel, user, text }).catch((err: Error) => {
      log.warn({ err: err.message, channel }, 'Slack ephemeral message failed');
    });
  };
  const inboundDeps = { config, actions, people, log, respond, whisper };
  const interactions = slackInteractions(inboundDeps);

  // The bot's own ids let Bolt drop our own messages; if Slack is unreachable now, Bolt asks later.
  let ids: { botId?: string; botUserId?: string } = {};
  try {
    // Slack out of reach must not hold up the rest of Relevo: wait a few seconds at most.
    const auth = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref(),
      ),
    ]);
    ids = { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (err) {
    log.error(
      { err: (err as Error).message },
      'Slack auth.test failed: check SLACK_BOT_TOKEN and that Slack is reachable',
    );
  }
  void checkChannels(client, config, log);
  const socketMode = Boolean(settings.appToken);
  const httpReceiver = socketMode
    ? undefined
    : new FastifySlackReceiver({
        signingSecret: settings.signingSecret ?? '',
        db: actions.db,
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
  const app = new App({
    token: settings.botToken,
    receiver: httpReceiver ?? socketReceiver,
    ...ids,
    logger: slackLogger(log, 'bolt'),
    clientOptions: settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {},
    tokenVerificationEnabled: false,
  });

  const store = async (envelope: unknown) => {
    const body = envelope as { event_id?: string; team_id?: string; event?: Record<string, unknown> };
    const e = body.event ?? {};
    const item = (e.item as { channel?: string } | undefined) ?? {};
    const channel = (e.channel as string | undefined) ?? item.channel;
    if (!channel || !slackChannel(config, channel)) return;
    // Slack's event_id names one event across its retries; without it, team + channel + ts do.
    const key = body.event_id ?? `${body.team_id}:${channel}:${e.event_ts ?? e.ts}`;
    if (
      await acceptInbound(actions.db, { key: `slack:${key}`, source: 'slack.event', payload: body as never })
    ) {
      deps.notifier.inboxWritten();
    }
  };
  app.event('message', async ({ body }) => store(body));
  app.event('reaction_added', async ({ body }) => store(body));

  app.command('/ticket', async ({ command, ack }) => {
    await ack();
    await interactions.command(command);
  });

  app.action(/^relevo:/, async ({ body, action, ack, client: web }) => {
    await ack();
    if (body.type !== 'block_actions' || !('action_id' in action) || !('value' in action)) return;
    const parsed = parseActionId(action.action_id);
    if (!parsed || typeof action.value !== 'string') return;
    const payload = readButtonValue(action.value);
    const channel = body.channel?.id ?? body.container?.channel_id;
    let form = payload.form;
    if (payload.formTooLarge && parsed.action.startsWith('ticket.')) {
      const card = await renderCard(actions.db, Number(payload.value));
      form = card.buttons?.find((b) => b.action === parsed.action)?.form;
    }
    if (form) {
      await web.views.open({
        trigger_id: body.trigger_id,
        view: renderModal(form, {
          action: parsed.action,
          value: payload.value,
          context: channel ? { channel } : undefined,
        }),
      });
      return;
    }
    const answer = await interactions.action(body.user.id, { action: parsed.action, value: payload.value });
    if (body.response_url) await respond(body.response_url, answer.message);
  });

  app.view(/^relevo:/, async ({ view, body, ack, client: web }) => {
    const sub = readSubmission(view);
    const inv: ActionInvocation = { action: sub.action, value: sub.value, form: sub.form };
    const answer = await interactions.action(body.user.id, inv);
    if (!answer.ok) {
      // Shown under the first field of the still-open modal, so nothing typed is lost.
      const first = view.blocks.find((b) => b.type === 'input')?.block_id;
      await ack(first ? { response_action: 'errors', errors: { [first]: answer.message.text } } : undefined);
      return;
    }
    await ack();
    const channel = sub.context?.channel;
    if (channel) await web.chat.postEphemeral({ channel, user: body.user.id, text: answer.message.text });
  });

  app.shortcut('relevo_share', async ({ shortcut, ack, respond: reply }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const thread = shortcut.message.thread_ts ?? shortcut.message.ts;
    const note = await actions.db.ticketEvent.findFirst({
      where: {
        type: 'private_note',
        channelRef: `slack:${shortcut.channel.id}:${thread}:${shortcut.message.ts}`,
      },
    });
    if (!note) {
      await reply({
        response_type: 'ephemeral',
        text: 'This message is not a note on a ticket, so there is nothing to share.',
      });
      return;
    }
    const answer = await interactions.action(shortcut.user.id, {
      action: 'note.share',
      value: `${note.ticketNumber}:${note.id}`,
    });
    await reply({ response_type: 'ephemeral', text: answer.message.text });
  });

  app.shortcut('relevo_create_ticket', async ({ shortcut, ack, respond: reply }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const waiting = await actions.conversations.findWaiting(
      'slack',
      shortcut.channel.id,
      shortcut.message.thread_ts ?? shortcut.message.ts,
    );
    const answer = waiting
      ? await interactions.action(shortcut.user.id, { action: 'conversation.create', value: waiting.id })
      : { message: { text: 'This message starts no conversation waiting for a ticket.' } };
    await reply({ response_type: 'ephemeral', text: answer.message.text });
  });

  return {
    adapter,
    client,
    inboxHandlers: slackInboxHandlers(inboundDeps),
    inboxPreparers: slackInboxPreparers(inboundDeps),
    register(http: FastifyInstance) {
      httpReceiver?.register(http);
    },
    async start() {
      await socketReceiver?.start();
    },
    async stop() {
      await socketReceiver?.stop();
    },
    /** Socket Mode: connected to Slack. Over HTTP Slack calls us, so there is nothing to hold. */
    ready(): boolean {
      return socketReceiver ? socketReceiver.connected : true;
    },
  };
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
