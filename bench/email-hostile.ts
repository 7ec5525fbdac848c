// npx tsx bench/email-hostile.ts [n] (npm run bench:hostile): visibleText, readVisible and readForward on the crafted
// inputs of test/fixtures/email/hostile.ts at n, 2n, 4n and 8n characters (n = 16,000 by default), beside
// the same functions on ordinary prose of the same size, measured in the same run as the baseline.
// Linear growth shows as t(8n)/t(n) near 8, like the baseline's (quadratic would be 64, cubic 512), and
// flat where a library's size limit is crossed. What keeps it so is the bound on what the libraries are
// given, which src/email/visible-text.test.ts and forward.test.ts check. Prints figures; asserts nothing.
import { readForward } from '../src/email/forward.ts';
import { type ParsedEmail, parseEmail } from '../src/email/parse.ts';
import { readVisible, visibleText } from '../src/email/visible-text.ts';
import { benignText, forwardOf, HOSTILE, HOSTILE_NAMES } from '../test/fixtures/email/hostile.ts';

const n = Number(process.argv[2] ?? 16_000);
const SIZES = [n, 2 * n, 4 * n, 8 * n];
const SAMPLE_MS = 10; // one sample runs the call enough times to take at least this long
const SAMPLES = 7;

function batch(run: () => unknown, times: number): number {
  const started = performance.now();
  for (let i = 0; i < times; i++) run();
  return performance.now() - started;
}

/**
 * ms per call: the fastest of SAMPLES batches, each long enough for the clock to resolve. The cores are
 * shared, and other work only ever adds time, so the fastest batch is the least disturbed one.
 */
function perCall(run: () => unknown): number {
  let times = 1;
  while (batch(run, times) < SAMPLE_MS && times < 1 << 16) times *= 2;
  return Math.min(...Array.from({ length: SAMPLES }, () => batch(run, times) / times));
}

const mail = (subject: string, body: string): Promise<ParsedEmail> =>
  parseEmail(Buffer.from(`Subject: ${subject}\nContent-Type: text/plain; charset=utf-8\n\n${body}`));

interface Subject {
  fn: string;
  /** Prepared outside the timing: for readForward, the parsed mail. */
  prepare: (body: string) => Promise<() => unknown>;
}

const SUBJECTS: Subject[] = [
  { fn: 'visibleText', prepare: async (body) => () => visibleText(body) },
  {
    // The HTML reader (DOM, quote markers, conversion): each crafted line as an HTML block.
    fn: 'readVisible, as HTML',
    prepare: async (body) => {
      const html = body
        .split('\n')
        .map((l) => `<div>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>`)
        .join('');
      return () => readVisible({ text: 'x', html });
    },
  },
  {
    fn: 'readForward, inline forward',
    prepare: async (body) => {
      const email = await mail('Fwd: informe', forwardOf(body));
      return () => readForward(email);
    },
  },
  {
    fn: 'readForward, no separator',
    prepare: async (body) => {
      const email = await mail('Fwd: x', body);
      return () => readForward(email);
    },
  },
];

const INPUTS: { name: string; make: (size: number) => string }[] = [
  { name: 'benign prose (baseline)', make: benignText },
  ...HOSTILE_NAMES.map((name) => ({ name, make: HOSTILE[name] })),
];

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0));
const cols = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');

async function main() {
  console.log(`email hostile inputs: ms per call (fastest of ${SAMPLES} batches), node ${process.version}`);
  console.log(
    `sizes n=${n}: ${SIZES.join(', ')} characters; growth = t(8n)/t(n) (linear ≈ 8, quadratic ≈ 64); ` +
      'vs baseline = t(8n) / benign prose t(8n)',
  );
  const widths = [27, 24, 9, 9, 9, 9, 9, 11];
  const header = cols(
    ['function', 'input', ...SIZES.map((s) => `${s / 1000}K`), 'growth', 'vs baseline'],
    widths,
  );
  for (const subject of SUBJECTS) {
    console.log(`\n${header}\n${'-'.repeat(header.length)}`);
    let baseline = Number.NaN;
    let worst = { name: '', growth: 0 };
    for (const input of INPUTS) {
      const figures: number[] = [];
      for (const size of SIZES) {
        const run = await subject.prepare(input.make(size));
        run(); // warm up: compile the regexes, fill the caches
        figures.push(perCall(run));
      }
      const first = figures[0] ?? Number.NaN;
      const last = figures.at(-1) ?? Number.NaN;
      if (Number.isNaN(baseline)) baseline = last;
      const growth = last / first;
      if (input.make !== benignText && growth > worst.growth) worst = { name: input.name, growth };
      console.log(
        cols(
          [
            subject.fn,
            input.name,
            ...figures.map(fmt),
            `×${growth.toFixed(1)}`,
            `×${(last / baseline).toFixed(1)}`,
          ],
          widths,
        ),
      );
    }
    console.log(`largest growth from n to 8n: ×${worst.growth.toFixed(1)} (${worst.name})`);
  }
}

await main();
