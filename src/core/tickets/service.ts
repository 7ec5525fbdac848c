// The one path through which tickets are created and changed. Every adapter, command, page and API
// calls this service; each method is one transaction that records an event and writes the outbox.
// Each change is also told as a domain event (../events.ts), inside the transaction: side effects such as
// the triage cards and live pages subscribe to those instead of living here.
import type { EventType } from '../../db/generated/enums.ts';
import type { Db, Tx } from '../../db/index.ts';
import { agentTexts, type Language, t } from '../../i18n/index.ts';
import { both } from '../../i18n/localized.ts';
import { askList, labelList, requiredInfoTexts } from '../../i18n/required-info.ts';
import type { Actor } from '../actor.ts';
import type { DeskConfig } from '../config.ts';
import { customerLanguage, rememberLanguages, ticketCustomer } from '../customer-language.ts';
import { ForbiddenError, NotFoundError, refusal, UserError } from '../errors.ts';
import type { DomainEvent, DomainEventPayloads, DomainEvents } from '../events.ts';
import { languageOfText } from '../language-of-text.ts';
import { enqueue, enqueueMany } from '../outbox.ts';
import type { Clock, Notifier } from '../ports.ts';
import { keptAtOpening, refreshSla, refreshSlaMany } from '../sla/refresh.ts';
import { businessTimeFor } from '../sla/time.ts';
import { codePointName, isBlank, textProblem } from '../text.ts';
import { categories } from './categories.ts';
import { lockConversations } from './conversation-lock.ts';
import { missingOf, stillMissing } from './info-requests.ts';
import { assertTransition, isFinished, label, type Status, type TransitionReason } from './lifecycle.ts';
import { type InfoItem, isInfoItem } from './required-info.ts';
import { insertCustomerLinks, insertEvents, insertTickets, type TicketRow } from './rows.ts';
import type { Priority } from './sla.ts';
import { attachTranscript } from './transcript.ts';

export type { Actor };

export interface TicketServiceDeps {
  db: Db;
  clock: Clock;
  config: DeskConfig;
  /** Only pokes the outbox worker here; live pages hear of changes through a subscriber of `events`. */
  notifier: Pick<Notifier, 'outboxWritten'>;
  events: DomainEvents;
}

export interface CustomerMessage {
  platform: string;
  channel: string;
  thread: string;
  contactId: string;
  text: string;
  /** platform:channel:thread:message of the message itself. */
  channelRef?: string;
  /**
   * The contact's language as the caller read it with the contact (null: not learnt yet). It only spares
   * a statement: a message judged to be in that language then writes nothing.
   */
  contactLanguage?: string | null;
  /**
   * The customer picks the language they read where they wrote (the web chat's switch, stored as they
   * pick it): their words are not judged for it.
   */
  languageChosen?: boolean;
}

export interface IntakeOptions {
  /** Open a ticket even for a bare greeting (an agent asked for one). */
  force?: boolean;
  subject?: string;
  /** No acknowledgement and no request for information (an auto-reply, a bounce). */
  silent?: boolean;
  /** Files that came with the message, kept on the ticket after this (an email's attachments). */
  files?: number;
  /** The product the customer chose (a ticket panel's form). */
  productId?: string;
}

/** One conversation, whatever the platform: the key its link and its lock go by. */
const conversationKey = (c: { platform: string; channel: string; thread: string }) =>
  `${c.platform}:${c.channel}:${c.thread}`;

export type IntakeOutcome =
  | { kind: 'created'; ticketNumber: number }
  | { kind: 'appended'; ticketNumber: number }
  | { kind: 'ignored_greeting' };

export type TicketField = 'priority' | 'category' | 'product';
/** The fields in Spanish, with their article, for the texts that name them ("Elija la prioridad."). */
export const fieldNameEs: Record<TicketField, string> = {
  priority: 'la prioridad',
  category: 'la categoría',
  product: 'el producto',
};
const fieldValues: Record<TicketField, readonly string[] | null> = {
  priority: ['low', 'normal', 'high', 'urgent'],
  category: categories,
  product: null,
};

export interface NewTicket {
  subject: string;
  body: string;
  requesterId: string;
  /** A platform's name (the conversation's), or email, manual, api, monitor: any text, see schema.prisma. */
  source: string;
  priority?: Priority;
  productId?: string;
}

interface EventFields {
  authorContactId?: string;
  authorAgentId?: string;
  body: string;
  data?: Record<string, unknown>;
  channelRef?: string;
}

type Ticket = TicketRow;

export class TicketService {
  constructor(private readonly deps: TicketServiceDeps) {}

  /** The desk's clock (tests drive it): what SLA views measure against. */
  now(): Date {
    return this.deps.clock.now();
  }

  private get config() {
    return this.deps.config;
  }

  /**
   * Runs fn in a transaction of its own, then wakes the outbox for what it enqueued: for core modules that
   * write beside the ticket service (the satisfaction survey's answers).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.tx(undefined, fn);
  }

  /** Runs fn in the caller's transaction (the inbox's, an action's), or in a new one. */
  private async tx<T>(outer: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const result = outer ? await fn(outer) : await this.deps.db.$transaction(fn);
    // With an outer transaction the poke comes a little early; the worker then finds the item on its next tick.
    this.deps.notifier.outboxWritten();
    return result;
  }

  /** A customer wrote in a conversation: add it to its ticket, or open one. */
  async intake(msg: CustomerMessage, outer?: Tx, options: IntakeOptions = {}): Promise<IntakeOutcome> {
    const [outcome] = await this.intakeMany([{ msg, options }], outer);
    return outcome as IntakeOutcome;
  }

