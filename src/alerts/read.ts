// What every source reader shares: the result type, the one error a reader throws for a payload that is
// not its source's shape (the endpoint answers 422 with its message), and small strict field readers, so
// each reader says in one line what it expects and a wrong payload is named by its field.
import type { AlertBatch, AlertSource, AlertStatus } from '../core/alerts/batch.ts';

/** A payload of the wrong shape for its endpoint: the message names the field and what was expected. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

export interface ReadContext {
  /** relevo.yaml `monitors[].id` of the sender the token identified. */
  monitorId: string;
  /** When Relevo received it: the start of an alert whose sender gives none. */
  receivedAt: Date;
}

/**
 * A delivery read: the batch to apply, and `dedupe`, the text a retry of the same delivery repeats exactly
 * (its hash is the inbox key), so a retry is stored once. Or a delivery that carries no alert state (a
 * sender's "test" button, Uptime Kuma's pending beat): answered 2xx, nothing stored, `ignored` says why.
 */
export type ReadResult = { batch: AlertBatch; dedupe: string } | { ignored: string };

export type SourceReader = (payload: unknown, ctx: ReadContext) => ReadResult;

export type Json = Record<string, unknown>;

export function object(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PayloadError(`${where}: expected an object`);
  }
  return value as Json;
}

export function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new PayloadError(`${where}: expected an array`);
  return value;
}

export function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${where}: expected a string`);
  return value;
}

/** A string, or a number senders sometimes send for ids; absent or empty → undefined. */
export function optionalText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value, where);
}

export function status(value: unknown, where: string): AlertStatus {
  if (value === 'firing' || value === 'resolved') return value;
  throw new PayloadError(`${where}: expected "firing" or "resolved"`);
}

/**
 * Labels and annotations: string values. Numbers and booleans are kept as their text (some senders send
 * them); anything else is refused by name. Markup stays text: rendering escapes it (the chat side).
 */
export function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const o = object(value, where);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new PayloadError(`${where}.${k}: expected a string`);
  }
  return out;
}

/**
 * A time, or null for absent and for Go's zero time (`0001-01-01T00:00:00Z`), which Alertmanager and
 * Grafana send as the end of an alert still firing.
 */
export function time(value: unknown, where: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const s = text(value, where);
  if (s.startsWith('0001-01-01')) return null;
  const d = new Date(s);
  if (Number.isNaN(d.getTime()))
    throw new PayloadError(`${where}: expected an RFC 3339 time, got "${s.slice(0, 40)}"`);
  return d;
}

/** An http(s) address worth linking; anything else (empty, javascript:) is left out, never an error. */
export function link(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return undefined;
  return value;
}

/** The links object without its empty entries. */
export function links(l: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => Boolean(e[1])));
}

/** The labels every alert carries with the same value (what Alertmanager calls commonLabels). */
export function commonOf(maps: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

export const sourceName: Record<AlertSource, string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  'uptime-kuma': 'Uptime Kuma',
  zabbix: 'Zabbix',
  generic: 'generic',
};
