// Line rules for where quoted history and signatures begin, for what email-reply-parser 2.3.7 misses.
// Checked against its regex list (dist/regex.js): it knows English, Danish, French, German and Dutch
// "Original Message" lines but not Spanish, Italian, Polish, Russian or Ukrainian ones; it knows
// Outlook's "From:/De: Name <address>" line but not the "De: Name" line Exchange writes for internal
// senders (no address) nor the Italian, Polish, Russian and Ukrainian labels; it does not treat forwarded
// blocks as history; and its "On ... wrote:" rules miss most localized verbs, Gmail's Russian line with
// no verb at all, and the lines Gmail wraps. Its signatures cover "Enviado desde ..." but not
// "Obtener Outlook para ..." or Spanish, Polish, Russian sign-offs, while it does cut English ones
// ("Kind regards,"), so ours keep the languages even.
// All rules are linear scans: inbound text is attacker-controlled. No two neighbouring quantifiers may
// match the same character (`\s*>?\s*`, `\s*[,.!]?\s*$`): each such pair backtracks quadratically over a
// long run of spaces (40,000 leading spaces took 5 s in historyStart, a long "saludos      x" 2 s).
// Header and attribution rules only look at lines of at most HEADER_MAX characters: real ones are short.

const HEADER_MAX = 300;
const short = (line: string) => line.length <= HEADER_MAX;

const SEPARATOR = /^\s*(?:_{10,}|-{10,})\s*$/;
// Outlook's and Thunderbird's "Original Message" rule, in the languages we read.
const ORIGINAL_MESSAGE =
  /^\s*(?:>\s*)?-{2,}\s*(?:original message|mensaje original|message d[’']origine|ursprüngliche nachricht|originalnachricht|messaggio originale|wiadomość oryginalna|oryginalna wiadomość|исходное сообщение|оригінальне повідомлення|вихідне повідомлення)\s*-{2,}\s*$/i;
const FORWARDED =
  '(?:forwarded message|mensaje reenviado|message transféré|weitergeleitete nachricht|messaggio inoltrato|wiadomość przekazana dalej|przekazana wiadomość|пересылаемое сообщение|пересланное сообщение|переслане повідомлення|пересилане повідомлення)';
const FORWARD_MARKERS = [
  // Gmail, Thunderbird, Yahoo (Yahoo writes the header fields on the marker line itself)
  new RegExp(`^\\s*(?:>\\s*)?-{5,}\\s*${FORWARDED}\\s*-{3,}`, 'i'),
  // Apple Mail
  /^\s*(?:>\s*)?(?:begin forwarded message|inicio del mensaje reenviado|début du message réexpédié|anfang der weitergeleiteten nachricht|inizio messaggio inoltrato|początek przekazywanej wiadomości|начало переадресованного сообщения|початок листа, що пересилається|початок пересланого повідомлення)\s*:\s*$/i,
];
// Outlook's header labels: English, Spanish, French ("De :" with a space), German, Italian, Polish,
// Russian, Ukrainian.
const HEADER_FROM = /^\s*\*?(?:from|de|von|da|od|от|від)\s*:\*?\s*\S/i;
const HEADER_DATE =
  /^\s*\*?(?:sent|date|enviado(?:\s+el)?|fecha|envoyé|gesendet|datum|inviato|data|wysłano|wysłane|отправлено|дата|надіслано)\s*:/i;
const HEADER_OTHER =
  /^\s*\*?(?:to|para|subject|asunto|cc|à|objet|an|betreff|a|oggetto|do|temat|кому|тема|копия|копія)\s*:/i;
const HEADER_BLOCK_LINES = 6;

/** An Outlook-style "From/Sent/To/Subject" block starting at `i` (no blank line inside). */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  let date = false;
  let other = false;
  for (let j = i + 1; j <= i + HEADER_BLOCK_LINES && j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (!line.trim()) break;
    if (!short(line)) return false;
    if (HEADER_DATE.test(line)) date = true;
    if (HEADER_OTHER.test(line)) other = true;
  }
  return date && other;
}

/** Outlook puts a rule (underscores, or dashes once its HTML <hr> is converted) above the block. */
function separatorAbove(lines: readonly string[], i: number): number {
  let j = i - 1;
  while (j >= 0 && !lines[j]?.trim()) j--;
  return j >= 0 && SEPARATOR.test(lines[j] ?? '') ? j : i;
}

const isQuotedLine = (line: string) => /^\s*>/.test(line);

/** Index of the next non-blank line at or after `from`, or lines.length. */
function nextContent(lines: readonly string[], from: number): number {
  let j = from;
  while (j < lines.length && !lines[j]?.trim()) j++;
  return j;
}

// "On ... wrote:" in the languages we read, and the forms without "On": Thunderbird's "03.03.2025
// 10:15, Name пишет:", Apple's "you wrote:", a bare "Name <address> wrote:".
const WROTE =
  /(?:wrote|escribió|a écrit|schrieb|ha scritto|scrive|pisze|napisał\(a\)|napisał|napisała|пишет|написал\(а\)|написал|написала|пише|написав\(ла\)|написав|написала)\s*:\s*$/i;
const OPENER = /^\s*(?:on|el|le|am|il|in data|w dniu|em)\s/i;
const DIGIT = /\d/;
// Gmail's Russian line has no verb ("пн, 3 мар. 2025 г. в 10:15, Name <address>:"), nor has the old
// date-first one ("2025-03-03 10:15 GMT+01:00 Name <address>:"): an address and a closing colon.
const ADDRESS_COLON = /@[^\s@]*>?\s*:\s*$/;
const ATTRIBUTION_SPAN = 3;

/**
 * How many lines (1–3: Gmail wraps long ones) the "On ... wrote:" attribution at `i` takes, or 0. A line
 * with a localized "wrote" counts when a quote follows or it opens with "On/Le/Am..." and a date; one
 * that only ends in "address:" counts when a quote follows.
 */
export function attributionAt(lines: readonly string[], i: number): number {
  let joined = '';
  for (let k = 0; k < ATTRIBUTION_SPAN && i + k < lines.length; k++) {
    const line = lines[i + k] ?? '';
    if (!line.trim() || isQuotedLine(line)) return 0;
    joined = k === 0 ? line : `${joined} ${line.trim()}`;
    if (!short(joined)) return 0;
    if (!/:\s*$/.test(line)) continue;
    const quoteFollows = isQuotedLine(lines[nextContent(lines, i + k + 1)] ?? '');
    if (WROTE.test(joined) && (quoteFollows || (OPENER.test(joined) && DIGIT.test(joined)))) return k + 1;
    if (quoteFollows && ADDRESS_COLON.test(joined)) return k + 1;
    return 0;
  }
  return 0;
}

export type HistoryKind = 'reply' | 'forward' | 'header';

/** Where quoted or forwarded history begins and what opens it, or null. */
export function findHistory(lines: readonly string[]): { start: number; kind: HistoryKind } | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!short(line)) continue;
    if (ORIGINAL_MESSAGE.test(line)) return { start: i, kind: 'header' };
    if (FORWARD_MARKERS.some((re) => re.test(line))) return { start: i, kind: 'forward' };
    if (HEADER_FROM.test(line) && isHeaderBlock(lines, i))
      return { start: separatorAbove(lines, i), kind: 'header' };
    if (!isQuotedLine(line) && attributionAt(lines, i) > 0) return { start: i, kind: 'reply' };
  }
  return null;
}

