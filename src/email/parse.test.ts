import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixturePath } from '../../test/fixtures/email/expectations.ts';
import { textProblem } from '../core/text.ts';
import { DEFAULT_MAX_ATTACHMENT_BYTES, type ParsedEmail, parseEmail } from './parse.ts';

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function lcg(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % max;
  };
}

/** The invariants every reading keeps, broken input or not. */
function expectWellFormed(email: ParsedEmail) {
  expect(typeof email.subject).toBe('string');
  expect([...email.subject].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f')).toBe(false);
  expect(typeof email.text).toBe('string');
  expect(email.dedupeKey).toMatch(/^(<.+>|sha256:[0-9a-f]{64})$/);
  expect(Array.isArray(email.to) && Array.isArray(email.cc) && Array.isArray(email.references)).toBe(true);
  for (const a of [email.from, email.replyTo, ...email.to, ...email.cc]) {
    if (!a) continue;
    expect(a.address).toBe(a.address.toLowerCase());
    expect(a.name).not.toMatch(/[\r\n]/);
  }
  for (const [name, value] of Object.entries(email.headers)) {
    expect(name).toBe(name.toLowerCase());
    expect(value).not.toMatch(/[\r\n]/);
  }
  for (const a of email.attachments) expect(a.filename).not.toMatch(/[/\\\r\n]/);
  expect(email.date === null || !Number.isNaN(email.date.getTime())).toBe(true);
}

describe('parseEmail never throws on broken input', () => {
  const nested = (depth: number) =>
    `${Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n`).join('')}Content-Type: text/plain\n\ndeep\n`;
  const cases: Record<string, string | Buffer> = {
    'an empty string': '',
    'an empty buffer': Buffer.alloc(0),
    'blank lines only': '\r\n\r\n\r\n',
    'random binary': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
    'NUL bytes in the header': 'From: a\u0000b@example.com\nSub\u0000ject: x\n\nbody',
    'a header block with no body': 'From: ana@example.com\nSubject: solo cabeceras',
    'a body with no header': 'hola\n\nmundo',
    'no From, To, Subject, Date or Message-ID': 'X-Other: 1\n\nsin cabeceras',
    'a From without address': 'From: Juan Pérez\nSubject: x\n\ny',
    'a group with no members': 'From: undisclosed-recipients:;\nTo: undisclosed-recipients:;\n\ny',
    'garbage addresses': 'From: <<<@@@>>>, "unterminated <x@\nTo: ,,,;;;\n\ny',
    'a header cut mid encoded-word': 'Subject: =?UTF-8?B?SG9sYQ',
    'an invalid encoded-word': 'Subject: =?UTF-8?Q?=ZZ=?= and =?bogus?X?abc?=\n\nx',
    'an unknown transfer encoding':
      'Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n',
    'base64 text with junk':
      'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n@@@!!!SG9sYQ==***\n',
    'multipart without a boundary':
      'Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhola\n--x--\n',
    'a 100,000-character header line': `Subject: ${'a'.repeat(100_000)}\n\nx`,
    'multipart nested 200 deep': nested(200),
    'an unparseable date': 'Date: not a date\nSubject: x\n\ny',
  };

  for (const [name, raw] of Object.entries(cases)) {
    it(`reads ${name}`, async () => {
      const email = await parseEmail(raw);
      expectWellFormed(email);
    });
  }

  it('reads what it can of a header block without the body split', async () => {
    const email = await parseEmail('From: ana@example.com\nSubject: solo cabeceras');
    expect(email.from?.address).toBe('ana@example.com');
    expect(email.subject).toBe('solo cabeceras');
    expect(email.messageId).toBeNull();
  });

  it('keeps the body of a message that has no header at all', async () => {
    expect((await parseEmail('\nhola\n\nmundo')).text.trim()).toBe('hola\n\nmundo');
  });

  it('drops control characters from every body reading, the raw fallback and repaired text included', async () => {
    // A multipart message without parts is read from its raw body; a Latin-1 repair can yield C1 codes.
    const raw = crlf(
      'From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\nnul\u0000 nak\u0015 bel\u0007 U\n',
    );
    const noParts = await parseEmail(Buffer.from(raw, 'utf8'));
    expect(noParts.text).toBe('nul nak bel U');
    const c1 = await parseEmail(
      Buffer.from(crlf('From: a@example.com\nContent-Type: text/plain\n\n=k:pO=00uK6.]W\u001bue\n'), 'utf8'),
    );
    expect(textProblem(c1.text)).toBeUndefined();
  });

  it('gives null, not "now", for a Date it cannot read', async () => {
    expect((await parseEmail('Date: not a date\nSubject: x\n\ny')).date).toBeNull();
    expect((await parseEmail('Date: 32 Foo 2025\n\ny')).date).toBeNull();
    expect((await parseEmail('Date: Mon, 3 Mar 2025 10:15:00 +0100 (CET)\n\ny')).date?.toISOString()).toBe(
      '2025-03-03T09:15:00.000Z',
    );
  });

  it('survives 300 random mutations of the fixtures', async () => {
    const rand = lcg(42);
    const sources = readdirSync(FIXTURE_DIR)
      .filter((f) => f.endsWith('.eml') && f !== 'large-attachment.eml')
      .map((f) => readFileSync(fixturePath(f)));
    for (let i = 0; i < 300; i++) {
      const source = Buffer.from(sources[rand(sources.length)] ?? Buffer.alloc(0));
      const mutated = [
        () => source.subarray(0, rand(source.length + 1)),
        () => {
          for (let j = 0; j < 20; j++) source[rand(source.length)] = rand(256);
          return source;
        },
        () => Buffer.concat([source.subarray(0, rand(source.length)), source.subarray(rand(source.length))]),
      ][rand(3)]?.();
      expectWellFormed(await parseEmail(mutated ?? source));
    }
  });
});

describe('parseEmail identifiers and threading', () => {
  it('normalises Message-IDs to <...> form', async () => {
    const id = async (v: string) => (await parseEmail(`Message-ID: ${v}\n\nx`)).messageId;
    expect(await id('<abc.123@example.com>')).toBe('<abc.123@example.com>');
    expect(await id('abc.123@example.com')).toBe('<abc.123@example.com>');
    expect(await id('  <abc@example.com> (generated by X)')).toBe('<abc@example.com>');
    expect(await id('no-at-sign-id')).toBe('<no-at-sign-id>');
  });

  it('deduplicates on the Message-ID, else on a hash of the exact bytes', async () => {
    const withId = await parseEmail('Message-ID: <x@example.com>\n\nhola');
    expect(withId.dedupeKey).toBe('<x@example.com>');
    const a = await parseEmail('Subject: sin id\n\nhola');
    const again = await parseEmail(Buffer.from('Subject: sin id\n\nhola'));
    const other = await parseEmail('Subject: sin id\n\nhola!');
    expect(a.messageId).toBeNull();
    expect(a.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again.dedupeKey).toBe(a.dedupeKey);
    expect(other.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('reads In-Reply-To and References as lists of ids, dropping stray tokens', async () => {
    const email = await parseEmail(
      crlf(
        'In-Reply-To: <p1@example.com> <p2@example.com>\nReferences: <r1@example.com>\n  <r2@example.com> junk\n\nx',
      ),
    );
    expect(email.inReplyTo).toBe('<p1@example.com>');
    expect(email.references).toEqual(['<r1@example.com>', '<r2@example.com>']);
  });

  it('reads the return path: absent, null <>, or a lower-cased address; the topmost wins', async () => {
    expect((await parseEmail('Subject: x\n\ny')).returnPath).toBeNull();
    expect((await parseEmail('Return-Path: <>\n\ny')).returnPath).toBe('');
    expect((await parseEmail('Return-Path: < >\n\ny')).returnPath).toBe('');
    expect((await parseEmail('Return-Path: <Ana@Example.COM>\nReturn-Path: <>\n\ny')).returnPath).toBe(
      'ana@example.com',
    );
  });

  it('keeps headers under lower-case names, unfolded, first occurrence', async () => {
    const email = await parseEmail(crlf('X-Thing: one\n  two\nX-THING: second\nList-Id: <a.b>\n\nx'));
    expect(email.headers['x-thing']).toBe('one two');
    expect(email.headers['list-id']).toBe('<a.b>');
  });

  it('reads string and Buffer input the same way', async () => {
    const raw = readFileSync(fixturePath('gmail-reply-es.eml'));
    const fromBuffer = await parseEmail(raw);
    const fromString = await parseEmail(raw.toString('utf8'));
    expect(fromString).toEqual(fromBuffer);
  });
});

describe('parseEmail cleans what it passes on', () => {
  it('flattens CR/LF and control characters out of subjects and names (header injection)', async () => {
    const evil = b64('Pedido\r\nBcc: victima@example.com\u0007\u001b[31m\u2028fin');
    const email = await parseEmail(
      crlf(
        `From: =?UTF-8?B?${b64('Ana\r\nX-Injected: 1')}?= <ana@example.com>\nReply-To: =?UTF-8?Q?Eva=0D=0ABcc=3A_x=40example.com?= <eva@example.com>\nTo: =?UTF-8?Q?Bob=0A?= <bob@example.com>\nSubject: =?UTF-8?B?${evil}?=\n\nhola`,
      ),
    );
    expect(email.subject).toBe('Pedido Bcc: victima@example.com[31m fin');
    expect(email.from).toEqual({ address: 'ana@example.com', name: 'Ana X-Injected: 1' });
    expect(email.replyTo).toEqual({ address: 'eva@example.com', name: 'Eva Bcc: x@example.com' });
    expect(email.to).toEqual([{ address: 'bob@example.com', name: 'Bob' }]);
  });

  it('unfolds a folded subject into one line', async () => {
    expect((await parseEmail(crlf('Subject: Hola\n Bcc: x@example.com\n\nx'))).subject).toBe(
      'Hola Bcc: x@example.com',
    );
  });

  it('removes bidi overrides from subjects', async () => {
    const email = await parseEmail(`Subject: =?UTF-8?B?${b64('factura\u202efdp.exe')}?=\n\nx`);
    expect(email.subject).toBe('facturafdp.exe');
  });

  it('lower-cases addresses and keeps every recipient', async () => {
    const email = await parseEmail(
      'From: "Ana" <Ana.Ruiz@Globex.EXAMPLE>\nTo: a@x.example, B <b@x.example>\nCc: Grupo: c@x.example, d@x.example;\n\nx',
    );
    expect(email.from).toEqual({ address: 'ana.ruiz@globex.example', name: 'Ana' });
    expect(email.to.map((a) => a.address)).toEqual(['a@x.example', 'b@x.example']);
    expect(email.cc.map((a) => a.address)).toEqual(['c@x.example', 'd@x.example']);
  });
});

describe('parseEmail bodies', () => {
  it('converts HTML to text when there is no text part, also inside multipart/mixed', async () => {
    const html = '<p>Hola <b>equipo</b></p><blockquote>citado</blockquote>';
    const root = await parseEmail(`Content-Type: text/html; charset=utf-8\n\n${html}`);
    expect(root.text).toBe('Hola equipo\n\n> citado');
    expect(root.html).toBe(html);
    const mixed = await parseEmail(
      `Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html; charset=utf-8\n\n${html}\n--B\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--B--\n`,
    );
    expect(mixed.text).toBe('Hola equipo\n\n> citado');
  });

  it('prefers the text part and gives html null when there is none', async () => {
    const email = await parseEmail('Content-Type: text/plain; charset=utf-8\n\nsolo texto');
    expect(email.text).toBe('solo texto');
    expect(email.html).toBeNull();
  });

  it('repairs a multipart whose declared boundary is never used', async () => {
    const email = await parseEmail(
      'Content-Type: multipart/alternative; boundary="DECLARED"\n\n--USED\nContent-Type: text/plain\n\nhola de verdad\n--USED--\n',
    );
    expect(email.text.trim()).toBe('hola de verdad');
  });

  it('falls back to the raw body when no part can be found', async () => {
    const email = await parseEmail('Content-Type: multipart/mixed; boundary="X"\n\nsin partes\n');
    expect(email.text).toBe('sin partes');
  });

  it('re-reads Latin-1 bytes labelled UTF-8 instead of keeping U+FFFD', async () => {
    const raw = Buffer.concat([
      Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      Buffer.from('Información', 'latin1'),
    ]);
    expect((await parseEmail(raw)).text).toBe('Información');
  });

  it('repairs UTF-8 bytes labelled Latin-1 (mojibake) in body and subject', async () => {
    const email = await parseEmail(
      'Subject: =?ISO-8859-1?Q?Informaci=C3=B3n?=\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nA=C3=B1o nuevo',
    );
    expect(email.subject).toBe('Información');
    expect(email.text).toBe('Año nuevo');
  });
});

describe('parseEmail attachments', () => {
  const withAttachment = (size: number, name = 'datos.bin') =>
    `Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nadjunto\n--B\nContent-Type: application/octet-stream; name="${name}"\nContent-Disposition: attachment; filename="${name}"\nContent-Transfer-Encoding: base64\n\n${Buffer.alloc(size, 7).toString('base64')}\n--B--\n`;

  it('keeps content up to the cap and drops it above, still reporting the size', async () => {
    const atCap = await parseEmail(withAttachment(1000), { maxAttachmentBytes: 1000 });
    expect(atCap.attachments[0]).toMatchObject({ size: 1000, oversized: false });
    expect(atCap.attachments[0]?.content?.length).toBe(1000);
    const over = await parseEmail(withAttachment(1001), { maxAttachmentBytes: 1000 });
    expect(over.attachments[0]).toMatchObject({ size: 1001, oversized: true, content: null });
  });

  it('defaults the cap to 25 MiB', async () => {
    expect(DEFAULT_MAX_ATTACHMENT_BYTES).toBe(25 * 1024 * 1024);
    const large = await parseEmail(readFileSync(fixturePath('large-attachment.eml')));
    expect(large.attachments[0]).toMatchObject({ size: 1_572_864, oversized: false });
    const capped = await parseEmail(readFileSync(fixturePath('large-attachment.eml')), {
      maxAttachmentBytes: 1024 * 1024,
    });
    expect(capped.attachments[0]).toMatchObject({ size: 1_572_864, oversized: true, content: null });
  });

  it('sanitises file names: no directories, no control or reserved characters', async () => {
    const name = async (n: string) => (await parseEmail(withAttachment(3, n))).attachments[0]?.filename;
    expect(await name('../../etc/passwd')).toBe('passwd');
    expect(await name('C:\\\\Windows\\\\evil.bat')).toBe('evil.bat');
    expect(await name('..')).toBe('attachment');
    expect(await name('a<b>c|d?.txt')).toBe('a_b_c_d_.txt');
  });

  it('flags inline images of multipart/related', async () => {
    const email = await parseEmail(readFileSync(fixturePath('attachment-pdf-es.eml')));
    expect(email.attachments.map((a) => [a.filename, a.inline])).toEqual([
      ['logo.png', true],
      ['Factura 2025-03.pdf', false],
      ['Presupuesto año 2025.pdf', false],
    ]);
    expect(email.attachments[1]?.content?.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('reads an attached message/rfc822 as an embedded message', async () => {
    const email = await parseEmail(readFileSync(fixturePath('thunderbird-forward-attachment-en.eml')));
    expect(email.embeddedMessages).toEqual([
      {
        messageId: '<alert-7f3e9a21@cloudapp.example>',
        from: { address: 'security@cloudapp.example', name: 'Security Team' },
        subject: 'Suspicious login alert',
        date: 'Tue, 4 Mar 2025 22:14:05 +0000',
        text: expect.stringContaining('new location (Lisbon, PT)'),
      },
    ]);
  });
});

describe('parseEmail delivery reports', () => {
  it('flags multipart/report messages (DSN and read receipts), not ordinary mail', async () => {
    const report = (type: string) =>
      `Content-Type: multipart/report; report-type=${type}; boundary=R\n\n--R\nContent-Type: text/plain\n\nx\n--R--\n`;
    expect((await parseEmail(report('delivery-status'))).isDeliveryReport).toBe(true);
    expect((await parseEmail(report('disposition-notification'))).isDeliveryReport).toBe(true);
    expect((await parseEmail('Content-Type: text/plain\n\nx')).isDeliveryReport).toBe(false);
  });
});
