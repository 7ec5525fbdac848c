// The SLA warning sweep: finds the tickets whose `slaCheckAt` has come (refresh.ts keeps it at the next
// share a running clock reaches, or now when a warning is owed), raises the warnings they owe and moves
// `slaCheckAt` on. Any instance may sweep, as often as it likes: a ticket is looked at by one sweep at a
// time (FOR UPDATE SKIP LOCKED), and each warning is posted once because its SlaWarning row and its
// outbox messages commit together, and a second sweep — here, on another instance, after a restart —
// finds the row and enqueues nothing.
import type { Db, Tx } from '../../db/index.ts';
import { valuesList } from '../../db/sql-values.ts';
import { agentChannels, type DeskConfig } from '../config.ts';
import { enqueueMany, type OutboxJob } from '../outbox.ts';
import type { Clock, Notifier } from '../ports.ts';
import { enqueueCardSyncs } from './card-syncs.ts';
import type { ClockName, SlaClocks } from './clocks.ts';
import { byTicket, clocksOfMany, keptSla, warningShares, warningsDue, writeKeptSla } from './refresh.ts';

export interface WarningSweepDeps {
  db: Db;
  config: DeskConfig;
  /** Business time: the same clock the ticket service writes its events with. */
  clock: Clock;
  /** Told when warnings were enqueued, so this instance's outbox delivers them at once. */
  notifier?: Pick<Notifier, 'outboxWritten'>;
  /** Waits for a quiet moment before each batch's transaction (the embedded database serves senders first). */
  quiet?: () => Promise<void>;
  /** Tickets per transaction. */
  batch?: number;
}

/** A run stops after this many full batches; the next run goes on where it left off. */
const MAX_BATCHES = 50;

/** Looks at every ticket due for a check; says how many warnings it raised. */
export async function sweepSlaWarnings(deps: WarningSweepDeps): Promise<number> {
  const batch = deps.batch ?? 100;
  const now = deps.clock.now();
  let raised = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    await deps.quiet?.();
    const { seen, warned } = await deps.db.$transaction(async (tx) => {
      // Locked, not just read: another instance sweeping now skips these rows and takes the next ones.
      const due = await tx.$queryRaw<{ number: number }[]>`
        SELECT number FROM "Ticket" WHERE "slaCheckAt" <= ${now}
        ORDER BY "slaCheckAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
      const warned = due.length
        ? await checkTickets(
            tx,
            deps.config,
            due.map((d) => d.number),
            now,
          )
        : 0;
      return { seen: due.length, warned };
    });
    raised += warned;
    if (seen < batch) break;
  }
  if (raised) deps.notifier?.outboxWritten();
  return raised;
}

/**
 * Raises the warnings a batch of tickets owes now, then moves each one's next check on. Histories, posted
 * warnings, new warnings, their messages, the cards to re-render and the tickets' summaries are each read
 * or written in one statement for the whole batch.
 */
async function checkTickets(tx: Tx, config: DeskConfig, numbers: number[], now: Date): Promise<number> {
  const found = await clocksOfMany(tx, config, numbers, now);
  const shares = warningShares(config);
  const posted = await tx.slaWarning.findMany({
    where: { ticketNumber: { in: numbers } },
    select: { ticketNumber: true, clock: true, cycle: true, share: true },
  });
  const owed = numbers.flatMap((number) => {
    const f = found.get(number);
    return f ? warningsDue(f.clocks, shares).map((w) => ({ ticketNumber: number, ...w })) : [];
  });
  // Rows already there (another sweep, before a restart) are skipped, and only the rows inserted now get
  // their messages: each warning is posted once.
  const inserted = await insertWarnings(tx, owed, now);
  const jobs = inserted.flatMap((w) => {
    const f = found.get(w.ticketNumber) as NonNullable<ReturnType<typeof found.get>>;
    return warningJobs(config, w.ticketNumber, f.clocks, {
      clock: w.clock as ClockName,
      share: w.share,
      cycle: w.cycle,
    });
  });
  await enqueueMany(tx, jobs);
  // A clock that crossed a share or its target shows it on the card (at risk, overdue): re-rendered once
  // per ticket, however many of its warnings this batch raised.
  await enqueueCardSyncs(tx, config, [...new Set(inserted.map((w) => w.ticketNumber))]);
  const postedOf = byTicket([...posted, ...inserted]);
  await writeKeptSla(
    tx,
    numbers.map((number) => ({
      number,
      kept: keptSla(found.get(number), shares, postedOf.get(number) ?? [], now),
    })),
  );
  return inserted.length;
}

/** The warnings not yet on record, inserted in one statement; returns those it inserted. */
async function insertWarnings(
  tx: Tx,
  owed: readonly { ticketNumber: number; clock: ClockName; share: number; cycle: string }[],
  now: Date,
): Promise<{ ticketNumber: number; clock: string; share: number; cycle: string }[]> {
  if (!owed.length) return [];
  const values = valuesList(
    owed.map((w) => [w.ticketNumber, w.clock, w.cycle, w.share, now]),
    ['int', 'text', 'text', 'float8', 'timestamp(3)'],
  );
  return tx.$queryRawUnsafe(
    `INSERT INTO "SlaWarning" ("ticketNumber", clock, cycle, share, "createdAt") VALUES ${values.sql}
     ON CONFLICT DO NOTHING RETURNING "ticketNumber", clock, cycle, share`,
    ...values.params,
  );
}

/** One message per agents' channel, each in its ticket card's thread there (core/delivery.ts). */
function warningJobs(
  config: DeskConfig,
  ticketNumber: number,
  clocks: SlaClocks,
  warning: ReturnType<typeof warningsDue>[number],
): OutboxJob[] {
  const { targetMs, elapsedMs } = clocks[warning.clock];
  return agentChannels(config).map((place) => ({
    kind: 'sla_warning' as const,
    ticketNumber,
    ...warning,
    targetMs,
    leftMs: targetMs - elapsedMs,
    ...place,
  }));
}
