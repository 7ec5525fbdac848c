// npx tsx bench/tz.ts — which time-zone library the business calendars use (src/core/sla/calendar.ts).
// For each library installed: 100,000 instants per zone (Europe/Madrid, America/Santiago) to local wall
// time and back, through the library's own API and through the calendar's path (the library's UTC
// offset fed to src/core/sla/wall-time.ts); the DST gap and overlap cases against the calendar's rule
// (a wall time in a gap moves forward to the moment the clocks jump; in an overlap it is the earlier
// instant); and the installed size of the library and its dependencies. Prints figures; asserts nothing.
//
// Only the chosen library (@date-fns/tz) is a dependency. To compare again, install the others without
// saving them: `npm install --no-save --ignore-scripts temporal-polyfill@1.0.9 luxon@3.7.2`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { instantToWall, type OffsetAt, wallToInstant } from '../src/core/sla/wall-time.ts';

const N = Number(process.env.BENCH_TZ_N ?? 100_000);
const zones = ['Europe/Madrid', 'America/Santiago'] as const;
type Wall = { year: number; month: number; day: number; hour: number; minute: number };

interface Library {
  name: string;
  /** Packages whose node_modules folders make up its installed size. */
  folders: string[];
  toWall(epochMs: number, zone: string): Wall;
  /** The library's own answer, with its default (or closest) rule for gaps and overlaps. */
  fromWall(wall: Wall, zone: string): number;
  offsetAt(zone: string): OffsetAt;
}

// Loaded by name so that the bench type-checks and runs with only the chosen library installed.
const load = async (name: string): Promise<any> => import(name).catch(() => undefined);

async function libraries(): Promise<{ found: Library[]; missing: string[] }> {
  const found: Library[] = [];
  const missing: string[] = [];
  const dateFns = await load('@date-fns/tz');
  if (dateFns) {
    const { TZDate, tzOffset } = dateFns;
    found.push({
      name: '@date-fns/tz',
      folders: ['@date-fns/tz'],
      toWall(ms, zone) {
        const d = new TZDate(ms, zone);
        return {
          year: d.getFullYear(),
          month: d.getMonth() + 1,
          day: d.getDate(),
          hour: d.getHours(),
          minute: d.getMinutes(),
        };
      },
      fromWall: (w, zone) => new TZDate(w.year, w.month - 1, w.day, w.hour, w.minute, zone).getTime(),
      offsetAt: (zone) => (ms) => tzOffset(zone, new Date(ms)) * 60_000,
    });
  } else missing.push('@date-fns/tz');
  const temporal = await load('temporal-polyfill');
  if (temporal) {
    const { Temporal } = temporal;
    found.push({
      name: 'temporal-polyfill',
      folders: ['temporal-polyfill', 'temporal-spec', 'temporal-utils'],
      toWall(ms, zone) {
        const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
        return { year: z.year, month: z.month, day: z.day, hour: z.hour, minute: z.minute };
      },
      fromWall: (w, zone) =>
        Temporal.ZonedDateTime.from({ ...w, timeZone: zone }, { disambiguation: 'compatible' })
          .epochMilliseconds,
      offsetAt: (zone) => (ms) =>
        Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6,
    });
  } else missing.push('temporal-polyfill');
  const luxon = await load('luxon');
  if (luxon) {
    const { DateTime } = luxon;
    found.push({
      name: 'luxon',
      folders: ['luxon'],
      toWall(ms, zone) {
        const d = DateTime.fromMillis(ms, { zone });
        return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute };
      },
      fromWall: (w, zone) => DateTime.fromObject(w, { zone }).toMillis(),
      offsetAt: (zone) => (ms) => DateTime.fromMillis(ms, { zone }).offset * 60_000,
    });
  } else missing.push('luxon');
  return { found, missing };
}

/** The DST cases, with the instant the calendar's rule gives (hand-computed from the tz database). */
const cases: { zone: string; wall: Wall; what: string; expected: string }[] = [
  { zone: 'Europe/Madrid', wall: w(2026, 3, 29, 2, 30), what: 'gap', expected: '2026-03-29T01:00:00Z' },
  { zone: 'Europe/Madrid', wall: w(2026, 3, 29, 2, 0), what: 'gap', expected: '2026-03-29T01:00:00Z' },
  { zone: 'Europe/Madrid', wall: w(2026, 10, 25, 2, 30), what: 'overlap', expected: '2026-10-25T00:30:00Z' },
  { zone: 'America/Santiago', wall: w(2026, 9, 6, 0, 30), what: 'gap', expected: '2026-09-06T04:00:00Z' },
  { zone: 'America/Santiago', wall: w(2026, 9, 6, 0, 0), what: 'gap', expected: '2026-09-06T04:00:00Z' },
  {
    zone: 'America/Santiago',
    wall: w(2026, 4, 4, 23, 30),
    what: 'overlap',
    expected: '2026-04-05T02:30:00Z',
  },
  { zone: 'America/Santiago', wall: w(2026, 4, 5, 0, 0), what: 'plain', expected: '2026-04-05T04:00:00Z' },
];

