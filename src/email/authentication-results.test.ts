import { describe, expect, it } from 'vitest';
import {
  parseAuthenticationResults,
  trustedAuthenticationResults,
  vouchesFor,
} from './authentication-results.ts';
import type { HeaderField } from './headers.ts';
import { parseEmail } from './parse.ts';

// Shapes as real servers write them (folding removed, as parseEmail hands them over).
const OPENDMARC = 'mx.acme.example; dmarc=pass (p=reject dis=none) header.from=support.test';
const OPENDKIM =
  'mx.acme.example; dkim=pass (2048-bit key; unprotected) header.d=support.test header.i=@support.test header.a=rsa-sha256 header.s=mail header.b=Qm9vaw';
const GOOGLE =
  'mx.google.com; dkim=pass header.i=@support.test header.s=s1 header.b=abc; spf=pass (google.com: domain of ana@support.test designates 192.0.2.1 as permitted sender) smtp.mailfrom=ana@support.test; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=support.test';
const RSPAMD =
  'mail.acme.example; dkim=pass header.d=support.test header.s=dkim header.b=Xyz; spf=pass (mail.acme.example: domain of ana@support.test designates 192.0.2.1 as permitted sender) smtp.mailfrom=ana@support.test; dmarc=pass (policy=reject) header.from=support.test';
const MICROSOFT =
  'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=support.test; dkim=pass (signature was verified) header.d=support.test;dmarc=pass action=none header.from=support.test;compauth=pass reason=100';

const ar = (value: string): HeaderField => ({ name: 'authentication-results', value });
const received = (value = 'from mail.evil.test by mx.acme.example'): HeaderField => ({
  name: 'received',
  value,
});

describe('parseAuthenticationResults', () => {
  it('reads OpenDMARC, OpenDKIM, Google and rspamd headers', () => {
    expect(parseAuthenticationResults(OPENDMARC)).toEqual({
      authservId: 'mx.acme.example',
      results: [{ method: 'dmarc', result: 'pass', props: { 'header.from': 'support.test' } }],
    });
    expect(parseAuthenticationResults(OPENDKIM)?.results[0]).toMatchObject({
      method: 'dkim',
      result: 'pass',
      props: { 'header.d': 'support.test', 'header.i': '@support.test', 'header.s': 'mail' },
    });
    const google = parseAuthenticationResults(GOOGLE);
    expect(google?.authservId).toBe('mx.google.com');
    expect(google?.results.map((r) => [r.method, r.result])).toEqual([
      ['dkim', 'pass'],
      ['spf', 'pass'],
      ['dmarc', 'pass'],
    ]);
    expect(google?.results[1]?.props['smtp.mailfrom']).toBe('ana@support.test');
    expect(parseAuthenticationResults(RSPAMD)?.results.map((r) => r.method)).toEqual([
      'dkim',
      'spf',
      'dmarc',
    ]);
  });

  it('takes a version, a quoted authserv-id, "none", method versions and spaces around = and .', () => {
    expect(parseAuthenticationResults('mx.acme.example 1; dmarc=pass header.from=a.test')?.authservId).toBe(
      'mx.acme.example',
    );
    expect(parseAuthenticationResults('"MX.Acme.Example"; dmarc=pass header.from=a.test')?.authservId).toBe(
      'mx.acme.example',
    );
    expect(parseAuthenticationResults('mx.acme.example; none')).toEqual({
      authservId: 'mx.acme.example',
      results: [],
    });
    expect(parseAuthenticationResults('mx.acme.example; dkim/1 = pass header . d = a.test')?.results).toEqual(
      [{ method: 'dkim', result: 'pass', props: { 'header.d': 'a.test' } }],
    );
  });

  it('a result hidden in a comment or a quoted string is not a result', () => {
    const hidden = parseAuthenticationResults(
      'mx.acme.example; dmarc=fail (p=reject; dmarc=pass header.from=support.test (nested) ) header.from=support.test',
    );
    expect(hidden?.results).toEqual([
      { method: 'dmarc', result: 'fail', props: { 'header.from': 'support.test' } },
    ]);
    const quoted = parseAuthenticationResults(
      'mx.acme.example; dkim=fail reason="bad; dmarc=pass header.from=support.test" header.d=support.test',
    );
    expect(quoted?.results.map((r) => r.result)).toEqual(['fail']);
  });

  it('Microsoft 365 names no server, so it is no verdict to trust', () => {
    expect(parseAuthenticationResults(MICROSOFT)).toBeNull();
  });

  it('empty, unterminated and oversized values are no verdict, and never throw', () => {
    expect(parseAuthenticationResults('')).toBeNull();
    expect(
      parseAuthenticationResults('mx.acme.example; dmarc=pass (unterminated header.from=a.test')?.results,
    ).toEqual([{ method: 'dmarc', result: 'pass', props: {} }]);
    expect(
      parseAuthenticationResults(`mx.acme.example; dmarc=pass header.from=a.test ${'x'.repeat(9000)}`),
    ).toBeNull();
    expect(parseAuthenticationResults('mx.acme.example; "unterminated; dmarc=pass')?.results).toEqual([]);
  });
});

