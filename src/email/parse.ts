// One raw RFC 5322 message → a plain, sanitised object every email path (SMTP, IMAP, CLI) can share.
// Never throws: a help desk must open a ticket for a mangled message rather than drop it, so every
// failure degrades to "what could be read".
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from 'mailparser';
import { stripControls } from '../core/text.ts';
import {
  fieldsFromLines,
  firstMessageId,
  type HeaderField,
  headersFromLines,
  messageIds,
  parseDateHeader,
  rawHeaderLines,
  returnPath,
} from './headers.ts';
import { contentHash, repairBoundary, roughAddress, splitRaw } from './raw-mime.ts';
import {
  cleanAddress,
  cleanDisplayName,
  cleanFilename,
  cleanHeaderText,
  repairMojibake,
} from './sanitize.ts';

export interface Address {
  /** Lower-cased. */
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** null when the attachment is larger than `maxAttachmentBytes`. */
  content: Buffer | null;
  oversized: boolean;
  inline: boolean;
}

/** A message/rfc822 part: how Outlook's and Thunderbird's "forward as attachment" arrive. */
export interface EmbeddedMessage {
  messageId: string | null;
  from: Address | null;
  subject: string;
  /** The Date header as written, for display. */
  date: string | null;
  text: string;
}

export interface ParsedEmail {
  messageId: string | null;
  /** The Message-ID, or `sha256:<hex>` of the raw bytes when there is none. */
  dedupeKey: string;
  from: Address | null;
  /**
   * How many mailboxes the From header names (when it appears more than once, mailparser reads the
   * last): only a message from exactly one person can be authenticated as that person.
   */
  fromCount: number;
  replyTo: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  date: Date | null;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string | null;
  /** The sender sent no text part: `text` is Relevo's rendering of `html` (an HTML-only mail). */
  textFromHtml?: boolean;
  attachments: ParsedAttachment[];
  embeddedMessages: EmbeddedMessage[];
  /** Lower-case names, first occurrence, one line each. */
  headers: Record<string, string>;
  /**
   * Every top-level header field from the top down, unfolded but otherwise as written: the order says
   * which server wrote what (trace and Authentication-Results headers), and repeats are kept.
   */
  fields: HeaderField[];
  /** null when absent, '' for `<>`. */
  returnPath: string | null;
  isDeliveryReport: boolean;
}

export interface ParseOptions {
  maxAttachmentBytes?: number;
}

export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const MAX_EMBEDDED_MESSAGES = 5;
const FALLBACK_NAMES = new Map([
  ['message/rfc822', 'message.eml'],
  ['text/rfc822-headers', 'headers.txt'],
  ['message/delivery-status', 'delivery-status.txt'],
]);

// Skipping the text→HTML and cid→data: URI passes: we never show mailparser's HTML rendering, and
// inlining images as base64 would balloon `html` for nothing.
const PARSER_OPTIONS = { skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true } as const;

export async function parseEmail(raw: Buffer | string, opts: ParseOptions = {}): Promise<ParsedEmail> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  // Hashed only for a message without a Message-ID: hashing every message's bytes cost the parsing
  // thread ~50 ms a storm of 1,000 (51 MiB) for nothing.
  const dedupeHash = () => contentHash(bytes);
  const limit = opts.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  try {
    const mail = await readMail(bytes);
    if (mail) return await fromMail(mail, bytes, dedupeHash, limit);
  } catch {
    // fall through to the parser-free reading below
  }
  return fallbackEmail(bytes, dedupeHash);
}

async function tryParse(bytes: Buffer): Promise<ParsedMail | null> {
  try {
    return await simpleParser(bytes, PARSER_OPTIONS);
  } catch {
    return null;
  }
}

function isEmpty(mail: ParsedMail): boolean {
  return !mail.text?.trim() && !mail.html && mail.attachments.length === 0;
}

const UTF8_LABEL = /(charset\s*=\s*)"?utf-?8"?/gi;
const REPLACEMENT_CHAR = '\ufffd';