  /**
   * Several customers' messages, each in a conversation of its own (a run of inbound mail), each added to
   * its ticket or opening one exactly as `intake` would — with the new tickets, their first messages,
   * links and acknowledgements written in a handful of statements for all of them instead of a dozen each.
   */
  async intakeMany(
    items: readonly { msg: CustomerMessage; options?: IntakeOptions }[],
    outer?: Tx,
  ): Promise<IntakeOutcome[]> {
    for (const { msg } of items) this.checkLength(msg.text);
    const keys = items.map(({ msg }) => conversationKey(msg));
    if (new Set(keys).size < keys.length) {
      // A conversation twice: the second message depends on what the first one did.
      const outcomes: IntakeOutcome[] = [];
      for (const item of items) outcomes.push(...(await this.intakeMany([item], outer)));
      return outcomes;
    }
    return this.tx(outer, async (tx) => {
      await lockConversations(
        tx,
        items.map((i) => i.msg),
      );
      // Before anything is written to them: an acknowledgement already speaks what this message taught.
      await this.learnLanguages(
        tx,
        items.map((i) => i.msg),
      );
      const links = await this.linksOf(
        tx,
        items.map((i) => i.msg),
      );
      const outcomes: IntakeOutcome[] = [];
      const opening: number[] = [];
      for (const [i, { msg, options = {} }] of items.entries()) {
        const link = links.get(keys[i] as string);
        if (link && !isFinished(link.ticket.status)) {
          outcomes[i] = await this.append(tx, link.ticket, msg, options);
        } else if (!options.force && this.isGreeting(msg.text)) {
          // An agent asking for a ticket (force) overrides the greeting rule.
          outcomes[i] = { kind: 'ignored_greeting' };
        } else {
          opening.push(i);
        }
      }
      if (!opening.length) return outcomes;
      const toOpen = opening.map((i) => items[i] as { msg: CustomerMessage; options?: IntakeOptions });
      const opened = await this.openMany(
        tx,
        toOpen.map(({ msg, options = {} }) => ({
          subject: options.subject ?? msg.text,
          body: msg.text,
          requesterId: msg.contactId,
          source: msg.platform,
          channelRef: msg.channelRef,
          productId: options.productId,
        })),
        toOpen.map(({ msg }) => ({ kind: 'contact', contactId: msg.contactId })),
      );
      // A conversation whose ticket is finished moves to its new one; the others get their first link.
      const fresh: { platform: string; channel: string; thread: string; ticketNumber: number }[] = [];
      for (const [j, { msg }] of toOpen.entries()) {
        const ticketNumber = (opened[j] as (typeof opened)[number]).ticket.number;
        const link = links.get(conversationKey(msg));
        if (link) await tx.conversationLink.update({ where: { id: link.id }, data: { ticketNumber } });
        else fresh.push({ platform: msg.platform, channel: msg.channel, thread: msg.thread, ticketNumber });
      }
      if (fresh.length) await insertCustomerLinks(tx, fresh);
      // silent: an auto-reply or a bounce must not be answered (RFC 3834), though its ticket exists.
      await this.publicSystemMessages(
        tx,
        opened.flatMap(({ ticket, org, language }, j) => {
          if (toOpen[j]?.options?.silent) return [];
          const plan = this.config.plans[org.plan];
          const within = plan ? t(language).duration(plan.sla[ticket.priority].firstResponse) : '';
          return [{ number: ticket.number, text: t(language).ack(ticket.number, within) }];
        }),
      );
      for (const [j, { ticket, org, language }] of opened.entries()) {
        await this.checkRequiredInfo(tx, ticket, org.plan, language, toOpen[j]?.options ?? {});
        outcomes[opening[j] as number] = { kind: 'created', ticketNumber: ticket.number };
      }
      return outcomes;
    });
  }

  /**
   * What customers' messages say of the language they read: each contact's last clear judgement, stored
   * when it differs from what they had (see customer-language.ts). A short text ("ok", "gracias!"), or one
   * too close to call, changes nothing; nor does anything written where the customer picks their language.
   */
  private async learnLanguages(tx: Tx, messages: readonly CustomerMessage[]) {
    const latest = new Map<string, { language: Language; known: string | null | undefined }>();
    for (const msg of messages) {
      if (msg.languageChosen) continue;
      const language = languageOfText(msg.text);
      if (language) latest.set(msg.contactId, { language, known: msg.contactLanguage });
    }
    const changed = [...latest]
      .filter(([, { language, known }]) => language !== known)
      .map(([contactId, { language }]) => ({ contactId, language }));
    await rememberLanguages(tx, changed);
  }

  /** The conversations' links, with their tickets, by conversationKey (their tickets read only if any). */
  private async linksOf(tx: Tx, conversations: readonly CustomerMessage[]) {
    const links = await tx.conversationLink.findMany({
      where: {
        OR: conversations.map(({ platform, channel, thread }) => ({ platform, channel, thread })),
      },
    });
    if (!links.length) return new Map<string, (typeof links)[number] & { ticket: Ticket }>();
    const tickets = await tx.ticket.findMany({ where: { number: { in: links.map((l) => l.ticketNumber) } } });
    const byNumber = new Map(tickets.map((ticket) => [ticket.number, ticket]));
    return new Map(
      links.map((link) => [
        conversationKey(link),
        { ...link, ticket: byNumber.get(link.ticketNumber) as Ticket },
      ]),
    );
  }

  /** A message in a conversation whose ticket is not finished. */
  private async append(
    tx: Tx,
    ticket: Ticket,
    msg: CustomerMessage,
    options: IntakeOptions,
  ): Promise<IntakeOutcome> {
    const actor: Actor = { kind: 'contact', contactId: msg.contactId };
    await this.publicMessage(tx, ticket.number, actor, { body: msg.text, channelRef: msg.channelRef });
    // Information someone in the conversation gives ends the wait on the customer; a message
    // against a proposed solution reopens the ticket only from its requester or people put on
    // it (anyone else's words are kept on the ticket, and it keeps waiting for the requester).
    const reopens =
      ticket.status === 'waiting_on_customer' ||
      (ticket.status === 'awaiting_confirmation' && (await this.mayAnswer(tx, ticket, msg.contactId)));
    if (reopens) await this.transition(tx, ticket, 'open', 'customer_message', actor);
    if (ticket.infoMissing.length || ticket.infoRequestedAt) {
      await tx.ticket.update({
        where: { number: ticket.number },
        data: {
          infoMissing: await stillMissing(tx, ticket.infoMissing, ticket.number, options.files),
          infoRequestedAt: null,
        },
      });
    }
    return { kind: 'appended', ticketNumber: ticket.number };
  }

