// A ticket's SLA clocks, read from its history and kept on the ticket row for what needs an index: each
// clock's due time (the list's `sla` filter, the card), when a running clock reached its warning share
// (`slaRiskAt`: at risk), and when the warning sweep must next look at it (`slaCheckAt`). Refreshed in the
// same transaction as every change that moves a clock: creation, a status change, an agent's public reply,
// a priority change.
import type { Db, Tx } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import type { Priority } from '../tickets/sla.ts';
import {
  type BusinessTime,
  type ClockName,
  clockNames,
  computeClocks,
  type SlaClocks,
  type Targets,
} from './clocks.ts';
import { businessTimeFor } from './time.ts';

/** Warnings at these shares of a clock's target: at risk, then breached. */
export const warningShares = (config: DeskConfig): readonly number[] => [
  config.tickets.slaWarningShare ?? 0.75,
  1,
];

const MINUTE = 60_000;

export function targetsOf(config: DeskConfig, plan: string, priority: Priority): Targets | undefined {
  const sla = config.plans[plan]?.sla[priority];
  return sla
    ? {
        firstResponse: sla.firstResponse * MINUTE,
        nextUpdate: sla.nextUpdate * MINUTE,
        resolution: sla.resolution * MINUTE,
      }
    : undefined;
}

type Found = { clocks: SlaClocks; time: BusinessTime };

/** A ticket's clocks now, with the arithmetic of its plan; undefined when its plan promises nothing. */
export async function clocksOf(
  tx: Tx | Db,
  config: DeskConfig,
  number: number,
  now: Date,
): Promise<Found | undefined> {
  return (await clocksOfMany(tx, config, [number], now)).get(number);
}

/**
 * Several tickets' clocks, read in two statements whatever their number (the warning sweep's batch); a
 * ticket whose plan promises nothing maps to undefined.
 */
export async function clocksOfMany(
  tx: Tx | Db,
  config: DeskConfig,
  numbers: readonly number[],
  now: Date,
): Promise<Map<number, Found | undefined>> {
  const tickets = await tx.ticket.findMany({
    where: { number: { in: [...numbers] } },
    select: { number: true, createdAt: true, priority: true, organisation: { select: { plan: true } } },
  });
  const events = await tx.ticketEvent.findMany({
    where: {
      ticketNumber: { in: [...numbers] },
      OR: [{ type: 'status_change' }, { type: 'public_reply', authorKind: 'agent' }],
    },
    orderBy: { createdAt: 'asc' },
    select: { ticketNumber: true, type: true, createdAt: true, data: true },
  });
  const out = new Map<number, Found | undefined>();
  for (const ticket of tickets) {
    const targets = targetsOf(config, ticket.organisation.plan, ticket.priority);
    if (!targets) {
      out.set(ticket.number, undefined);
      continue;
    }
    const own = events.filter((e) => e.ticketNumber === ticket.number);
    const statuses = own
      .filter((e) => e.type === 'status_change')
      .map((e) => ({ at: e.createdAt, to: String((e.data as { to?: string } | null)?.to ?? '') }));
    const replies = own.filter((e) => e.type === 'public_reply').map((e) => e.createdAt);
    const time = businessTimeFor(config, ticket.organisation.plan);
    out.set(ticket.number, {
      clocks: computeClocks({ createdAt: ticket.createdAt, statuses, replies }, targets, time, now),
      time,
    });
  }
  return out;
}

/**
 * The warnings a clock owes now: each share reached in its current cycle (a breached clock: the breach only).
 * A running clock at exactly its target (computeClocks calls that running, not yet breached) owes the
 * breach too: nothing would look at the ticket again otherwise, since its last share is not in the future.
 * A clock that stopped owes none, even breached: the reply or solution came late, but it came, and an
 * "overdue" warning after it would be false (the sweep can lag the breach by one of its turns).
 */
export function warningsDue(
  clocks: SlaClocks,
  shares: readonly number[],
): { clock: ClockName; share: number; cycle: string }[] {
  const out: { clock: ClockName; share: number; cycle: string }[] = [];
  for (const clock of clockNames) {
    const c = clocks[clock];
    const cycle = String(c.cycleStart?.getTime() ?? 0);
    if (c.state === 'breached' && !c.stoppedAt) out.push({ clock, share: 1, cycle });
    else if (c.state === 'running') {
      for (const share of shares) if (c.elapsedMs >= c.targetMs * share) out.push({ clock, share, cycle });
    }
  }
  return out;
}

/**
 * Recomputes a ticket's clocks and writes their summary. `slaCheckAt` is the earliest of: a warning owed
 * and not yet posted (now), or the next share a running clock will reach.
 */
export async function refreshSla(
  tx: Tx,
  config: DeskConfig,
  number: number,
  now: Date,
  /** The ticket's clocks at `now`, when the caller has just read them (the warning sweep): not read twice. */
  known?: Found,
  /** Its warnings posted so far, when the caller has them (the sweep reads a whole batch's at once). */
  postedKnown?: readonly { clock: string; cycle: string; share: number }[],
): Promise<void> {
  const found = known ?? (await clocksOf(tx, config, number, now));
  if (!found) return;
  const { clocks, time } = found;
  const shares = warningShares(config);
  const posted = postedKnown ?? (await tx.slaWarning.findMany({ where: { ticketNumber: number } }));
  const owed = warningsDue(clocks, shares).some(
    (w) => !posted.some((p) => p.clock === w.clock && p.cycle === w.cycle && p.share === w.share),
  );
  let next: Date | null = owed ? now : null;
  let risk: Date | null = null;
  for (const name of clockNames) {
    const c = clocks[name];
    if (c.state !== 'running') continue;
    for (const share of shares) {
      const reachedAt =
        c.elapsedMs >= c.targetMs * share ? now : time.add(now, c.targetMs * share - c.elapsedMs);
      if (share < 1 && (!risk || reachedAt < risk)) risk = reachedAt;
      if (reachedAt > now && (!next || reachedAt < next)) next = reachedAt;
    }
  }
  await tx.ticket.update({
    where: { number },
    data: {
      firstResponseDueAt: clocks.firstResponse.dueAt,
      nextUpdateDueAt: clocks.nextUpdate.dueAt,
      resolutionDueAt: clocks.resolution.dueAt,
      slaRiskAt: risk,
      slaCheckAt: next,
    },
  });
}
