// The ticket lifecycle as an explicit state machine (seeds 000, 002, 003).
//
//   new ─▶ open ─▶ waiting_on_customer / on_hold ─▶ awaiting_confirmation ─▶ resolved ─▶ closed
//   spam and rejected end a ticket early; reopen brings any finished ticket back to open.
//
// A ticket is never resolved on an agent's word alone: only the customer's confirmation or the
// confirmation window running out moves awaiting_confirmation to resolved (seed 003).
import { IllegalTransitionError } from '../errors.ts';

export const statuses = [
  'new',
  'open',
  'waiting_on_customer',
  'on_hold',
  'awaiting_confirmation',
  'resolved',
  'closed',
  'spam',
  'rejected',
] as const;
export type Status = (typeof statuses)[number];

/** Why a ticket moves; some moves are only legal for some reasons. */
export type TransitionReason =
  | 'agent'
  | 'customer_message'
  | 'customer_confirmed'
  | 'customer_still_broken'
  | 'confirmation_window_elapsed'
  | 'reopen'
  /** Relevo asked for required information at intake (the ticket waits on the customer). */
  | 'information_missing'
  /** The requested information did not come within tickets.rejectIncompleteAfter. */
  | 'information_timeout';

const active: Status[] = ['new', 'open', 'waiting_on_customer', 'on_hold'];

const allowed: Record<Status, Status[]> = {
  new: ['open', 'waiting_on_customer', 'on_hold', 'awaiting_confirmation', 'spam', 'rejected'],
  open: ['waiting_on_customer', 'on_hold', 'awaiting_confirmation', 'spam', 'rejected'],
  waiting_on_customer: ['open', 'on_hold', 'awaiting_confirmation', 'rejected', 'spam'],
  on_hold: ['open', 'waiting_on_customer', 'awaiting_confirmation', 'rejected'],
  awaiting_confirmation: ['resolved', 'open'],
  resolved: ['closed', 'open'],
  closed: ['open'],
  spam: ['open'],
  rejected: ['open'],
};

export const label: Record<Status, string> = {
  new: 'new',
  open: 'open',
  waiting_on_customer: 'waiting on customer',
  on_hold: 'on hold for maintainers',
  awaiting_confirmation: 'resolved, awaiting confirmation',
  resolved: 'resolved',
  closed: 'closed',
  spam: 'spam',
  rejected: 'rejected',
};

/** The statuses as a Spanish-speaking agent reads them (in the refusals below). */
export const labelEs: Record<Status, string> = {
  new: 'nuevo',
  open: 'abierto',
  waiting_on_customer: 'a la espera del cliente',
  on_hold: 'en espera de los mantenedores',
  awaiting_confirmation: 'resuelto, a la espera de confirmación',
  resolved: 'resuelto',
  closed: 'cerrado',
  spam: 'spam',
  rejected: 'rechazado',
};

/** Whether a ticket that is `from` may become `to` (what the card offers follows from it). */
export function canBecome(from: Status, to: Status): boolean {
  return allowed[from].includes(to);
}

/** A status's one wording in both languages, for clients that show it (the console, API callers). */
export function statusLabel(status: Status): { en: string; es: string } {
  return { en: label[status], es: labelEs[status] };
}

export function isActive(status: Status): boolean {
  return active.includes(status);
}

/** Finished tickets: a new message in their conversation starts a new ticket or reopens one. */
export function isFinished(status: Status): boolean {
  return ['resolved', 'closed', 'spam', 'rejected'].includes(status);
}

export interface TransitionCheck {
  from: Status;
  to: Status;
  reason: TransitionReason;
  now: Date;
  awaitingConfirmationSince: Date | null;
  confirmationWindowMinutes: number;
}

/** Throws IllegalTransitionError with a message an agent can act on; returns nothing when legal. */
export function assertTransition(check: TransitionCheck): void {
  const { from, to, reason } = check;
  if (from === to) {
    throw new IllegalTransitionError({
      en: `The ticket is already ${label[to]}.`,
      es: `El ticket ya está ${labelEs[to]}.`,
    });
  }
  if (!allowed[from].includes(to)) {
    const options = allowed[from].map((s) => label[s]).join(', ');
    const opciones = allowed[from].map((s) => labelEs[s]).join(', ');
    throw new IllegalTransitionError({
      en: `A ticket that is ${label[from]} cannot become ${label[to]}; it can become: ${options}.`,
      es: `Un ticket ${labelEs[from]} no puede pasar a ${labelEs[to]}; puede pasar a: ${opciones}.`,
    });
  }
  if (from === 'awaiting_confirmation' && to === 'resolved') {
    if (reason === 'customer_confirmed') return;
    if (reason === 'confirmation_window_elapsed') {
      const since = check.awaitingConfirmationSince;
      const due = since
        ? since.getTime() + check.confirmationWindowMinutes * 60_000
        : Number.POSITIVE_INFINITY;
      if (check.now.getTime() >= due) return;
      const ends = new Date(due).toISOString();
      throw new IllegalTransitionError({
        en: `The confirmation window has not passed yet (it ends ${ends}).`,
        es: `El plazo de confirmación aún no ha terminado (termina el ${ends}).`,
      });
    }
    throw new IllegalTransitionError({
      en: 'Only the customer can confirm a solution; otherwise the ticket resolves by itself when the confirmation window passes.',
      es: 'Solo el cliente puede confirmar una solución; si no, el ticket se resuelve solo cuando termina el plazo de confirmación.',
    });
  }
  if (to === 'awaiting_confirmation' && reason !== 'agent') {
    throw new IllegalTransitionError({
      en: 'Only an agent can propose a solution.',
      es: 'Solo un agente puede proponer una solución.',
    });
  }
}
