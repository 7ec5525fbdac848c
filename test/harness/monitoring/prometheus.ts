// A throw-away Prometheus (Debian's prometheus, 2.42) evaluating alerting rules the test writes and
// sending them to one Alertmanager. Rules fire on a gauge the harness serves itself, so a test can make
// an alert fire and resolve at will: Prometheus scrapes
//   relevo_test_firing{relevo_rule="<alert>", <series labels>} 1|0
// every second, and each rule's expression is
//   max without (instance, job, relevo_rule) (relevo_test_firing{relevo_rule="<alert>"}) > 0
// so the alert's labels are exactly alertname, the rule's labels and the series labels (no instance
// port that changes from run to run). setFiring(alert, false) turns the gauge to 0, the rule stops
// matching, and Prometheus sends the alert resolved.
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { apiJson, type Daemon, HOST, requireBinary, startDaemon } from './daemon.ts';

const PROMETHEUS_BIN = process.env.RELEVO_PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const METRIC = 'relevo_test_firing';
const RULE_LABEL = 'relevo_rule';

export interface RuleSpec {
  /** The alert name (a Prometheus metric name: letters, digits, '_' and ':'). */
  alert: string;
  labels?: Record<string, string>;
  /** May use Prometheus templating, e.g. '{{ $labels.host }} is down'. */
  annotations?: Record<string, string>;
  /** Whether the initial series fires (default true). Ignored with `expr`. */
  firing?: boolean;
  /**
   * The series that exist from the start, each one alert of the group (default one series with no
   * extra labels). More can be added later by setFiring with new labels.
   */
  series?: Record<string, string>[];
  /** Any PromQL instead of the controllable gauge (e.g. 'vector(1) > 0'); setFiring cannot change it. */
  expr?: string;
  /** The rule's `for` (default 0s: fire on the first evaluation). */
  for?: string;
}

export interface PrometheusOptions {
  /** The Alertmanager's base URL, e.g. startAlertmanager(...).url. */
  alertmanagerUrl: string;
  rules: RuleSpec[];
  /** Scrape and rule evaluation interval (default 1s). */
  interval?: string;
}

/** An alert as GET /api/v1/alerts returns it (Prometheus's own view). */
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface Prometheus extends Daemon {
  configPath: string;
  rulesPath: string;
  /** The gauge endpoint Prometheus scrapes (served by this test process). */
  metricsUrl: string;
  /**
   * Makes one series of a rule fire (gauge 1) or stop firing (gauge 0); `labels` picks the series
   * (default: the series with no extra labels). Prometheus notices within one interval.
   */
  setFiring(alert: string, firing: boolean, labels?: Record<string, string>): void;
  /** GET /api/v1/alerts: the alerts Prometheus currently holds pending or firing. */
  alerts(): Promise<PromAlert[]>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export async function startPrometheus(opts: PrometheusOptions): Promise<Prometheus> {
  requireBinary(PROMETHEUS_BIN, 'prometheus');
  for (const r of opts.rules) {
    if (!NAME.test(r.alert)) throw new Error(`startPrometheus: '${r.alert}' is not a valid alert name`);
  }
  const controlled = new Set(opts.rules.filter((r) => !r.expr).map((r) => r.alert));
  const gauge = new Gauge();
  for (const r of opts.rules) {
    if (r.expr) continue;
    for (const s of r.series ?? [{}]) gauge.set(r.alert, s, r.firing ?? true);
  }
  const metrics = await serveMetrics(gauge);
  const interval = opts.interval ?? '1s';
  let configPath = '';
  let rulesPath = '';
  try {
    const daemon = await startDaemon({
      name: 'prometheus',
      bin: PROMETHEUS_BIN,
      prepare: async (dir) => {
        configPath = path.join(dir, 'prometheus.yml');
        rulesPath = path.join(dir, 'rules.yml');
        // JSON is YAML: no YAML writer, no escaping of our own.
        await writeFile(rulesPath, `${JSON.stringify(rulesFile(opts.rules, interval), null, 2)}\n`);
        await writeFile(
          configPath,
          `${JSON.stringify(prometheusConfig(opts, interval, metrics.target, rulesPath), null, 2)}\n`,
        );
      },
      args: (dir, port) => [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=${HOST}:${port}`,
        // The alerts' generatorURL; otherwise it is built from the host name.
        `--web.external-url=http://${HOST}:${port}`,
        // Re-send firing alerts to Alertmanager every second rather than every minute, so a restarted or
        // late Alertmanager learns of them at once.
        '--rules.alert.resend-delay=1s',
      ],
    });
    const stopDaemon = daemon.stop;
    let stopping: Promise<void> | undefined;
    return {
      ...daemon,
      configPath,
      rulesPath,
      metricsUrl: `http://${metrics.target}/metrics`,
      setFiring: (alert, firing, labels = {}) => {
        if (!controlled.has(alert)) {
          throw new Error(
            `setFiring: no rule '${alert}' on the harness gauge (unknown, or it has its own expr)`,
          );
        }
        gauge.set(alert, labels, firing);
      },
      alerts: async () =>
        (await apiJson<{ data: { alerts: PromAlert[] } }>(`${daemon.url}/api/v1/alerts`)).data.alerts,
      stop: () => {
        stopping ??= (async () => {
          await stopDaemon();
          await metrics.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await metrics.close();
    throw err;
  }
}

/** The controllable gauge: one value per (rule, series labels). */
class Gauge {
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();

  set(alert: string, labels: Record<string, string>, firing: boolean): void {
    for (const name of Object.keys(labels)) {
      if (!LABEL_NAME.test(name) || name.startsWith('__') || name === RULE_LABEL) {
        throw new Error(`setFiring: '${name}' cannot be a series label`);
      }
    }
    const all = { [RULE_LABEL]: alert, ...labels };
    const key = JSON.stringify(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
    this.series.set(key, { labels: all, value: firing ? 1 : 0 });
  }

  /** Text exposition format 0.0.4. */
  render(): string {
    const lines = [`# HELP ${METRIC} 1 while the test wants the alert to fire.`, `# TYPE ${METRIC} gauge`];
    for (const { labels, value } of this.series.values()) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      lines.push(`${METRIC}{${text}} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

async function serveMetrics(gauge: Gauge): Promise<{ target: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(gauge.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  // Prometheus keeps its scrape connection alive; without this close() would wait for it.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    target: `${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function promql(value: string): string {
  // PromQL double-quoted strings take Go's escapes, which JSON's are a subset of.
  return JSON.stringify(value);
}

function rulesFile(rules: RuleSpec[], interval: string) {
  return {
    groups: [
      {
        name: 'relevo-test',
        interval,
        rules: rules.map((r) => ({
          alert: r.alert,
          expr:
            r.expr ??
            `max without (instance, job, ${RULE_LABEL}) (${METRIC}{${RULE_LABEL}=${promql(r.alert)}}) > 0`,
          for: r.for ?? '0s',
          labels: r.labels ?? {},
          annotations: r.annotations ?? {},
        })),
      },
    ],
  };
}

function prometheusConfig(o: PrometheusOptions, interval: string, target: string, rulesPath: string) {
  const am = new URL(o.alertmanagerUrl);
  return {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: [rulesPath],
    alerting: {
      alertmanagers: [
        {
          scheme: am.protocol.replace(':', ''),
          path_prefix: am.pathname === '/' ? '' : am.pathname,
          api_version: 'v2',
          static_configs: [{ targets: [am.host] }],
        },
      ],
    },
    scrape_configs: [{ job_name: 'relevo-test', static_configs: [{ targets: [target] }] }],
  };
}
