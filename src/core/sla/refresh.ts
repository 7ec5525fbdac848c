// A ticket's SLA clocks, read from its history and kept on the ticket row for what needs an index: each
// clock's due time (the list's `sla` filter, the card), when a running clock reached its warning share
// (`slaRiskAt`: at risk), and when the warning sweep must next look at it (`slaCheckAt`). Refreshed in the
// same transaction as every change that moves a clock: creation, a status change, an agent's public reply,
// a priority change.
import type { Db, Tx } from '../../db/index.ts';
import { valuesList } from '../../db/sql-values.ts';
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
  const eventsOf = byTicket(events);
  const out = new Map<number, Found | undefined>();
  for (const ticket of tickets) {
    const { createdAt, priority, organisation } = ticket;
    const history = eventsOf.get(ticket.number) ?? [];
    out.set(
      ticket.number,
      clocksFrom(config, { createdAt, priority, plan: organisation.plan }, history, now),
    );
  }
  return out;
}

/**
 * A ticket's clocks from its history — its status changes and agents' public replies, in order — with the
 * arithmetic of its plan; undefined when its plan promises nothing.
 */
export function clocksFrom(
  config: DeskConfig,
  ticket: { createdAt: Date; priority: Priority; plan: string },
  history: readonly { type: string; createdAt: Date; data: unknown }[],
  now: Date,
): Found | undefined {
  const targets = targetsOf(config, ticket.plan, ticket.priority);
  if (!targets) return undefined;
  const statuses = history
    .filter((e) => e.type === 'status_change')
    .map((e) => ({ at: e.createdAt, to: String((e.data as { to?: string } | null)?.to ?? '') }));
  const replies = history.filter((e) => e.type === 'public_reply').map((e) => e.createdAt);
  const time = businessTimeFor(config, ticket.plan);
  return {
    clocks: computeClocks({ createdAt: ticket.createdAt, statuses, replies }, targets, time, now),
    time,
  };
}

/**
 * What a ticket opened at `at` keeps: nothing has happened to it yet (no status change, no reply, no
 * warning), so its clocks need no reading back — they go into the row it is created with.
 */
export function keptAtOpening(config: DeskConfig, plan: string, priority: Priority, at: Date): KeptSla {
  return keptSla(
    clocksFrom(config, { createdAt: at, priority, plan }, [], at),
    warningShares(config),
    [],
    at,
  );
}

