// The ports the core speaks through. Adapters implement them; the core never imports an adapter.
import type { Tx } from '../db/index.ts';
import type { OutMessage } from './message.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logger (pino-compatible subset). */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Where a message goes: a channel, and optionally a thread in it.
 * Example: `{ channel: 'C024BE91L', thread: '1700000000.000100' }` on Slack.
 */
export interface ChatTarget {
  channel: string;
  thread?: string;
}

/** An opaque reference to a posted message, enough for the same adapter to edit it later. */
export type MessageRef = string;

/** A customer's message shown to one agent personally (the ticket's assignee). */
export interface AgentNotice {
  ticketNumber: number;
  subject: string;
  /** The customer's name as Relevo knows it. */
  from: string;
  text: string;
  /** The ticket organisation's language, for the words around the message. */
  language: string;
}

/** What a platform can do, declared by its adapter (and checked by the contract suite), never guessed. */
export interface ChatCapabilities {
  /** Replies can go in a thread under a message: the adapter implements `threadOf`. */
  threads: boolean;
  /** A message only one person sees: Relevo's private answers to commands and buttons. */
  privateReplies: boolean;
  /** A form (modal, dialog) can open when a button is pressed. */
  forms: boolean;
}

/**
 * One chat platform (web chat, Slack, Mattermost, Discord). Messages are platform-neutral; each
 * adapter renders them its own way. Optional capabilities are optional methods.
 *
 * @example
 *   const ref = await adapter.post({ channel: 'agents' }, { text: 'New ticket #12' }, 'outbox:41');
 *   await adapter.update(ref, { text: 'Ticket #12 — taken by Ana' });
 */
export interface ChatAdapter {
  readonly platform: string;
  readonly capabilities: ChatCapabilities;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts a message. The idempotency key lets an adapter drop a re-delivery of the same outbox item. */
  post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef>;
  /** Replaces a message posted earlier with `post`. */
  update(ref: MessageRef, message: OutMessage): Promise<void>;
  /** Where replies to a posted message go (its thread), on platforms with threads. */
  threadOf?(ref: MessageRef): ChatTarget;
  /**
   * A message only one person in a channel sees (Slack's ephemeral messages), e.g. the warning to an agent
   * who wrote `note:` where the customer reads along. Best effort: it changes nothing if it fails.
   */
  whisper?(channel: string, platformId: string, message: OutMessage): Promise<void>;
  /**
   * Shows one agent a notice only they receive. Email uses it for the personal copy whose answer is
   * authenticated as that agent.
   * @example await adapter.notifyAgent('ana', { ticketNumber: 5, subject, from: 'Carla', text, language: 'es' }, 'outbox:9');
   */
  notifyAgent?(agentId: string, notice: AgentNotice, idempotencyKey: string): Promise<void>;
  /**
   * Opens a private place in `channel` for one customer and the agents (a Discord private thread), for a
   * ticket panel (core/chat/intake-form.ts); the customer's ticket lives there. `title` names it.
   * @example const where = await adapter.openPrivateConversation('C1', 'U7', 'Login fails on staging');
   */
  openPrivateConversation?(channel: string, platformId: string, title: string): Promise<ChatTarget>;
  /** Connected to its platform (a gateway or socket); absent: ready once started. Read by /readyz. */
  ready?(): boolean | Promise<boolean>;
}

/**
 * Outgoing mail that belongs to no ticket (a verification code). Ticket mail goes through the outbox
 * and the email chat adapter instead. Throws when the mail server refused or could not be reached.
 *
 * @example
 *   await mailer.send({ to: 'alice@acme.com', subject: 'Your verification code', text: '…' });
 */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

/** Tells interested parties that something changed (live pages on every instance, this one's workers). */
export interface Notifier {
  /** With `tx`, the news goes out only if and when that transaction commits. Several: one statement. */
  ticketChanged(ticketNumber: number | readonly number[], tx?: Tx): Promise<void>;
  outboxWritten(): void;
  inboxWritten(): void;
}

/** How an outbox item's attempt ended: sent, to be retried, or given up (dead-lettered). */
export type DeliveryOutcome = 'delivered' | 'failed' | 'dead';

/**
 * What workers and adapters report for monitoring; the composition root decides where it goes
 * (Prometheus, src/http/metrics.ts). Labels are platform names and fixed words, never ids.
 *
 * @example
 *   metrics.delivery('slack', 'delivered');
 *   metrics.deadLetter('slack', 'channel_unavailable');
 *   metrics.ackLatency('webchat', 'http', 0.004);
 */
export interface Metrics {
  /** One outbox attempt that reached (or tried) `platform`. */
  delivery(platform: string, outcome: DeliveryOutcome): void;
  /** One outbox item given up, by the platform that failed and the failure's code (core/chat/failure.ts). */
  deadLetter(platform: string, code: string): void;
  /** Seconds from a platform's request arriving (`via` http, socket, smtp, imap) to Relevo acknowledging it. */
  ackLatency(platform: string, via: string, seconds: number): void;
  /** A platform made Relevo wait (a 429, or its client's own pacing by the platform's buckets). */
  rateLimited?(platform: string, scope: string): void;
}
