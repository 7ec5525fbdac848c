import { describe, expect, it } from 'vitest';
import {
  firstMessageId,
  headersFromLines,
  messageIds,
  parseDateHeader,
  rawHeaderLines,
  returnPath,
} from './headers.ts';
import { repairBoundary, roughAddress, splitRaw } from './raw-mime.ts';

describe('message ids', () => {
  it('collects <...> ids in order, once each', () => {
    expect(messageIds('<a@x> <b@x>\n <a@x>')).toEqual(['<a@x>', '<b@x>']);
  });

  it('wraps bare ids and ignores tokens that are no ids', () => {
    expect(messageIds('a@x, junk b@y')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIds('junk only')).toEqual([]);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('accepts an id without "@" as the Message-ID, for deduplication', () => {
    expect(firstMessageId('local-id-42')).toBe('<local-id-42>');
    expect(firstMessageId('   ')).toBeNull();
  });
});

describe('parseDateHeader', () => {
  it.each([
    ['Mon, 3 Mar 2025 10:15:00 +0100', '2025-03-03T09:15:00.000Z'],
    ['Wed,  5 Mar 2025 12:00:14 +0100 (CET)', '2025-03-05T11:00:14.000Z'],
    ['3 Mar 2025 10:15 GMT', '2025-03-03T10:15:00.000Z'],
    ['2025-03-03T10:15:00Z', '2025-03-03T10:15:00.000Z'],
  ])('%s', (value, iso) => {
    expect(parseDateHeader(value)?.toISOString()).toBe(iso);
  });

  it.each(['not a date', 'yesterday', '1', '', 'Foo 12'])('rejects %j', (value) => {
    expect(parseDateHeader(value)).toBeNull();
  });
});

describe('header lines', () => {
  it('unfolds continuation lines and drops lines that are no headers', () => {
    const lines = rawHeaderLines('Subject: one\r\n  two\r\nno colon here\r\nFrom: a@x');
    expect(headersFromLines(lines)).toEqual({ subject: 'one two', from: 'a@x' });
  });

  it('keeps a header named __proto__ as plain data', () => {
    const headers = headersFromLines([{ key: '__proto__', line: '__proto__: x' }]);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.hasOwn(headers, '__proto__')).toBe(true);
  });

  it('reads the return path', () => {
    expect(returnPath({})).toBeNull();
    expect(returnPath({ 'return-path': '<>' })).toBe('');
    expect(returnPath({ 'return-path': 'Bounce@X.example' })).toBe('bounce@x.example');
  });
});

describe('raw MIME rescue', () => {
  it('splits header and body on the first blank line, CRLF or LF', () => {
    const { header, body } = splitRaw(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody\n\nmore'));
    expect(header).toBe('A: 1\r\nB: 2');
    expect(body.toString()).toBe('body\n\nmore');
    expect(splitRaw(Buffer.from('A: 1')).body.length).toBe(0);
  });

  it('rewrites a declared boundary to the one the body uses', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed;\r\n boundary="OLD"\r\n\r\n--NEW\r\nx\r\n--NEW--\r\n',
    );
    expect(repairBoundary(raw)?.toString()).toBe(
      'Content-Type: multipart/mixed; boundary="NEW"\r\n\r\n--NEW\r\nx\r\n--NEW--\r\n',
    );
  });

  it('leaves non-multipart and consistent messages alone', () => {
    expect(repairBoundary(Buffer.from('Content-Type: text/plain\n\n--x\n'))).toBeNull();
    expect(repairBoundary(Buffer.from('Content-Type: multipart/mixed; boundary=x\n\n--x\n'))).toBeNull();
  });

  it('finds an address in a raw header value', () => {
    expect(roughAddress('"Ana" <ana@x.example>')).toEqual({ address: 'ana@x.example', name: '"Ana" ' });
    expect(roughAddress('ana@x.example (Ana)')).toEqual({ address: 'ana@x.example', name: '' });
    expect(roughAddress('nobody')).toBeNull();
  });
});
