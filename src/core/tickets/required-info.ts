// What a support request must carry before work can start (seed 001: the project, the environment's URLs,
// access, a detailed description; seed 002: evidence — screenshots, logs, files — and the screen and
// parameters involved). Relevo checks at intake only what it can tell reliably from the words and files
// it received; the rest an agent asks for with the *Ask for information…* form. Pure: the ticket service
// gathers the facts and acts on the verdict.

/** The seed's list, in the order the customer reads it. */
export const infoItems = [
  'project',
  'environment_url',
  'access',
  'description',
  'evidence',
  'steps',
] as const;
export type InfoItem = (typeof infoItems)[number];

/** The items Relevo can tell from a message; `access` and `steps` only a person can judge. */
export const checkableItems: readonly InfoItem[] = ['project', 'environment_url', 'description', 'evidence'];

export const isInfoItem = (value: string): value is InfoItem =>
  (infoItems as readonly string[]).includes(value);

/** What the customer sent so far. */
export interface IntakeFacts {
  /** The customer's words on the ticket, all of them. */
  text: string;
  /** Files kept on the ticket (an email's attachments). */
  attachments: number;
  /** The ticket's product is set, or there is no doubt which it is. */
  productKnown: boolean;
  /** Names and ids of the organisation's products: one named in the text tells the project. */
  productNames: readonly string[];
}

/**
 * How a chat platform carries a file into the customer's words (files are kept as links there): one line
 * per file, so the check below can see a file was sent, whichever platform it came from.
 */
export const fileLine = (filename: string, url: string): string => `📎 ${filename}: ${url}`;
const FILE_LINE = /^📎 .+: \S+$/mu;

const URL = /\bhttps?:\/\/[^\s<>"']+/i;

/**
 * A pasted log or error: a fenced block, a stack frame, or at least two lines that carry a timestamp or a
 * log level. One "error" word in a sentence is not evidence.
 */
function looksLikeLog(text: string): boolean {
  if (/```[\s\S]+?```/.test(text)) return true;
  const lines = text.split('\n');
  const frames = lines.filter(
    (l) => /^\s+at\s+\S+.*[(:]\S*:\d+/.test(l) || /^\s*File ".+", line \d+/.test(l),
  );
  if (frames.length >= 1) return true;
  const logLines = lines.filter(
    (l) =>
      /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(l) ||
      /^\s*\[?(ERROR|WARN(ING)?|FATAL|SEVERE|CRITICAL|DEBUG|INFO|TRACE)\]?[\s:]/.test(l) ||
      /\b[\w.]+(Exception|Error):\s/.test(l),
  );
  return logLines.length >= 2;
}

/**
 * A description is more than a line: two sentences or lines, or a long one. URLs and file lines do not
 * count: "https://test.example.com" alone says where, not what.
 */
function describes(text: string): boolean {
  const words = text
    .replace(new RegExp(URL.source, 'gi'), ' ')
    .replace(new RegExp(FILE_LINE.source, 'gmu'), ' ')
    .trim();
  if (words.length >= 120) return true;
  const lines = words.split('\n').filter((l) => l.trim().length >= 15);
  if (lines.length >= 2) return true;
  const sentences = words.split(/[.!?¡¿]+\s+/).filter((s) => s.trim().split(/\s+/).length >= 4);
  return sentences.length >= 2;
}

function namesProduct(text: string, names: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return names.some((n) => {
    const escaped = n.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(lower);
  });
}

/** Whether the facts hold one item; undefined for the items only a person can judge. */
export function holds(item: InfoItem, facts: IntakeFacts): boolean | undefined {
  switch (item) {
    case 'project':
      return facts.productKnown || namesProduct(facts.text, facts.productNames);
    case 'environment_url':
      return URL.test(facts.text);
    case 'description':
      return describes(facts.text);
    case 'evidence':
      return facts.attachments > 0 || FILE_LINE.test(facts.text) || looksLikeLog(facts.text);
    default:
      return undefined;
  }
}

/** The required items the facts do not show, in the seed's order. Items nobody can check are not guessed. */
export function missingInfo(required: readonly InfoItem[], facts: IntakeFacts): InfoItem[] {
  return infoItems.filter((item) => required.includes(item) && holds(item, facts) === false);
}