/** Rows grouped by their ticket, in their order: a batch's rows are looked up per ticket in one pass. */
export function byTicket<T extends { ticketNumber: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const own = out.get(row.ticketNumber);
    if (own) own.push(row);
    else out.set(row.ticketNumber, [row]);
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

/** What is kept of a ticket's clocks on its row (see the top of this file); all null when it has none. */
export interface KeptSla {
  firstResponseDueAt: Date | null;
  nextUpdateDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaRiskAt: Date | null;
  slaCheckAt: Date | null;
  /** The earliest due time among the clocks still counting (running, or breached and not stopped). */
  slaDueAt: Date | null;
  /**
   * What the reports count (src/core/reports): the time to the first response and to the proposed solution,
   * in the plan's business minutes, once each clock stopped (null while it runs); and every clock that ever
   * passed its target — kept once breached even after a next-update cycle starts afresh (written as a union).
   */
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  slaBreaches: string[];
}

const noClocks: KeptSla = {
  firstResponseDueAt: null,
  nextUpdateDueAt: null,
  resolutionDueAt: null,
  slaRiskAt: null,
  slaCheckAt: null,
  slaDueAt: null,
  firstResponseMinutes: null,
  resolutionMinutes: null,
  slaBreaches: [],
};

/**
 * A ticket's kept summary at `now`, from its clocks and the warnings posted so far. `slaCheckAt` is the
 * earliest of: a warning owed and not yet posted (now), or the next share a running clock will reach.
 * A ticket whose plan promises nothing (any more) keeps nothing: no due time to list it by, no check.
 */
export function keptSla(
  found: Found | undefined,
  shares: readonly number[],
  posted: readonly { clock: string; cycle: string; share: number }[],
  now: Date,
): KeptSla {
  if (!found) return noClocks;
  const { clocks, time } = found;
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
  // A clock that stopped late keeps its (past) due time for the record, but nobody can act on it any more.
  const counting = clockNames
    .map((name) => clocks[name])
    .filter((c) => c.state === 'running' || (c.state === 'breached' && !c.stoppedAt))
    .map((c) => c.dueAt)
    .filter((d): d is Date => d !== null);
  const stoppedAfter = (c: SlaClocks[ClockName]) =>
    c.state === 'met' || (c.state === 'breached' && c.stoppedAt) ? Math.round(c.elapsedMs / MINUTE) : null;
  return {
    firstResponseMinutes: stoppedAfter(clocks.firstResponse),
    resolutionMinutes: stoppedAfter(clocks.resolution),
    slaBreaches: clockNames.filter((name) => clocks[name].state === 'breached'),
    slaDueAt: counting.length ? new Date(Math.min(...counting.map((d) => d.getTime()))) : null,
    firstResponseDueAt: clocks.firstResponse.dueAt,
    nextUpdateDueAt: clocks.nextUpdate.dueAt,
    resolutionDueAt: clocks.resolution.dueAt,
    slaRiskAt: risk,
    slaCheckAt: next,
  };
}

const keptColumns = [
  'firstResponseDueAt',
  'nextUpdateDueAt',
  'resolutionDueAt',
  'slaRiskAt',
  'slaCheckAt',
  'slaDueAt',
  'firstResponseMinutes',
  'resolutionMinutes',
  'slaBreaches',
] as const satisfies readonly (keyof KeptSla)[];

/**
 * Writes many tickets' summaries in one statement: one round trip for a batch instead of one per ticket
 * (the pkey index finds each row, see bench/sla-sweep.ts). `updatedAt` is left alone on purpose: recomputing what is derived from a ticket's
 * history is no change to the ticket, and must not reorder the list (sorted by it) under a reader.
 */
export async function writeKeptSla(tx: Tx | Db, rows: readonly { number: number; kept: KeptSla }[]) {
  if (!rows.length) return;
  const { sql, params } = keptSlaUpdate(rows);
  await tx.$executeRawUnsafe(sql, ...params);
}

/** Each kept column's SQL type, for the VALUES list's casts. */
export const keptTypes: Record<(typeof keptColumns)[number], string> = {
  firstResponseDueAt: 'timestamp(3)',
  nextUpdateDueAt: 'timestamp(3)',
  resolutionDueAt: 'timestamp(3)',
  slaRiskAt: 'timestamp(3)',
  slaCheckAt: 'timestamp(3)',
  slaDueAt: 'timestamp(3)',
  firstResponseMinutes: 'int',
  resolutionMinutes: 'int',
  slaBreaches: 'text[]',
};

/** The statement `writeKeptSla` runs (the bench shows its plan). */
export function keptSlaUpdate(rows: readonly { number: number; kept: KeptSla }[]): {
  sql: string;
  params: unknown[];
} {
  const values = valuesList(
    rows.map(({ number, kept }) => [number, ...keptColumns.map((c) => kept[c])]),
    ['int', ...keptColumns.map((c) => keptTypes[c])],
  );
  // A breach once kept stays: the clocks' view forgets a next-update breach when a new cycle starts.
  const set = keptColumns
    .map((c) =>
      c === 'slaBreaches'
        ? `"${c}" = ARRAY(SELECT DISTINCT b FROM unnest(t."${c}" || v."${c}") AS b ORDER BY b)`
        : `"${c}" = v."${c}"`,
    )
    .join(', ');
  const names = ['number', ...keptColumns].map((c) => `"${c}"`).join(', ');
  // The numbers again, as a list on the table itself (the same parameters): without it PGlite's planner
  // scanned every ticket into a hash join (34 ms of 10,000), with it each is found by the primary key.
  const width = keptColumns.length + 1;
  const numbers = rows.map((_, i) => `$${i * width + 1}::int`).join(', ');
  // Built from the fixed column names above; every value is a bound parameter.
  return {
    sql: `UPDATE "Ticket" AS t SET ${set} FROM (VALUES ${values.sql}) AS v(${names})
      WHERE t.number = v.number AND t.number IN (${numbers})`,
    params: values.params,
  };
}

/** Several tickets' summaries, recomputed now and written at once (a start-up recompute's batch). */
export async function refreshSlaMany(
  tx: Tx,
  config: DeskConfig,
  numbers: readonly number[],
  now: Date,
): Promise<void> {
  if (!numbers.length) return;
  const found = await clocksOfMany(tx, config, numbers, now);
  const posted = await tx.slaWarning.findMany({
    where: { ticketNumber: { in: [...numbers] } },
    select: { ticketNumber: true, clock: true, cycle: true, share: true },
  });
  const shares = warningShares(config);
  const postedOf = byTicket(posted);
  await writeKeptSla(
    tx,
    [...found.keys()].map((number) => ({
      number,
      kept: keptSla(found.get(number), shares, postedOf.get(number) ?? [], now),
    })),
  );
}

/** Recomputes a ticket's clocks and writes their summary, in the transaction of the change that moved them. */
export function refreshSla(tx: Tx, config: DeskConfig, number: number, now: Date): Promise<void> {
  return refreshSlaMany(tx, config, [number], now);
}
