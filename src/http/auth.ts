// Who is calling: the API token (Bearer), an agent console session (signed cookie), or a customer's
// web chat session (random token whose hash is stored). Comparisons are constant-time.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * The request's cookies. A value that is not valid percent-encoding (`relevo_chat=%E0%A4%A`) is left out,
 * as if it had not been sent: the caller is signed out, never a 500.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // URIError: malformed escape or bytes that are not UTF-8.
    }
  }
  return out;
}

export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Console sessions are stateless: agent id and expiry, signed with a key derived from the API token. */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(apiToken: string) {
    this.key = createHmac('sha256', apiToken).update('relevo console session v1').digest();
  }

  issue(agentId: string, now: Date, ttlSeconds: number): string {
    const body = `${agentId}.${Math.floor(now.getTime() / 1000) + ttlSeconds}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the agent id of a valid, unexpired session. */
  verify(value: string | undefined, now: Date): string | undefined {
    if (!value) return undefined;
    const last = value.lastIndexOf('.');
    const body = value.slice(0, last);
    const mac = value.slice(last + 1);
    if (last < 0 || !sameSecret(mac, this.sign(body))) return undefined;
    const [agentId, exp] = body.split('.');
    if (!agentId || Number(exp) * 1000 < now.getTime()) return undefined;
    return agentId;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
