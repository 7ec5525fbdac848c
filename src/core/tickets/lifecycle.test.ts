import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../errors.ts';
import { assertTransition, type Status, statuses } from './lifecycle.ts';

const now = new Date('2026-03-10T12:00:00Z');
const day = 24 * 3600_000;
const check = (
  from: Status,
  to: Status,
  reason: Parameters<typeof assertTransition>[0]['reason'] = 'agent',
  since?: Date,
) =>
  assertTransition({
    from,
    to,
    reason,
    now,
    awaitingConfirmationSince: since ?? null,
    confirmationWindowMinutes: 7 * 24 * 60,
  });

describe('ticket lifecycle', () => {
  it('follows the seeds’ path from new to closed', () => {
    expect(() => check('new', 'open')).not.toThrow();
    expect(() => check('open', 'waiting_on_customer')).not.toThrow();
    expect(() => check('waiting_on_customer', 'open', 'customer_message')).not.toThrow();
    expect(() => check('open', 'on_hold')).not.toThrow();
    expect(() => check('on_hold', 'awaiting_confirmation')).not.toThrow();
    expect(() => check('awaiting_confirmation', 'resolved', 'customer_confirmed')).not.toThrow();
    expect(() => check('resolved', 'closed')).not.toThrow();
  });

  it('never resolves on an agent’s word alone', () => {
    expect(() => check('open', 'resolved')).toThrow(IllegalTransitionError);
    expect(() => check('awaiting_confirmation', 'resolved', 'agent')).toThrow(
      /Only the customer can confirm/,
    );
  });

  it('resolves by itself only once the confirmation window has passed', () => {
    const early = new Date(now.getTime() - 7 * day + 60_000);
    const late = new Date(now.getTime() - 7 * day);
    expect(() => check('awaiting_confirmation', 'resolved', 'confirmation_window_elapsed', early)).toThrow(
      /not passed yet/,
    );
    expect(() =>
      check('awaiting_confirmation', 'resolved', 'confirmation_window_elapsed', late),
    ).not.toThrow();
  });

  it('reopens finished tickets and refuses moves that make no sense, saying what is possible', () => {
    for (const from of ['resolved', 'closed', 'spam', 'rejected'] as const)
      expect(() => check(from, 'open', 'reopen')).not.toThrow();
    expect(() => check('closed', 'spam')).toThrow(/cannot become spam; it can become: open/);
    expect(() => check('open', 'open')).toThrow(/already open/);
    expect(() => check('new', 'awaiting_confirmation', 'customer_message')).toThrow(/Only an agent/);
  });

  it('has a rule for every status', () => {
    for (const from of statuses) expect(() => check(from, from)).toThrow(IllegalTransitionError);
  });
});
