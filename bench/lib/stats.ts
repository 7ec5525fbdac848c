// Figures shared by the benches: percentiles and units, the machine's load (so a reader can tell when
// other processes skewed a run), the server process's own CPU and event-loop figures during a series,
// and the latency table they all print.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';

/** The p-th percentile (nearest rank, lower): NaN for no samples. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
export const ms = (n: number): string => `${n.toFixed(2)} ms`;
export const secs = (n: number): string => `${(n / 1000).toFixed(1)} s`;
export const col = (s: string, w: number): string => s.padStart(w);
export const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
export const loadavg = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

/** The line every bench starts with: what ran it, and how busy the machine already was. */
export function environmentLine(): string {
  const cpus = os.cpus();
  return `environment: node ${process.version}, ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? '?'}), ${os.platform()} ${os.release()}; load average ${loadavg()}`;
}

export interface CpuTicks {
  total: number;
  busy: number;
  own: number;
}

/** Machine-wide and per-process CPU ticks from /proc (Linux), to see how much else ran meanwhile. */
export function cpuTicks(pids: number[]): CpuTicks | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    let own = 0;
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      own += Number(after[11]) + Number(after[12]);
    }
    return { total, busy: total - idle, own };
  } catch {
    return undefined;
  }
}

/** Cores used between `a` and `b` by processes other than the ones `cpuTicks` was given. */
export const othersCores = (a?: CpuTicks, b?: CpuTicks): number | undefined =>
  a && b && b.total > a.total
    ? Math.max(0, ((b.busy - a.busy - (b.own - a.own)) / (b.total - a.total)) * os.availableParallelism())
    : undefined;

export interface Measured {
  /** The server process meanwhile: event-loop utilisation and CPU time / wall time. */
  elu: number;
  cpu: number;
  /** CPU used meanwhile by processes other than the benchmark's own (`pids`), in cores. */
  others?: number;
  /** The server's event-loop delay meanwhile (ms): p99 and max — how long it went without reading sockets. */
  stall: { p99: number; max: number };
}

/**
 * Runs `work` while watching this process (the server under test: Relevo, or the bare baseline) and the
 * machine; `pids` are the benchmark's own processes, not counted as "others".
 */
export async function measure<T>(pids: number[], work: () => Promise<T>): Promise<T & Measured> {
  const ticks0 = cpuTicks(pids);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu0 = nodePerformance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await work();
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  return {
    ...r,
    elu: nodePerformance.eventLoopUtilization(elu0).utilization,
    cpu: (cpu.user + cpu.system) / 1000 / (performance.now() - t0),
    others: othersCores(ticks0, cpuTicks(pids)),
    stall: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
  };
}

/** "998×200 2×503": how many answers of each status. */
export function statusCounts(statuses: number[]): string[] {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([st, c]) => `${c}×${st}`);
}

export interface TableRow extends Partial<Measured> {
  label: string;
  /** The series' latencies (ms). */
  latencies: number[];
  /** What follows the figures: the answers' statuses, failures. */
  note?: string;
}

/** One line per series: median, p90, p99, max, then the server's loop, CPU, others and stalls. */
export function printTable(rows: TableRow[], width = 11): void {
  const pc = (x?: number) => (x === undefined ? '' : `${(x * 100).toFixed(0)}%`);
  console.log(
    `  ${'series'.padEnd(30)}${col('median', width)}${col('p90', width)}${col('p99', width)}${col('max', width)}${col('loop', 6)}${col('CPU', 6)}${col('others', 8)}${col('stall p99/max', 16)}   responses`,
  );
  for (const r of rows) {
    const lat = r.latencies;
    console.log(
      `  ${r.label.padEnd(30)}${col(ms(pct(lat, 50)), width)}${col(ms(pct(lat, 90)), width)}${col(ms(pct(lat, 99)), width)}${col(ms(Math.max(...lat)), width)}${col(pc(r.elu), 6)}${col(pc(r.cpu), 6)}${col(r.others === undefined ? '' : r.others.toFixed(2), 8)}${col(r.stall ? `${r.stall.p99.toFixed(0)}/${r.stall.max.toFixed(0)} ms` : '', 16)}   ${r.note ?? ''}`,
    );
  }
}

/** A positive number from the environment (a bench's setting), else `fallback`; anything else stops the bench. */
export const positiveEnv = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
