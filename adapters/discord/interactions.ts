// Discord interactions — /ticket, a button, a modal submitted — whether they arrive over the gateway or
// at POST /discord/interactions, answered the same way. Discord wants an initial answer within 3 s and
// allows only one: a modal must be it, so a button that opens a form goes to the router at once; anything
// else is deferred first (an ephemeral "thinking…") and its answer edits that message. A watchdog defers
// whatever is still unanswered shortly before the deadline (a slow database), and the token then serves
// edits and follow-ups for 15 minutes.
import {
  type APIChatInputApplicationCommandInteractionData,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageApplicationCommandInteractionData,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type REST,
  Routes,
} from 'discord.js';
import type { ChatPerson, Interaction } from '../../src/core/chat/events.ts';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { ChatRouter } from '../../src/core/chat/router.ts';
import type { FormSpec, OutMessage } from '../../src/core/message.ts';
import type { Logger, Metrics } from '../../src/core/ports.ts';
import { stripControlsDeep } from '../../src/core/text.ts';
import { opensForm } from '../../src/core/tickets/forms.ts';
import { chatTexts } from '../../src/i18n/chat.ts';
import { idMentions } from '../kit/mentions.ts';
import { commandLine } from './application-command.ts';
import { messageCommand } from './message-commands.ts';
import { PLATFORM } from './platform.ts';
import { messageBody, modalOf, readButtonId, readModalId, readModalValues } from './render.ts';

export interface InteractionDeps {
  router: ChatRouter;
  rest: REST;
  applicationId: string;
  log: Logger;
  metrics?: Metrics;
  /** A thread's parent channel (from discord.js's cache, else asked of Discord). */
  parentOf(channel: string): Promise<string | undefined>;
  /** When an unanswered interaction is deferred by the watchdog; Discord's limit is 3 s. */
  deferAfterMs?: number;
}

/** Sends the one initial answer: a REST callback (gateway) or the HTTP response (interactions endpoint). */
export type InitialAnswer = (body: APIInteractionResponse) => Promise<void>;

const threadTypes: ReadonlySet<number> = new Set([
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
]);

const EPHEMERAL = MessageFlags.Ephemeral;

/**
 * Handles one interaction; resolves once it is answered (or failed, logged). `via` labels the
 * acknowledgement latency metric.
 */
export async function handleInteraction(
  deps: InteractionDeps,
  raw: APIInteraction,
  initial: InitialAnswer,
  via: 'gateway' | 'http',
): Promise<void> {
  const received = performance.now();
  const i = stripControlsDeep(raw) as APIInteraction;
  const answer = new Answer(deps, i, async (body) => {
    await initial(body);
    deps.metrics?.ackLatency(PLATFORM, via, (performance.now() - received) / 1000);
  });
  const watchdog = setTimeout(() => {
    void answer.defer().catch((err: unknown) => deps.log.warn({ err }, 'Discord: deferring failed'));
  }, deps.deferAfterMs ?? 2_000);
  try {
    const interaction = await translate(deps, i).catch(async (err: unknown) => {
      // Discord could not say where the interaction happened (a thread's parent): nothing was done.
      deps.log.error({ err, type: i.type }, 'Discord interaction not understood');
      await answer.reply({ text: `${chatTexts('en').failed} / ${chatTexts('es').failed}` });
      return null;
    });
    if (interaction === null) return;
    if (!interaction) {
      deps.log.info({ type: i.type }, 'Discord interaction Relevo does not handle: ignored');
      await answer.reply({ text: `${chatTexts('en').unsignedButton} / ${chatTexts('es').unsignedButton}` });
      return;
    }
    // What cannot open a form is deferred now: nothing it does then races Discord's 3 s.
    const formFirst = interaction.kind === 'button' && opensForm(interaction.action);
    if (!formFirst) await answer.defer();
    await deps.router.interact(interaction, answer.responder(interaction));
  } catch (err) {
    deps.log.error({ err, type: i.type }, 'Discord interaction failed');
  } finally {
    clearTimeout(watchdog);
  }
}

