import { z } from 'zod';
import { statusLabel } from '../src/core/tickets/lifecycle.ts';
import { type SnippetPart, searchSolved, searchTextMax } from '../src/core/tickets/search.ts';
import { text } from './args.ts';
import { defineCommand, say } from './command.ts';

/** The snippet as one line of plain text, the matched words in *asterisks* (bold in every chat's markup). */
const line = (parts: SnippetPart[]) =>
  parts
    .map((p) => (p.match ? `*${p.text}*` : p.text))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

export default defineCommand({
  name: 'search',
  args: ['words...'],
  schema: z.object({ words: text('words to search for').pipe(z.string().max(searchTextMax)) }),
  usage: '/ticket search <words>',
  help: {
    en: 'Searches solved tickets (subjects, messages, solutions, technical notes) in Spanish and English, best first.',
    es: 'Busca en los tickets resueltos (asuntos, mensajes, soluciones, notas técnicas), en español e inglés, los mejores primero.',
  },
  argHelp: {
    words: { en: 'What to look for', es: 'Qué buscar' },
  },
  audience: 'agent',
  async run(ctx, { words }) {
    const hits = await searchSolved(ctx.db, words, 5);
    if (hits.length === 0) {
      return {
        text: say(ctx, {
          en: `No solved ticket matches “${words}”. Try fewer or other words.`,
          es: `Ningún ticket resuelto coincide con «${words}». Pruebe con menos palabras o con otras.`,
        }),
      };
    }
    const language = ctx.language === 'es' ? 'es' : 'en';
    return {
      text: say(ctx, {
        en: `${hits.length} solved ticket${hits.length === 1 ? '' : 's'}, best first:`,
        es: `${hits.length} ticket${hits.length === 1 ? '' : 's'} resuelto${hits.length === 1 ? '' : 's'}, los mejores primero:`,
      }),
      title: say(ctx, { en: `Solved tickets for “${words}”`, es: `Tickets resueltos para «${words}»` }),
      fields: hits.map((hit) => ({
        label: `#${hit.number} ${hit.subject} (${statusLabel(hit.status)[language]})`,
        value: [
          hit.snippet ? line(hit.snippet) : null,
          hit.solution ? `${say(ctx, { en: 'Solution', es: 'Solución' })}: ${hit.solution}` : null,
          hit.technicalNote
            ? `🔒 ${say(ctx, { en: 'Technical note', es: 'Nota técnica' })}: ${hit.technicalNote}`
            : null,
        ]
          .filter(Boolean)
          .join('\n'),
      })),
    };
  },
});
