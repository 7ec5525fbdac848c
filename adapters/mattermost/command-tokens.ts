// The tokens Mattermost sends with a /ticket command: those of commands created by hand
// (MATTERMOST_COMMAND_TOKENS) and those `relevo mattermost register` created, which it keeps in the
// database. A command registered while Relevo runs is accepted without a restart: an unknown token makes
// Relevo re-read the stored ones, at most once every few seconds (so a flood of bad tokens costs nothing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../src/db/index.ts';
import { statesUnder } from '../kit/platform-state.ts';

export const COMMAND_TOKEN_PREFIX = 'mattermost:command-token:';
const REREAD_MS = 5_000;

const digest = (token: string) => createHash('sha256').update(token).digest();

export class CommandTokens {
  private stored: Buffer[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly configured: Buffer[];

  constructor(
    private readonly db: Db,
    configured: string[],
    private readonly now: () => number = Date.now,
  ) {
    this.configured = configured.map(digest);
  }

  /** Is `token` one of ours? Compared in constant time, as digests. */
  async valid(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const given = digest(token);
    if (this.matches(given)) return true;
    if (this.now() - this.readAt < REREAD_MS) return false;
    this.readAt = this.now();
    this.stored = (await statesUnder(this.db, COMMAND_TOKEN_PREFIX)).map((s) => digest(s.value));
    return this.matches(given);
  }

  private matches(given: Buffer): boolean {
    let found = false;
    for (const known of [...this.configured, ...this.stored]) {
      if (timingSafeEqual(known, given)) found = true;
    }
    return found;
  }
}
