// The slash-command tokens Relevo accepts, and the shared state behind them, on a real database.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/index.ts';
import { advanceCursor, readState, sharedSecret, writeState } from '../kit/platform-state.ts';
import { COMMAND_TOKEN_PREFIX, CommandTokens } from './command-tokens.ts';

describe('Mattermost command tokens', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
  });
  afterAll(async () => db?.close());

  it('accepts configured tokens and ones `register` stored later (re-read at most every few seconds)', async () => {
    const now = { t: 0 };
    const tokens = new CommandTokens(db.prisma, ['handmadetoken0000000000001'], () => now.t);
    expect(await tokens.valid('handmadetoken0000000000001')).toBe(true);
    expect(await tokens.valid(undefined)).toBe(false);
    expect(await tokens.valid('registeredtoken00000000001')).toBe(false);
    await writeState(db.prisma, `${COMMAND_TOKEN_PREFIX}cmd1`, 'registeredtoken00000000001');
    // Just asked: a flood of unknown tokens does not read the database each time.
    expect(await tokens.valid('registeredtoken00000000001')).toBe(false);
    now.t += 5_000;
    expect(await tokens.valid('registeredtoken00000000001')).toBe(true);
    expect(await tokens.valid('registeredtoken00000000002')).toBe(false);
  });

  it('a shared secret is generated once, whoever asks first; a cursor only moves forward', async () => {
    const [a, b] = await Promise.all([
      sharedSecret(db.prisma, 'x:secret'),
      sharedSecret(db.prisma, 'x:secret'),
    ]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(40);
    await advanceCursor(db.prisma, 'x:cursor', 2000);
    await advanceCursor(db.prisma, 'x:cursor', 1000);
    expect(await readState(db.prisma, 'x:cursor')).toBe('2000');
    await advanceCursor(db.prisma, 'x:cursor', 3000);
    expect(await readState(db.prisma, 'x:cursor')).toBe('3000');
  });
});
