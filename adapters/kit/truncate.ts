// Platforms refuse a whole message when one text is a character too long (Slack's invalid_blocks,
// Mattermost's 16,383-character posts, Discord's 2,000): texts are cut to the platform's limit instead.

export const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending in "…" when cut. Platforms count characters;
 * counting code units is never less than counting code points, so the result fits whichever they mean. A
 * surrogate pair is never split: half an emoji renders as a replacement box.
 *
 * @example truncate('Printer on fire', 10) // 'Printer o…'
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - ELLIPSIS.length);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}
