import { tzOffset } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { instantToWall, wallToInstant } from './wall-time.ts';

const offsets = (zone: string) => (ms: number) => tzOffset(zone, new Date(ms)) * 60_000;
const instant = (zone: string, wall: string) =>
  new Date(wallToInstant(offsets(zone), Date.parse(`${wall}Z`))).toISOString();

describe('a wall time is the first moment the clocks read it or later', () => {
  it('moves a time the clocks skip forward to the moment they jump', () => {
    expect(instant('Europe/Madrid', '2026-03-29T02:00')).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(instant('Europe/Madrid', '2026-03-29T02:30')).toBe('2026-03-29T01:00:00.000Z');
    expect(instant('Europe/Madrid', '2026-03-29T03:00')).toBe('2026-03-29T01:00:00.000Z');
    expect(instant('America/Santiago', '2026-09-06T00:30')).toBe('2026-09-06T04:00:00.000Z'); // 01:00 -03
    expect(instant('Australia/Lord_Howe', '2026-10-04T02:15')).toBe('2026-10-03T15:30:00.000Z'); // half-hour jump
  });

  it('takes the first pass of a time the clocks show twice', () => {
    expect(instant('Europe/Madrid', '2026-10-25T02:30')).toBe('2026-10-25T00:30:00.000Z'); // CEST
    expect(instant('Europe/Madrid', '2026-10-25T03:00')).toBe('2026-10-25T02:00:00.000Z'); // CET, once
    expect(instant('America/Santiago', '2026-04-04T23:30')).toBe('2026-04-05T02:30:00.000Z'); // -03
    expect(instant('America/Santiago', '2026-04-05T00:00')).toBe('2026-04-05T04:00:00.000Z'); // -04, once
  });

  it("round-trips every instant but an overlap's second pass, which goes back to the first", () => {
    const madrid = offsets('Europe/Madrid');
    for (const iso of [
      '2026-01-15T10:00:00Z',
      '2026-03-29T00:59:00Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T02:00:00Z', // 03:00 CET, shown once
    ]) {
      const ms = Date.parse(iso);
      expect(wallToInstant(madrid, instantToWall(madrid, ms))).toBe(ms);
    }
    const secondPass = Date.parse('2026-10-25T01:00:00Z'); // 02:00 CET
    expect(wallToInstant(madrid, instantToWall(madrid, secondPass))).toBe(Date.parse('2026-10-25T00:00:00Z'));
  });
});
