// Labels and annotations are written by whoever configures the monitor, or by the monitored system
// itself (an instance name, an error string): they are shown, never obeyed. Each adapter escapes its
// own markup (Slack's <…>, the console's HTML), but Mattermost and Discord read Markdown and @-mentions
// in the text they are given, so the core breaks those triggers apart with an invisible character first.

const ZWSP = '\u200b';

/**
 * `text` shown as itself on every platform: `@everyone`, `@here`, `@channel`, `@ana`, `<@123>` and
 * `[x](https://evil)` stay visible but mention and link nothing. Cut to `max` characters.
 *
 * @example inert('@everyone [x](javascript:y)') // '@\u200beveryone [x]\u200b(javascript:y)'
 */
export function inert(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut
    .replace(/@/g, `@${ZWSP}`)
    .replace(/\]\(/g, `]${ZWSP}(`)
    .replace(/[\r\n]+/g, ' ');
}

/** A link worth showing: http(s) only (a `javascript:` runbook must not become a link), else undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
