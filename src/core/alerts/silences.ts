// Silences made from chat. Alertmanager's API v2 takes them (api/v2/openapi.yaml in
// prometheus/alertmanager: `POST /api/v2/silences` with a postableSilence — matchers
// [{name, value, isRegex, isEqual}], startsAt, endsAt, createdBy, comment, all required but isEqual —
// answered 200 `{ silenceID }`). The group's labels are the matchers: exactly what Alertmanager grouped
// by, so the silence covers this group and nothing wider. Other sources have no such API: the agent gets
// the source's own silence page where it gave one (Grafana's silenceURL), or is told what to do.
import { UserError } from '../errors.ts';

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** The longest silence accepted from chat: a forgotten one hides real trouble. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

/**
 * "2h", "1d", "1w", "2h30m", "90m" → milliseconds; undefined when it is not such a duration.
 *
 * @example parseSilenceDuration('2h30m') // 9_000_000
 */
export function parseSilenceDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+[mhdw])+$/.test(compact)) return undefined;
  let ms = 0;
  for (const [, n, unit] of compact.matchAll(/(\d+)([mhdw])/g))
    ms += Number(n) * (UNIT_MS[unit as string] ?? 0);
  return ms > 0 ? ms : undefined;
}

export interface SilenceRequest {
  /** Alertmanager's address: relevo.yaml monitors[].url, else the group's externalURL. */
  baseUrl: string;
  matchers: Record<string, string>;
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** Creates the silence; returns its id. Failures are UserErrors that say what the agent can do. */
export async function createAlertmanagerSilence(
  req: SilenceRequest,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const url = `${req.baseUrl.replace(/\/+$/, '')}/api/v2/silences`;
  const body = {
    // Sorted by name: the stored labels come back in PostgreSQL's jsonb order, not the sender's.
    matchers: Object.entries(req.matchers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({
        name,
        value,
        isRegex: false,
        isEqual: true,
      })),
    startsAt: req.startsAt.toISOString(),
    endsAt: req.endsAt.toISOString(),
    createdBy: req.createdBy,
    comment: req.comment,
  };
  const failed = (why: string) =>
    new UserError(
      {
        en: `Alertmanager at ${req.baseUrl} did not create the silence (${why}). Check monitors[].url in relevo.yaml points at an Alertmanager Relevo can reach, or silence it in Alertmanager's own page.`,
        es: `Alertmanager en ${req.baseUrl} no creó el silencio (${why}). Compruebe que monitors[].url en relevo.yaml apunta a un Alertmanager al que Relevo llega, o silencie desde la página del propio Alertmanager.`,
      },
      503,
      'silence_failed',
    );
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    throw failed(err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  if (!res.ok) throw failed(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  let id: unknown;
  try {
    id = (JSON.parse(text) as { silenceID?: unknown }).silenceID;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || !id) throw failed('its answer carried no silenceID');
  return id;
}
