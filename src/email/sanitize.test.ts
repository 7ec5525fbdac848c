import { describe, expect, it } from 'vitest';
import {
  cleanAddress,
  cleanDisplayName,
  cleanFilename,
  cleanHeaderText,
  repairMojibake,
} from './sanitize.ts';

describe('cleanHeaderText', () => {
  it('turns every kind of line break into one space', () => {
    expect(cleanHeaderText('a\r\nb\nc\rd\u2028e\u2029f\u0085g')).toBe('a b c d e f g');
  });

  it('drops C0/C1 controls, DEL and bidi overrides, collapses spaces', () => {
    expect(cleanHeaderText(' \u0007bell\u001b[0m \u007f\u0090x \u202egpj.exe\t\tend ')).toBe(
      'bell[0m x gpj.exe end',
    );
  });

  it('replaces half a UTF-16 pair with U+FFFD and keeps whole pairs', () => {
    expect(cleanHeaderText('a\ud800b \udc00c')).toBe('a\ufffdb \ufffdc');
    expect(cleanHeaderText('ok 😀 \ud83d')).toBe('ok 😀 \ufffd');
  });

  it('returns "" for null and undefined', () => {
    expect(cleanHeaderText(null)).toBe('');
    expect(cleanHeaderText(undefined)).toBe('');
  });
});

describe('cleanDisplayName and cleanAddress', () => {
  it('strips the quotes clients leave around names', () => {
    expect(cleanDisplayName(`"'Soporte Acme'"`)).toBe('Soporte Acme');
  });

  it('lower-cases addresses and removes brackets and spaces', () => {
    expect(cleanAddress(' <Ana.Ruiz@Globex.EXAMPLE >')).toBe('ana.ruiz@globex.example');
  });
});

describe('cleanFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ana\\evil.bat', 'evil.bat'],
    ['informe\r\nfinal.pdf', 'informe final.pdf'],
    ['.htaccess', 'htaccess'],
    ['a<b>:c"d|e?f*.txt', 'a_b__c_d_e_f_.txt'],
    ['factura\u202efdp.exe', 'facturafdp.exe'],
    ['', 'attachment'],
    ['../', 'attachment'],
  ])('%j → %j', (input, output) => {
    expect(cleanFilename(input, 'attachment')).toBe(output);
  });

  it('shortens very long names but keeps the extension', () => {
    const name = cleanFilename(`${'x'.repeat(500)}.pdf`, 'attachment');
    expect(name).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('repairMojibake', () => {
  it('reads UTF-8 that was decoded as Latin-1', () => {
    expect(repairMojibake('InformaciÃ³n del pedido nÂº 4471, Â¿ok?')).toBe(
      'Información del pedido nº 4471, ¿ok?',
    );
  });

  it('repairs line by line, so one mislabelled part does not block another', () => {
    expect(repairMojibake('AÃ±o\nAño ÃÃ')).toBe('Año\nAño ÃÃ');
  });

  it('leaves genuine Latin-1 text and non-Latin text alone', () => {
    expect(repairMojibake('Información Ãºltima')).toBe('Información Ãºltima');
    expect(repairMojibake('Ã³ 日本')).toBe('Ã³ 日本');
    expect(repairMojibake('plain ascii')).toBe('plain ascii');
  });
});
