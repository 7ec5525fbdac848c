// What counts as text Relevo stores and shows. PostgreSQL text cannot hold NUL (error 22021) and jsonb
// refuses \u0000; other control characters garble logs, terminals and mail; text made only of invisible
// characters looks empty; and bidi overrides make a name read backwards ("gnp.exe" shown as "exe.png").

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const CONTROLS = new RegExp(CONTROL.source, 'gu');
/** Half of a surrogate pair on its own: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;
/** Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;
/**
 * Characters that draw nothing: default-ignorable code points (zero-width spaces and joiners, bidi marks,
 * the soft hyphen, variation selectors, Hangul fillers, tags), white space, controls, the blank braille cell.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}\u2800]/gu;

export type TextProblem = 'control' | 'malformed';

/** Why a text cannot be stored as it is, if it cannot: a control character, or a lone surrogate. */
export function textProblem(value: string): { problem: TextProblem; codePoint: number } | undefined {
  const control = CONTROL.exec(value);
  if (control) return { problem: 'control', codePoint: control[0].codePointAt(0) ?? 0 };
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return { problem: 'malformed', codePoint: surrogate[0].codePointAt(0) ?? 0 };
  return undefined;
}

/** "U+0000" */
export const codePointName = (codePoint: number) =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** True when nothing of the text would show: empty, spaces, or only invisible characters. */
export function isBlank(value: string): boolean {
  return value.replace(INVISIBLE, '') === '';
}

/** Drops control characters (tab and line breaks stay) and lone surrogates: for text a platform sent us. */
export function stripControls(value: string): string {
  return value.replace(CONTROLS, '').replace(LONE_SURROGATES, '\ufffd');
}

/** Every string inside a JSON-like value, keys included, passed through stripControls. */
export function stripControlsDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControls(value) as T;
  if (Array.isArray(value)) return value.map((v) => stripControlsDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [stripControls(k), stripControlsDeep(v)]),
    ) as T;
  }
  return value;
}

/**
 * A person's name as Relevo shows it: one line, no control characters, no bidi overrides or isolates
 * (a name is shown inside other text, where an override would reverse what follows it), single spaces.
 * Empty when nothing visible is left.
 */
export function cleanName(value: string): string {
  const flat = stripControls(value.replace(/[\t\r\n\u0085\u2028\u2029]+/gu, ' '))
    .replace(BIDI_CONTROLS, '')
    .replace(/\s{2,}/gu, ' ')
    .trim();
  return isBlank(flat) ? '' : flat;
}
