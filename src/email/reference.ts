// The ticket token we put in outgoing subjects ("Factura duplicada [#1042]") and the subject with every
// reply/forward prefix removed, which is what two messages of one conversation have in common.
import { cleanHeaderText } from './sanitize.ts';

const TOKEN = /\[\s*#\s*(\d{1,9})\s*\]/;
const TOKENS = new RegExp(TOKEN.source, 'g');
// Re/Fwd in English, Spanish (RE, RV), French (TR), German (AW, WG), Nordic (SV, VS), Dutch (Antw),
// Portuguese (ENC, RES); "RE[2]:" and "Re(2):" are how some clients count replies. The full-width
// colon comes from East Asian clients.
const PREFIX = /^\s*(?:re|fwd?|rv|tr|aw|wg|sv|vs|antw|enc|res)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;

export function ticketNumberInSubject(subject: string): number | null {
  const n = Number(TOKEN.exec(subject)?.[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The subject with `[#n]` once at the end; a token for another ticket is replaced, not kept beside it. */
export function subjectWithTicket(subject: string, n: number): string {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`Not a ticket number: ${n}`);
  const clean = cleanHeaderText(subject);
  if (ticketNumberInSubject(clean) === n) return clean;
  const rest = clean
    .replace(TOKENS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return rest ? `${rest} [#${n}]` : `[#${n}]`;
}

/** "RE: RV: Re[2]: Factura [#12]" → "Factura". */
export function baseSubject(subject: string): string {
  let current = cleanHeaderText(subject)
    .replace(TOKENS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  for (;;) {
    const next = current.replace(PREFIX, '').trim();
    if (next === current) return current;
    current = next;
  }
}
