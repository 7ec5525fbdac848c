import { createHash } from 'node:crypto';

// Byte-level rescue for messages mailparser reads as empty: a header/body split that needs no parser,
// and a repair for the commonest breakage, a multipart whose parts use another boundary than declared.

export interface RawParts {
  header: string;
  body: Buffer;
}

export function splitRaw(raw: Buffer): RawParts {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const candidates = [crlf >= 0 ? { at: crlf, len: 4 } : null, lf >= 0 ? { at: lf, len: 2 } : null].filter(
    (c) => c !== null,
  );
  const first = candidates.sort((a, b) => a.at - b.at)[0];
  if (!first) return { header: raw.toString('latin1'), body: Buffer.alloc(0) };
  return { header: raw.subarray(0, first.at).toString('latin1'), body: raw.subarray(first.at + first.len) };
}

function unfoldedHeader(header: string, name: string): string | null {
  const re = new RegExp(`^${name}[ \\t]*:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)`, 'im');
  const m = re.exec(header);
  return m?.[1] ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

const BOUNDARY_PARAM = /boundary\s*=\s*("[^"]*"|[^;\s]+)/i;
const BOUNDARY_LINE = /^--([^\s]{1,70}?)(?:--)?[ \t]*\r?$/m;

/**
 * When the declared boundary never occurs but the body opens with another `--xyz` delimiter line,
 * rewrite the declaration to that one so the parts can be read. Returns null when there is nothing
 * plausible to repair.
 */
export function repairBoundary(raw: Buffer): Buffer | null {
  const { header, body } = splitRaw(raw);
  const contentType = unfoldedHeader(header, 'content-type');
  if (!contentType || !/^multipart\//i.test(contentType)) return null;
  const declared = BOUNDARY_PARAM.exec(contentType)?.[1]?.replace(/^"|"$/g, '') ?? null;
  const bodyText = body.toString('latin1');
  const used = BOUNDARY_LINE.exec(bodyText)?.[1];
  if (!used || used === declared) return null;
  const fixedType = declared
    ? contentType.replace(BOUNDARY_PARAM, `boundary="${used}"`)
    : `${contentType}; boundary="${used}"`;
  const fixedHeader = header.replace(
    /^content-type[ \t]*:[^\n]*(?:\r?\n[ \t][^\n]*)*/im,
    `Content-Type: ${fixedType}`,
  );
  return Buffer.concat([Buffer.from(`${fixedHeader}\r\n\r\n`, 'latin1'), body]);
}

/** First `Name <addr>` or bare address in a raw header value, for the no-parser fallback. */
export function roughAddress(value: string | undefined): { address: string; name: string } | null {
  if (!value) return null;
  const angled = /^(.*?)<([^<>\s]+)>/.exec(value);
  if (angled?.[2]) return { address: angled[2], name: angled[1] ?? '' };
  const bare = /[^\s<>",;]+@[^\s<>",;]+/.exec(value);
  return bare ? { address: bare[0], name: '' } : null;
}

// Headers each relay hop adds or rewrites: the same message delivered twice differs only in these.
const TRACE_HEADERS =
  /^(?:received|return-path|delivered-to|x-original-to|x-received|arc-[a-z-]+|authentication-results|received-spf|dkim-signature|x-google-smtp-source|x-gm-message-state)$/i;

/**
 * A hash of the message as its author sent it: the body and every header except the trace headers
 * relays stamp on each copy. Deduplicates messages that have no Message-ID.
 */
export function contentHash(raw: Buffer): string {
  const { header, body } = splitRaw(raw);
  const kept = header
    .split(/\r?\n(?![ \t])/)
    .filter((line) => !TRACE_HEADERS.test(line.split(':', 1)[0]?.trim() ?? ''))
    .join('\n');
  return `sha256:${createHash('sha256').update(kept).update('\n\n').update(body).digest('hex')}`;
}
