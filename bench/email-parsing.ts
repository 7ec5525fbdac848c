// npx tsx bench/email-parsing.ts [rounds]: cost of the email reading pipeline against bare mailparser
// over the fixture corpus, and how many fixtures' visible text matches its declared expectation.
// Prints figures; asserts nothing.
import { readdirSync, readFileSync } from 'node:fs';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser } from 'mailparser';
import { readForward } from '../src/email/forward.ts';
import { autoReplyVerdict } from '../src/email/loop-guard.ts';
import { parseEmail } from '../src/email/parse.ts';
import { visibleText } from '../src/email/visible-text.ts';
import {
  EXPECTATIONS,
  FIXTURE_DIR,
  fixturePath,
  OWN_ADDRESSES,
} from '../test/fixtures/email/expectations.ts';

const rounds = Number(process.argv[2] ?? process.env.EMAIL_BENCH_ROUNDS ?? 200);
const files = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();
const corpus = files.map((file) => ({ file, raw: readFileSync(fixturePath(file)) }));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function pipeline(raw: Buffer) {
  const email = await parseEmail(raw);
  visibleText(email.text);
  readForward(email);
  autoReplyVerdict(email, { ownAddresses: OWN_ADDRESSES });
}

async function timeOne(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function speed() {
  const bare: number[] = [];
  const full: number[] = [];
  const perFile = new Map<string, { bare: number[]; full: number[] }>();
  for (const { raw } of corpus) {
    await simpleParser(raw);
    await pipeline(raw);
  }
  for (let round = 0; round < rounds; round++) {
    for (const { file, raw } of corpus) {
      const b = await timeOne(() => simpleParser(raw));
      const f = await timeOne(() => pipeline(raw));
      bare.push(b);
      full.push(f);
      const entry = perFile.get(file) ?? { bare: [], full: [] };
      entry.bare.push(b);
      entry.full.push(f);
      perFile.set(file, entry);
    }
  }
  const mb = median(bare);
  const mf = median(full);
  console.log(`${corpus.length} fixtures x ${rounds} rounds = ${bare.length} messages per side`);
  console.log(`median per message, bare simpleParser:                          ${ms(mb)}`);
  console.log(`median per message, parseEmail+visibleText+readForward+verdict: ${ms(mf)}`);
  console.log(`ratio: ${(mf / mb).toFixed(2)}x`);
  const slowest = [...perFile.entries()]
    .map(([file, t]) => ({ file, bare: median(t.bare), full: median(t.full) }))
    .sort((a, b) => b.full - a.full)
    .slice(0, 3);
  for (const s of slowest)
    console.log(`  slowest: ${s.file.padEnd(40)} bare ${ms(s.bare)}  full ${ms(s.full)}`);
}

async function accuracy() {
  const misses: string[] = [];
  let libraryAlone = 0;
  let forwards = 0;
  let verdicts = 0;
  for (const { file, raw } of corpus) {
    const want = EXPECTATIONS[file];
    if (!want) continue;
    const email = await parseEmail(raw);
    if (visibleText(email.text).visible !== want.visible) misses.push(file);
    if (new EmailReplyParser().parseReply(email.text).trim() === want.visible) libraryAlone++;
    if ((readForward(email)?.originalFrom.address ?? null) === (want.forward?.from ?? null)) forwards++;
    const verdict = autoReplyVerdict(email, { ownAddresses: OWN_ADDRESSES });
    if ((verdict.allowed ? null : verdict.reason) === want.loop) verdicts++;
  }
  const n = corpus.length;
  console.log(`quote stripping: ${n - misses.length}/${n} fixtures' visible text matches exactly`);
  for (const file of misses) console.log(`  mismatch: ${file}`);
  console.log(`  (email-reply-parser alone, trimmed: ${libraryAlone}/${n})`);
  console.log(`forward detection (original sender): ${forwards}/${n}`);
  console.log(`loop verdicts: ${verdicts}/${n}`);
}

await accuracy();
await speed();
