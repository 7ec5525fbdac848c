// What the sender wrote this time: the reply without the quoted history around it and without the
// signature. email-reply-parser does the work; the rules in ./history-rules.ts run around it for what
// its regex list (v2.3.7) lacks, and ./reading/html-quotes.ts first drops what HTML marks as quoted.
import EmailReplyParser from 'email-reply-parser';
import { stripControls } from '../core/text.ts';
import { attributionAt, findHistory, isAttribution, isTagline, signatureStart } from './history-rules.ts';
import { hideLongLines } from './long-lines.ts';
import { htmlWithoutQuotes } from './reading/html-quotes.ts';

export interface VisibleText {
  visible: string;
  quotedHistory: boolean;
  signature: string | null;
}

// email-reply-parser joins wrapped quote headers with whole-text regexes such as
// /^\s*([a-z]{3,4}\.\s[\s\S]+\sskrev\s[\s\S]+:)$/m, which backtrack cubically: 16 KB of crafted lines
// took 4.7 s here, 40 KB took 76 s, all on the event loop of the SMTP listener. 5,000 characters
// bounds that at ~0.1 s; the new part of a real reply is far shorter (the history was cut before).
// Longer texts get the linear rules only. Long lines are cut for its per-line regexes (./long-lines.ts).
// ./visible-text.test.ts checks what the library is given; bench/email-hostile.ts times it.
const LIBRARY_LIMIT = 5_000;
const LINE_LIMIT = 500;

/**
 * CRLF, odd spaces, image placeholders and runs of blank lines, as clients and HTML conversion leave them.
 * What comes out is what both parsing libraries may be given: lines end only in \n (the Unicode line
 * separators, which their `^`/`$` also break lines at, become \n too), a line of whitespace alone is
 * empty, and there is never more than one empty line in a row. The libraries' `^\s*` separators are
 * quadratic over a run of whitespace that spans many lines ("\n\u3000" 8,000 times: 41 s).
 */
export function normaliseText(text: string): string {
  return (
    text
      .replace(/\r\n?|[\u2028\u2029]/g, '\n')
      .replace(/\u00a0/g, ' ')
      .replace(/[\u200b\u200c\ufeff]/g, '')
      // Placeholders for inline images: Outlook's text parts and HTML conversion both leave them. No "["
      // inside, or "[cid:[cid:[cid:..." rescans the rest of the line from every "[" (100 KB: 3.9 s).
      .replace(/\[cid:[^[\]\n]*\]/g, '')
      .replace(/^[^\S\n]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
  );
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const isQuoted = (line: string) => /^\s*>/.test(line);

/** Whatever is left once quoted lines and their "On ... wrote:" lines are gone; '' when nothing is. */
function unquoted(lines: readonly string[]): string {
  return tidy(lines.filter((l) => !isQuoted(l) && !isAttribution(l)).join('\n'));
}

const RULE_LINE = /^\s*(?:_{2,}|-{2,})\s*$/;

/** A signature without its "-- " or underscore rule line. */
function stripDelimiter(signature: string): string {
  const lines = signature.split('\n');
  while (lines.length > 0 && (RULE_LINE.test(lines[0] ?? '') || !lines[0]?.trim())) lines.shift();
  return tidy(lines.join('\n'));
}

const firstLine = (text: string) => text.trimStart().split('\n', 1)[0] ?? '';

interface Split {
  body: string;
  signatures: string[];
  quoted: boolean;
}

function withLibrary(head: string): Split {
  const { text, restore } = hideLongLines(head, LINE_LIMIT);
  const fragments = new EmailReplyParser().read(text).getFragments();
  const body: string[] = [];
  const signatures: string[] = [];
  let quoted = false;
  for (const f of fragments) {
    const content = restore(f.getContent());
    // Its signature rule takes any line starting "Sent from "; a sentence that does is the reply.
    const prose = f.isSignature() && !isTagline(firstLine(content)) && /^\s*sent from /i.test(content);
    if (!f.isHidden() || prose) body.push(content);
    else if (f.isSignature()) signatures.push(content);
    else if (f.isQuoted() && content.trim()) quoted = true;
  }
  return { body: body.join('\n'), signatures, quoted };
}

/** The linear stand-in for long texts: drop quoted blocks and the attribution lines above them. */
function withoutLibrary(head: string): Split {
  const lines = head.split('\n');
  const kept: string[] = [];
  let nextIsQuoted = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (isQuoted(line)) nextIsQuoted = true;
    else if (!(nextIsQuoted && isAttribution(line))) kept.push(line);
    if (line.trim() && !isQuoted(line)) nextIsQuoted = false;
  }
  return { body: kept.reverse().join('\n'), signatures: [], quoted: lines.some(isQuoted) };
}

/**
 * A reply written below the quote (bottom-posting): what follows the quoted block, without the quoted
 * lines and their attribution lines. Also answers written between quoted lines.
 */
function belowQuote(lines: readonly string[], from: number): string[] {
  const kept: string[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isQuoted(line)) continue;
    const span = attributionAt(lines, i);
    if (span > 0) i += span - 1;
    else kept.push(line);
  }
  return kept;
}

