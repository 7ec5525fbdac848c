// A ticket's SLA clocks as the API, the console and `/ticket sla` show them.
import type { Db } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import { type ClockName, type ClockState, clockNames } from './clocks.ts';
import { clocksOf, warningShares } from './refresh.ts';

export interface ClockSummary {
  state: ClockState;
  /** When the target is (or was) reached; null while paused or once met. */
  dueAt: string | null;
  /** At or past the warning share of its target and still running. */
  atRisk: boolean;
  targetMinutes: number;
  /** Counted time so far (this cycle, for nextUpdate), in minutes. */
  elapsedMinutes: number;
  pausedBy?: 'customer' | 'not_started';
  /** When a breached clock stopped anyway (the reply or solution came late): it is no longer overdue. */
  stoppedAt?: string;
}

export type SlaSummary = Record<ClockName, ClockSummary> & {
  /** Business time on this plan's calendar, or around the clock. */
  calendar: string | null;
};

const minutes = (ms: number) => Math.round(ms / 60_000);

/** The clocks of ticket `number` at `now`; null when its plan promises no times. */
export async function slaSummary(
  db: Db,
  config: DeskConfig,
  number: number,
  now: Date,
): Promise<SlaSummary | null> {
  const found = await clocksOf(db, config, number, now);
  if (!found) return null;
  const share = warningShares(config)[0] ?? 0.75;
  const plan = (
    await db.ticket.findUniqueOrThrow({
      where: { number },
      select: { organisation: { select: { plan: true } } },
    })
  ).organisation.plan;
  const out = {
    calendar: (config.plans[plan] as { calendar?: string } | undefined)?.calendar ?? null,
  } as SlaSummary;
  for (const name of clockNames) {
    const c = found.clocks[name];
    out[name] = {
      state: c.state,
      dueAt: c.dueAt?.toISOString() ?? null,
      atRisk: c.state === 'running' && c.elapsedMs >= c.targetMs * share,
      targetMinutes: minutes(c.targetMs),
      elapsedMinutes: minutes(c.elapsedMs),
      ...(c.pausedBy ? { pausedBy: c.pausedBy } : {}),
      ...(c.state === 'breached' && c.stoppedAt ? { stoppedAt: c.stoppedAt.toISOString() } : {}),
    };
  }
  return out;
}
