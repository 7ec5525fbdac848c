// Every text a customer or agent reads on the web chat and console pages exists in English and Spanish:
// the same keys in both languages (functions taking the same arguments), none empty, and every key the
// pages' HTML names (data-i18n, data-i18n-placeholder, data-i18n-label) defined.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type Dictionary, dictionaryShape } from '../../test/harness/dictionary-shape.ts';

const pages = [
  { page: 'chat', module: './public/chat-strings.js', exported: 'chatStrings', htmlKeys: (d: any) => d },
  {
    page: 'dashboard',
    module: './public/dashboard-strings.js',
    exported: 'dashboardStrings',
    htmlKeys: (d: any) => d.page,
  },
  {
    page: 'console',
    module: './public/console-strings.js',
    exported: 'consoleStrings',
    htmlKeys: (d: any) => d.page,
  },
];

describe.each(pages)('the $page page’s words', ({ page, module, exported, htmlKeys }) => {
  const load = async () =>
    (await import(new URL(module, import.meta.url).href))[exported] as Record<'en' | 'es', Dictionary>;

  it('exist in English and Spanish alike', async () => {
    const { en, es } = await load();
    expect(dictionaryShape(es)).toEqual(dictionaryShape(en));
  });

  it('cover every key the page’s HTML names', async () => {
    const html = await readFile(new URL(`./public/${page}.html`, import.meta.url), 'utf8');
    const named = [...html.matchAll(/data-i18n(?:-placeholder|-label)?="(\w+)"/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(0);
    const words = await load();
    for (const language of ['en', 'es'] as const) {
      for (const key of named)
        expect(typeof htmlKeys(words[language])[key], `${language}: ${key}`).toBe('string');
    }
  });
});