/**
 * Latin-1 bytes under a UTF-8 label decode to U+FFFD and the bytes are lost. Reading the message again
 * with the labels swapped for ISO-8859-1 loses nothing (it maps every byte), and repairMojibake then
 * turns the parts that really were UTF-8 back.
 */
async function relabelledUtf8(bytes: Buffer): Promise<ParsedMail | null> {
  const raw = bytes.toString('latin1');
  const relabelled = raw.replace(UTF8_LABEL, '$1iso-8859-1');
  if (relabelled === raw) return null;
  const mail = await tryParse(Buffer.from(relabelled, 'latin1'));
  return mail && !mail.text?.includes(REPLACEMENT_CHAR) ? mail : null;
}

async function readMail(bytes: Buffer): Promise<ParsedMail | null> {
  const mail = await tryParse(bytes);
  if (mail?.text?.includes(REPLACEMENT_CHAR)) return (await relabelledUtf8(bytes)) ?? mail;
  if (mail && !isEmpty(mail)) return mail;
  const repaired = repairBoundary(bytes);
  const second = repaired ? await tryParse(repaired) : null;
  if (second && !isEmpty(second)) return second;
  return mail;
}

function toAddress(entry: EmailAddress): Address | null {
  const address = cleanAddress(entry.address);
  return address ? { address, name: repairMojibake(cleanDisplayName(entry.name)) } : null;
}

function addressList(value: AddressObject | AddressObject[] | undefined): Address[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: Address[] = [];
  const visit = (entry: EmailAddress) => {
    if (entry.group) {
      for (const member of entry.group) visit(member);
      return;
    }
    const address = toAddress(entry);
    if (address) out.push(address);
  };
  for (const object of objects) for (const entry of object.value ?? []) visit(entry);
  return out;
}

