// What Slack told us, processed after the ack from the durable inbox: channel messages, 🎫 reactions,
// slash commands and button clicks. Each arrives here once (keyed by event_id / trigger_id), inside
// the inbox's transaction, and becomes calls on the core.
import { runCommandLine } from '../../commands/index.ts';
import type { FileConfig } from '../../src/config/file.ts';
import { type ActionDeps, runAction } from '../../src/core/actions.ts';
import { UserError } from '../../src/core/errors.ts';
import type { ActionInvocation, OutMessage } from '../../src/core/message.ts';
import type { Logger } from '../../src/core/ports.ts';
import { isBlank } from '../../src/core/text.ts';
import type { Db, Tx } from '../../src/db/index.ts';
import { actorOf, type SlackPeople } from './people.ts';

export interface SlackInboundDeps {
  config: FileConfig;
  actions: ActionDeps;
  people: SlackPeople;
  log: Logger;
  /** A private line to one person in a channel (best effort: it changes nothing if it fails). */
  whisper: (channel: string, user: string, text: string) => void;
  /** Answers the person privately through a response_url (commands, buttons). */
  respond: (responseUrl: string, message: OutMessage) => Promise<void>;
}

interface MessageEvent {
  type: 'message';
  channel: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
}
interface ReactionEvent {
  type: 'reaction_added';
  user: string;
  reaction: string;
  item: { type: string; channel: string; ts: string };
}

/** Slack escapes these three in message text (https://docs.slack.dev/messaging/formatting-message-text). */
export const unescapeSlack = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function slackChannel(config: FileConfig, channel: string) {
  return config.channels.find((c) => c.platform === 'slack' && c.id === channel);
}

export const NOTE_IN_SHARED_CHANNEL =
  'Saved as a private note. Careful: this channel is shared with the customer, who can read your message here; delete it and write notes in the ticket card’s thread instead.';

/** Message subtypes that carry a person's words; edits, joins and bot posts are not new messages. */
const wordsSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

/** Unknown people's Slack profiles, fetched before the inbox transaction opens. */
export function slackInboxPreparers(deps: SlackInboundDeps) {
  return {
    'slack.event': async (payload: unknown) => {
      const e = (payload as { event?: { user?: string } }).event;
      if (e?.user) await deps.people.prefetch(deps.actions.db, e.user);
    },
  };
}

export function slackInboxHandlers(deps: SlackInboundDeps) {
  const { config, actions, people, log } = deps;

  async function onMessage(tx: Tx, e: MessageEvent) {
    if (!wordsSubtypes.has(e.subtype) || e.bot_id || !e.user) return;
    const channel = slackChannel(config, e.channel);
    if (!channel) {
      log.debug({ channel: e.channel }, 'Slack message in a channel not in relevo.yaml: ignored');
      return;
    }
    const text = unescapeSlack(e.text ?? '').trim();
    // A message of zero-width spaces alone says nothing: no ticket, no reply, no note.
    if (isBlank(text)) return;
    const thread = e.thread_ts ?? e.ts;
    const channelRef = `slack:${e.channel}:${thread}:${e.ts}`;
    const person = await people.identify(
      tx,
      e.user,
      channel.kind === 'support' ? channel.organisation : undefined,
    );
    const link = await tx.conversationLink.findUnique({
      where: { platform_channel_thread: { platform: 'slack', channel: e.channel, thread } },
    });

    if (channel.kind === 'support') {
      if (person.kind === 'contact') {
        await actions.conversations.customerMessage(
          { platform: 'slack', channel: e.channel, thread, contactId: person.contactId, text, channelRef },
          channel.ticketOn,
          tx,
        );
        return;
      }
      if (person.kind === 'agent' && link?.kind === 'customer') {
        const actor = { kind: 'agent' as const, agentId: person.agentId };
        const prefix = config.tickets.notePrefix.toLowerCase();
        if (text.toLowerCase().startsWith(prefix)) {
          // The note's words are already visible in the customer's channel; Relevo only records them
          // as internal and never repeats them there.
          await actions.tickets.note(link.ticketNumber, actor, text.slice(prefix.length).trim(), tx);
          // Slack does not let a bot delete a person's message, so the agent is told privately.
          deps.whisper(e.channel, e.user, NOTE_IN_SHARED_CHANNEL);
        } else {
          await actions.tickets.reply(link.ticketNumber, actor, text, { channelRef }, tx);
        }
        return;
      }
      log.info(
        { channel: e.channel, user: e.user },
        'Slack message in a support channel from an unknown person',
      );
      return;
    }

    if (person.kind !== 'agent') {
      log.info(
        { channel: e.channel, user: e.user },
        'Slack message from a non-agent in an internal channel: ignored',
      );
      return;
    }
    const actor = { kind: 'agent' as const, agentId: person.agentId };
    if (channel.kind === 'maintainers' && link?.kind === 'maintainers' && e.thread_ts) {
      await actions.tickets.note(link.ticketNumber, actor, text, tx, { channelRef, via: 'maintainers' });
      return;
    }
    if (channel.kind === 'agents' && link?.kind === 'agents' && e.thread_ts) {
      // A reply in a card's thread is the ticket's internal discussion.
      await actions.tickets.note(link.ticketNumber, actor, text, tx, { channelRef });
    }
  }

  async function onReaction(tx: Tx, e: ReactionEvent) {
    if (e.reaction !== 'ticket' || e.item.type !== 'message') return;
    const channel = slackChannel(config, e.item.channel);
    if (channel?.kind !== 'support') return;
    const person = await people.identify(tx, e.user);
    if (person.kind !== 'agent') {
      log.info({ user: e.user }, '🎫 from someone who is not an agent: ignored');
      return;
    }
    const waiting = await tx.pendingConversation.findUnique({
      where: { platform_channel_thread: { platform: 'slack', channel: e.item.channel, thread: e.item.ts } },
    });
    if (!waiting) {
      log.info(
        { channel: e.item.channel, ts: e.item.ts },
        '🎫 on a message that starts no waiting conversation',
      );
      return;
    }
    await actions.conversations.createTicket(waiting.id, { kind: 'agent', agentId: person.agentId }, tx);
  }

  return {
    'slack.event': async (tx: Tx, payload: unknown) => {
      const body = payload as { event?: MessageEvent | ReactionEvent };
      if (body.event?.type === 'message') await onMessage(tx, body.event);
      else if (body.event?.type === 'reaction_added') await onReaction(tx, body.event);
    },
  };
}

