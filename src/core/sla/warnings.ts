// The SLA warning sweep: finds the tickets whose `slaCheckAt` has come (refresh.ts keeps it at the next
// share a running clock reaches, or now when a warning is owed), raises the warnings they owe and moves
// `slaCheckAt` on. Any instance may sweep, as often as it likes: a ticket is looked at by one sweep at a
// time (FOR UPDATE SKIP LOCKED), and each warning is posted once because its SlaWarning row and its
// outbox messages commit together, and a second sweep — here, on another instance, after a restart —
// finds the row and enqueues nothing.
import type { Db, Tx } from '../../db/index.ts';
import { agentChannels, type DeskConfig } from '../config.ts';
import { enqueue } from '../outbox.ts';
import type { Clock, Notifier } from '../ports.ts';
import type { SlaClocks } from './clocks.ts';
import { clocksOf, refreshSla, warningShares, warningsDue } from './refresh.ts';

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
      let warned = 0;
      for (const { number } of due) warned += await checkTicket(tx, deps.config, number, now);
      return { seen: due.length, warned };
    });
    raised += warned;
    if (seen < batch) break;
  }
  if (raised) deps.notifier?.outboxWritten();
  return raised;
}

/** Raises the warnings one ticket owes now, then moves its next check on. */
async function checkTicket(tx: Tx, config: DeskConfig, number: number, now: Date): Promise<number> {
  const found = await clocksOf(tx, config, number, now);
  if (!found) {
    // Its plan promises nothing (any more): nothing to check until a change gives it clocks again.
    await tx.ticket.update({ where: { number }, data: { slaCheckAt: null } });
    return 0;
  }
  let warned = 0;
  for (const warning of warningsDue(found.clocks, warningShares(config))) {
    const inserted = await tx.$executeRaw`
      INSERT INTO "SlaWarning" ("ticketNumber", clock, cycle, share, "createdAt")
      VALUES (${number}, ${warning.clock}, ${warning.cycle}, ${warning.share}, ${now})
      ON CONFLICT DO NOTHING`;
    if (inserted !== 1) continue;
    await enqueueWarning(tx, config, number, found.clocks, warning);
    warned++;
  }
  await refreshSla(tx, config, number, now, found);
  return warned;
}

/** One message per agents' channel, each in its ticket card's thread there (core/delivery.ts). */
async function enqueueWarning(
  tx: Tx,
  config: DeskConfig,
  ticketNumber: number,
  clocks: SlaClocks,
  warning: ReturnType<typeof warningsDue>[number],
) {
  const { targetMs, elapsedMs } = clocks[warning.clock];
  for (const place of agentChannels(config)) {
    await enqueue(tx, {
      kind: 'sla_warning',
      ticketNumber,
      ...warning,
      targetMs,
      leftMs: targetMs - elapsedMs,
      ...place,
    });
  }
}
