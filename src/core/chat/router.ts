// The one inbound path for every chat platform. Adapters translate their payloads into ChatEvents and
// Interactions; here they become ticket work: channel kinds (support, agents, maintainers), customer
// conversations and their threads, the `note:` rule, who may press what, who the person is, and the
// answer in that person's language. No platform's name appears below.
import type { Tx } from '../../db/index.ts';
import { chatTexts } from '../../i18n/chat.ts';
import { type ActionDeps, mayRun, runAction } from '../actions.ts';
import { customerLanguage } from '../customer-language.ts';
import { UserError } from '../errors.ts';
import type { OutMessage } from '../message.ts';
import type { ChatAdapter, Logger } from '../ports.ts';
import { isBlank } from '../text.ts';
import { formFor } from '../tickets/forms.ts';
import type { Actor } from '../tickets/service.ts';
import type { ChatEvent, ChatPerson, Interaction } from './events.ts';
import { intakeText, intakeTexts, OPEN_CONVERSATION } from './intake-form.ts';
import { actorOf, People, type Person, type ProfileLookup } from './people.ts';
import type { InteractionResponder } from './responder.ts';

/** What a platform tells the router about itself when its module starts. */
export interface InboundPlatform {
  platform: string;
  /** Reads a person's name and email (Slack users.info...); without it people are known by their id. */
  profile?: ProfileLookup;
  /**
   * A link to a message on this platform ("Copy link", a permalink) → where the message is, for
   * `/ticket create <link>` and `/ticket share <link>`. Asynchronous: a Mattermost permalink names only the
   * post, so its channel and thread are looked up.
   */
  messageAt?(link: string): Promise<MessageAt | undefined>;
}

/** Where one message is: its channel, its thread (its root's id; a root is its own thread) and its own id. */
export interface MessageAt {
  channel: string;
  thread: string;
  messageId: string;
}

/** What a `/ticket` line is run with: everything a command may need, as the router knows it. */
export interface CommandLineContext {
  actor: Actor;
  tickets: ActionDeps['tickets'];
  conversations: ActionDeps['conversations'];
  db: ActionDeps['db'];
  config: ActionDeps['config'];
  ticketInThread?: number;
  findConversation: (link: string) => Promise<string | undefined>;
  /** A linked message that is a private note (a maintainer's reply) → its ticket and event, to share it. */
  findNote: (link: string) => Promise<{ ticketNumber: number; eventId: string } | undefined>;
  /** The language of the person who typed it: confirmations answer in it. */
  language: string;
  /** Where it was typed: the platform, and the channel when the platform says. */
  place: { platform: string; channel?: string };
  /** A person @mentioned in it → the agent they are (null: not one); undefined for a mention not resolved. */
  agentMentioned: (mention: string) => Promise<{ agentId: string | null } | undefined>;
}

export interface ChatRouterDeps {
  actions: ActionDeps;
  log: Logger;
  /** The platforms' outbound adapters (the same map the outbox delivers through), for private lines. */
  adapters: ReadonlyMap<string, ChatAdapter>;
  /**
   * Runs a `/ticket` line (commands/index.ts runCommandLine). Passed in by the composition root: the
   * commands import the core, so the core importing them back would break ARCHITECTURE.md's rule 1.
   */
  runCommand: (line: string, ctx: CommandLineContext) => Promise<OutMessage>;
}

type Channel = ActionDeps['config']['channels'][number];

export class ChatRouter {
  readonly people: People;
  private readonly platforms = new Map<string, InboundPlatform>();

  constructor(private readonly deps: ChatRouterDeps) {
    this.people = new People(deps.log);
  }

  register(platform: InboundPlatform): void {
    this.platforms.set(platform.platform, platform);
    if (platform.profile) this.people.lookupWith(platform.platform, platform.profile);
  }

  /** The channel as relevo.yaml declares it; undefined for channels Relevo does not serve. */
  channel(platform: string, id: string): Channel | undefined {
    return this.deps.actions.config.channels.find((c) => c.platform === platform && c.id === id);
  }

  /** Outside any transaction: reads an unknown person's profile ahead of `handle`. */
  async prepare(event: ChatEvent): Promise<void> {
    await this.people.prefetch(this.deps.actions.db, event.platform, event.person);
  }

  /** Handles a stored event inside the inbox's transaction: its effects commit with its "processed" mark. */
  async handle(tx: Tx, event: ChatEvent): Promise<void> {
    if (event.kind === 'message') await this.onMessage(tx, event);
    else await this.onReaction(tx, event);
  }