/** Index of the first line of quoted or forwarded history, or -1. */
export function historyStart(lines: readonly string[]): number {
  return findHistory(lines)?.start ?? -1;
}

/** "On <date>, <name> wrote:" / "El <fecha>, <nombre> escribió:" and the like, on one line. */
export function isAttribution(line: string): boolean {
  return short(line) && WROTE.test(line) && OPENER.test(line) && DIGIT.test(line);
}

/** RFC 3676 §4.3 "-- " (often trimmed to "--"). */
export function isSignatureDelimiter(line: string): boolean {
  return /^\s*--\s*$/.test(line);
}

// "Sent from my iPhone" and its translations. Only a short line with no sentence punctuation counts:
// "Sent from my laptop, the logs are attached." is what the person wrote.
const TAGLINE =
  /^\s*(?:sent (?:from|with|via)|enviado (?:desde|con)|envoyé (?:de|depuis|avec|à partir de)|von meinem|gesendet (?:von|mit)|inviato da|wysłane z|wysłano z|отправлено (?:с|со|из)|надіслано з)\s\S/i;
const TAGLINE_MAX = 60;

/** A client's "Sent from ..." line, not a sentence that happens to begin the same way. */
export function isTagline(line: string): boolean {
  const t = line.trim();
  return t.length <= TAGLINE_MAX && !/[,;!?]/.test(t) && !t.endsWith('.') && TAGLINE.test(t);
}

const SIGNATURE_LINES = [
  // A rule line near the end opens a footer: Mailman's list footer, disclaimers, Outlook signatures.
  /^\s*_{10,}\s*$/,
  /^\s*(?:obtener|descargar) outlook para\b/i,
  /^\s*get outlook for\b/i,
  /^\s*(?:télécharger outlook pour|outlook für \S+ beziehen|scarica outlook per)\b/i,
  /^\s*(?:un\s+)?(?:saludos?|abrazos?)(?:\s+cordiales)?\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:atentamente|cordialmente|cordiales saludos)\s*(?:[,.]\s*)?$/i,
  /^\s*(?:\w+\s+)?regards\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:cheers|best wishes)\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:bien\s+)?cordialement\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|liebe grüße)\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:cordiali saluti|distinti saluti|saluti|un saluto)\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:pozdrawiam(?:\s+serdecznie)?|z poważaniem|z wyrazami szacunku)\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:с уважением|всего доброго|з повагою|з найкращими побажаннями)\s*(?:[,.!]\s*)?$/i,
];
// "-Ana", "—Jan Weber": a dash and a name alone on the last line. A space after a plain hyphen would be a
// list item ("- Done"), so only the long dashes may take one.
const DASH_NAME = /^\s*(?:-|[–—]\s?)\p{Lu}[\p{L}'.]{0,30}(?:\s\p{Lu}[\p{L}'.]{0,30})?\s*$/u;
// A sign-off only counts near the end: "Saludos" ten paragraphs before the end is content.
const TAIL_LINES = 8;

/** Index of the line where the signature begins, or -1. */
export function signatureStart(lines: readonly string[]): number {
  const delimiter = lines.findIndex(isSignatureDelimiter);
  if (delimiter >= 0) return delimiter;
  let start = lines.length;
  let seen = 0;
  while (start > 0 && seen < TAIL_LINES) {
    start--;
    if (lines[start]?.trim()) seen++;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!short(line)) continue;
    if (isTagline(line) || SIGNATURE_LINES.some((re) => re.test(line))) return i;
  }
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]?.trim()) last--;
  return last > 0 && DASH_NAME.test(lines[last] ?? '') ? last : -1;
}
