// Slack's listeners on the Bolt app. They only translate: channel events are stored for the chat router
// (acknowledged once stored), interactions go to it with a responder that keeps Slack's deadlines (ack
// within 3 s, a modal opened with the click's trigger_id, a modal's errors in the ack itself).
import type { App } from '@slack/bolt';
import type { Interaction } from '../../src/core/chat/events.ts';
import { storeChatEvent } from '../../src/core/chat/inbox.ts';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { ChatRouter } from '../../src/core/chat/router.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { Logger, Notifier } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { idMentions } from '../kit/mentions.ts';
import { parseActionId, readButtonValue, renderMessage } from './blocks.ts';
import { readSubmission, renderModal } from './modal.ts';
import { slackChatEvent } from './translate.ts';

export interface ListenerDeps {
  db: Db;
  router: ChatRouter;
  notifier: Pick<Notifier, 'inboxWritten'>;
  log: Logger;
}

export function registerListeners(app: App, { db, router, notifier, log }: ListenerDeps): void {
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

  const store = async (envelope: unknown) => {
    const event = slackChatEvent(envelope);
    if (!event || !router.channel('slack', event.channel)) return;
    const body = envelope as { event_id?: string; team_id?: string; event?: { event_ts?: string } };
    // Slack's event_id names one event across its retries; without it, team + channel + ts do.
    const key =
      body.event_id ?? `${body.team_id}:${event.channel}:${body.event?.event_ts ?? event.messageId}`;
    await storeChatEvent(db, notifier, `slack:${key}`, event);
  };
  app.event('message', async ({ body }) => store(body));
  app.event('reaction_added', async ({ body }) => store(body));

  app.command('/ticket', async ({ command, ack }) => {
    await ack();
    const mentions = idMentions(command.text);
    await interact(
      {
        kind: 'command',
        platform: 'slack',
        person: { platformId: command.user_id },
        text: command.text,
        // Where it was typed: `/ticket onboard` posts its checklist there when it is an agents' channel.
        channel: command.channel_id,
        ...(mentions ? { mentions } : {}),
      },
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
}
