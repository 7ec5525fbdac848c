// Which configured monitor sent a webhook: the secret it presents — `Authorization: Bearer <token>`, or
// HTTP basic auth with the token as password for senders that only do that (Uptime Kuma, old Grafanas) —
// compared in constant time with every monitor of the endpoint's source (several may share a source).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { AlertSource } from '../core/alerts/batch.ts';
import type { Monitor } from './tokens.ts';

/** Equal secrets, compared in constant time (hashed first, so their lengths tell nothing either). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The secret an Authorization header carries, if it carries one in a form Relevo reads. */
export function presentedSecret(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** The monitor of `source` whose token is `secret`; every candidate is compared, so timing tells nothing. */
export function monitorFor(
  monitors: readonly Monitor[],
  source: AlertSource,
  secret: string | undefined,
): Monitor | undefined {
  if (secret === undefined) return undefined;
  let found: Monitor | undefined;
  for (const m of monitors) {
    if (m.source === source && sameSecret(secret, m.token) && !found) found = m;
  }
  return found;
}