/**
 * Slash commands and button clicks run right after the ack, not from the inbox: Slack never retries
 * them, and a lost click is clicked again, while a click replayed after a crash would act twice.
 */
export function slackInteractions(deps: SlackInboundDeps) {
  const { config, actions, people, log } = deps;
  return {
    async command(cmd: { user_id: string; text: string; response_url: string }): Promise<void> {
      const person = await people.identify(actions.db, cmd.user_id);
      const answer = await answerOrExplain(log, () =>
        runCommandLine(cmd.text, {
          actor: actorOf(person) ?? { kind: 'system' },
          tickets: actions.tickets,
          conversations: actions.conversations,
          db: actions.db,
          config,
          findConversation: (link) => conversationFromLink(actions.db, link),
        }),
      );
      await deps.respond(cmd.response_url, answer);
    },

    /** Runs a button or a submitted form for a Slack user; returns the short answer for them. */
    async action(user: string, inv: ActionInvocation): Promise<{ ok: boolean; message: OutMessage }> {
      const person = await people.identify(actions.db, user);
      const actor = actorOf(person);
      if (!actor) {
        log.info({ user, action: inv.action }, 'Slack action from someone Relevo does not know: refused');
        return {
          ok: false,
          message: { text: 'Relevo does not know you yet: ask an admin to add you to relevo.yaml.' },
        };
      }
      try {
        return { ok: true, message: { text: await runAction(actions, actor, inv) } };
      } catch (err) {
        if (err instanceof UserError) {
          log.info({ user, action: inv.action, reason: err.message }, 'Slack action refused');
          return { ok: false, message: { text: err.message } };
        }
        throw err;
      }
    },
  };
}

/** A user mistake becomes a private explanation; anything else is logged and rethrown for a retry. */
async function answerOrExplain(log: Logger, fn: () => Promise<OutMessage>): Promise<OutMessage> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) return { text: err.message };
    log.error({ err }, 'Slack request failed');
    throw err;
  }
}

/** `/ticket create <message link>`: Slack does not tell a slash command which thread it was typed in. */
async function conversationFromLink(tx: Tx | Db, link: string): Promise<string | undefined> {
  const m = /archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})(?:\?.*thread_ts=(\d+\.\d+))?/.exec(link);
  if (!m) return undefined;
  const [, channel, secs, micros, threadTs] = m;
  const thread = threadTs ?? `${secs}.${micros}`;
  const waiting = await tx.pendingConversation.findUnique({
    where: { platform_channel_thread: { platform: 'slack', channel: channel as string, thread } },
  });
  return waiting?.id;
}
