// The arithmetic of a plan's clocks: business time on its calendar, or plain time around the clock.
import type { DeskConfig } from '../config.ts';
import { aroundTheClock, type BusinessTime } from './clocks.ts';

export function businessTimeFor(_config: DeskConfig, _plan: string): BusinessTime {
  return aroundTheClock;
}
