// The reply part of an HTML message: mail clients mark their quotes in the HTML, and those marks are gone
// once the HTML is flattened to text. linkedom (htmlparser2 underneath: linear, no scripts, no network)
// gives a DOM small enough to build per message; html-to-text, which mailparser already uses, flattens
// what is left. planer does the same cuts but needs XPath (document.evaluate), which only jsdom has:
// bench/reply-accuracy.ts measures it beside this.
import { compile } from 'html-to-text';
import { parseHTML } from 'linkedom';

// Bigger HTML is read as text only: the text rules bound their own work, the DOM would not.
const HTML_LIMIT = 1_000_000;

// Quotes that are one element: removed, and what follows (a reply written below) stays.
const QUOTE_ELEMENTS = [
  '.gmail_quote', // Gmail, around the attribution and the blockquote (and around a forwarded message)
  'blockquote[type="cite"]', // Apple Mail, Thunderbird
  '.moz-cite-prefix', // Thunderbird's "On ... wrote:" above its blockquote
  '.moz-forward-container', // Thunderbird's inline forward
  '.yahoo_quoted', // Yahoo
].join(',');
// Outlook starts its history with a header and quotes everything after it, never below: cut from there.
const HISTORY_FROM = [
  '#appendonsend', // Outlook on the web, just above its rule and #divRplyFwdMsg
  '#divRplyFwdMsg',
  '#OLK_SRC_BODY_SECTION', // Outlook for Mac
  '#mail-editor-reference-message-container', // new Outlook for Mac
].join(',');
// Outlook desktop's header block: a div whose top border is the rule (#E1E1E1 since 2013, #B5C4DF before).
const OUTLOOK_BORDER = /border-top:\s*solid\s+#(?:e1e1e1|b5c4df)\b/i;

interface Node {
  nextSibling: Node | null;
  previousSibling: Node | null;
  parentNode: Node | null;
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  remove(): void;
}

/** Remove `start`, everything after it in document order, and an Outlook rule (<hr>) right above it. */
function cutFrom(start: Node, body: Node): void {
  let prev = start.previousSibling;
  while (prev && prev.nodeType === 3 && !prev.textContent?.trim()) prev = prev.previousSibling;
  if (prev && prev.nodeName === 'HR') prev.remove();
  let node: Node | null = start;
  while (node && node !== body) {
    while (node.nextSibling) node.nextSibling.remove();
    const parent: Node | null = node.parentNode;
    if (node === start) node.remove();
    node = parent;
  }
}

export interface HtmlReading {
  /**
   * The HTML without its marked quotes, as text — flattened when asked: a message with a text part of its
   * own and no marked quote is read from that part alone (visible-text.ts).
   */
  text(): string;
  /** Whether any marked quote was removed. */
  cut: boolean;
}

// Compiled once: convert() compiles its options' selectors on every call, which was a third of reading
// a message's visible text (measured over bench:email's corpus: ~0.25 s of 0.5 s per 1,000 messages).
const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'dataTable' },
  ],
});

export function htmlWithoutQuotes(html: string): HtmlReading | null {
  if (html.length > HTML_LIMIT) return null;
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const body = document.body as unknown as Node | null;
  if (!body) return null;
  let cut = false;
  const outlook = Array.from(document.querySelectorAll('div[style]')).find((el) =>
    OUTLOOK_BORDER.test(el.getAttribute('style') ?? ''),
  );
  const history = document.querySelector(HISTORY_FROM) ?? outlook;
  if (history) {
    cutFrom(history as unknown as Node, body);
    cut = true;
  }
  for (const el of Array.from(document.querySelectorAll(QUOTE_ELEMENTS))) {
    if (el.isConnected) el.remove();
    cut = true;
  }
  return { text: () => toText(document.body.innerHTML), cut };
}
