// A UserError says what it says in Spanish and English. The constructor's type makes the Spanish
// mandatory, so the compiler (npm run build, npm run typecheck) proves every `new UserError(...)` has
// it; these tests pin that the type really refuses English alone, and that the one way around it,
// relaying a text already in its reader's language, stays out of the core and the commands.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, IllegalTransitionError, NotFoundError, refusal, UserError } from './errors.ts';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('UserError in two languages', () => {
  it('keeps English as its message and answers in the language asked for', () => {
    const err = new NotFoundError(refusal.noTicket(12));
    expect(err.message).toBe('There is no ticket #12.');
    expect(err.messageIn('es')).toBe('No existe el ticket #12.');
    expect(err.messageIn('en')).toBe('There is no ticket #12.');
    // A language Relevo does not speak reads the desk's default.
    expect(err.messageIn('fr')).toBe('There is no ticket #12.');
    expect({ status: err.status, code: err.code }).toEqual({ status: 404, code: 'not_found' });
  });

  it('refuses a message in English alone, at compile time', () => {
    const made = [
      // @ts-expect-error: a bare string has no Spanish.
      () => new UserError('Only English'),
      // @ts-expect-error: nor does an object with English alone.
      () => new ForbiddenError({ en: 'Only English' }),
      // @ts-expect-error: nor one with Spanish alone.
      () => new IllegalTransitionError({ es: 'Solo español' }),
    ];
    // At run time they would build: the type, not a check, is what stops them.
    expect(made).toHaveLength(3);
  });

  it('relays a text already written in its reader’s language as it is', () => {
    const err = UserError.inTheirLanguage('Solo los agentes pueden hacer esto.', 403, 'forbidden');
    expect(err.messageIn('en')).toBe('Solo los agentes pueden hacer esto.');
  });

  it('the core and the commands never relay: every refusal of theirs is written in both languages', () => {
    const offenders = [...files(path.resolve('src/core')), ...files(path.resolve('commands'))]
      // errors.ts defines it; tests may use it.
      .filter((f) => !f.endsWith('.test.ts') && f !== path.resolve('src/core/errors.ts'))
      .filter((f) => readFileSync(f, 'utf8').includes('inTheirLanguage'))
      .map((f) => path.relative(process.cwd(), f));
    expect(offenders).toEqual([]);
  });

  it('the shared refusals differ between the languages (none was copied over untranslated)', () => {
    const samples = [refusal.agentsOnly, refusal.noTicket(3), refusal.noProduct('x'), refusal.noContact('c')];
    for (const s of samples) expect(s.es).not.toBe(s.en);
  });
});
