// The people a message is addressed to (OutMessage.mentions), shown before its text: each platform renders
// one mention its own way — a real mention where it knows the person's id there, their name otherwise.
import type { Mention } from '../../src/core/message.ts';

/**
 * The mentions rendered by `render`, a space between them; empty when there are none. They are the
 * platform's own syntax: the text after them is escaped (and cut) apart.
 *
 * @example leadOf([{ platformId: 'U1', name: 'Ana' }], (m) => `<@${m.platformId}>`) // '<@U1>'
 */
export function leadOf(mentions: readonly Mention[] | undefined, render: (m: Mention) => string): string {
  return (mentions ?? []).map(render).join(' ');
}

/** `text` opened by `lead`, when there is one. */
export function opened(lead: string, text: string): string {
  return lead ? `${lead} ${text}` : text;
}

/**
 * The people a command's text @mentions by id, in the `<@id>` form Slack (`<@U024BE7LH>`, or
 * `<@U024BE7LH|ana>` when the command escapes mentions) and Discord (`<@80351110224678912>`, `<@!…>` for a
 * nickname) write: each mention as it appears → the id. Undefined when there is none.
 *
 * @example idMentions('onboard <@U0MIA|mia>') // { '<@U0MIA|mia>': 'U0MIA' }
 */
export function idMentions(text: string): Record<string, string> | undefined {
  const found = [...text.matchAll(/<@!?([A-Za-z0-9]+)(?:\|[^>\s]*)?>/g)];
  return found.length ? Object.fromEntries(found.map((m) => [m[0], m[1] as string])) : undefined;
}
