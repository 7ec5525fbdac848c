// The arithmetic of a plan's clocks: business time on its calendar (calendar.ts), or plain time around the
// clock when the plan names none. Calendars are built once per configuration and reused.
import type { DeskConfig } from '../config.ts';
import { addBusinessTime, type BusinessCalendar, businessCalendar, businessTimeBetween } from './calendar.ts';
import { aroundTheClock, type BusinessTime } from './clocks.ts';

const built = new WeakMap<DeskConfig, Map<string, BusinessTime>>();

export function businessTimeFor(config: DeskConfig, plan: string): BusinessTime {
  const id = config.plans[plan]?.calendar;
  const settings = id ? config.calendars[id] : undefined;
  if (!id || !settings) return aroundTheClock;
  let byId = built.get(config);
  if (!byId) {
    byId = new Map();
    built.set(config, byId);
  }
  let time = byId.get(id);
  if (!time) {
    const cal: BusinessCalendar = businessCalendar(settings);
    time = {
      add: (from, ms) => addBusinessTime(cal, from, ms),
      between: (a, b) => businessTimeBetween(cal, a, b),
    };
    byId.set(id, time);
  }
  return time;
}