  /** Opens a ticket on a customer's behalf (agent console, API, `/ticket new`). */
  async create(input: NewTicket, actor: Actor, outer?: Tx): Promise<number> {
    this.requireAgent(actor);
    this.checkLength(input.body);
    this.checkStorable(input.subject);
    if (isBlank(input.subject)) {
      throw new UserError({ en: 'A ticket needs a subject.', es: 'Un ticket necesita un asunto.' });
    }
    return this.tx(outer, async (tx) => (await this.open(tx, input, actor)).ticket.number);
  }

  async reply(number: number, actor: Actor, text: string, origin?: { channelRef: string }, outer?: Tx) {
    this.requireAgent(actor);
    this.checkLength(text);
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      if (ticket.status === 'spam') {
        throw new UserError({
          en: `Ticket #${number} is marked as spam; reopen it before replying.`,
          es: `El ticket #${number} está marcado como spam; reábralo antes de responder.`,
        });
      }
      const event = await this.publicMessage(tx, number, actor, {
        body: text,
        channelRef: origin?.channelRef,
      });
      // A reply typed in the customer's own thread is already there; anything else is delivered.
      if (!origin) await enqueue(tx, { kind: 'customer_event', eventId: event.id, ticketNumber: number });
      const now = this.deps.clock.now();
      await tx.ticket.update({
        where: { number },
        data: { firstRespondedAt: ticket.firstRespondedAt ?? now },
      });
      if (ticket.status === 'new') await this.transition(tx, ticket, 'open', 'agent', actor);
      return event.id;
    });
  }

  /** A private note: agents and maintainers only, never delivered to a customer. */
  async note(
    number: number,
    actor: Actor,
    text: string,
    outer?: Tx,
    origin?: { channelRef?: string; via?: string },
  ) {
    this.requireAgent(actor);
    this.checkLength(text);
    return this.tx(outer, async (tx) => {
      await this.load(tx, number);
      const event = await this.privateNote(tx, number, actor, {
        body: text,
        channelRef: origin?.channelRef,
        data: origin?.via ? { via: origin.via } : undefined,
      });
      return event.id;
    });
  }

  async assign(number: number, actor: Actor, assigneeId: string | null, outer?: Tx) {
    const agentId = this.requireAgent(actor);
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      const assignee = assigneeId ? await tx.agent.findUnique({ where: { id: assigneeId } }) : null;
      if (assigneeId && !assignee?.active) {
        throw new NotFoundError({
          en: `There is no active agent "${assigneeId}". Agents are listed in relevo.yaml.`,
          es: `No existe ningún agente activo «${assigneeId}». Los agentes se enumeran en relevo.yaml.`,
        });
      }
      if (ticket.assigneeId === assigneeId) return;
      await tx.ticket.update({ where: { number }, data: { assigneeId } });
      const change = { from: ticket.assigneeId, to: assigneeId };
      const event = await this.event(tx, number, 'assignment', {
        authorAgentId: agentId,
        body: assignee ? `Assigned to ${assignee.name}` : 'Unassigned',
        data: change,
      });
      await this.emit({ type: 'ticket.assigned', ...this.about(tx, number, actor, event), ...change });
      if (ticket.status === 'new') await this.transition(tx, ticket, 'open', 'agent', actor);
    });
  }

  /** Priority, category or product, set from the card or a command. A new priority moves the SLA clock. */
  async setField(number: number, actor: Actor, field: TicketField, value: string | null, outer?: Tx) {
    this.requireAgent(actor);
    const check = fieldValues[field];
    if (value !== null && check && !check.includes(value)) {
      throw new UserError({
        en: `"${value}" is not a ${field}. Choose one of: ${check.join(', ')}.`,
        es: `«${value}» no es un valor válido para ${fieldNameEs[field]}. Elija uno de: ${check.join(', ')}.`,
      });
    }
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      if (field === 'product' && value && !(await tx.product.findUnique({ where: { id: value } }))) {
        throw new NotFoundError(refusal.noProduct(value));
      }
      const column = field === 'product' ? 'productId' : field;
      const before = ticket[column];
      if (before === value) return;
      const data: Record<string, unknown> = { [column]: value };
      await tx.ticket.update({ where: { number }, data });
      // Another priority, other targets: the clocks are recomputed from the ticket's history.
      if (field === 'priority') await refreshSla(tx, this.config, number, this.deps.clock.now());
      await this.fieldChange(
        tx,
        number,
        actor,
        { field, from: before, to: value },
        {
          body: `${field}: ${before ?? 'none'} → ${value ?? 'none'}`,
          data: { field, from: before, to: value },
        },
      );
    });
  }

  /** Sends an internal note's text (e.g. a maintainer's answer) to the customer: only on an explicit request. */
  async shareWithCustomer(number: number, actor: Actor, noteEventId: string, outer?: Tx) {
    this.requireAgent(actor);
    return this.tx(outer, async (tx) => {
      const note = await tx.ticketEvent.findUnique({ where: { id: noteEventId } });
      if (!note || note.ticketNumber !== number || note.type !== 'private_note') {
        throw new NotFoundError({
          en: `That message is not part of ticket #${number}.`,
          es: `Ese mensaje no forma parte del ticket #${number}.`,
        });
      }
      // Twice would send the customer the same text twice (a double click, two agents at once): the note
      // is locked while this runs, and one shared already is refused.
      await tx.$queryRaw`SELECT id FROM "TicketEvent" WHERE id = ${note.id} FOR UPDATE`;
      const shared = await tx.ticketEvent.findFirst({
        where: { ticketNumber: number, data: { path: ['sharedFrom'], equals: note.id } },
        select: { id: true },
      });
      if (shared) {
        throw new UserError(
          {
            en: 'That note was already sent to the customer.',
            es: 'Esa nota ya se envió al cliente.',
          },
          409,
          'already_shared',
        );
      }
      const event = await this.publicMessage(tx, number, actor, {
        body: note.body,
        data: { sharedFrom: note.id },
      });
      await enqueue(tx, { kind: 'customer_event', eventId: event.id, ticketNumber: number });
      return event.id;
    });
  }

  /** Agent status changes other than resolving: open, waiting on customer, on hold, spam, rejected, closed. */
  async setStatus(number: number, actor: Actor, to: Status, reason?: string, outer?: Tx) {
    this.requireAgent(actor);
    if (to === 'awaiting_confirmation' || to === 'resolved') {
      throw new UserError({
        en: 'To resolve a ticket use resolve: it asks the customer to confirm the solution.',
        es: 'Para resolver un ticket use resolve: pide al cliente que confirme la solución.',
      });
    }
    if (to === 'rejected' && !reason?.trim()) {
      throw new UserError({
        en: 'Say why the ticket is rejected: the reason is kept on the ticket.',
        es: 'Indique por qué se rechaza el ticket: el motivo queda guardado en él.',
      });
    }
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      const why: TransitionReason = isFinished(ticket.status) && to === 'open' ? 'reopen' : 'agent';
      await this.transition(tx, ticket, to, why, actor, reason);
    });
  }

  /** Proposes a solution: the customer is asked to confirm it (seed 003); the technical note stays internal. */
  async resolve(
    number: number,
    actor: Actor,
    input: { message: string; technicalNote?: string },
    outer?: Tx,
  ) {
    const agentId = this.requireAgent(actor);
    if (isBlank(input.message)) {
      throw new UserError({
        en: 'Write the resolution message the customer will read.',
        es: 'Escriba el mensaje de resolución que leerá el cliente.',
      });
    }
    this.checkLength(input.message);
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      await this.transition(tx, ticket, 'awaiting_confirmation', 'agent', actor);
      const event = await this.event(tx, number, 'public_reply', {
        authorAgentId: agentId,
        body: input.message,
        data: { kind: 'resolution_request' },
      });
      await enqueue(tx, { kind: 'customer_event', eventId: event.id, ticketNumber: number });
      await this.emit({ type: 'ticket.resolved', ...this.about(tx, number, actor, event) });
      if (input.technicalNote?.trim()) {
        await this.privateNote(tx, number, actor, {
          body: input.technicalNote,
          data: { kind: 'technical_note' },
        });
      }
      await tx.ticket.update({
        where: { number },
        data: { firstRespondedAt: ticket.firstRespondedAt ?? this.deps.clock.now() },
      });
    });
  }

  /**
   * Whether a customer may answer for a ticket — confirm it, say it is still broken, reopen it: its
   * requester, or someone an agent put on it. Every customer path (buttons on any platform, email)
   * comes through here.
   */
  async mayAnswer(tx: Tx, ticket: { number: number; requesterId: string }, contactId: string) {
    if (ticket.requesterId === contactId) return true;
    const on = await tx.ticketParticipant.findUnique({
      where: { ticketNumber_contactId: { ticketNumber: ticket.number, contactId } },
    });
    return on !== null;
  }

  /** Refuses a customer who may not answer for ticket `number`: confirm it, reopen it, rate it. */
  async assertAnswerer(tx: Tx, number: number, contactId: string) {
    await this.requireAnswerer(tx, await this.load(tx, number), contactId);
  }

  /** Refuses a customer who may not answer for the ticket (the answer picks their language). */
  private async requireAnswerer(tx: Tx, ticket: Ticket, contactId: string) {
    if (await this.mayAnswer(tx, ticket, contactId)) return;
    const contact = await tx.contact.findUniqueOrThrow({ where: { id: contactId } });
    // Another organisation's ticket does not exist for them; a colleague's, they may know of.
    if (contact.organisationId !== ticket.organisationId)
      throw new NotFoundError(both((l) => t(l).noTicket(ticket.number)));
    throw new ForbiddenError(both((l) => t(l).notYourTicket(ticket.number)));
  }

  /** The customer's answer to "is it solved?". */
  async confirm(number: number, actor: Actor, solved: boolean, outer?: Tx) {
    if (actor.kind !== 'contact') {
      throw new ForbiddenError({
        en: 'Only the customer can confirm the solution.',
        es: 'Solo el cliente puede confirmar la solución.',
      });
    }
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      await this.requireAnswerer(tx, ticket, actor.contactId);
      if (ticket.status !== 'awaiting_confirmation') {
        throw new UserError(
          both((l) => t(l).notAwaiting(number)),
          409,
          'not_awaiting',
        );
      }
      const texts = t((await this.customerOf(tx, number)).language);
      if (solved) {
        await this.resolveAwaiting(tx, ticket, 'customer_confirmed', actor, texts.confirmed(number));
      } else {
        await this.transition(tx, ticket, 'open', 'customer_still_broken', actor);
        await this.publicSystemMessage(tx, number, texts.reopened(number));
      }
    });
  }

  /** A customer's new mail on a finished ticket reopens it (email.closedReply: reopen): answerers only. */
  async reopenByCustomer(number: number, actor: Actor, outer?: Tx) {
    if (actor.kind !== 'contact') {
      throw new ForbiddenError({
        en: 'Only the customer can reopen a ticket this way.',
        es: 'Solo el cliente puede reabrir un ticket de esta forma.',
      });
    }
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      await this.requireAnswerer(tx, ticket, actor.contactId);
      await this.transition(tx, ticket, 'open', 'reopen', actor);
    });
  }

  /**
   * An agent puts someone on a ticket besides its requester (a colleague of theirs): from then on they
   * may confirm or reopen it like the requester. Returns the text for the agent.
   */
  async addParticipant(number: number, actor: Actor, contactId: string, outer?: Tx): Promise<string> {
    const agentId = this.requireAgent(actor);
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      const contact = await tx.contact.findUnique({
        where: { id: contactId },
        include: { identities: { where: { platform: 'email' } } },
      });
      if (!contact) throw new NotFoundError(refusal.noContact(contactId));
      const org = await tx.organisation.findUniqueOrThrow({ where: { id: ticket.organisationId } });
      const texts = agentTexts(org.language);
      const who = contact.identities[0]
        ? `${contact.name} <${contact.identities[0].externalId}>`
        : contact.name;
      if (ticket.requesterId === contactId) return texts.alreadyRequester(who, number);
      const key = { ticketNumber_contactId: { ticketNumber: number, contactId } };
      if (!(await tx.ticketParticipant.findUnique({ where: key }))) {
        await tx.ticketParticipant.create({
          data: { ticketNumber: number, contactId, addedById: agentId ?? 'system' },
        });
        await this.fieldChange(
          tx,
          number,
          actor,
          { field: 'participants', from: null, to: contactId },
          { body: texts.participantEvent(who), data: { field: 'participants', added: contactId } },
        );
      }
      return texts.participantAdded(who, number);
    });
  }

  /**
   * A web chat visitor proved who they are: the tickets and words of their unverified contact become
   * the verified contact's, a private note says how, and the unverified contact is removed.
   */
  async adoptVisitor(
    tx: Tx,
    input: { from: string; to: string; email: string; how: 'code' | 'signed' },
  ): Promise<number[]> {
    const visitor = await tx.contact.findUnique({ where: { id: input.from } });
    if (!visitor || visitor.verified || input.from === input.to) return [];
    const target = await tx.contact.findUniqueOrThrow({ where: { id: input.to } });
    const tickets = await tx.ticket.findMany({
      where: { requesterId: input.from },
      select: { number: true },
      orderBy: { number: 'asc' },
    });
    await tx.ticket.updateMany({
      where: { requesterId: input.from },
      data: { requesterId: input.to, organisationId: target.organisationId },
    });
    await tx.ticketEvent.updateMany({
      where: { authorContactId: input.from },
      data: { authorContactId: input.to },
    });
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: target.organisationId } });
    // Another organisation may mean another plan: the clocks are recomputed from the history.
    await refreshSlaMany(
      tx,
      this.config,
      tickets.map((x) => x.number),
      this.deps.clock.now(),
    );
    for (const { number } of tickets) {
      await this.privateNote(
        tx,
        number,
        { kind: 'system' },
        {
          body: agentTexts(org.language).visitorVerified(input.email, input.how),
          data: { kind: 'visitor_verified', how: input.how },
        },
      );
    }
    await tx.contact.delete({ where: { id: input.from } });
    const numbers = tickets.map((x) => x.number);
    if (numbers.length) this.deps.notifier.outboxWritten();
    return numbers;
  }

  /**
   * Asks the customer for information (the *Ask for information…* form): the listed items and the agent's
   * own words, in the organisation's language, as the agent's reply; then the ticket waits on the customer.
   */
  async requestInformation(
    number: number,
    actor: Actor,
    request: { items: readonly InfoItem[]; other?: string },
    outer?: Tx,
  ) {
    this.requireAgent(actor);
    const other = request.other?.trim() ?? '';
    if (!request.items.length && !other) {
      throw new UserError({
        en: 'Tick what is missing, or write what to ask.',
        es: 'Marque lo que falta, o escriba qué preguntar.',
      });
    }
    return this.tx(outer, async (tx) => {
      const ticket = await this.load(tx, number);
      this.requireAskable(ticket);
      // The agent's words go to the customer: in the customer's language.
      const { language } = await this.customerOf(tx, number);
      const text = requiredInfoTexts(language).agentAsk(number, askList(request.items, language), other);
      await this.reply(number, actor, text, undefined, tx);
      await this.waitForInformation(tx, number, actor, request.items);
    });
  }

  /**
   * The ticket waits on its customer for information just asked for (the request form, an initial
   * response's "required" part): its clocks pause, the card shows what is missing, and after
   * tickets.rejectIncompleteAfter it is rejected.
   */
  async waitForInformation(tx: Tx, number: number, actor: Actor, items: readonly InfoItem[]) {
    const ticket = await this.load(tx, number);
    this.requireAskable(ticket);
    if (ticket.status !== 'waiting_on_customer') {
      await this.transition(
        tx,
        ticket,
        'waiting_on_customer',
        actor.kind === 'system' ? 'information_missing' : 'agent',
        actor,
      );
    }
    await tx.ticket.update({
      where: { number },
      data: { infoMissing: [...items], infoRequestedAt: this.deps.clock.now() },
    });
  }

  /** Information can be asked for while the ticket is being worked on, not once a solution is proposed. */
  private requireAskable(ticket: Ticket) {
    if (ticket.status === 'awaiting_confirmation' || isFinished(ticket.status)) {
      throw new UserError({
        en: `Ticket #${ticket.number} is not being worked on; reopen it before asking the customer for information.`,
        es: `El ticket #${ticket.number} no está en curso; reábralo antes de pedir información al cliente.`,
      });
    }
  }

  /**
   * At intake: what the plan and product require and the first message does not show is asked for at once,
   * precisely, and the ticket waits for it. An auto-reply or a bounce (silent) is not asked anything; its
   * card still shows what is missing.
   */
  private async checkRequiredInfo(
    tx: Tx,
    ticket: Ticket,
    plan: string,
    language: Language,
    options: { silent?: boolean; files?: number },
  ) {
    const missing = await missingOf(tx, this.config, ticket, plan, options.files);
    if (!missing.length) return;
    if (options.silent) {
      await tx.ticket.update({ where: { number: ticket.number }, data: { infoMissing: missing } });
      return;
    }
    const texts = requiredInfoTexts(language);
    await this.publicSystemMessage(
      tx,
      ticket.number,
      texts.intakeAsk(ticket.number, askList(missing, language)),
    );
    await this.waitForInformation(tx, ticket.number, { kind: 'system' }, missing);
  }

  /**
   * Rejects, with the reason, the tickets that waited tickets.rejectIncompleteAfter (business time on their
   * plan's calendar) for information they were asked for (seed 002). Safe to run on every instance.
   */
  async rejectIncomplete(): Promise<number[]> {
    const after = this.config.tickets.rejectIncompleteAfter;
    if (!after) return [];
    const now = this.deps.clock.now();
    // Business time never runs faster than the wall clock: this bound finds every candidate.
    const cutoff = new Date(now.getTime() - after * 60_000);
    const due = await this.deps.db.ticket.findMany({
      where: { status: 'waiting_on_customer', infoRequestedAt: { lte: cutoff } },
      orderBy: { infoRequestedAt: 'asc' },
      select: { number: true },
      take: 200,
    });
    const rejected: number[] = [];
    for (const { number } of due) {
      await this.tx(undefined, async (tx) => {
        // Locked: two instances never both reject (and both tell the customer).
        await tx.$queryRaw`SELECT number FROM "Ticket" WHERE number = ${number} FOR UPDATE`;
        const ticket = await this.load(tx, number);
        if (ticket.status !== 'waiting_on_customer' || !ticket.infoRequestedAt) return;
        const { plan, language } = await this.customerOf(tx, number);
        const waited = businessTimeFor(this.config, plan).between(ticket.infoRequestedAt, now);
        if (waited < after * 60_000) return;
        const reason = requiredInfoTexts(language).rejectReason(
          t(language).duration(after),
          labelList(ticket.infoMissing.filter(isInfoItem), language),
        );
        await this.publicSystemMessage(tx, number, t(language).rejected(number, reason));
        await this.transition(
          tx,
          ticket,
          'rejected',
          'information_timeout',
          { kind: 'system' },
          'required information not received',
        );
        rejected.push(number);
      });
    }
    return rejected;
  }

  /** Resolves tickets whose confirmation window passed without an answer. Safe to run on every instance. */
  async resolveUnconfirmed(): Promise<number[]> {
    const now = this.deps.clock.now();
    const windowMinutes = this.config.tickets.confirmationWindow;
    const cutoff = new Date(now.getTime() - windowMinutes * 60_000);
    const due = await this.deps.db.ticket.findMany({
      where: { status: 'awaiting_confirmation', awaitingConfirmationSince: { lte: cutoff } },
      select: { number: true },
      take: 200,
    });
    const resolved: number[] = [];
    for (const { number } of due) {
      await this.tx(undefined, async (tx) => {
        // Lock the row so two instances do not both resolve (and both tell the customer).
        await tx.$queryRaw`SELECT number FROM "Ticket" WHERE number = ${number} FOR UPDATE`;
        const ticket = await this.load(tx, number);
        if (ticket.status !== 'awaiting_confirmation') return;
        const { language } = await this.customerOf(tx, number);
        await this.resolveAwaiting(
          tx,
          ticket,
          'confirmation_window_elapsed',
          { kind: 'system' },
          t(language).autoResolved(number, t(language).duration(windowMinutes)),
        );
        resolved.push(number);
      });
    }
    return resolved;
  }

  // ── internals ─────────────────────────────────────────────────────────────

  /** Opens a ticket with its first message: the customer's, or what an agent entered for them. */
  private async open(tx: Tx, input: NewTicket & { channelRef?: string }, actor: Actor) {
    const [opened] = await this.openMany(tx, [input], [actor]);
    return opened as NonNullable<typeof opened>;
  }

  /** Opens several tickets, each with its first message: one statement for the tickets, one for the messages. */
  private async openMany(
    tx: Tx,
    inputs: readonly (NewTicket & { channelRef?: string })[],
    actors: readonly Actor[],
  ): Promise<{ ticket: Ticket; org: { id: string; plan: string }; language: Language }[]> {
    if (!inputs.length) return [];
    // One statement for the requesters, their languages and their organisations (the ORM's nested read
    // took two each).
    const requesters = await tx.$queryRaw<
      { id: string; orgId: string; plan: string; language: string; contactLanguage: string | null }[]
    >`
      SELECT c.id, o.id AS "orgId", o.plan, o.language, c.language AS "contactLanguage"
      FROM "Contact" c JOIN "Organisation" o ON o.id = c."organisationId"
      WHERE c.id = ANY(${[...new Set(inputs.map((i) => i.requesterId))]}::text[])`;
    const orgOf = new Map(
      requesters.map((r) => [
        r.id,
        { id: r.orgId, plan: r.plan, language: customerLanguage({ language: r.contactLanguage }, r) },
      ]),
    );
    for (const input of inputs) {
      if (!orgOf.has(input.requesterId)) throw new NotFoundError(refusal.noContact(input.requesterId));
      // An empty id is a product that does not exist, not "no product": refused like any unknown one.
      if (
        input.productId !== undefined &&
        !(await tx.product.findUnique({ where: { id: input.productId } }))
      ) {
        throw new NotFoundError(refusal.noProduct(input.productId));
      }
    }
    const now = this.deps.clock.now();
    const tickets = await insertTickets(
      tx,
      inputs.map((input) => {
        const org = orgOf.get(input.requesterId) as { id: string; plan: string };
        const priority = input.priority ?? 'normal';
        return {
          subject: firstLine(input.subject),
          source: input.source,
          priority,
          requesterId: input.requesterId,
          organisationId: org.id,
          productId: input.productId ?? null,
          createdAt: now,
          ...keptAtOpening(this.config, org.plan, priority, now),
        };
      }),
    );
    // Numbered as written, in the inputs' order.
    tickets.sort((a, b) => a.number - b.number);
    const events = await this.events(
      tx,
      tickets.map((ticket, i) => {
        const actor = actors[i] as Actor;
        return {
          ticketNumber: ticket.number,
          type: 'customer_message' as const,
          authorContactId: ticket.requesterId,
          body: (inputs[i] as NewTicket).body,
          channelRef: inputs[i]?.channelRef,
          data: actor.kind === 'agent' ? { enteredBy: actor.agentId } : undefined,
        };
      }),
    );
    await this.deps.events.emitAll(
      tickets.map((ticket, i) => ({
        type: 'ticket.created' as const,
        ...this.about(tx, ticket.number, actors[i] as Actor, events[i] ?? null),
        source: ticket.source,
        requesterId: ticket.requesterId,
        organisationId: ticket.organisationId,
        priority: ticket.priority,
        productId: ticket.productId,
      })),
    );
    return tickets.map((ticket) => {
      const { language, ...org } = orgOf.get(ticket.requesterId) as {
        id: string;
        plan: string;
        language: Language;
      };
      return { ticket, org, language };
    });
  }

  private async transition(
    tx: Tx,
    ticket: Ticket,
    to: Status,
    reason: TransitionReason,
    actor: Actor,
    note?: string,
  ) {
    const now = this.deps.clock.now();
    assertTransition({
      from: ticket.status,
      to,
      reason,
      now,
      awaitingConfirmationSince: ticket.awaitingConfirmationSince,
      confirmationWindowMinutes: this.config.tickets.confirmationWindow,
    });
    await tx.ticket.update({
      where: { number: ticket.number },
      data: {
        status: to,
        statusChangedAt: now,
        awaitingConfirmationSince: to === 'awaiting_confirmation' ? now : null,
        resolvedAt: to === 'resolved' ? now : to === 'open' ? null : undefined,
        closedAt: to === 'closed' ? now : to === 'open' ? null : undefined,
        // A pending request for information ends when the ticket stops waiting for it.
        ...(to === 'waiting_on_customer' ? {} : { infoRequestedAt: null }),
      },
    });
    const from = ticket.status;
    const event = await this.event(tx, ticket.number, 'status_change', {
      ...authorOf(actor),
      // In the statuses' one wording (lifecycle.ts label), as cards and the console write them; the codes
      // stay in `data`.
      body: `Status: ${label[from]} → ${label[to]}${note ? ` (${note})` : ''}`,
      data: { from, to, reason, note: note ?? null },
    });
    ticket.status = to;
    if (isFinished(to) && !isFinished(from)) await attachTranscript(tx, ticket.number);
    await refreshSla(tx, this.config, ticket.number, now);
    // Every status change is told here, and so are the ones subscribers most often care about.
    const about = this.about(tx, ticket.number, actor, event);
    await this.emit({ type: 'ticket.status', ...about, from, to, reason });
    // `ticket.confirmed` is told by resolveAwaiting, the one way to resolved, after the closing message.
    if (to === 'open' && (from === 'awaiting_confirmation' || isFinished(from))) {
      await this.emit({ type: 'ticket.reopened', ...about, from, reason });
    }
    return event;
  }

  /**
   * Resolves a ticket awaiting confirmation and tells the customer so (and how to reach support again).
   * `ticket.confirmed` is told after that message, so what its subscribers send the customer (the
   * satisfaction survey) reaches them after it: one ticket's messages are delivered in order.
   */
  private async resolveAwaiting(
    tx: Tx,
    ticket: Ticket,
    reason: DomainEventPayloads['ticket.confirmed']['reason'],
    actor: Actor,
    closing: string,
  ) {
    const event = await this.transition(tx, ticket, 'resolved', reason, actor);
    await this.publicSystemMessage(tx, ticket.number, closing);
    await this.emit({ type: 'ticket.confirmed', ...this.about(tx, ticket.number, actor, event), reason });
  }

  /**
   * A customer's answer to the satisfaction survey (core/survey/answer.ts), kept on the ticket's history
   * for agents (a field change: never shown to the customer) and told as `ticket.rated`.
   */
  async recordSatisfaction(
    tx: Tx,
    number: number,
    actor: Actor,
    answer: { body: string; data: Record<string, unknown>; score: number | null },
  ) {
    const event = await this.event(tx, number, 'field_change', {
      ...authorOf(actor),
      body: answer.body,
      data: answer.data,
    });
    await this.emit({ type: 'ticket.rated', ...this.about(tx, number, actor, event), score: answer.score });
  }

  /** A public message on the ticket: the customer's (from a contact) or a reply (from anyone else). */
  private async publicMessage(
    tx: Tx,
    number: number,
    actor: Actor,
    fields: { body: string; channelRef?: string; data?: Record<string, unknown> },
  ) {
    const by = actor.kind === 'contact' ? 'customer' : 'agent';
    const type = by === 'customer' ? 'customer_message' : 'public_reply';
    const event = await this.event(tx, number, type, { ...authorOf(actor), ...fields });
    await this.emit({ type: 'ticket.replied', ...this.about(tx, number, actor, event), by });
    // An agent's public word (a reply, a shared note) answers the first response and restarts the next update.
    if (actor.kind === 'agent') await refreshSla(tx, this.config, number, this.deps.clock.now());
    return event;
  }

  private async privateNote(
    tx: Tx,
    number: number,
    actor: Actor,
    fields: { body: string; channelRef?: string; data?: Record<string, unknown> },
  ) {
    const event = await this.event(tx, number, 'private_note', { ...authorOf(actor), ...fields });
    await this.emit({ type: 'ticket.noted', ...this.about(tx, number, actor, event) });
    return event;
  }

  private async fieldChange(
    tx: Tx,
    number: number,
    actor: Actor,
    change: DomainEventPayloads['ticket.changed'],
    fields: { body: string; data: Record<string, unknown> },
  ) {
    const event = await this.event(tx, number, 'field_change', { ...authorOf(actor), ...fields });
    await this.emit({ type: 'ticket.changed', ...this.about(tx, number, actor, event), ...change });
  }

  /** What every domain event carries. */
  private about(tx: Tx, ticketNumber: number, actor: Actor, event: { id: string } | null) {
    return { ticketNumber, actor, eventId: event?.id ?? null, tx };
  }

  private emit(event: DomainEvent): Promise<void> {
    return this.deps.events.emit(event);
  }

  /** One event on a ticket's history (see events). */
  private async event(tx: Tx, ticketNumber: number, type: EventType, fields: EventFields) {
    const [event] = await this.events(tx, [{ ticketNumber, type, ...fields }]);
    return event as NonNullable<typeof event>;
  }

  /**
   * The only place events are written, several in one statement; visibility follows from the type and
   * cannot be chosen. Returned in the order given (PostgreSQL returns the rows of an INSERT … VALUES in
   * the order written; checked, since a timeline that put a reply before its question would be wrong).
   */
  private async events(tx: Tx, rows: readonly (EventFields & { ticketNumber: number; type: EventType })[]) {
    if (!rows.length) return [];
    const now = this.deps.clock.now();
    const events = await insertEvents(
      tx,
      rows.map(({ ticketNumber, type, ...fields }) => ({
        ticketNumber,
        type,
        visibility:
          type === 'customer_message' || type === 'public_reply' || type === 'system' ? 'public' : 'internal',
        authorKind: fields.authorAgentId ? 'agent' : fields.authorContactId ? 'contact' : 'system',
        authorAgentId: fields.authorAgentId ?? null,
        authorContactId: fields.authorContactId ?? null,
        body: fields.body,
        data: fields.data,
        channelRef: fields.channelRef ?? null,
        createdAt: now,
      })),
    );
    if (events.some((e, i) => e.ticketNumber !== rows[i]?.ticketNumber || e.type !== rows[i]?.type)) {
      throw new Error('ticket events came back in another order than written');
    }
    return events;
  }

  /** A message from Relevo to the customer, recorded on the ticket and delivered where they wrote. */
  private publicSystemMessage(tx: Tx, number: number, text: string) {
    return this.publicSystemMessages(tx, [{ number, text }]);
  }

  /** Several of them (acknowledgements of tickets opened together): two statements for all. */
  private async publicSystemMessages(tx: Tx, messages: readonly { number: number; text: string }[]) {
    const events = await this.events(
      tx,
      messages.map(({ number, text }) => ({ ticketNumber: number, type: 'system' as const, body: text })),
    );
    await enqueueMany(
      tx,
      events.map((event) => ({
        kind: 'customer_event',
        eventId: event.id,
        ticketNumber: event.ticketNumber,
      })),
    );
  }

  /** The ticket's customer: the language its messages are written in, and their plan. */
  private async customerOf(tx: Tx, number: number) {
    const customer = await ticketCustomer(tx, number);
    if (!customer) throw new NotFoundError(refusal.noTicket(number));
    return customer;
  }

  private async load(tx: Tx, number: number): Promise<Ticket> {
    const ticket = await tx.ticket.findUnique({ where: { number } });
    if (!ticket) throw new NotFoundError(refusal.noTicket(number));
    return ticket;
  }

  private requireAgent(actor: Actor): string | undefined {
    if (actor.kind === 'contact') throw new ForbiddenError(refusal.agentsOnly);
    return actor.kind === 'agent' ? actor.agentId : undefined;
  }

  /**
   * Adapters clean what platforms send and the HTTP layer refuses it; this is the last line before
   * PostgreSQL, which cannot store NUL (22021).
   */
  private checkStorable(text: string) {
    const problem = textProblem(text);
    if (problem) {
      const name = codePointName(problem.codePoint);
      throw new UserError(
        {
          en: `The text contains a character that cannot be stored (${name}).`,
          es: `El texto contiene un carácter que no se puede guardar (${name}).`,
        },
        400,
        'invalid_text',
      );
    }
  }

  private checkLength(text: string) {
    this.checkStorable(text);
    const max = this.config.tickets.maxMessageLength;
    if (text.length > max) {
      throw new UserError(
        {
          en: `The message is too long (${text.length} characters; the limit is ${max}). Split it or attach a file.`,
          es: `El mensaje es demasiado largo (${text.length} caracteres; el límite es ${max}). Divídalo o adjunte un archivo.`,
        },
        413,
        'message_too_long',
      );
    }
    if (!text.trim()) throw new UserError({ en: 'The message is empty.', es: 'El mensaje está vacío.' });
  }

  /** "hi", "thanks!", "ok, gracias 🙏": nothing but greetings and thanks (from relevo.yaml). */
  /**
   * Whether `intake` would open a new ticket for this message in this conversation now: no unfinished
   * ticket is linked to it, and the message is more than a greeting. (Limits count tickets as they are
   * accepted, before the inbox opens them.)
   */
  async wouldOpenTicket(
    tx: Tx,
    conversation: { platform: string; channel: string; thread: string },
    text: string,
  ): Promise<boolean> {
    if (this.isGreeting(text)) return false;
    const link = await tx.conversationLink.findUnique({
      where: { platform_channel_thread: conversation },
      include: { ticket: { select: { status: true } } },
    });
    return !link || isFinished(link.ticket.status);
  }

  isGreeting(text: string): boolean {
    let rest = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    const phrases = [...this.config.tickets.greetings].sort((a, b) => b.length - a.length);
    for (const phrase of phrases) {
      const escaped = phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      rest = rest.replace(new RegExp(`(?<= )${escaped}(?= )`, 'g'), '');
    }
    return rest.trim() === '';
  }
}

function authorOf(actor: Actor) {
  return actor.kind === 'agent'
    ? { authorAgentId: actor.agentId }
    : actor.kind === 'contact'
      ? { authorContactId: actor.contactId }
      : {};
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
