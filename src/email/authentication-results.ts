// Reading the verdict the team's own mail server wrote about a message (RFC 8601 Authentication-Results),
// so an agent's mail can be trusted when that server saw DMARC pass for the agent's domain.
//
// Anyone can write an Authentication-Results header into the mail they send, naming any server. So:
// - only headers whose authserv-id the operator listed (RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS) are read;
// - of those, only the topmost one counts. A receiving server adds its header above everything the
//   sender wrote (OpenDMARC, rspamd and Google put DMARC, DKIM and SPF in that one header, OpenDMARC
//   above OpenDKIM's), so a forged copy can only be the topmost one if the server stamped nothing at all
//   — which is why the README asks for a server that stamps every message and strips incoming copies.
// Pure: no I/O, linear in the input, never throws.
import type { HeaderField } from './headers.ts';

export interface AuthResult {
  /** Lower case: dmarc, dkim, spf, … */
  method: string;
  /** Lower case: pass, fail, none, … */
  result: string;
  /** `header.from`, `header.d`, `smtp.mailfrom`, … → value, names lower case. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  /** Lower case. */
  authservId: string;
  results: AuthResult[];
}

export type AgentAuthentication = 'dmarc' | 'dkim';

// A real header is a few hundred bytes; a megabyte of it is an attack on the parser, not a verdict.
const MAX_VALUE = 8192;
const MAX_FIELDS_SCANNED = 200;

/** The value with (nested, escaped) comments replaced by a space; quoted strings kept as they are. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth > 0) {
      if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) out += ' ';
      }
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === '(' && !quoted) {
      depth = 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function segments(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\' && quoted) {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;
}

const AUTHSERV = /^("(?:[^"\\]|\\.)*"|[^\s";]+)/;
const METHOD = /^([a-z0-9_-]+)(?:\s*\/\s*[0-9]+)?\s*=\s*([a-z0-9_-]+)/i;
const PROPERTY = /([a-z0-9_-]+)\s*\.\s*([a-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s";]+)/gi;

/** One Authentication-Results value, or null when it does not even name a server. */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  if (value.length > MAX_VALUE) return null;
  const [head = '', ...rest] = segments(withoutComments(value));
  const id = AUTHSERV.exec(head)?.[1];
  // Microsoft 365 writes no authserv-id at all ("spf=pass …"): that is a result, not a server name.
  if (!id || id.includes('=')) return null;
  const results: AuthResult[] = [];
  for (const segment of rest) {
    const m = METHOD.exec(segment);
    if (!m?.[1] || !m[2]) continue;
    const props: Record<string, string> = {};
    for (const p of segment.slice(m[0].length).matchAll(PROPERTY)) {
      const key = `${p[1]}.${p[2]}`.toLowerCase();
      // The first occurrence, as for header fields: a second header.from in one result is not a verdict.
      if (!(key in props)) props[key] = unquote(p[3] ?? '');
    }
    results.push({ method: m[1].toLowerCase(), result: m[2].toLowerCase(), props });
  }
  return { authservId: unquote(id).toLowerCase(), results };
}

/**
 * The verdict of the topmost Authentication-Results header written by a trusted server, or null.
 * `fields` are the message's header fields from the top down.
 */
export function trustedAuthenticationResults(
  fields: readonly HeaderField[],
  trustedIds: readonly string[],
): AuthenticationResults | null {
  if (trustedIds.length === 0) return null;
  const trusted = new Set(trustedIds.map((id) => id.toLowerCase()));
  for (const field of fields.slice(0, MAX_FIELDS_SCANNED)) {
    if (field.name !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(field.value);
    if (parsed && trusted.has(parsed.authservId)) return parsed;
  }
  return null;
}

/** DMARC's relaxed alignment without the Public Suffix List: equal, or one a subdomain of the other. */
function aligned(signer: string, from: string): boolean {
  const d = signer.toLowerCase().replace(/\.$/, '');
  const f = from.toLowerCase().replace(/\.$/, '');
  if (!d || !f) return false;
  if (d === f) return true;
  const [shorter, longer] = d.length < f.length ? [d, f] : [f, d];
  // A bare top-level domain ("example") is never an organisation's domain.
  return shorter.includes('.') && longer.endsWith(`.${shorter}`);
}

function domainOf(value: string | undefined): string {
  if (!value) return '';
  const at = value.lastIndexOf('@');
  return (at >= 0 ? value.slice(at + 1) : value).trim().toLowerCase();
}

/**
 * Whether the server's verdict vouches for mail from `fromDomain`: DMARC pass for exactly that domain,
 * or a DKIM pass whose signing domain is aligned with it. SPF alone never does: it checks the envelope
 * sender, which need not be the From the agent is recognised by.
 */
export function vouchesFor(
  verdict: AuthenticationResults | null,
  fromDomain: string,
): AgentAuthentication | null {
  if (!verdict || !fromDomain) return null;
  const domain = fromDomain.toLowerCase();
  for (const r of verdict.results) {
    if (r.method === 'dmarc' && r.result === 'pass' && domainOf(r.props['header.from']) === domain)
      return 'dmarc';
  }
  for (const r of verdict.results) {
    if (r.method !== 'dkim' || r.result !== 'pass') continue;
    const signer = r.props['header.d'] ?? domainOf(r.props['header.i']);
    if (signer && aligned(signer, domain)) return 'dkim';
  }
  return null;
}
