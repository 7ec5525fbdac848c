// Prometheus metrics for one app instance: its own Registry (tests run several apps in one process), the
// default process metrics, counters and histograms the workers and adapters feed through the Metrics port,
// and gauges read from the database at scrape time, so every instance reports the same shared queues.
// Labels are platform names, fixed outcomes and ticket statuses: never ids, emails or channels.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryOutcome, Logger, Metrics } from '../core/ports.ts';
import { statuses } from '../core/tickets/lifecycle.ts';
import type { Db } from '../db/index.ts';

/** Slack and Discord give up after 3 s: the buckets around it show how close acks come. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

interface QueueSnapshot {
  inboxDepth: number;
  inboxFailing: number;
  inboxOldestAge: number;
  outboxDepth: number;
  outboxOldestAge: number;
  /** Dead items by platform: every platform with pending or dead items, 0 included. */
  outboxDead: Map<string, number>;
  tickets: Map<string, number>;
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'platform' | 'outcome'>;
  private readonly deadLetters: Counter<'platform' | 'code'>;
  /** Platforms this instance delivered to: their dead gauge reads 0 rather than nothing. */
  private readonly platforms = new Set<string>();
  private readonly acks: Histogram<'platform' | 'via'>;
  private readonly rateLimits: Counter<'platform' | 'scope'>;
  private loading?: Promise<QueueSnapshot | undefined>;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {
    const registers = [this.registry];
    // Several registries in one process each get their own collectors: harmless, and tests need it.
    collectDefaultMetrics({ register: this.registry });
    this.deliveries = new Counter({
      name: 'relevo_deliveries_total',
      help: 'Outbox delivery attempts by platform and outcome (delivered, failed and retried, dead after the last attempt).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'relevo_dead_letters_total',
      help: 'Outbox items given up, by the platform that failed and why (code: unreachable, timeout, server_error, rate_limited, temporary, unauthorized, forbidden, channel_unavailable, message_invalid, message_gone, recipient_refused, refused, unexpected).',
      labelNames: ['platform', 'code'],
      registers,
    });
    this.acks = new Histogram({
      name: 'relevo_ack_latency_seconds',
      help: 'Time from a platform request arriving to Relevo acknowledging it once stored (web chat 202, Slack ack, SMTP 250, IMAP message stored).',
      labelNames: ['platform', 'via'],
      buckets: ACK_BUCKETS,
      registers,
    });
    this.rateLimits = new Counter({
      name: 'relevo_rate_limited_total',
      help: 'Requests a platform answered with a rate limit (Discord 429), by scope (route, global, shared): Relevo waited before going on.',
      labelNames: ['platform', 'scope'],
      registers,
    });
    const snapshot = () => this.snapshot();
    const gauge = (name: string, help: string, read: (s: QueueSnapshot) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const s = await snapshot();
          // Unknown is no sample (a reset gauge would read 0: an empty queue); relevo_database_up says why.
          if (s) this.set(read(s));
          else this.remove({});
        },
      });
    gauge('relevo_inbox_depth', 'Inbound events stored but not processed yet.', (s) => s.inboxDepth);
    gauge(
      'relevo_inbox_failing',
      'Inbound events not processed yet that failed at least once (retrying, or given up).',
      (s) => s.inboxFailing,
    );
    gauge(
      'relevo_inbox_oldest_age_seconds',
      'Age of the oldest inbound event not processed yet (0 when none).',
      (s) => s.inboxOldestAge,
    );
    gauge('relevo_outbox_depth', 'Outbox items waiting to be delivered (pending).', (s) => s.outboxDepth);
    gauge(
      'relevo_outbox_oldest_age_seconds',
      'Age of the oldest pending outbox item (0 when none).',
      (s) => s.outboxOldestAge,
    );
    const platforms = this.platforms;
    new Gauge({
      name: 'relevo_outbox_dead',
      help: 'Outbox items given up (dead letters) now in the database, by platform; one going to a customer on two platforms counts on both.',
      labelNames: ['platform'],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        if (!s) return;
        for (const platform of new Set([...platforms, ...s.outboxDead.keys()])) {
          this.set({ platform }, s.outboxDead.get(platform) ?? 0);
        }
      },
    });
    new Gauge({
      name: 'relevo_tickets',
      help: 'Tickets by status.',
      labelNames: ['status'],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        if (!s) return;
        for (const status of statuses) this.set({ status }, s.tickets.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'relevo_database_up',
      help: 'Whether the last scrape could read the database (1) or not (0).',
      registers,
      async collect() {
        this.set((await snapshot()) ? 1 : 0);
      },
    });
  }

  delivery(platform: string, outcome: DeliveryOutcome): void {
    if (platform !== 'none') this.platforms.add(platform);
    this.deliveries.inc({ platform, outcome });
  }

  deadLetter(platform: string, code: string): void {
    this.deadLetters.inc({ platform, code });
  }

  ackLatency(platform: string, via: string, seconds: number): void {
    this.acks.observe({ platform, via }, seconds);
  }

  rateLimited(platform: string, scope: string): void {
    this.rateLimits.inc({ platform, scope });
  }

  /** The scrape in Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One set of queries per scrape, shared by every gauge collecting it (they collect concurrently). */
  private snapshot(): Promise<QueueSnapshot | undefined> {
    this.loading ??= this.load()
      .catch((err: unknown) => {
        this.log.warn({ err }, 'metrics: could not read the queues from the database');
        return undefined;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async load(): Promise<QueueSnapshot> {
    // Ages use the database's clock, like the workers' scheduling; never below 0 (client-side timestamps).
    const [queues] = await this.db.$queryRaw<
      {
        inbox_depth: bigint;
        inbox_failing: bigint;
        inbox_age: number | null;
        outbox_depth: bigint;
        outbox_age: number | null;
      }[]
    >`
      SELECT i.depth AS inbox_depth, i.failing AS inbox_failing, i.age AS inbox_age,
             o.depth AS outbox_depth, o.age AS outbox_age
      FROM (SELECT count(*) AS depth, count(*) FILTER (WHERE attempts > 0) AS failing,
                   extract(epoch FROM now() - min("receivedAt"))::float8 AS age
            FROM "InboundEvent" WHERE "processedAt" IS NULL) i,
           (SELECT count(*) AS depth, extract(epoch FROM now() - min("createdAt"))::float8 AS age
            FROM "OutboxItem" WHERE status = 'pending') o`;
    // An item's platform column may name several (a customer on two platforms); rows older than the column
    // name theirs in the payload.
    const dead = await this.db.$queryRaw<{ platform: string; dead: bigint }[]>`
      SELECT p AS platform, count(*) FILTER (WHERE o.status = 'dead') AS dead
      FROM "OutboxItem" o,
           unnest(string_to_array(coalesce(o.platform, o.payload->>'platform', 'none'), ',')) AS p
      WHERE o.status IN ('pending', 'dead') GROUP BY p`;
    const tickets = await this.db.$queryRaw<{ status: string; n: bigint }[]>`
      SELECT status::text AS status, count(*) AS n FROM "Ticket" GROUP BY status`;
    const age = (v: number | null | undefined) => Math.max(0, Number(v ?? 0));
    return {
      inboxDepth: Number(queues?.inbox_depth ?? 0),
      inboxFailing: Number(queues?.inbox_failing ?? 0),
      inboxOldestAge: age(queues?.inbox_age),
      outboxDepth: Number(queues?.outbox_depth ?? 0),
      outboxOldestAge: age(queues?.outbox_age),
      outboxDead: new Map(dead.map((d) => [d.platform, Number(d.dead)])),
      tickets: new Map(tickets.map((t) => [t.status, Number(t.n)])),
    };
  }
}
