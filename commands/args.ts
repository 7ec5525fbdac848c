// Shared argument pieces so every command reads a ticket number or an agent the same way.
import { z } from 'zod';

/** "#12" or "12". */
export const ticketNumber = z
  .string({ error: 'expected a ticket number such as #12' })
  .regex(/^#?\d+$/, 'expected a ticket number such as #12')
  .transform((s) => Number(s.replace('#', '')));

export const text = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`);

/** Splits a command line into words; "double quotes" keep spaces. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? '');
  return words;
}
