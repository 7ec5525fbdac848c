// A message's tone as each platform's colour bar shows it (Slack and Mattermost attachments' `color`,
// Discord's embed `color`): one orange and one red everywhere, so an agent on two platforms reads the same.
import type { FieldTime, Tone } from '../../src/core/message.ts';

export const toneColor: Record<Tone, string> = { warning: '#E8912D', danger: '#D62D20' };

/** The same colour as the integer Discord's embed wants. */
export const toneColorInt = (tone: Tone): number => Number.parseInt(toneColor[tone].slice(1), 16);

/** Relevo's own blue, for a message with no tone. */
export const NEUTRAL_COLOR = '#1f6feb';

/**
 * `template` with `{relative}` and `{moment}` replaced by `relative(at)` and `moment(at)`; the literal
 * pieces go through `escape`, the platform's time tokens do not (they are the platform's own syntax).
 */
export function fillTime(
  template: string,
  time: FieldTime,
  parts: { moment: (unix: number) => string; relative?: (unix: number) => string },
  literal: (text: string) => string = (t) => t,
): string {
  const unix = Math.floor(new Date(time.at).getTime() / 1000);
  return template
    .split(/(\{relative\}|\{moment\})/)
    .map((piece) => {
      if (piece === '{moment}') return parts.moment(unix);
      if (piece === '{relative}' && parts.relative) return parts.relative(unix);
      return literal(piece);
    })
    .join('');
}
