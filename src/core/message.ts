// Platform-neutral message description. Adapters render it: Block Kit, Mattermost attachments,
// Discord components, HTML in the web chat.

export interface FormField {
  id: string;
  label: string;
  /**
   * `choices`: any number of `options` may be ticked (checkboxes, or a multiple select where a platform has
   * no checkboxes); the submission carries the ticked values joined by commas, in the options' order.
   */
  kind: 'text' | 'textarea' | 'select' | 'choices';
  required?: boolean;
  options?: { value: string; label: string }[];
  /** The values of `options` ticked when the form opens (`choices`). */
  initial?: readonly string[];
  placeholder?: string;
}

/** The values ticked in a `choices` field's answer (the values never hold commas). */
export const ticked = (answer: string | undefined): string[] =>
  (answer ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * A form the platform shows when a button is pressed (a Slack modal, a web dialog...). Buttons do not carry
 * it: it is looked up by action when pressed (core/tickets/forms.ts formFor).
 */
export interface FormSpec {
  title: string;
  submitLabel: string;
  fields: FormField[];
}

export interface Button {
  /** Action id dispatched by the core (e.g. "ticket.take"). */
  action: string;
  label: string;
  /** Opaque value handed back with the action (e.g. the ticket number). */
  value: string;
  style?: 'primary' | 'danger';
}

/**
 * Someone a message is addressed to. Adapters show mentions before the text, each its own way: a real
 * mention that notifies them where the platform knows `platformId` (Slack's `<@U…>`, Discord's `<@id>`),
 * else their name.
 */
export interface Mention {
  /** Their id on the platform the message goes to (relevo.yaml `identities`); absent when unknown. */
  platformId?: string;
  name: string;
}

/** How urgent something looks: orange for a warning (an SLA clock at risk), red for danger (overdue). */
export type Tone = 'warning' | 'danger';

/**
 * A moment a field counts toward or from (an SLA clock's due time), for the platforms that render times
 * themselves in the reader's zone and language, and keep a relative one current without a re-render.
 * A platform that cannot shows `value` instead, as of rendering (the card is re-rendered at each change
 * and each SLA threshold, which keeps that honest).
 *
 * @example
 *   { at: '2026-12-07T13:05:00.000Z', absolute: '🟠 due in 30 min ({moment})',
 *     relative: '🟠 due {relative} ({moment})' }
 */
export interface FieldTime {
  /** ISO 8601. */
  at: string;
  /** The value with `{moment}` (the absolute time) left to the platform. */
  absolute: string;
  /** The value with `{relative}` ("in 2 hours", "25 minutes ago") and `{moment}` left to the platform. */
  relative: string;
  /** The language the templates are written in: a platform filling `{relative}` writes it in the same. */
  language?: string;
}

export interface Field {
  label: string;
  /** The whole value as of rendering: what every platform can show. */
  value: string;
  tone?: Tone;
  when?: FieldTime;
}

export interface OutMessage {
  text: string;
  /** People the message is addressed to (an SLA warning's assignee): shown before the text. */
  mentions?: Mention[];
  /** Posted on behalf of this person (an agent's reply); unset for Relevo's own messages. */
  author?: string;
  title?: string;
  fields?: Field[];
  /** The message's colour where the platform has one (the card of an at-risk or overdue ticket). */
  tone?: Tone;
  buttons?: Button[];
  /** Footer / context line. */
  context?: string;
}

/** An action a person took on a button (and the form values, if it had a form). */
export interface ActionInvocation {
  action: string;
  value: string;
  form?: Record<string, string>;
  /** The platform it was pressed on (a survey's answer records where it came from). */
  platform?: string;
}
