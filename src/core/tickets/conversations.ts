// Customer conversations in chat channels. Per channel, a conversation becomes a ticket at once, or only
// when an agent asks (🎫, *Create ticket*, `/ticket create`); until then its messages wait here.
import type { Db, Tx } from '../../db/index.ts';
import { agentChannels, type DeskConfig } from '../config.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { enqueue } from '../outbox.ts';
import type { Clock } from '../ports.ts';
import { lockConversation } from './conversation-lock.ts';
import type { Actor, CustomerMessage, IntakeOutcome, TicketService } from './service.ts';

interface Waiting {
  text: string;
  channelRef?: string;
  at: string;
}

export type ConversationOutcome = IntakeOutcome | { kind: 'pending'; conversationId: string };

export class Conversations {
  constructor(private readonly deps: { db: Db; config: DeskConfig; tickets: TicketService; clock: Clock }) {}

  /** A customer wrote in a conversation of a channel that opens tickets `ticketOn`. */
  async customerMessage(
    msg: CustomerMessage,
    ticketOn: 'first_message' | 'agent_request',
    tx: Tx,
  ): Promise<ConversationOutcome> {
    const key = { platform: msg.platform, channel: msg.channel, thread: msg.thread };
    await lockConversation(tx, key);
    const linked = await tx.conversationLink.findUnique({ where: { platform_channel_thread: key } });
    if (ticketOn === 'first_message' || linked) return this.deps.tickets.intake(msg, tx);
    const entry: Waiting = {
      text: msg.text,
      channelRef: msg.channelRef,
      at: this.deps.clock.now().toISOString(),
    };
    const existing = await tx.pendingConversation.findUnique({ where: { platform_channel_thread: key } });
    const messages = [...((existing?.messages as unknown as Waiting[] | undefined) ?? []), entry];
    const row = existing
      ? await tx.pendingConversation.update({
          where: { id: existing.id },
          data: { messages: messages as never },
        })
      : await tx.pendingConversation.create({
          data: { ...key, contactId: msg.contactId, messages: messages as never },
        });
    // Greetings alone do not bother the agents; the first real message shows the conversation to them.
    if (!messages.every((m) => this.deps.tickets.isGreeting(m.text))) await this.announce(tx, row.id);
    return { kind: 'pending', conversationId: row.id };
  }

  /** Opens the ticket of a waiting conversation; asking twice (🎫 and the button) gives the same ticket. */
  async createTicket(conversationId: string, actor: Actor, outer?: Tx): Promise<number> {
    if (actor.kind !== 'agent') {
      throw new ForbiddenError({
        en: 'Only agents can turn a conversation into a ticket.',
        es: 'Solo los agentes pueden convertir una conversación en un ticket.',
      });
    }
    const run = <T>(fn: (tx: Tx) => Promise<T>) => (outer ? fn(outer) : this.deps.db.$transaction(fn));
    return run(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "PendingConversation" WHERE id = ${conversationId} FOR UPDATE`;
      const conv = await tx.pendingConversation.findUnique({ where: { id: conversationId } });
      if (!conv) {
        throw new NotFoundError({
          en: 'That conversation is no longer waiting for a ticket.',
          es: 'Esa conversación ya no está esperando un ticket.',
        });
      }
      if (conv.ticketNumber) return conv.ticketNumber;
      const messages = conv.messages as unknown as Waiting[];
      // A conversation opened with "Hi!" is titled by what the customer needs, not by the greeting.
      const subject = messages.find((m) => !this.deps.tickets.isGreeting(m.text))?.text;
      let number = 0;
      for (const [i, m] of messages.entries()) {
        const outcome = await this.deps.tickets.intake(
          {
            platform: conv.platform,
            channel: conv.channel,
            thread: conv.thread,
            contactId: conv.contactId,
            text: m.text,
            channelRef: m.channelRef,
          },
          tx,
          { force: i === 0, subject: i === 0 ? subject : undefined },
        );
        if (outcome.kind !== 'ignored_greeting') number = outcome.ticketNumber;
      }
      await tx.pendingConversation.update({ where: { id: conv.id }, data: { ticketNumber: number } });
      await this.announce(tx, conv.id);
      return number;
    });
  }

  /** The waiting conversation of a thread, for 🎫 and `/ticket create <link>`. */
  async findWaiting(platform: string, channel: string, thread: string, tx: Tx | Db = this.deps.db) {
    return tx.pendingConversation.findUnique({
      where: { platform_channel_thread: { platform, channel, thread } },
    });
  }

  private async announce(tx: Tx, conversationId: string) {
    for (const target of agentChannels(this.deps.config)) {
      await enqueue(tx, { kind: 'conversation', conversationId, ...target });
    }
  }
}
