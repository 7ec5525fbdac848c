// SLA due times from the organisation's plan and the ticket's priority (seed 001).
// Wall-clock minutes for now; business hours and holidays per plan belong to the SLA capability.
import type { Localized } from '../../i18n/localized.ts';

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** A priority as agents read it on the card and its form; the English is the value itself. */
export const priorityLabel: Record<Priority, Localized> = {
  urgent: { en: 'urgent', es: 'urgente' },
  high: { en: 'high', es: 'alta' },
  normal: { en: 'normal', es: 'normal' },
  low: { en: 'low', es: 'baja' },
};

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
