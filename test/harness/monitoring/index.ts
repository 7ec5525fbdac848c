// The real Prometheus -> Alertmanager -> webhook loop for tests (issue 14). See README.md beside this file.
import { type Alertmanager, type AlertmanagerOptions, startAlertmanager } from './alertmanager.ts';
import { type Prometheus, type RuleSpec, startPrometheus } from './prometheus.ts';

export * from './alertmanager.ts';
export * from './prometheus.ts';
export * from './webhook-sink.ts';

export interface Monitoring {
  alertmanager: Alertmanager;
  prometheus: Prometheus;
  /** Stops both (Prometheus first, so it sends nothing to a stopped Alertmanager); safe to repeat. */
  stop(): Promise<void>;
}

/**
 * Alertmanager, then a Prometheus sending to it. Rules start firing at once (see RuleSpec.firing), so
 * the first webhook arrives a few seconds after this resolves.
 */
export async function startMonitoring(
  opts: AlertmanagerOptions & { rules: RuleSpec[] },
): Promise<Monitoring> {
  const { rules, ...amOptions } = opts;
  const alertmanager = await startAlertmanager(amOptions);
  let prometheus: Prometheus;
  try {
    prometheus = await startPrometheus({ alertmanagerUrl: alertmanager.url, rules });
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
  return {
    alertmanager,
    prometheus,
    stop: async () => {
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}
