import { describe, expect, it } from 'vitest';
import { fileLine, holds, type IntakeFacts, infoItems, missingInfo } from './required-info.ts';

const facts = (text: string, more: Partial<IntakeFacts> = {}): IntakeFacts => ({
  text,
  attachments: 0,
  productKnown: false,
  productNames: ['Onesait Platform', 'platform', 'Billing', 'billing'],
  ...more,
});

describe('what Relevo can tell from a request', () => {
  it('an environment URL: an http(s) address, not a bare host name', () => {
    expect(holds('environment_url', facts('It fails on https://test.acme.example/login'))).toBe(true);
    expect(holds('environment_url', facts('It fails on http://10.0.0.4:8080'))).toBe(true);
    expect(holds('environment_url', facts('It fails on the test environment'))).toBe(false);
    expect(holds('environment_url', facts('It fails on test.acme.example'))).toBe(false);
  });

  it('evidence: a kept file, a chat file line, or a pasted log — not one word "error"', () => {
    expect(holds('evidence', facts('See attached', { attachments: 1 }))).toBe(true);
    expect(
      holds('evidence', facts(`Here\n${fileLine('screen.png', 'https://cdn.example/screen.png')}`)),
    ).toBe(true);
    expect(
      holds(
        'evidence',
        facts(
          'Log:\n2026-12-02 10:01:02 ERROR Connection refused\n2026-12-02 10:01:03 ERROR giving up after 3 tries',
        ),
      ),
    ).toBe(true);
    expect(
      holds(
        'evidence',
        facts('java.lang.NullPointerException: null\n    at com.acme.Billing.run(Billing.java:42)'),
      ),
    ).toBe(true);
    expect(holds('evidence', facts('Traceback:\n  File "app.py", line 3, in <module>'))).toBe(true);
    expect(holds('evidence', facts('```\nsome output\n```'))).toBe(true);
    expect(holds('evidence', facts('I get an error when I save the invoice'))).toBe(false);
    expect(holds('evidence', facts('📎 is my favourite emoji'))).toBe(false);
  });

  it('a description: more than a line — two real lines or sentences, or a long one; URLs do not count', () => {
    expect(holds('description', facts('It is broken'))).toBe(false);
    expect(
      holds(
        'description',
        facts(
          'https://test.acme.example/a/very/long/path/that/goes/on/and/on/for/ever/and/ever/and/ever/and/more',
        ),
      ),
    ).toBe(false);
    expect(
      holds(
        'description',
        facts('Saving an invoice fails with a red banner. It started after the upgrade yesterday.'),
      ),
    ).toBe(true);
    expect(holds('description', facts('Saving an invoice fails\nsince the upgrade of yesterday'))).toBe(true);
    expect(
      holds(
        'description',
        facts(
          'When I open the billing screen and filter by last month the totals shown do not match the ones in the exported spreadsheet at all',
        ),
      ),
    ).toBe(true);
  });

  it('the project: a product set or the only one, or named in the words (whole words, any case)', () => {
    expect(holds('project', facts('It fails', { productKnown: true }))).toBe(true);
    expect(holds('project', facts('The billing screen is slow'))).toBe(true);
    expect(holds('project', facts('In Onesait Platform the login fails'))).toBe(true);
    expect(holds('project', facts('The rebilling job is slow'))).toBe(false);
    expect(holds('project', facts('The login fails'))).toBe(false);
  });

  it('leaves what only a person can judge to a person', () => {
    expect(holds('access', facts('user admin, password secret'))).toBeUndefined();
    expect(holds('steps', facts('I clicked Save'))).toBeUndefined();
  });
});

describe('missingInfo', () => {
  it('lists the required items the request does not show, in the seed’s order', () => {
    expect(missingInfo(['evidence', 'environment_url', 'description'], facts('It is broken'))).toEqual([
      'environment_url',
      'description',
      'evidence',
    ]);
  });

  it('never reports an item nobody can check, nor one not required', () => {
    expect(missingInfo(['access', 'steps'], facts('x'))).toEqual([]);
    expect(missingInfo([], facts('x'))).toEqual([]);
    expect(missingInfo([...infoItems], facts('x', { productKnown: true }))).toEqual([
      'environment_url',
      'description',
      'evidence',
    ]);
  });

  it('a complete request lacks nothing', () => {
    const text =
      'Billing: saving an invoice fails since yesterday. It shows a red banner.\nhttps://test.acme.example\n' +
      fileLine('banner.png', 'https://files.example/banner.png');
    expect(missingInfo([...infoItems], facts(text))).toEqual([]);
  });
});
