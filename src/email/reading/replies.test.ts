// Every reply-reading fixture (test/fixtures/email/replies/cases.ts) read as ingestion reads it: the
// message parsed from MIME, readVisible for what the person wrote, readForward's note for forwards.
// bench/reply-accuracy.ts compares the same cases against the bare libraries.
import { describe, expect, it } from 'vitest';
import { mimeOf, REPLY_CASES } from '../../../test/fixtures/email/replies/cases.ts';
import { readForward } from '../forward.ts';
import { parseEmail } from '../parse.ts';
import { readVisible, visibleText } from '../visible-text.ts';

const layout = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .join('\n');

describe.each(['quote-header', 'bottom-post', 'forward', 'signature', 'html-marker'])('%s', (cls) => {
  const cases = REPLY_CASES.filter((c) => c.cls === cls);
  it.each(cases.map((c) => [`${c.lang} ${c.html === undefined ? 'text' : 'HTML'}: ${c.name}`, c] as const))(
    '%s',
    async (_name, c) => {
      const email = await parseEmail(mimeOf(c));
      const got = cls === 'forward' ? readForward(email)?.forwarderNote : readVisible(email).visible;
      expect(layout(got ?? '(not read as a forward)')).toBe(layout(c.visible));
    },
  );
});

describe('readVisible', () => {
  it('cleans the HTML’s text as the text part is: no NUL or control character comes out', () => {
    const got = readVisible({
      text: 'Yes\u0000.',
      html: '<div>Yes\u0000\u0007.</div><blockquote type="cite">Q</blockquote>',
    });
    expect(got.visible).toBe('Yes.');
  });

  it('reads the text part when there is no HTML', () => {
    const text = 'Fixed.\n\nOn Mon, 3 Mar 2025 at 10:15, A <a@x.example> wrote:\n> old';
    expect(readVisible({ text })).toEqual(visibleText(text));
    expect(readVisible({ text, html: null })).toEqual(visibleText(text));
  });

  it('says the history was cut when the HTML marked it', () => {
    const got = readVisible({
      text: 'Yes.',
      html: '<div>Yes.</div><blockquote type="cite">Is it on?</blockquote>',
    });
    expect(got).toEqual({ visible: 'Yes.', quotedHistory: true, signature: null });
  });

  it('falls back to the text part when the HTML leaves nothing', () => {
    const html = '<div class="gmail_quote">---------- Forwarded message ---------<br>From: A</div>';
    expect(readVisible({ text: 'the text part', html }).visible).toBe('the text part');
  });

  it('falls back to the text part on HTML nested too deep for the DOM', () => {
    const html = `${'<div>'.repeat(20_000)}x`;
    expect(readVisible({ text: 'the text part', html }).visible).toBe('the text part');
  });

  // Crafted HTML of ~40 KB is read to the end and gives text (how its cost grows with size is measured by
  // `npm run bench:hostile`, never asserted here: a loaded machine is slow for reasons of its own).
  it.each([
    ['many styled divs', '<div style="border-top: solid">y</div>'.repeat(1_000)],
    ['one long style', `<div style="${'border-top: solid '.repeat(2_500)}">x</div>`],
    ['many cites', '<blockquote type="cite">q</blockquote>'.repeat(1_000)],
    ['attribution-like lines', '<div>On 1 x wrote:</div><div>a &lt;b@c&gt;:</div>'.repeat(800)],
  ])('reads %s', (_name, html) => {
    expect(readVisible({ text: 'x', html }).visible).not.toBe('');
  });
});
