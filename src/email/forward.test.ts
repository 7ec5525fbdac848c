import { readFileSync } from 'node:fs';
import EmailForwardParser from 'email-forward-parser';
import EmailReplyParser from 'email-reply-parser';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { fixturePath } from '../../test/fixtures/email/expectations.ts';
import {
  forwardOf,
  HOSTILE,
  HOSTILE_NAMES,
  type HostileName,
  libraryView,
} from '../../test/fixtures/email/hostile.ts';
import { readForward } from './forward.ts';
import { parseEmail } from './parse.ts';

const mail = (subject: string, ...body: string[]) =>
  parseEmail(`Subject: ${subject}\nContent-Type: text/plain; charset=utf-8\n\n${body.join('\n')}`);

describe('readForward, inline forwards', () => {
  it('reads Gmail in Spanish with its half-English labels', async () => {
    const email = await mail(
      'Fwd: Pedido 4471',
      'Revisadlo, por favor.',
      '',
      '---------- Forwarded message ---------',
      'De: Javier Morales <javier.morales@example.net>',
      'Date: mar, 4 mar 2025 a las 11:47',
      'Subject: Pedido 4471',
      'To: <carmen.diaz@initech.example>',
      '',
      'No me ha llegado.',
    );
    expect(readForward(email)).toEqual({
      originalFrom: { address: 'javier.morales@example.net', name: 'Javier Morales' },
      originalSubject: 'Pedido 4471',
      originalDate: 'mar, 4 mar 2025 a las 11:47',
      originalBody: 'No me ha llegado.',
      forwarderNote: 'Revisadlo, por favor.',
    });
  });

  it('reads Outlook Live in Spanish: underscores + De/Enviado/Para/Asunto', async () => {
    const email = await mail(
      'RV: Alta de proveedor',
      'Para vosotros.',
      '',
      '________________________________',
      'De: Juan Pérez <juan.perez@example.com>',
      'Enviado: lunes, 3 de marzo de 2025 10:15',
      'Para: Carmen Díaz <carmen.diaz@initech.example>',
      'Asunto: Alta de proveedor',
      '',
      'Adjunto los datos.',
    );
    expect(readForward(email)).toMatchObject({
      originalFrom: { address: 'juan.perez@example.com', name: 'Juan Pérez' },
      originalSubject: 'Alta de proveedor',
      originalDate: 'lunes, 3 de marzo de 2025 10:15',
      originalBody: 'Adjunto los datos.',
      forwarderNote: 'Para vosotros.',
    });
  });

  it('reads old Outlook in English: "-----Original Message-----" under FW:', async () => {
    const email = await mail(
      'FW: Quote request',
      'See below.',
      '',
      '-----Original Message-----',
      'From: Jane Roe [mailto:jane.roe@example.com]',
      'Sent: Monday, March 3, 2025 10:15 AM',
      'To: Sales <sales@initech.example>',
      'Subject: Quote request',
      '',
      'Please send a quote.',
    );
    expect(readForward(email)).toMatchObject({
      originalFrom: { address: 'jane.roe@example.com', name: 'Jane Roe' },
      originalSubject: 'Quote request',
      originalDate: 'Monday, March 3, 2025 10:15 AM',
      forwarderNote: 'See below.',
    });
  });

  it.each(['Rv:', 'rv:', 'Tr:', 'TR:', 'Fwd :', 'ENC:', '[EXTERNAL] FW:'])(
    'recognises the %j prefix even where the library does not (new Outlook, no separator)',
    async (prefix) => {
      const email = await mail(
        `${prefix} Cambio de cuenta`,
        '¿Es legítimo?',
        '',
        'De: Proveedor <facturacion@proveedor.example>',
        'Enviado: miércoles, 5 de marzo de 2025 9:41',
        'Para: Ana Ruiz <ana.ruiz@globex.example>',
        'Asunto: Cambio de cuenta',
        '',
        'Nueva cuenta bancaria.',
      );
      expect(readForward(email)?.originalFrom.address).toBe('facturacion@proveedor.example');
    },
  );

  it('keeps a display-name-only sender with an empty address', async () => {
    const email = await mail(
      'RV: Vacaciones',
      '-----Mensaje original-----',
      'De: Juan Pérez',
      'Enviado el: lunes, 3 de marzo de 2025 10:15',
      'Para: Carmen Díaz',
      'Asunto: Vacaciones',
      '',
      'Me voy en agosto.',
    );
    expect(readForward(email)).toMatchObject({
      originalFrom: { address: '', name: 'Juan Pérez' },
      originalSubject: 'Vacaciones',
      forwarderNote: '',
    });
  });

  it('keeps lines longer than the library is shown, whole', async () => {
    const paragraph = `Inicio ${'palabra '.repeat(300)}fin.`;
    const email = await mail(
      'Fwd: informe',
      `Nota ${'larga '.repeat(150)}fin.`,
      '',
      '---------- Forwarded message ---------',
      'From: Ops <ops@example.com>',
      'Subject: informe',
      '',
      paragraph,
    );
    const forward = readForward(email);
    expect(forward?.originalBody).toBe(paragraph.trim());
    expect(forward?.forwarderNote).toBe(`Nota ${'larga '.repeat(150)}fin.`);
  });

  it('keeps the whole original body of a very long forward', async () => {
    const long = 'x'.repeat(70).concat('\n').repeat(1200);
    const email = await mail(
      'Fwd: logs',
      'Logs:',
      '',
      '---------- Forwarded message ---------',
      'From: Ops <ops@example.com>',
      'Subject: logs',
      '',
      long,
    );
    expect(readForward(email)?.originalBody).toBe(long.trim());
  });
});

