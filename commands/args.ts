// Shared argument pieces so every command reads a ticket number or an agent the same way.
import { z } from 'zod';
import { isBlank } from '../src/core/text.ts';

/** "#12" or "12". */
export const ticketNumber = z
  .string({ error: 'expected a ticket number such as #12' })
  .regex(/^#?\d+$/, 'expected a ticket number such as #12')
  .transform((s) => Number(s.replace('#', '')));

/** Words someone will read: zero-width spaces and other invisible characters alone count as nothing. */
export const text = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`)
    .refine((s) => !isBlank(s), `expected ${what} (only invisible characters were given)`);

/** Splits a command line into words; "double quotes" keep spaces. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? '');
  return words;
}
