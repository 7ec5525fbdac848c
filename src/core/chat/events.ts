// What people do on a chat platform, in the core's words. Each adapter translates its platform's payloads
// into these and nothing more; the router (router.ts) decides what they mean for tickets.
import type { Actor } from '../tickets/service.ts';

/**
 * Who did it: the platform's own id for the person (looked up by the router: platform id, then email,
 * then a new contact of the channel's organisation), or a person the platform has already authenticated
 * itself (a web chat session, a signed-in console agent).
 */
export type ChatPerson = { platformId: string } | { actor: Actor };

/**
 * Something said in a channel, stored in the inbox before the platform is acknowledged and handled
 * afterwards, once (see kit/store-event.ts).
 *
 * @example
 *   { kind: 'message', platform: 'slack', channel: 'C024BE91L', thread: '1700000000.000100',
 *     messageId: '1700000001.000200', inThread: true, person: { platformId: 'U0ANA' }, text: 'On it' }
 */
export type ChatEvent =
  | {
      kind: 'message';
      platform: string;
      channel: string;
      /** The thread the message belongs to: its root's id (a root message is its own thread). */
      thread: string;
      messageId: string;
      /** A reply inside a thread, not a new message in the channel. */
      inThread: boolean;
      person: ChatPerson;
      text: string;
      /**
       * The person picks the language they read on this platform (the web chat's switch, stored as they
       * pick it), so their words are not judged for it.
       */
      languageChosen?: boolean;
    }
  | {
      /** A reaction naming a Relevo gesture (the adapter maps its platform's emoji: 🎫 → "ticket"). */
      kind: 'reaction';
      platform: string;
      channel: string;
      /** The message reacted to; on threaded platforms, a conversation's root. */
      messageId: string;
      person: ChatPerson;
      reaction: 'ticket';
    };

/**
 * Something a person asks of Relevo and waits for: answered at once through an InteractionResponder,
 * never replayed (the platform does not retry it, and a click replayed after a crash would act twice).
 */
export type Interaction =
  | {
      kind: 'command';
      platform: string;
      person: ChatPerson;
      /** The words after the command, e.g. "reply 12 On it". */
      text: string;
      /** Where it was typed, when the platform says (a command typed in a ticket's thread needs no number). */
      channel?: string;
      thread?: string;
      /** As a button's: the answer in it. */
      language?: string;
      /**
       * The people it @mentions that the platform resolved: each mention as it appears in `text` → the
       * person's platform id, e.g. `{ '@mia': 'k8x…' }`. Absent where the platform resolves none.
       */
      mentions?: Readonly<Record<string, string>>;
    }
  | {
      kind: 'button';
      platform: string;
      person: ChatPerson;
      action: string;
      value: string;
      channel?: string;
      /** The language the person reads right now, where the platform knows it (the console page's). */
      language?: string;
    }
  | {
      kind: 'form';
      platform: string;
      person: ChatPerson;
      action: string;
      value: string;
      values: Record<string, string>;
      channel?: string;
      /** As a button's: the form's answer in it. */
      language?: string;
    }
  | {
      /** A gesture on one message (Slack's message shortcuts, Discord's message commands). */
      kind: 'message_action';
      platform: string;
      person: ChatPerson;
      action: 'share_note' | 'create_ticket';
      channel: string;
      thread: string;
      messageId: string;
    };

/** What a form submission must bring back: the button that opened it. */
export interface FormRef {
  action: string;
  value: string;
  /** Where the button was, so the answer can be shown there. */
  channel?: string;
}