/** The sender's own text, possibly '' (a forward without a note, a message that is only a quote). */
function ownText(lines: readonly string[]): VisibleText {
  const history = findHistory(lines);
  const cut = history?.start ?? -1;
  let headLines = cut >= 0 ? lines.slice(0, cut) : lines;
  if (history?.kind === 'reply' && !headLines.some((l) => l.trim()))
    headLines = belowQuote(lines, history.start);
  const head = headLines.join('\n');
  const split = head.length <= LIBRARY_LIMIT ? withLibrary(head) : withoutLibrary(head);

  const bodyLines = tidy(split.body).split('\n');
  const sigAt = signatureStart(bodyLines);
  const ownSignature = sigAt > 0 ? bodyLines.slice(sigAt).join('\n') : '';
  const visible = tidy((sigAt > 0 ? bodyLines.slice(0, sigAt) : bodyLines).join('\n'));
  const signature = [ownSignature, ...split.signatures].map(stripDelimiter).filter(Boolean).join('\n\n');
  return { visible, quotedHistory: cut >= 0 || split.quoted, signature: signature || null };
}

/** What the sender wrote this time, or '' when nothing is their own (the forwarder's note, say). */
export function ownVisibleText(text: string): string {
  return ownText(normaliseText(text).split('\n')).visible;
}

export function visibleText(text: string): VisibleText {
  const lines = normaliseText(text).split('\n');
  const own = ownText(lines);
  if (own.visible) return own;
  // Never answer "nothing" while the sender did write something: a message that is only a signature,
  // or a forward without a note, keeps its unquoted text.
  const fallback = unquoted(lines);
  return { visible: fallback, quotedHistory: lines.some(isQuoted), signature: null };
}

/** A DOM over crafted HTML can fail (stack depth of deep nesting): the text part is still there. */
function safely<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * What the sender wrote this time. The text part is read as always; the HTML part is read too when there
 * is one, because clients mark the quote there (Gmail's gmail_quote, Outlook's divRplyFwdMsg and header
 * border, blockquote type=cite) where the text part may have lost it. The HTML's reading wins when the
 * text part says nothing, or when the HTML cut a quote and leaves less than the text's reading did (the
 * text rules missed that quote), and always for an HTML-only mail; otherwise the text part's wrapping and
 * wording stand, as the sender's client wrote them for plain readers.
 */
export function readVisible(email: ReadableEmail): VisibleText {
  const known = readings.get(email);
  if (known) return known;
  const reading = readBoth(email);
  readings.set(email, reading);
  return reading;
}

type ReadableEmail = { text: string; html?: string | null; textFromHtml?: boolean };

/**
 * Readings already made, by message object: the parsing thread reads a message as it parses it
 * (parse-threads.ts) and hands the reading over with it; the HTML is not read twice.
 */
const readings = new WeakMap<object, VisibleText>();

export function rememberReading(email: ReadableEmail, reading: VisibleText): void {
  readings.set(email, reading);
}

function readBoth(email: ReadableEmail): VisibleText {
  const fromText = visibleText(email.text);
  const fromHtml = email.html ? safely(() => htmlWithoutQuotes(email.html ?? '')) : null;
  if (!fromHtml) return fromText;
  const textPart = !email.textFromHtml && email.text.trim() !== '';
  // Nothing marked as quoted, and a text part of its own: that part says it all (as below, without
  // flattening the HTML — html-to-text was most of reading such a message).
  if (textPart && !fromHtml.cut) return fromText;
  const htmlText = safely(() => fromHtml.text());
  if (htmlText === null) return fromText;
  // The HTML's text is cleaned as the text part is (parse.ts): no NUL or control character reaches a ticket.
  const own = ownText(normaliseText(stripControls(htmlText)).split('\n'));
  if (!own.visible) return fromText;
  const html = { ...own, quotedHistory: own.quotedHistory || fromHtml.cut };
  if (!textPart) return html;
  const size = (t: string) => t.replace(/\s+/g, '').length;
  if (fromHtml.cut && size(html.visible) < size(fromText.visible)) return html;
  return { ...fromText, quotedHistory: fromText.quotedHistory || fromHtml.cut };
}