describe('trustedAuthenticationResults', () => {
  const trusted = ['mx.acme.example'];

  it('reads the topmost header of a trusted server, even below the trace lines of later hops', () => {
    const fields: HeaderField[] = [
      { name: 'return-path', value: '<ana@support.test>' },
      received('from mx.acme.example by relevo'),
      ar(OPENDMARC),
      ar(OPENDKIM),
      received(),
      { name: 'from', value: 'Ana <ana@support.test>' },
    ];
    expect(trustedAuthenticationResults(fields, trusted)?.results[0]?.method).toBe('dmarc');
  });

  it('a forged "pass" below the trusted server’s own "fail" does not count', () => {
    const fields = [
      ar('mx.acme.example; dmarc=fail (p=none) header.from=support.test'),
      received(),
      ar(OPENDMARC),
    ];
    expect(vouchesFor(trustedAuthenticationResults(fields, trusted), 'support.test')).toBeNull();
  });

  it('ignores headers naming other servers, forged or not, and matches ids without regard to case', () => {
    const fields = [ar(GOOGLE), ar('evil.test; dmarc=pass header.from=support.test'), received()];
    expect(trustedAuthenticationResults(fields, trusted)).toBeNull();
    expect(trustedAuthenticationResults(fields, ['MX.Google.COM'])?.authservId).toBe('mx.google.com');
  });

  it('trusts nothing when no server is configured', () => {
    expect(trustedAuthenticationResults([ar(OPENDMARC)], [])).toBeNull();
  });
});

describe('vouchesFor', () => {
  const verdict = (value: string) => parseAuthenticationResults(value);

  it('DMARC pass for exactly the From domain', () => {
    expect(vouchesFor(verdict(OPENDMARC), 'support.test')).toBe('dmarc');
    expect(vouchesFor(verdict(OPENDMARC), 'SUPPORT.test')).toBe('dmarc');
    expect(vouchesFor(verdict(OPENDMARC), 'evil.test')).toBeNull();
    expect(vouchesFor(verdict('mx.acme.example; dmarc=pass'), 'support.test')).toBeNull();
    expect(
      vouchesFor(verdict('mx.acme.example; dmarc=bestguesspass header.from=support.test'), 'support.test'),
    ).toBeNull();
  });

  it('DKIM pass when the signing domain is aligned with the From domain (header.d or header.i)', () => {
    expect(vouchesFor(verdict(OPENDKIM), 'support.test')).toBe('dkim');
    expect(vouchesFor(verdict(OPENDKIM), 'mail.support.test')).toBe('dkim');
    expect(vouchesFor(verdict('mx; dkim=pass header.i=@support.test'), 'support.test')).toBe('dkim');
    expect(vouchesFor(verdict('mx; dkim=pass header.d=mail.support.test'), 'support.test')).toBe('dkim');
    expect(vouchesFor(verdict('mx; dkim=pass header.d=evil.test'), 'support.test')).toBeNull();
    expect(vouchesFor(verdict('mx; dkim=pass header.d=notsupport.test'), 'support.test')).toBeNull();
    // A bare top-level domain aligns with nothing.
    expect(vouchesFor(verdict('mx; dkim=pass header.d=test'), 'support.test')).toBeNull();
    expect(vouchesFor(verdict('mx; dkim=fail header.d=support.test'), 'support.test')).toBeNull();
  });

  it('SPF alone, or no verdict at all, vouches for nothing', () => {
    expect(vouchesFor(verdict('mx; spf=pass smtp.mailfrom=ana@support.test'), 'support.test')).toBeNull();
    expect(vouchesFor(null, 'support.test')).toBeNull();
  });
});

describe('header fields from parseEmail', () => {
  it('keeps every field in order, repeats included, unfolded', async () => {
    const mail = await parseEmail(
      [
        'Received: from a by b;',
        '\tMon, 2 Mar 2026 10:00:00 +0000',
        'Authentication-Results: mx.acme.example;',
        ' dmarc=pass header.from=support.test',
        'Authentication-Results: mx.acme.example; dkim=pass header.d=support.test',
        'From: ana@support.test',
        'Subject: Hi',
        '',
        'Body',
      ].join('\r\n'),
    );
    expect(mail.fields.map((f) => f.name)).toEqual([
      'received',
      'authentication-results',
      'authentication-results',
      'from',
      'subject',
    ]);
    expect(mail.fields[1]?.value).toBe('mx.acme.example; dmarc=pass header.from=support.test');
    expect(vouchesFor(trustedAuthenticationResults(mail.fields, ['mx.acme.example']), 'support.test')).toBe(
      'dmarc',
    );
  });
});
