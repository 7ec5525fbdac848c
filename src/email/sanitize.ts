// Cleaning of text that came from a sender and will be shown, logged or copied into our own headers.
// A decoded encoded-word can carry CR/LF ("=?UTF-8?B?...?=" → "Hola\r\nBcc: x"), so every header-ish
// string is flattened to one line before anyone can echo it into an outgoing message.

const LINE_BREAK = /[\r\n\u0085\u2028\u2029]+/g;
// Bidi overrides make "gpj.exe" display as "exe.jpg": useless in a subject or file name, handy for spoofing.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function dropControls(value: string): string {
  let out = '';
  for (const ch of value) {
    if (!isControl(ch.codePointAt(0) ?? 0)) out += ch;
  }
  return out;
}

// Half a UTF-16 pair (a broken "=?UTF-16?...?=" word): no text encoding can hold it, and the database refuses
// it inside JSON.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * One line, no control characters, single spaces, every character whole (U+FFFD for half a pair): safe for
 * a subject, a display name, a log line.
 */
export function cleanHeaderText(value: string | null | undefined): string {
  if (!value) return '';
  const flat = value.replace(LINE_BREAK, ' ').replace(/\t/g, ' ').replace(LONE_SURROGATE, '\ufffd');
  return dropControls(flat)
    .replace(BIDI_CONTROL, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** A display name: one line, without the quotes some clients leave around it. */
export function cleanDisplayName(value: string | null | undefined): string {
  return cleanHeaderText(value)
    .replace(/^["'\s]+|["'\s]+$/g, '')
    .trim();
}

/** A mailbox address as we compare it: no spaces, no angle brackets, lower case. */
export function cleanAddress(value: string | null | undefined): string {
  return cleanHeaderText(value).replace(/\s+/g, '').replace(/^<|>$/g, '').toLowerCase();
}

const WINDOWS_RESERVED = /[<>:"|?*]/g;
const MAX_FILENAME = 200;

/** The last path segment only, so "../../etc/passwd" or "C:\\x\\evil.bat" cannot name a place on disk. */
export function cleanFilename(value: string | null | undefined, fallback: string): string {
  const flat = cleanHeaderText(value);
  const base = flat.split(/[/\\]/).pop() ?? '';
  let name = base
    .replace(WINDOWS_RESERVED, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (name.length > MAX_FILENAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILENAME - ext.length) + ext;
  }
  return name || fallback;
}

const MOJIBAKE = /[\u00c2-\u00f4][\u0080-\u00bf]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function repairLine(line: string): string {
  if (!MOJIBAKE.test(line)) return line;
  for (const ch of line) {
    if ((ch.codePointAt(0) ?? 0) > 0xff) return line;
  }
  try {
    return strictUtf8.decode(Buffer.from(line, 'latin1'));
  } catch {
    return line;
  }
}

/**
 * UTF-8 bytes sent with a Latin-1 label arrive as "InformaciÃ³n". Latin-1 decoding is reversible, so when
 * a line only holds Latin-1 code points, shows the tell-tale pairs and its bytes are valid UTF-8, the
 * label was wrong and the UTF-8 reading is the real one. Genuine Latin-1 text almost never passes the
 * strict UTF-8 check, which keeps this from touching correct input. Line by line, because the parts
 * of one message can be mislabelled differently.
 */
export function repairMojibake(value: string): string {
  if (!MOJIBAKE.test(value)) return value;
  return value.split('\n').map(repairLine).join('\n');
}
