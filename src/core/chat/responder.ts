// How an interaction is answered. The adapter makes one per interaction and keeps its platform's deadline
// (Slack: acknowledge within 3 s; Discord: a modal must be the first answer); the router only says what
// the answer is.
import type { FormSpec, OutMessage } from '../message.ts';
import type { FormRef } from './events.ts';

export interface InteractionResponder {
  /** Answers the person privately (an ephemeral message, a dialog's answer). */
  reply(message: OutMessage): Promise<void>;
  /**
   * Shows a form; its submission comes back as a `form` interaction carrying `ref`. Absent where the
   * platform has no forms: the router then says where to do it instead.
   */
  openForm?(form: FormSpec, ref: FormRef): Promise<void>;
  /** A submitted form was refused: show why, keeping the form open where the platform can. */
  formError?(message: string): Promise<void>;
  /**
   * The request was refused (not allowed, not found, a mistake in it): where a platform answers refusals
   * its own way — an HTTP status for the web console — instead of a private message. `code` is the
   * refusal's machine-readable name (UserError's: "forbidden", "not_found", "bad_request"…), which API
   * callers branch on.
   */
  refused?(message: string, status: number, code: string): Promise<void>;
  /** The answer will take a while: acknowledge now (platforms whose deadline is short). */
  defer?(): Promise<void>;
}
