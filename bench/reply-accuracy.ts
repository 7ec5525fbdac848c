// npx tsx bench/reply-accuracy.ts [-v] (npm run bench:reply): how often each reader finds exactly what the
// person wrote this time, per class of test/fixtures/email/replies/cases.ts, in one run:
// - email-reply-parser 2.3.7 alone (getVisibleText on the text part);
// - planer 1.2.0 alone (extractFromHtml with a jsdom document when there is HTML, else extractFromPlain);
// - Relevo now: readVisible, and for forwards readForward's note.
// A case counts when the output equals the expected text once each line is trimmed, inner runs of
// spaces are single and blank lines are dropped (sameText): layout differences of HTML conversion do not
// count, a word too many or too few does. For forwards the expected text is the forwarder's own note;
// the Relevo column answers with readForward's note when they recognise a forward (what a ticket shows),
// the libraries with their visible text. -v prints each miss.
import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';
import { JSDOM } from 'jsdom';
import planer from 'planer';
import { readForward } from '../src/email/forward.ts';
import { type ParsedEmail, parseEmail } from '../src/email/parse.ts';
import { readVisible } from '../src/email/visible-text.ts';
import {
  mimeOf,
  REPLY_CASES,
  REPLY_CLASSES,
  type ReplyCase,
  sameText,
} from '../test/fixtures/email/replies/cases.ts';

const verbose = process.argv.includes('-v');
const document = new JSDOM('').window.document;

type Reader = (c: ReplyCase, email: ParsedEmail) => string;

const READERS: [string, Reader][] = [
  ['email-reply-parser', (_c, email) => new EmailReplyParser().read(email.text).getVisibleText()],
  [
    'planer',
    (_c, email) =>
      email.html
        ? convert(planer.extractFromHtml(email.html, document), { wordwrap: false })
        : planer.extractFromPlain(email.text),
  ],
  [
    'Relevo now',
    (c, email) => {
      const note = c.cls === 'forward' ? readForward(email)?.forwarderNote : undefined;
      return note ?? readVisible(email).visible;
    },
  ],
];

async function main() {
  const parsed = await Promise.all(REPLY_CASES.map((c) => parseEmail(mimeOf(c))));
  const score = new Map<string, number>();
  const misses: string[] = [];
  REPLY_CASES.forEach((c, i) => {
    const email = parsed[i] as ParsedEmail;
    for (const [name, read] of READERS) {
      let got: string;
      try {
        got = read(c, email);
      } catch (err) {
        got = `(threw ${(err as Error).message})`;
      }
      const key = `${name}|${c.cls}`;
      if (sameText(got, c.visible)) score.set(key, (score.get(key) ?? 0) + 1);
      else if (verbose)
        misses.push(
          `${name} · ${c.cls} · ${c.name}\n  want ${JSON.stringify(c.visible)}\n  got  ${JSON.stringify(got)}`,
        );
    }
  });
  const widths = [14, 6, 15, 20, 9, 12];
  const row = (cells: string[]) =>
    cells.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join(' ');
  console.log('visible-text accuracy: cases read exactly (see sameText), per class');
  console.log(row(['class', 'cases', ...READERS.map(([n]) => n)]));
  const totals = new Map<string, number>();
  for (const cls of REPLY_CLASSES) {
    const n = REPLY_CASES.filter((c) => c.cls === cls).length;
    const cells = READERS.map(([name]) => {
      const k = score.get(`${name}|${cls}`) ?? 0;
      totals.set(name, (totals.get(name) ?? 0) + k);
      return `${k}/${n}`;
    });
    console.log(row([cls, String(n), ...cells]));
  }
  const all = REPLY_CASES.length;
  console.log(
    row([
      'all',
      String(all),
      ...READERS.map(([name]) => {
        const k = totals.get(name) ?? 0;
        return `${k}/${all} ${Math.round((100 * k) / all)}%`;
      }),
    ]),
  );
  const text = REPLY_CASES.filter((c) => c.html === undefined).length;
  console.log(`(${text} text/plain cases, ${all - text} HTML-only)`);
  if (verbose) console.log(`\n${misses.join('\n')}`);
}

await main();