describe('readForward, what is not a forward', () => {
  it('ignores a reply that quotes a forward', async () => {
    const email = await mail(
      'RE: FW: Pedido',
      'Ya está.',
      '',
      '________________________________',
      'De: Ana <ana@example.com>',
      'Enviado: lunes',
      'Asunto: FW: Pedido',
      '',
      'viejo',
    );
    expect(readForward(email)).toBeNull();
  });

  it('ignores ordinary messages and bounces', async () => {
    expect(readForward(await mail('Ayuda', 'No puedo entrar.'))).toBeNull();
    expect(readForward(await parseEmail(readFileSync(fixturePath('bounce-dsn.eml'))))).toBeNull();
  });

  it('ignores an underscore line with nothing to read below it', async () => {
    expect(
      readForward(await mail('Aviso', 'Texto', '________________________________', 'Aviso legal.')),
    ).toBeNull();
  });
});

describe('readForward, forwarded as an attachment', () => {
  it('reads the attached message/rfc822', async () => {
    const email = await parseEmail(readFileSync(fixturePath('thunderbird-forward-attachment-en.eml')));
    expect(readForward(email)).toEqual({
      originalFrom: { address: 'security@cloudapp.example', name: 'Security Team' },
      originalSubject: 'Suspicious login alert',
      originalDate: 'Tue, 4 Mar 2025 22:14:05 +0000',
      originalBody:
        'We noticed a login to your account from a new location (Lisbon, PT).\nIf this was you, you can ignore this message. Otherwise, reset your\npassword now.',
      forwarderNote: 'Forwarding as attachment so you get the full headers.\n\nSarah',
    });
  });
});

