// The verbs the chat flow (chat-flow.suite.ts) needs from a platform, and nothing more. Each chat
// adapter has a driver that plays them with its own platform's gestures — signed Slack requests, web
// chat and console HTTP calls, the in-memory platform's people — against a real Relevo.
import type { OutMessage } from '../../src/core/message.ts';
import type { Db } from '../../src/db/index.ts';

/** The people in the flow: Acme's customer, Ana (an agent), Mia (a maintainer), and someone unknown. */
export type Who = 'customer' | 'agent' | 'maintainer' | 'stranger';

/** A message as people on the platform see it. */
export interface Seen {
  /** The platform's id for it: an edit in place keeps it, a repost gets another. */
  id: string;
  /** All its readable words: title, byline, text, fields ("label: value") and footer. */
  text: string;
  /** Its buttons' labels, in order. */
  buttons: string[];
  /** The driver's own handle on it, to press its buttons. */
  native: unknown;
}

/** What a person was shown, privately, after pressing a button (and filling in its form). */
export interface Answer {
  /** What they were told: a confirmation, or why not. */
  text: string;
  /** The title of the form that opened, when one did. */
  form?: string;
  /** The submitted form was refused (and left open, where the platform can): `text` says why. */
  formRefused?: boolean;
}

/** Something a person sent, which the platform can deliver again — its retry after a timeout. */
export interface Sent {
  resend(): Promise<void>;
}

/** A reply someone wrote in a thread, with the driver's handle on it (to share it). */
export interface Reply extends Sent {
  readonly native: unknown;
}

/** A customer's conversation in the support channel: a thread, or a web chat session. */
export interface Conversation extends Sent {
  readonly id: string;
}

/**
 * A step of the flow a platform cannot play: `true`, or what is missing. The suite then skips that step
 * only, and says why in the test's name.
 */
export type Capability = true | { missing: string };

export interface FlowCapabilities {
  /** Threads under triage cards, where agents discuss a ticket among themselves. */
  cardThreads: Capability;
  /** Escalation threads in a maintainers' channel, where maintainers claim, diagnose and reply. */
  maintainersChannel: Capability;
}

export interface FlowDriver {
  /** Relevo's database, to check what changed (ticket status, notes) beside what people see. */
  readonly db: Db;
  /** The source tickets opened on this platform carry. */
  readonly source: string;
  /** The customer writes a new message in the support channel, starting a conversation. */
  customerWrites(text: string): Promise<Conversation>;
  /** The customer writes in their conversation. */
  customerReplies(conversation: Conversation, text: string): Promise<Sent>;
  /** What Relevo showed the customer in their conversation (its own posts, agents' replies), oldest first. */
  customerSees(conversation: Conversation): Promise<Seen[]>;
  /** Ticket n's triage cards as agents see them in their channel (one, when all is well). */
  cards(ticket: number): Promise<Seen[]>;
  /** `who` presses a button on a message as it is now; with `values`, fills in and submits its form. */
  press(who: Who, on: Seen, label: string, values?: Record<string, string>): Promise<Answer>;
  /** `who` types `/ticket <name>` with its arguments in the agents' channel: Relevo's private answer. */
  command(who: Who, name: string, args: Record<string, string>): Promise<string>;
  /** How people @mention `who` in a command here, in the platform's own way (or their id, without mentions). */
  mention(who: Who): string;
  /** Relevo's own messages in the agents' channel whose title starts with `title`, besides cards. */
  agentsChannel(title: string): Promise<Seen[]>;
  /** The agent writes in a card's thread (capabilities.cardThreads). */
  replyUnderCard?(card: Seen, text: string): Promise<Sent>;
  /** The maintainers' side, on platforms with a maintainers' channel (capabilities.maintainersChannel). */
  maintainers?: MaintainersVerbs;
  stop(): Promise<void>;
}

export interface MaintainersVerbs {
  /** Ticket n's escalation posts as maintainers see them in their channel. */
  posts(ticket: number): Promise<Seen[]>;
  /** The maintainer replies in an escalation's thread. */
  reply(post: Seen, text: string): Promise<Reply>;
  /** `who` shares a reply from the maintainers' thread with the customer ("Share with customer"). */
  share(who: Who, reply: Reply): Promise<Answer>;
}

/** A platform the flow runs on: its name, what it can do (known before it starts) and how to start it. */
export interface FlowPlatform {
  /** The platform as people call it ("Slack"). */
  name: string;
  database: string;
  capabilities: FlowCapabilities;
  start(): Promise<FlowDriver>;
}

/** A message in the core's words as people read it. */
export function seenOf(id: string, m: OutMessage, native: unknown): Seen {
  const text = [
    m.title,
    m.author,
    m.text,
    ...(m.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    m.context,
  ]
    .filter(Boolean)
    .join('\n');
  return { id, text, buttons: (m.buttons ?? []).map((b) => b.label), native };
}

/** The button with this label on a message, or an error listing the ones it has (a test's mistake). */
export function buttonNamed<B extends { label: string }>(buttons: B[] | undefined, label: string): B {
  const found = buttons?.find((b) => b.label === label);
  if (!found) {
    throw new Error(
      `no "${label}" button; the message has ${buttons?.map((b) => b.label).join(', ') || 'none'}`,
    );
  }
  return found;
}
