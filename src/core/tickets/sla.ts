// SLA due times from the organisation's plan and the ticket's priority (seed 001).
// Wall-clock minutes for now; business hours and holidays per plan belong to the SLA capability.
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** A plan's targets per priority, in minutes (see PlanSettings in ../config.ts). */
export interface SlaPlan {
  readonly sla: Readonly<
    Record<
      Priority,
      { readonly firstResponse: number; readonly nextUpdate: number; readonly resolution: number }
    >
  >;
}

export interface SlaDue {
  firstResponseDueAt: Date;
  nextUpdateDueAt: Date;
  resolutionDueAt: Date;
}

export function slaDue(plan: SlaPlan, priority: Priority, from: Date): SlaDue {
  const target = plan.sla[priority];
  const at = (minutes: number) => new Date(from.getTime() + minutes * 60_000);
  return {
    firstResponseDueAt: at(target.firstResponse),
    nextUpdateDueAt: at(target.nextUpdate),
    resolutionDueAt: at(target.resolution),
  };
}
