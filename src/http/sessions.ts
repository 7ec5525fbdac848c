// Sessions kept in the database, for the agent console and the web chat: the browser holds a random
// token, the database only its SHA-256 hash. Signing out deletes the row, expiry is checked on every
// request, and a console session remembers which API token was current at sign-in (keyId), so
// rotating the token ends every console session. Nothing lives in process memory: every instance on
// one PostgreSQL gives the same answer, and a sign-out on one is a sign-out on all.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/ports.ts';
import type { Db } from '../db/index.ts';
import { hashToken, newSessionToken } from './auth.ts';

/** How long a console sign-in lasts (absolute, from sign-in). */
export const CONSOLE_SESSION_SECONDS = 7 * 86_400;
/** How long a web chat session lasts (absolute, from sign-in or from the last verification). */
export const WEBCHAT_SESSION_SECONDS = 30 * 86_400;

/** Names an API token without revealing it. */
export function apiKeyId(apiToken: string): string {
  return createHash('sha256').update(`relevo console sessions\0${apiToken}`).digest('hex').slice(0, 32);
}

export class ConsoleSessions {
  readonly keyId: string;

  constructor(
    private readonly db: Db,
    apiToken: string,
    private readonly clock: Clock,
    readonly ttlSeconds = CONSOLE_SESSION_SECONDS,
  ) {
    this.keyId = apiKeyId(apiToken);
  }

  /** A new session for an agent; returns the token for the cookie. */
  async issue(agentId: string): Promise<string> {
    const token = newSessionToken();
    const now = this.clock.now();
    await this.db.consoleSession.create({
      data: {
        tokenHash: hashToken(token),
        agentId,
        keyId: this.keyId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000),
      },
    });
    return token;
  }

  /** The agent id of a live session; an expired one, or one of another API token, is removed. */
  async verify(token: string | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    const row = await this.db.consoleSession.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!row) return undefined;
    if (row.expiresAt <= this.clock.now() || row.keyId !== this.keyId) {
      await this.db.consoleSession.deleteMany({ where: { id: row.id } });
      return undefined;
    }
    return row.agentId;
  }

  /** Signs one session out. */
  async end(token: string | undefined): Promise<void> {
    if (token) await this.db.consoleSession.deleteMany({ where: { tokenHash: hashToken(token) } });
  }
}

/** Ends every console session, or one agent's; returns how many. (`relevo sessions end`, the API.) */
export async function endConsoleSessions(db: Db, agentId?: string): Promise<number> {
  const { count } = await db.consoleSession.deleteMany({ where: agentId ? { agentId } : {} });
  return count;
}

/**
 * Forgets expired sessions and console sessions of another API token (it was rotated). Safe on every
 * instance at once; verification refuses such rows anyway, this only keeps the tables small.
 */
export async function sweepSessions(db: Db, clock: Clock, keyId: string): Promise<number> {
  const now = clock.now();
  const consoles = await db.consoleSession.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { keyId: { not: keyId } }] },
  });
  const chats = await db.webchatSession.deleteMany({ where: { expiresAt: { lte: now } } });
  return consoles.count + chats.count;
}
