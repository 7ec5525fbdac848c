// A throw-away Alertmanager (Debian's prometheus-alertmanager, 0.25) delivering one receiver's webhook
// to a URL the test names, with a bearer token (or basic auth), plus the API v2 calls a test needs to
// see what Alertmanager itself believes: its silences and its alerts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiJson, type Daemon, HOST, requireBinary, startDaemon } from './daemon.ts';

const ALERTMANAGER_BIN = process.env.RELEVO_ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerOptions {
  /** Where the webhook receiver posts (Relevo's POST /hooks/alertmanager, or a test sink). */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` (http_config.authorization). */
  bearerToken?: string;
  /** Sent as basic auth instead, for senders that only support that. */
  basicAuth?: { username: string; password: string };
  /** Durations in Alertmanager's syntax. Defaults are short so a test sees a notification in seconds. */
  groupWait?: string;
  groupInterval?: string;
  /** Long by default: a test should see a repeat only when it asks for one. */
  repeatInterval?: string;
  /** Only for alerts sent without endsAt; Prometheus always sends one, so rarely matters. */
  resolveTimeout?: string;
  /** Labels that make one group (one webhook per group); default ['alertname']. */
  groupBy?: string[];
  /** webhook_configs max_alerts: 0 (the default) sends every alert of the group. */
  maxAlerts?: number;
  sendResolved?: boolean;
}

export interface Matcher {
  name: string;
  value: string;
  isRegex?: boolean;
  isEqual?: boolean;
}

/** A silence as GET /api/v2/silences returns it. */
export interface Silence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  matchers: Required<Matcher>[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
}

/** An alert as GET /api/v2/alerts returns it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface Alertmanager extends Daemon {
  /** The --web.external-url it was given (its webhook's `externalURL`): equal to `url`. */
  externalUrl: string;
  configPath: string;
  /** GET /api/v2/silences: every silence, expired ones included. */
  silences(): Promise<Silence[]>;
  /** GET /api/v2/alerts; by default active, silenced and inhibited alerts alike. */
  alerts(filter?: { active?: boolean; silenced?: boolean; inhibited?: boolean }): Promise<AmAlert[]>;
  /** POST /api/v2/silences for these matchers (a label map means exact, equal matchers); resolves its id. */
  createSilence(s: {
    matchers: Record<string, string> | Matcher[];
    durationMs?: number;
    createdBy?: string;
    comment?: string;
  }): Promise<string>;
  /** DELETE /api/v2/silence/{id}: the silence turns `expired` (Alertmanager never forgets it at once). */
  expireSilence(id: string): Promise<void>;
}

export const RECEIVER = 'relevo';

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<Alertmanager> {
  requireBinary(ALERTMANAGER_BIN, 'prometheus-alertmanager');
  let configPath = '';
  const daemon = await startDaemon({
    name: 'alertmanager',
    bin: ALERTMANAGER_BIN,
    prepare: async (dir) => {
      configPath = path.join(dir, 'alertmanager.yml');
      // JSON is YAML, so the config needs no YAML writer and no escaping of its own.
      await writeFile(configPath, `${JSON.stringify(alertmanagerConfig(opts), null, 2)}\n`);
    },
    args: (dir, port) => [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${HOST}:${port}`,
      // The webhook's externalURL and the links in it; otherwise it is built from the host name.
      `--web.external-url=http://${HOST}:${port}`,
      // Empty turns clustering off: otherwise it binds 0.0.0.0:9094 (clashing with any other instance)
      // and waits for the gossip to settle before its first notification.
      '--cluster.listen-address=',
      // Debug logs say when a notification was sent or failed, which is what a failing test needs.
      '--log.level=debug',
    ],
  });
  const api = `${daemon.url}/api/v2`;
  return {
    ...daemon,
    externalUrl: daemon.url,
    configPath,
    silences: () => apiJson<Silence[]>(`${api}/silences`),
    alerts: (filter = {}) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(filter)) q.set(k, String(v));
      const query = q.toString();
      return apiJson<AmAlert[]>(`${api}/alerts${query ? `?${query}` : ''}`);
    },
    createSilence: async (s) => {
      const matchers = Array.isArray(s.matchers)
        ? s.matchers.map((m) => ({ isRegex: false, isEqual: true, ...m }))
        : Object.entries(s.matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
      const now = Date.now();
      const res = await apiJson<{ silenceID: string }>(`${api}/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers,
          startsAt: new Date(now).toISOString(),
          endsAt: new Date(now + (s.durationMs ?? 3_600_000)).toISOString(),
          createdBy: s.createdBy ?? 'relevo-test',
          comment: s.comment ?? 'created by the monitoring test harness',
        }),
      });
      return res.silenceID;
    },
    expireSilence: async (id) => {
      await apiJson(`${api}/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
  };
}

function alertmanagerConfig(o: AlertmanagerOptions) {
  const httpConfig = o.basicAuth
    ? { basic_auth: { username: o.basicAuth.username, password: o.basicAuth.password } }
    : o.bearerToken
      ? { authorization: { type: 'Bearer', credentials: o.bearerToken } }
      : {};
  return {
    global: { resolve_timeout: o.resolveTimeout ?? '10s' },
    route: {
      receiver: RECEIVER,
      group_by: o.groupBy ?? ['alertname'],
      group_wait: o.groupWait ?? '1s',
      group_interval: o.groupInterval ?? '1s',
      repeat_interval: o.repeatInterval ?? '1h',
    },
    receivers: [
      {
        name: RECEIVER,
        webhook_configs: [
          {
            url: o.webhookUrl,
            send_resolved: o.sendResolved ?? true,
            max_alerts: o.maxAlerts ?? 0,
            http_config: httpConfig,
          },
        ],
      },
    ],
  };
}