/** The interaction in the core's words; undefined for what Relevo does not offer. */
async function translate(deps: InteractionDeps, i: APIInteraction): Promise<Interaction | undefined> {
  const user = i.member?.user?.id ?? i.user?.id;
  const channelId = i.channel?.id ?? i.channel_id;
  if (!user || !channelId) return undefined;
  const person: ChatPerson = { platformId: user };
  // In a thread, the router wants the channel it belongs to, and the thread as the conversation.
  const inThread = i.channel ? threadTypes.has(i.channel.type) : false;
  const parent = inThread
    ? ((i.channel as { parent_id?: string | null }).parent_id ?? (await deps.parentOf(channelId)))
    : undefined;
  const channel = parent ?? channelId;
  const thread = parent ? channelId : undefined;

  if (i.type === InteractionType.ApplicationCommand && i.data.type === ApplicationCommandType.Message) {
    const used = messageCommand(i.data as APIMessageApplicationCommandInteractionData);
    if (!used) return undefined;
    // The message is where the command was used: in a thread, or a root message (its own thread).
    return {
      kind: 'message_action',
      platform: PLATFORM,
      person,
      action: used.action,
      channel,
      thread: thread ?? used.message.id,
      messageId: used.message.id,
    };
  }
  if (i.type === InteractionType.ApplicationCommand && i.data.type === ApplicationCommandType.ChatInput) {
    if (i.data.name !== 'ticket') return undefined;
    const text = commandLine(i.data as APIChatInputApplicationCommandInteractionData);
    // A person picked in a text option arrives as <@id>.
    const mentions = idMentions(text);
    return {
      kind: 'command',
      platform: PLATFORM,
      person,
      text,
      channel,
      thread,
      ...(mentions ? { mentions } : {}),
    };
  }
  if (i.type === InteractionType.MessageComponent) {
    const ref = readButtonId(i.data.custom_id);
    if (!ref) return undefined;
    // A select's choice is its value (forms' selects live in modals; a select on a message is one button).
    const value =
      i.data.component_type === ComponentType.StringSelect ? (i.data.values[0] ?? ref.value) : ref.value;
    return { kind: 'button', platform: PLATFORM, person, action: ref.action, value, channel };
  }
  if (i.type === InteractionType.ModalSubmit) {
    const ref = readModalId(i.data.custom_id);
    if (!ref) return undefined;
    const values = readModalValues(i.data.components);
    return { kind: 'form', platform: PLATFORM, person, ...ref, values, channel };
  }
  return undefined;
}

/**
 * One interaction's answers, in order: the initial one (a modal, a deferral or a reply), then edits of
 * the deferred message and follow-ups. Every answer is ephemeral: only the person who acted sees it.
 */
class Answer {
  private state: 'none' | 'deferred' | 'answered' = 'none';
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: InteractionDeps,
    private readonly i: APIInteraction,
    private readonly initial: InitialAnswer,
  ) {}

  responder(interaction: Interaction): InteractionResponder {
    return {
      reply: (m) => this.reply(m),
      defer: () => this.defer(),
      ...(interaction.kind === 'button'
        ? {
            openForm: (form: FormSpec, ref: { action: string; value: string }) =>
              this.openForm(form, ref, interaction),
          }
        : {}),
      ...(interaction.kind === 'form'
        ? { formError: (text: string) => this.formError(text, interaction) }
        : {}),
    };
  }

  /**
   * A refused submission: Discord closes a modal when it is submitted and cannot keep it open, so the
   * reason is shown with a button that opens the form again.
   */
  private async formError(text: string, form: Extract<Interaction, { kind: 'form' }>): Promise<void> {
    const language = await this.deps.router.languageOf(PLATFORM, form.person).catch(() => 'en');
    await this.reply({
      text: `⚠️ ${text}`,
      buttons: [{ action: form.action, value: form.value, label: chatTexts(language).formAgain }],
    });
  }

  defer(): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'none') return;
      this.state = 'deferred';
      await this.initial({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: { flags: EPHEMERAL },
      });
    });
  }

  reply(m: OutMessage): Promise<void> {
    return this.serial(async () => {
      const body = { ...messageBody(m), flags: EPHEMERAL };
      if (this.state === 'none') {
        this.state = 'answered';
        await this.initial({ type: InteractionResponseType.ChannelMessageWithSource, data: body });
      } else if (this.state === 'deferred') {
        this.state = 'answered';
        await this.deps.rest.patch(Routes.webhookMessage(this.deps.applicationId, this.i.token), { body });
      } else {
        await this.deps.rest.post(Routes.webhook(this.deps.applicationId, this.i.token), { body });
      }
    });
  }

  private async openForm(
    form: FormSpec,
    ref: { action: string; value: string },
    interaction: Interaction,
  ): Promise<void> {
    const opened = await this.serial(async () => {
      if (this.state !== 'none') return false;
      this.state = 'answered';
      await this.initial({ type: InteractionResponseType.Modal, data: modalOf(form, ref) });
      return true;
    });
    if (!opened) {
      // The watchdog deferred first (the database was slow): a modal can no longer be the answer.
      const language = await this.deps.router.languageOf(PLATFORM, interaction.person).catch(() => 'en');
      await this.reply({ text: chatTexts(language).formTooSlow });
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }
}