  private async onMessage(tx: Tx, e: Extract<ChatEvent, { kind: 'message' }>) {
    const { actions, log } = this.deps;
    const channel = this.channel(e.platform, e.channel);
    if (!channel) {
      log.debug({ platform: e.platform, channel: e.channel }, 'message in a channel Relevo does not serve');
      return;
    }
    const text = e.text.trim();
    // A message of zero-width spaces alone says nothing: no ticket, no reply, no note.
    if (isBlank(text)) return;
    const where = { platform: e.platform, channel: e.channel, thread: e.thread };
    const channelRef = `${e.platform}:${e.channel}:${e.thread}:${e.messageId}`;
    const person = await this.people.identify(
      tx,
      e.platform,
      e.person,
      channel.kind === 'support' ? channel.organisation : undefined,
    );
    const link = await tx.conversationLink.findUnique({ where: { platform_channel_thread: where } });

    if (channel.kind === 'support') {
      if (person.kind === 'contact') {
        await actions.conversations.customerMessage(
          {
            ...where,
            contactId: person.contactId,
            text,
            channelRef,
            contactLanguage: person.language,
            languageChosen: e.languageChosen,
          },
          channel.ticketOn,
          tx,
        );
        return;
      }
      if (person.kind === 'agent' && link?.kind === 'customer') {
        const actor = { kind: 'agent' as const, agentId: person.agentId };
        const prefix = actions.config.tickets.notePrefix.toLowerCase();
        if (!text.toLowerCase().startsWith(prefix)) {
          await actions.tickets.reply(link.ticketNumber, actor, text, { channelRef }, tx);
          return;
        }
        // The note's words are already visible in the customer's channel; Relevo only records them as
        // internal and never repeats them there, and tells the agent privately (a bot cannot delete a
        // person's message on most platforms).
        await actions.tickets.note(link.ticketNumber, actor, text.slice(prefix.length).trim(), tx);
        this.whisper(e.platform, e.channel, e.person, chatTexts(this.language(person)).noteInSharedChannel);
        return;
      }
      log.info(
        { platform: e.platform, channel: e.channel },
        'message in a support channel from an unknown person',
      );
      return;
    }

    if (person.kind !== 'agent') {
      log.info(
        { platform: e.platform, channel: e.channel },
        'message from a non-agent in an internal channel: ignored',
      );
      return;
    }
    if (!e.inThread) return;
    const actor = { kind: 'agent' as const, agentId: person.agentId };
    // A reply in an escalation's thread is the maintainers' diagnosis work; in a card's thread, the
    // agents' internal discussion. Both are private notes.
    if (channel.kind === 'maintainers' && link?.kind === 'maintainers') {
      await actions.tickets.note(link.ticketNumber, actor, text, tx, { channelRef, via: 'maintainers' });
    } else if (channel.kind === 'agents' && link?.kind === 'agents') {
      await actions.tickets.note(link.ticketNumber, actor, text, tx, { channelRef });
    }
  }

  private async onReaction(tx: Tx, e: Extract<ChatEvent, { kind: 'reaction' }>) {
    const { actions, log } = this.deps;
    if (this.channel(e.platform, e.channel)?.kind !== 'support') return;
    const person = await this.people.identify(tx, e.platform, e.person);
    if (person.kind !== 'agent') {
      log.info({ platform: e.platform }, '🎫 from someone who is not an agent: ignored');
      return;
    }
    const waiting = await actions.conversations.findWaiting(e.platform, e.channel, e.messageId, tx);
    if (!waiting) {
      log.info(
        { platform: e.platform, channel: e.channel },
        '🎫 on a message that starts no waiting conversation',
      );
      return;
    }
    await actions.conversations.createTicket(waiting.id, { kind: 'agent', agentId: person.agentId }, tx);
  }