describe('readForward on hostile input', () => {
  // email-forward-parser's regexes backtrack polynomially on crafted text (see HOSTILE: unbounded, one
  // line of 4,900 characters took 1.6 s, 16 KB of blank lines 7.5 s). readForward gives it only what it
  // is quick on, whatever the input: the first 32,000 characters, no line over 500 (hideLongLines), no
  // line of whitespace alone, at most one empty line in a row (normaliseText) and no run of more than
  // 15 spaces inside a line. The notes it reads go through visibleText, which gives email-reply-parser
  // at most 5,000 characters. bench/email-hostile.ts measures the time that buys; this checks the bound.
  const FORWARD_BOUND = { length: 32_000, line: 500, breaksInOneSpaceRun: 2, spaceRun: 15 };
  const REPLY_BOUND = { length: 5_000, line: 500, breaksInOneSpaceRun: 2 };
  const SIZES = [1_000, 8_000, 31_000, 33_000, 128_000];

  // The original body as shown: normalised, runs of 16+ spaces as four, trailing spaces and tabs gone.
  const shown: Record<HostileName, (text: string) => string> = {
    skrevLines: (text) => text.trim(),
    attributionLines: (text) => text.trim(),
    blankLines: () => 'nota\n\nfin',
    ideographicLines: () => 'nota\n\nfin',
    lineSeparators: () => 'nota\n\nfin',
    ideographicRuns: (text) => text.replace(/\u3000/g, '').trim(),
    leadingSpaces: () => 'x',
    cidPlaceholders: (text) => text,
    signOffSpaces: () => 'hola\n\nsaludos    x',
  };

  let forwardRead: MockInstance<EmailForwardParser['read']>;
  let replyRead: MockInstance<EmailReplyParser['read']>;
  beforeEach(() => {
    forwardRead = vi.spyOn(EmailForwardParser.prototype, 'read');
    replyRead = vi.spyOn(EmailReplyParser.prototype, 'read');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function expectBoundedLibraryInput() {
    expect(forwardRead).toHaveBeenCalled();
    for (const [body] of forwardRead.mock.calls) {
      const view = libraryView(body);
      expect(view.length).toBeLessThanOrEqual(FORWARD_BOUND.length);
      expect(view.longestLine).toBeLessThanOrEqual(FORWARD_BOUND.line);
      expect(view.blankButNotEmpty).toBe(0);
      expect(view.breaksInOneSpaceRun).toBeLessThanOrEqual(FORWARD_BOUND.breaksInOneSpaceRun);
      expect(view.longestSpaceRun).toBeLessThanOrEqual(FORWARD_BOUND.spaceRun);
    }
    for (const [text] of replyRead.mock.calls) {
      const view = libraryView(text);
      expect(view.length).toBeLessThanOrEqual(REPLY_BOUND.length);
      expect(view.longestLine).toBeLessThanOrEqual(REPLY_BOUND.line);
      expect(view.blankButNotEmpty).toBe(0);
      expect(view.breaksInOneSpaceRun).toBeLessThanOrEqual(REPLY_BOUND.breaksInOneSpaceRun);
    }
  }

  describe.each(HOSTILE_NAMES)('%s', (name) => {
    it.each(SIZES)('at %i characters, forwarded: bounded library input, right answer', async (size) => {
      const text = HOSTILE[name](size);
      const forward = readForward(await mail('Fwd: informe', forwardOf(text)));
      expect(forward).toMatchObject({
        originalFrom: { address: 'ops@example.com', name: 'Ops' },
        originalSubject: 'informe',
        forwarderNote: 'Mira esto.',
      });
      expect(forward?.originalBody).toBe(shown[name](text));
      expectBoundedLibraryInput();
    });

    it.each(SIZES)('at %i characters, no forward in it: bounded library input, null', async (size) => {
      expect(readForward(await mail('Fwd: x', HOSTILE[name](size)))).toBeNull();
      expectBoundedLibraryInput();
    });
  });

  it('bounds the lines crafted against its per-line regexes', async () => {
    const line = `On ${', "x" <'.repeat(700)}`;
    expect(readForward(await mail('Fwd: x', ...Array.from({ length: 8 }, () => line)))).toBeNull();
    expectBoundedLibraryInput();
  });

  it('bounds long runs of blank lines and spaces', async () => {
    expect(
      readForward(await mail('Fwd: x', `nota${'\n'.repeat(40_000)}${' '.repeat(40_000)}fin`)),
    ).toBeNull();
    expectBoundedLibraryInput();
  });
});

describe('readForward, the attached original as written', () => {
  it('drops trailing spaces of its lines and keeps the spaces inside them', async () => {
    const inner = `From: A <a@x.example>\r\nSubject: inner\r\n\r\nuno   \r\ndos${' '.repeat(40)}tres\t\r\n`;
    const email = await parseEmail(
      Buffer.from(
        'From: B <b@x.example>\r\nSubject: Fwd: inner\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nnota\r\n' +
          `--BB\r\nContent-Type: message/rfc822\r\n\r\n${inner}\r\n--BB--\r\n`,
      ),
    );
    expect(readForward(email)).toMatchObject({
      originalFrom: { address: 'a@x.example' },
      originalBody: `uno\ndos${' '.repeat(40)}tres`,
      forwarderNote: 'nota',
    });
  });
});
