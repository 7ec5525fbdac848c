// The card's and forms' words exist in English and Spanish alike: the same keys (functions taking the same
// arguments), none empty, and short enough for the smallest place a platform shows them.
import { describe, expect, it } from 'vitest';
import { type Dictionary, dictionaryShape } from '../../test/harness/dictionary-shape.ts';
import { categoryLabel } from '../core/tickets/categories.ts';
import { priorityLabel } from '../core/tickets/sla.ts';
import { cardTexts, levelLabel } from './card.ts';

describe('the card’s and forms’ words', () => {
  const en = cardTexts('en');
  const es = cardTexts('es');

  it('exist in English and Spanish alike, none empty', () => {
    const keys = dictionaryShape(en as unknown as Dictionary);
    expect(Object.keys(keys).length).toBeGreaterThan(50);
    expect(dictionaryShape(es as unknown as Dictionary)).toEqual(keys);
    // The functions say something in both languages too.
    for (const x of [en, es]) {
      expect(x.field.attachment('a.pdf', 2, true).trim()).not.toBe('a.pdf (2 KB)');
      expect(x.opened('slack', '2026-12-07 13:05 UTC')).toContain('2026-12-07 13:05 UTC');
      expect(x.escalationTitle(12, 'Printer', 'Platform')).toContain('#12 Printer (Platform)');
      expect(x.conversationTitle('Carla').trim()).not.toBe('Carla');
      expect(x.ticketCreated(12)).toContain('#12');
    }
  });

  it('are Spanish in Spanish, and anything else reads English', () => {
    expect(es.button['ticket.resolve']).toBe('Resolver…');
    expect(cardTexts('fr')).toBe(en);
    expect(levelLabel('high', 'es')).toBe('alta');
    expect(levelLabel('certain', 'es')).toBe('certain');
    expect(levelLabel('toString', 'es')).toBe('toString');
  });

  it('fit a form’s title and submit button in 24 characters (Slack’s modals, Mattermost’s dialogs)', () => {
    for (const [language, x] of Object.entries({ en, es })) {
      for (const [form, words] of Object.entries(x.form)) {
        expect(words.title.length, `${language} ${form} title "${words.title}"`).toBeLessThanOrEqual(24);
        expect(words.submit.length, `${language} ${form} submit "${words.submit}"`).toBeLessThanOrEqual(24);
      }
    }
  });

  it('name every priority and category in both languages', () => {
    for (const labels of [priorityLabel, categoryLabel]) {
      for (const [value, label] of Object.entries(labels)) {
        expect(label.en.trim(), `${value} in English`).not.toBe('');
        expect(label.es.trim(), `${value} in Spanish`).not.toBe('');
      }
    }
    // A priority's English is its value, which the card showed before it had words of its own.
    for (const [value, label] of Object.entries(priorityLabel)) expect(label.en).toBe(value);
  });
});
