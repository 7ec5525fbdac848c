// The card's and forms' words exist in English and Spanish alike: the same keys (functions taking the same
// arguments), none empty, and short enough for the smallest place a platform shows them.
import { describe, expect, it } from 'vitest';
import { categoryLabel } from '../core/tickets/categories.ts';
import { priorityLabel } from '../core/tickets/sla.ts';
import { cardTexts, levelLabel } from './card.ts';

type Dictionary = Record<string, unknown>;

/** Each key's path with what it holds: 'string', or 'function/<arity>' for a function. */
function shape(dictionary: Dictionary, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(dictionary)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'function') out[path] = `function/${value.length}`;
    else if (typeof value === 'string') {
      expect(value.trim(), `${path} is empty`).not.toBe('');
      out[path] = 'string';
    } else Object.assign(out, shape(value as Dictionary, `${path}.`));
  }
  return out;
}

describe('the card’s and forms’ words', () => {
  const en = cardTexts('en');
  const es = cardTexts('es');

  it('exist in English and Spanish alike, none empty', () => {
    const keys = shape(en as unknown as Dictionary);
    expect(Object.keys(keys).length).toBeGreaterThan(50);
    expect(shape(es as unknown as Dictionary)).toEqual(keys);
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
