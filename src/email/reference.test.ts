import { describe, expect, it } from 'vitest';
import { baseSubject, subjectWithTicket, ticketNumberInSubject } from './reference.ts';

describe('ticketNumberInSubject', () => {
  it.each([
    ['Re: Error al exportar [#1042]', 1042],
    ['[#7] Hola', 7],
    ['RE: x [ # 55 ]', 55],
    ['Pedido #4471', null],
    ['[#0] nada', null],
    ['[#abc]', null],
    ['', null],
  ])('%j → %j', (subject, n) => {
    expect(ticketNumberInSubject(subject)).toBe(n);
  });
});

describe('subjectWithTicket', () => {
  it('adds the token once, at the end', () => {
    expect(subjectWithTicket('Factura duplicada', 1042)).toBe('Factura duplicada [#1042]');
  });

  it('keeps a subject that already carries the token', () => {
    expect(subjectWithTicket('Re: Factura duplicada [#1042]', 1042)).toBe('Re: Factura duplicada [#1042]');
    expect(subjectWithTicket(subjectWithTicket('x', 9), 9)).toBe('x [#9]');
  });

  it('replaces the token of another ticket instead of adding a second one', () => {
    expect(subjectWithTicket('Re: Factura [#12]', 34)).toBe('Re: Factura [#34]');
  });

  it('works on an empty subject and never lets CR/LF through', () => {
    expect(subjectWithTicket('', 5)).toBe('[#5]');
    expect(subjectWithTicket('Hola\r\nBcc: x@example.com', 5)).toBe('Hola Bcc: x@example.com [#5]');
  });

  it('refuses something that is no ticket number', () => {
    expect(() => subjectWithTicket('x', 0)).toThrow(RangeError);
    expect(() => subjectWithTicket('x', 1.5)).toThrow(RangeError);
  });
});

describe('baseSubject', () => {
  it.each([
    ['Re: Factura', 'Factura'],
    ['RE: RE: Factura', 'Factura'],
    ['Fwd: FW: RV: Rv: Tr: AW: WG: Factura', 'Factura'],
    ['RE[2]: Factura', 'Factura'],
    ['Re(3): Factura', 'Factura'],
    ['Re: Factura duplicada [#1042]', 'Factura duplicada'],
    ['[#1042] RE: Factura', 'Factura'],
    ['re：Factura', 'Factura'],
    ['SV: VS: Antw: ENC: RES: Factura', 'Factura'],
    ['Resumen: ventas de marzo', 'Resumen: ventas de marzo'],
    ['Reunión mañana', 'Reunión mañana'],
    ['  Re:   Hola\r\n mundo  ', 'Hola mundo'],
  ])('%j → %j', (subject, base) => {
    expect(baseSubject(subject)).toBe(base);
  });
});