  /**
   * Answers a command, a button, a form or a message gesture through `respond`. A mistake of the person's
   * is explained to them; anything else is logged, apologised for, and rethrown for the adapter to log.
   */
  async interact(i: Interaction, respond: InteractionResponder): Promise<void> {
    const { db } = this.deps.actions;
    // A ticket panel's customer may be new: like a first message in a support channel, pressing its
    // button makes them a contact of the channel's organisation.
    const panel = this.panelOf(i);
    const person = await this.people.identify(db, i.platform, i.person, panel?.organisation);
    // A page that lets its reader pick a language says which one they read now; it outranks relevo.yaml.
    const shown = i.kind === 'button' || i.kind === 'form' || i.kind === 'command' ? i.language : undefined;
    const language = shown ?? this.language(person);
    const texts = chatTexts(language);
    const actor = actorOf(person);
    try {
      if (i.kind === 'command') {
        await respond.defer?.();
        await respond.reply(await this.command(i, actor, language));
        return;
      }
      if (!actor) {
        this.deps.log.info(
          { platform: i.platform, kind: i.kind },
          'interaction from someone Relevo does not know: refused',
        );
        await this.refuse(i, respond, texts.notKnown, 403, 'forbidden');
        return;
      }
      if (i.kind === 'message_action') {
        await respond.reply({ text: await this.messageAction(i, actor, language) });
        return;
      }
      if ((i.kind === 'button' || i.kind === 'form') && i.action === OPEN_CONVERSATION) {
        await this.openFromPanel(i, person, language, respond);
        return;
      }
      // "Not yours" before any form: a customer never sees an agent's form.
      if (!mayRun(actor, i.action)) {
        await this.refuse(i, respond, texts.agentsOnly, 403, 'forbidden');
        return;
      }
      if (i.kind === 'button') {
        const form = await formFor(db, i.action, i.value, language);
        if (form) {
          if (!respond.openForm) {
            await respond.reply({ text: texts.noFormsHere(form.title) });
            return;
          }
          // The form is the first answer: platforms such as Discord allow no other before it.
          await respond.openForm(form, { action: i.action, value: i.value, channel: i.channel });
          return;
        }
      }
      await respond.defer?.();
      const inv = {
        action: i.action,
        value: i.value,
        form: i.kind === 'form' ? i.values : undefined,
        platform: i.platform,
      };
      await respond.reply({ text: await runAction(this.deps.actions, actor, inv, language) });
    } catch (err) {
      if (err instanceof UserError) {
        this.deps.log.info(
          { platform: i.platform, kind: i.kind, reason: err.message },
          'interaction refused',
        );
        await this.refuse(i, respond, err.messageIn(language), err.status, err.code);
        return;
      }
      this.deps.log.error({ err, platform: i.platform, kind: i.kind }, 'interaction failed');
      // Platforms that answer over HTTP turn the error itself into a 500; others get a private apology.
      if (!respond.refused) await respond.reply({ text: texts.failed }).catch(() => undefined);
      throw err;
    }
  }

  /** The panel channel a press of its button or its form's submission came from. */
  private panelOf(i: Interaction): (Channel & { organisation: string }) | undefined {
    if ((i.kind !== 'button' && i.kind !== 'form') || i.action !== OPEN_CONVERSATION || !i.channel) return;
    const channel = this.channel(i.platform, i.channel);
    return channel?.panel && channel.organisation
      ? { ...channel, organisation: channel.organisation }
      : undefined;
  }

  /**
   * A ticket panel: the button opens the intake form; its submission opens a private conversation on the
   * platform and the ticket in it, whose acknowledgement (number, expected response) is posted there.
   */
  private async openFromPanel(
    i: Extract<Interaction, { kind: 'button' | 'form' }>,
    person: Person,
    language: string,
    respond: InteractionResponder,
  ): Promise<void> {
    const { db, tickets } = this.deps.actions;
    const panel = this.panelOf(i);
    const adapter = this.deps.adapters.get(i.platform);
    if (!panel || !adapter?.openPrivateConversation || !('platformId' in i.person)) {
      await respond.reply({ text: intakeTexts.notHere(language) });
      return;
    }
    if (person.kind !== 'contact') {
      await respond.reply({ text: intakeTexts.agentsUseCommand(language) });
      return;
    }
    if (i.kind === 'button') {
      // The organisation comes from relevo.yaml, never from what the button carries.
      const form = await formFor(db, OPEN_CONVERSATION, panel.organisation, language);
      if (!form) throw new Error(`organisation ${panel.organisation} is not in the database`);
      if (!respond.openForm) {
        await respond.reply({ text: chatTexts(language).noFormsHere(form.title) });
        return;
      }
      await respond.openForm(form, {
        action: OPEN_CONVERSATION,
        value: panel.organisation,
        channel: panel.id,
      });
      return;
    }
    await respond.defer?.();
    const org = await db.organisation.findUniqueOrThrow({ where: { id: panel.organisation } });
    const chosen = i.values.product;
    const product =
      chosen && org.products.includes(chosen)
        ? await db.product.findUnique({ where: { id: chosen } })
        : undefined;
    const { subject, text } = intakeText(i.values, language, product?.name);
    if (isBlank(i.values.description ?? '')) {
      throw new UserError({ en: 'Please describe the problem.', es: 'Describa el problema, por favor.' });
    }
    const where = await adapter.openPrivateConversation(panel.id, i.person.platformId, subject);
    const outcome = await tickets.intake(
      {
        platform: i.platform,
        channel: panel.id,
        thread: where.thread ?? where.channel,
        contactId: person.contactId,
        contactLanguage: person.language,
        text,
      },
      undefined,
      // The product chosen in the form is the ticket's from the start: the intake checks count it.
      { force: true, subject, ...(product ? { productId: product.id } : {}) },
    );
    if (outcome.kind === 'ignored_greeting') throw new Error('a forced intake opened no ticket');
    await respond.reply({ text: intakeTexts.opened(outcome.ticketNumber, language) });
  }

