// PostgreSQL settings for the embedded database, sized for a help desk on a small machine.
// PGlite's WebAssembly memory starts at 128 MiB (its minimum) and only grows; PostgreSQL's default
// shared_buffers (128 MB) alone outgrows it, which cost ~150 MB of resident memory for a cache a help
// desk's working set (tickets, events, a few thousand contacts) never fills. With these settings the
// whole database lives inside the initial 128 MiB. RELEVO_PGLITE_SETTINGS overrides any of them.

export const PGLITE_DEFAULTS: Record<string, string> = {
  shared_buffers: '16MB',
  // Per sort or hash: list queries sort small pages; 4MB is PostgreSQL's default and enough.
  work_mem: '4MB',
  // Index builds in migrations: small tables.
  maintenance_work_mem: '16MB',
  temp_buffers: '2MB',
};

/** Parses `name=value;name=value` (already validated by the environment schema). */
export function parsePgliteSettings(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** postgresql.conf lines: Relevo's defaults, then the operator's overrides. */
export function pgliteConf(overrides: Record<string, string> = {}): string[] {
  return Object.entries({ ...PGLITE_DEFAULTS, ...overrides }).map(
    ([k, v]) => `${k} = '${v.replace(/'/g, '')}'`,
  );
}
