// Header values read from the raw header lines rather than from mailparser's interpretation of them:
// mailparser turns an unparseable Date into "now" and wraps stray References tokens in <>, both of which
// would mislead threading and the "why did this land here" report.
import { cleanAddress, cleanHeaderText } from './sanitize.ts';

export interface HeaderLine {
  key: string;
  line: string;
}

export interface HeaderField {
  /** Lower case. */
  name: string;
  /** Unfolded, as written. */
  value: string;
}

const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * Lower-case name → unfolded one-line value. The first occurrence wins: it is the topmost, written by
 * the last hop (our own MTA's Return-Path, for instance), which is the one to trust.
 */
export function headersFromLines(lines: readonly HeaderLine[]): Record<string, string> {
  const seen = new Map<string, string>();
  for (const { key, line } of lines) {
    const name = key.trim().toLowerCase();
    if (!HEADER_NAME.test(name) || seen.has(name)) continue;
    const colon = line.indexOf(':');
    seen.set(name, cleanHeaderText(colon >= 0 ? line.slice(colon + 1) : ''));
  }
  return Object.fromEntries(seen);
}

// Enough for any real value (a long References list is a few KB); more is only memory for an attacker.
const MAX_FIELD_VALUE = 16_384;

/** Every field in order, unfolded, names lower case, values capped; for order-sensitive reading. */
export function fieldsFromLines(lines: readonly HeaderLine[]): HeaderField[] {
  const out: HeaderField[] = [];
  for (const { key, line } of lines) {
    const name = key.trim().toLowerCase();
    if (!HEADER_NAME.test(name)) continue;
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').slice(0, MAX_FIELD_VALUE);
    out.push({ name, value: value.replace(/\r?\n[ \t]+/g, ' ').trim() });
  }
  return out;
}

/** Header lines of a raw header block, for when mailparser could not be used at all. */
export function rawHeaderLines(block: string): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const physical of block.split(/\r?\n/)) {
    const last = out[out.length - 1];
    if (/^[ \t]/.test(physical) && last) {
      last.line += `\n${physical}`;
      continue;
    }
    const colon = physical.indexOf(':');
    if (colon <= 0) continue;
    out.push({ key: physical.slice(0, colon).trim().toLowerCase(), line: physical });
  }
  return out;
}

const MSG_ID = /<([^<>\s]+)>/g;
const MAX_MSG_ID = 998;

/** Message-IDs in `<...>` form; bare ids (seen from broken mailers) are wrapped. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const found = [...value.matchAll(MSG_ID)].map((m) => m[1] ?? '');
  const ids = found.length > 0 ? found : value.split(/[\s,]+/).filter((t) => t.includes('@'));
  const out: string[] = [];
  for (const id of ids) {
    const clean = id.replace(/[<>]/g, '');
    if (!clean || clean.length > MAX_MSG_ID) continue;
    const wrapped = `<${clean}>`;
    if (!out.includes(wrapped)) out.push(wrapped);
  }
  return out;
}

export function firstMessageId(value: string | undefined): string | null {
  if (!value) return null;
  const ids = messageIds(value);
  if (ids[0]) return ids[0];
  // A Message-ID without "@" is legal enough to deduplicate on.
  const token = value.trim().split(/\s+/)[0]?.replace(/[<>]/g, '');
  return token && token.length <= MAX_MSG_ID ? `<${token}>` : null;
}

// Date.parse is lenient enough to turn "not a date" into some year; insist on an RFC 5322 or ISO shape.
const DATE_SHAPE = /\b\d{1,2}\s+[a-z]{3,}\.?\s+\d{2,4}\b|\b\d{4}-\d{2}-\d{2}/i;

export function parseDateHeader(value: string | undefined): Date | null {
  if (!value || !DATE_SHAPE.test(value)) return null;
  const time = Date.parse(value.replace(/\([^)]*\)/g, ' ').trim());
  return Number.isNaN(time) ? null : new Date(time);
}

/** `null` when absent, `''` for the null reverse-path `<>` that bounces and auto-replies carry. */
export function returnPath(headers: Record<string, string>): string | null {
  const value = headers['return-path'];
  if (value === undefined) return null;
  const inner = /<([^>]*)>/.exec(value)?.[1] ?? value;
  return cleanAddress(inner);
}