function w(year: number, month: number, day: number, hour: number, minute: number): Wall {
  return { year, month, day, hour, minute };
}

const wallMs = (x: Wall) => Date.UTC(x.year, x.month - 1, x.day, x.hour, x.minute);

/** Whole-minute instants spread over 2025-2027, with every DST change of both zones among them. */
function instants(): number[] {
  const start = Date.UTC(2025, 0, 1);
  const span = 3 * 365 * DAY;
  const out: number[] = [];
  for (let i = 0; i < N; i++) out.push(start + Math.floor((((i * 7919) % N) * (span / N)) / 60_000) * 60_000);
  return out;
}
const DAY = 86_400_000;

function opsPerSecond(count: number, run: () => void): number {
  run(); // warm-up: JIT and the libraries' formatter caches
  const t0 = performance.now();
  run();
  return count / ((performance.now() - t0) / 1000);
}

function installedKiB(folders: string[]): number {
  const paths = folders.map((f) => `node_modules/${f}`);
  const out = execFileSync('du', ['-sk', ...paths], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .reduce((sum, line) => sum + Number(line.split('\t')[0]), 0);
}

function version(folder: string): string {
  return JSON.parse(readFileSync(`node_modules/${folder}/package.json`, 'utf8')).version;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main() {
  const { found, missing } = await libraries();
  const points = instants();
  console.log(
    `Node ${process.version}, ICU ${process.versions.icu}, tz ${process.versions.tz}; ${fmt(N)} instants per zone`,
  );
  const rows: string[][] = [
    [
      'library',
      'to wall ops/s',
      'from wall ops/s',
      'calendar path ops/s',
      'round trip',
      'gap',
      'overlap',
      'calendar path DST',
      'installed',
    ],
  ];
  for (const lib of found) {
    const walls = zones.map((zone) => points.map((ms) => lib.toWall(ms, zone)));
    const toWall = opsPerSecond(points.length * zones.length, () => {
      for (const zone of zones) for (const ms of points) lib.toWall(ms, zone);
    });
    const fromWall = opsPerSecond(points.length * zones.length, () => {
      zones.forEach((zone, z) => {
        for (const wall of walls[z]!) lib.fromWall(wall, zone);
      });
    });
    const offsets = zones.map((zone) => lib.offsetAt(zone));
    const calendarPath = opsPerSecond(points.length * zones.length, () => {
      for (const offsetAt of offsets)
        for (const ms of points) wallToInstant(offsetAt, instantToWall(offsetAt, ms));
    });
    // Back from wall time, an instant is itself except in an overlap, where the rule takes the earlier pass.
    let exact = 0;
    let earlier = 0;
    let later = 0;
    let wrong = 0;
    zones.forEach((zone, z) => {
      points.forEach((ms, i) => {
        const back = lib.fromWall(walls[z]![i]!, zone);
        if (back === ms) exact++;
        else if (wallMs(lib.toWall(back, zone)) !== wallMs(walls[z]![i]!)) wrong++;
        else if (back < ms) earlier++;
        else later++;
      });
    });
    const verdict = (what: string, answer: (c: (typeof cases)[number]) => number) =>
      cases
        .filter((c) => c.what === what || what === 'all')
        .every((c) => answer(c) === Date.parse(c.expected))
        ? 'as the rule'
        : 'differs';
    const native = (c: (typeof cases)[number]) => lib.fromWall(c.wall, c.zone);
    rows.push([
      `${lib.name} ${version(lib.folders[0]!)}`,
      fmt(toWall),
      fmt(fromWall),
      fmt(calendarPath),
      `${exact} exact, overlap: ${earlier} →earlier ${later} →later; ${wrong} wrong`,
      verdict('gap', native),
      verdict('overlap', native),
      verdict('all', (c) => wallToInstant(lib.offsetAt(c.zone), wallMs(c.wall))),
      `${fmt(installedKiB(lib.folders))} KiB`,
    ]);
    for (const c of cases.filter((x) => x.what !== 'plain')) {
      const got = new Date(native(c)).toISOString().replace('.000', '');
      if (got !== c.expected)
        console.log(
          `  ${lib.name}: ${c.zone} ${c.what} ${JSON.stringify(c.wall)} → ${got} (rule: ${c.expected})`,
        );
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  if (missing.length) console.log(`Not installed (see the note at the top): ${missing.join(', ')}`);
}

await main();
