// Line rules for where quoted history and signatures begin, for what email-reply-parser 2.3.9 misses.
// Checked against its regex list (dist/regex.js): it knows "-----Original Message-----" but not
// "-----Mensaje original-----"; it knows Outlook's "From:/De: Name <address>" line but not the
// "De: Name" line Exchange writes for internal senders (no address), and it does not treat forwarded
// blocks as history. Its signatures cover "Enviado desde ..." but not "Obtener Outlook para ..." or
// Spanish sign-offs, while it does cut English ones ("Kind regards,"), so ours keep the languages even.
// All rules are linear scans: inbound text is attacker-controlled. No two neighbouring quantifiers may
// match the same character (`\s*>?\s*`, `\s*[,.!]?\s*$`): each such pair backtracks quadratically over a
// long run of spaces (40,000 leading spaces took 5 s in historyStart, a long "saludos      x" 2 s).

const SEPARATOR = /^\s*(?:_{10,}|-{10,})\s*$/;
const ORIGINAL_MESSAGE = /^\s*(?:>\s*)?-{2,}\s*(?:original message|mensaje original)\s*-{2,}\s*$/i;
const FORWARD_MARKERS = [
  // Gmail, Thunderbird, Yahoo (Yahoo writes the header fields on the marker line itself)
  /^\s*(?:>\s*)?-{5,}\s*(?:forwarded message|mensaje reenviado)\s*-{3,}/i,
  // Apple Mail
  /^\s*(?:>\s*)?(?:begin forwarded message|inicio del mensaje reenviado)\s*:\s*$/i,
];
const HEADER_FROM = /^\s*\*?(?:from|de)\s*:\*?\s*\S/i;
const HEADER_DATE = /^\s*\*?(?:sent|date|enviado(?:\s+el)?|fecha)\s*:/i;
const HEADER_OTHER = /^\s*\*?(?:to|para|subject|asunto|cc)\s*:/i;
const HEADER_BLOCK_LINES = 6;

/** An Outlook-style "From/Sent/To/Subject" block starting at `i` (no blank line inside). */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  let date = false;
  let other = false;
  for (let j = i + 1; j <= i + HEADER_BLOCK_LINES && j < lines.length; j++) {
    const line = lines[j] ?? '';
    if (!line.trim()) break;
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

/** Index of the first line of quoted or forwarded history, or -1. */
export function historyStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (ORIGINAL_MESSAGE.test(line) || FORWARD_MARKERS.some((re) => re.test(line))) return i;
    if (HEADER_FROM.test(line) && isHeaderBlock(lines, i)) return separatorAbove(lines, i);
  }
  return -1;
}

const ATTRIBUTION = /^\s*(?:on|el)\s.*\d.*\b(?:wrote|escribió)\s*:\s*$/i;
// Real attribution lines are short; the two .* would make a long crafted line quadratic.
const ATTRIBUTION_MAX = 300;

/** "On <date>, <name> wrote:" / "El <fecha>, <nombre> escribió:" on one line. */
export function isAttribution(line: string): boolean {
  return line.length <= ATTRIBUTION_MAX && ATTRIBUTION.test(line);
}

/** RFC 3676 §4.3 "-- " (often trimmed to "--"). */
export function isSignatureDelimiter(line: string): boolean {
  return /^\s*--\s*$/.test(line);
}

const SIGNATURE_LINES = [
  // A rule line near the end opens a footer: Mailman's list footer, disclaimers, Outlook signatures.
  /^\s*_{10,}\s*$/,
  /^\s*(?:obtener|descargar) outlook para\b/i,
  /^\s*get outlook for\b/i,
  /^\s*enviado (?:desde|con)\s\S/i,
  /^\s*sent (?:from|with)\s\S/i,
  /^\s*(?:un\s+)?(?:saludos?|abrazos?)(?:\s+cordiales)?\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:atentamente|cordialmente|cordiales saludos)\s*(?:[,.]\s*)?$/i,
  /^\s*(?:\w+\s+)?regards\s*(?:[,.!]\s*)?$/i,
  /^\s*(?:cheers|best wishes)\s*(?:[,.!]\s*)?$/i,
];
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
    if (SIGNATURE_LINES.some((re) => re.test(line))) return i;
  }
  return -1;
}