  private refuse(
    i: Interaction,
    respond: InteractionResponder,
    text: string,
    status: number,
    code: string,
  ): Promise<void> {
    if (respond.refused) return respond.refused(text, status, code);
    if (i.kind === 'form' && respond.formError) return respond.formError(text);
    return respond.reply({ text });
  }

  private async command(
    i: Extract<Interaction, { kind: 'command' }>,
    actor: Actor | undefined,
    language: string,
  ): Promise<OutMessage> {
    const { actions } = this.deps;
    const platform = this.platforms.get(i.platform);
    // Typed in a ticket's thread (customer, card or escalation), the command may leave the number out.
    const link =
      i.channel && i.thread
        ? await actions.db.conversationLink.findUnique({
            where: {
              platform_channel_thread: { platform: i.platform, channel: i.channel, thread: i.thread },
            },
          })
        : null;
    const ticketInThread = link?.ticketNumber;
    return this.deps.runCommand(i.text, {
      actor: actor ?? { kind: 'system' },
      tickets: actions.tickets,
      conversations: actions.conversations,
      db: actions.db,
      config: actions.config,
      ticketInThread,
      language,
      place: { platform: i.platform, ...(i.channel ? { channel: i.channel } : {}) },
      agentMentioned: (mention) => this.agentMentioned(i, mention),
      findConversation: async (link) => {
        const at = await platform?.messageAt?.(link);
        if (!at) return undefined;
        return (await actions.conversations.findWaiting(i.platform, at.channel, at.thread))?.id;
      },
      findNote: async (link) => {
        const at = await platform?.messageAt?.(link);
        return at ? this.noteAt(i.platform, at) : undefined;
      },
    });
  }

  /**
   * Who a mention in a command is, as the platform resolved it: an agent by their id in relevo.yaml or by
   * the email their profile shows, else nobody Relevo makes a contact of (no organisation is given).
   */
  private async agentMentioned(
    i: Extract<Interaction, { kind: 'command' }>,
    mention: string,
  ): Promise<{ agentId: string | null } | undefined> {
    // Handles are case-insensitive where people type them (@Mia is @mia).
    const platformId = Object.entries(i.mentions ?? {}).find(
      ([typed]) => typed.toLowerCase() === mention.toLowerCase(),
    )?.[1];
    if (!platformId) return undefined;
    const { db } = this.deps.actions;
    await this.people.prefetch(db, i.platform, { platformId });
    const person = await this.people.identify(db, i.platform, { platformId });
    return { agentId: person.kind === 'agent' ? person.agentId : null };
  }

  private async messageAction(
    i: Extract<Interaction, { kind: 'message_action' }>,
    actor: Actor,
    language: string,
  ): Promise<string> {
    const { actions } = this.deps;
    const texts = chatTexts(language);
    if (i.action === 'share_note') {
      const note = await this.noteAt(i.platform, i);
      if (!note) return texts.notANote;
      const value = `${note.ticketNumber}:${note.eventId}`;
      return runAction(actions, actor, { action: 'note.share', value }, language);
    }
    const waiting = await actions.conversations.findWaiting(i.platform, i.channel, i.thread);
    if (!waiting) return texts.noWaitingConversation;
    return runAction(actions, actor, { action: 'conversation.create', value: waiting.id }, language);
  }

  /** The private note a chat message became (a reply in an escalation's or a card's thread), if it did. */
  private async noteAt(platform: string, at: MessageAt) {
    const note = await this.deps.actions.db.ticketEvent.findFirst({
      where: { type: 'private_note', channelRef: `${platform}:${at.channel}:${at.thread}:${at.messageId}` },
    });
    return note ? { ticketNumber: note.ticketNumber, eventId: note.id } : undefined;
  }

  private whisper(platform: string, channel: string, who: ChatPerson, text: string) {
    const adapter = this.deps.adapters.get(platform);
    if (!adapter?.whisper || !('platformId' in who)) return;
    adapter.whisper(channel, who.platformId, { text }).catch((err: Error) => {
      this.deps.log.warn({ err: err.message, platform, channel }, 'private message to one person failed');
    });
  }

  /** The language `who` reads Relevo in, for what an adapter answers on its own (a stale button). */
  async languageOf(platform: string, who: ChatPerson): Promise<string> {
    return this.language(await this.people.identify(this.deps.actions.db, platform, who));
  }

  /** Agents read Relevo in their own language (relevo.yaml); customers in theirs (customer-language.ts). */
  private language(person: Person): string {
    const { config } = this.deps.actions;
    if (person.kind === 'contact') {
      const organisation = config.organisations.find((o) => o.id === person.organisationId);
      return customerLanguage(person, organisation ?? { language: 'en' });
    }
    if (person.kind === 'agent') return config.agents.find((a) => a.id === person.agentId)?.language ?? 'en';
    return 'en';
  }
}
