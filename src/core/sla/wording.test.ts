import { describe, expect, it } from 'vitest';
import { slaCard } from '../../../test/fixtures/sla-card.ts';

describe('an SLA clock as a card field', () => {
  it('reads due in / overdue by / paused, with a tone and the due time, in English', () => {
    expect(slaCard('en').fields?.slice(1)).toEqual([
      {
        label: 'First response due',
        value: '🔴 overdue by 25 min (due 2026-12-07 13:05 UTC)',
        tone: 'danger',
        when: {
          at: '2026-12-07T13:05:00.000Z',
          absolute: '🔴 overdue by 25 min (due {moment})',
          relative: '🔴 overdue: was due {relative} ({moment})',
          language: 'en',
        },
      },
      {
        label: 'Resolution due',
        value: '🟠 due in 1 h 20 min (2026-12-07 14:50 UTC)',
        tone: 'warning',
        when: {
          at: '2026-12-07T14:50:00.000Z',
          absolute: '🟠 due in 1 h 20 min ({moment})',
          relative: '🟠 due {relative} ({moment})',
          language: 'en',
        },
      },
      { label: 'Next update due', value: '⏸ paused: waiting on the customer' },
    ]);
  });

  it('says the same in Spanish', () => {
    expect(
      slaCard('es')
        .fields?.slice(1)
        .map((f) => f.value),
    ).toEqual([
      '🔴 vencida hace 25 min (vencía 2026-12-07 13:05 UTC)',
      '🟠 vence en 1 h 20 min (2026-12-07 14:50 UTC)',
      '⏸ en pausa: esperando al cliente',
    ]);
  });
});