/** mailparser converts HTML to text only when the HTML is the whole message or an alternative. */
async function htmlToText(html: string): Promise<string> {
  const wrapper = Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`, 'utf8');
  const mail = await tryParse(wrapper);
  return mail?.text ?? '';
}

async function bodyText(
  mail: ParsedMail,
): Promise<{ text: string; html: string | null; textFromHtml: boolean }> {
  const html = typeof mail.html === 'string' && mail.html ? repairMojibake(mail.html) : null;
  let text = typeof mail.text === 'string' ? mail.text : '';
  // mailparser renders an HTML-only message's text itself; a text part of the sender's own is what counts.
  const topType = (mail.headers.get('content-type') as { value?: string } | undefined)?.value ?? '';
  const textFromHtml = html !== null && (!text.trim() || topType.toLowerCase() === 'text/html');
  if (!text.trim() && html) text = await htmlToText(html);
  return { text: cleanBody(text), html, textFromHtml };
}

/**
 * A body as Relevo stores it: line feeds only; mislabelled UTF-8 repaired; then NUL and the other control
 * characters (a UTF-16 body labelled UTF-8, C1 codes a repair can produce) dropped — after the repair, so
 * nothing it yields is left uncleaned.
 */
function cleanBody(text: string): string {
  return stripControls(repairMojibake(text.replace(/\r\n?/g, '\n')));
}

function subjectOf(mail: ParsedMail): string {
  return cleanHeaderText(repairMojibake(mail.subject ?? ''));
}

async function embeddedMessage(content: Buffer): Promise<EmbeddedMessage | null> {
  const mail = await tryParse(content);
  if (!mail) return null;
  const headers = headersFromLines(mail.headerLines ?? []);
  return {
    messageId: firstMessageId(headers['message-id']),
    from: addressList(mail.from)[0] ?? null,
    subject: subjectOf(mail),
    date: headers.date ?? null,
    text: (await bodyText(mail)).text,
  };
}

async function fromMail(
  mail: ParsedMail,
  bytes: Buffer,
  dedupeHash: () => string,
  limit: number,
): Promise<ParsedEmail> {
  const headers = headersFromLines(mail.headerLines ?? []);
  const messageId = firstMessageId(headers['message-id']);
  const { text, html, textFromHtml } = isEmpty(mail)
    ? { text: rawBodyText(bytes), html: null, textFromHtml: false }
    : await bodyText(mail);
  const attachments: ParsedAttachment[] = [];
  const embeddedMessages: EmbeddedMessage[] = [];
  for (const a of mail.attachments) {
    const contentType = cleanHeaderText(a.contentType).toLowerCase() || 'application/octet-stream';
    const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
    const isMessage = contentType === 'message/rfc822';
    const oversized = content.length > limit;
    attachments.push({
      filename: cleanFilename(a.filename, FALLBACK_NAMES.get(contentType) ?? 'attachment'),
      contentType,
      size: content.length,
      content: oversized ? null : content,
      oversized,
      inline: a.contentDisposition === 'inline' || a.related === true,
    });
    if (isMessage && !oversized && embeddedMessages.length < MAX_EMBEDDED_MESSAGES) {
      const embedded = await embeddedMessage(content);
      if (embedded) embeddedMessages.push(embedded);
    }
  }
  return {
    messageId,
    dedupeKey: messageId ?? dedupeHash(),
    from: addressList(mail.from)[0] ?? null,
    fromCount: addressList(mail.from).length,
    replyTo: addressList(mail.replyTo)[0] ?? null,
    to: addressList(mail.to),
    cc: addressList(mail.cc),
    subject: subjectOf(mail),
    date: parseDateHeader(headers.date),
    inReplyTo: messageIds(headers['in-reply-to'])[0] ?? null,
    references: messageIds(headers.references),
    text,
    html,
    ...(textFromHtml ? { textFromHtml } : {}),
    attachments,
    embeddedMessages,
    headers,
    fields: fieldsFromLines(mail.headerLines ?? []),
    returnPath: returnPath(headers),
    isDeliveryReport: isReportType(headers['content-type']),
  };
}

function isReportType(contentType: string | undefined): boolean {
  // Any multipart/report (DSN, read receipt, abuse report) is machine-generated: RFC 3462, RFC 3464.
  return /^\s*(multipart\/report|message\/(global-)?delivery-status)\b/i.test(contentType ?? '');
}

function roughMailbox(value: string | undefined): Address | null {
  const found = roughAddress(value);
  const address = cleanAddress(found?.address);
  return address ? { address, name: cleanDisplayName(found?.name) } : null;
}

/** Undecoded body, for a multipart mailparser found no part in: better than showing nothing. */
function rawBodyText(bytes: Buffer): string {
  return cleanBody(splitRaw(bytes).body.toString('utf8')).trim();
}

/** The reading used when mailparser cannot be: headers by hand, the body as UTF-8 text. */
function fallbackEmail(bytes: Buffer, dedupeHash: () => string): ParsedEmail {
  let headers: Record<string, string> = {};
  let fields: HeaderField[] = [];
  let text = '';
  try {
    const lines = rawHeaderLines(splitRaw(bytes).header);
    headers = headersFromLines(lines);
    fields = fieldsFromLines(lines);
    text = rawBodyText(bytes);
  } catch {
    // keep the empty reading
  }
  const messageId = firstMessageId(headers['message-id']);
  return {
    messageId,
    dedupeKey: messageId ?? dedupeHash(),
    from: roughMailbox(headers.from),
    // Without a parser, every "@" counts as a mailbox: wrong only towards "not one person".
    fromCount: (headers.from ?? '').split('@').length - 1,
    replyTo: roughMailbox(headers['reply-to']),
    to: [roughMailbox(headers.to)].filter((a) => a !== null),
    cc: [roughMailbox(headers.cc)].filter((a) => a !== null),
    subject: cleanHeaderText(headers.subject),
    date: parseDateHeader(headers.date),
    inReplyTo: messageIds(headers['in-reply-to'])[0] ?? null,
    references: messageIds(headers.references),
    text,
    html: null,
    attachments: [],
    embeddedMessages: [],
    headers,
    fields,
    returnPath: returnPath(headers),
    isDeliveryReport: isReportType(headers['content-type']),
  };
}
