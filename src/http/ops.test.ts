// The readiness verdict and the metrics' behaviour when the database does not answer, without an app.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/index.ts';
import { PrometheusMetrics } from './metrics.ts';
import { checkReadiness } from './ops-routes.ts';

const log = pino({ level: 'silent' });

describe('checkReadiness', () => {
  it('is ready only when every check passes, and names the ones that do not', async () => {
    expect(await checkReadiness({ database: () => 'ok', slack: async () => 'connected' }, log)).toEqual({
      ready: true,
      checks: { database: 'ok', slack: 'connected' },
      failing: [],
    });
    const verdict = await checkReadiness(
      {
        database: () => 'ok',
        migrations: async () => 'pending',
        slack: () => {
          throw new Error('boom');
        },
        imap: () => new Promise<string>(() => {}),
      },
      log,
      20,
    );
    expect(verdict).toEqual({
      ready: false,
      checks: { database: 'ok', migrations: 'pending', slack: 'error', imap: 'timeout' },
      failing: ['migrations', 'slack', 'imap'],
    });
  });
});

describe('PrometheusMetrics', () => {
  it('reads the database once per scrape, however many gauges use it', async () => {
    let queries = 0;
    const db = {
      $queryRaw: async (sql: TemplateStringsArray) => {
        queries++;
        const text = sql.join('');
        if (text.includes('unnest')) {
          return [
            { platform: 'slack', dead: 4n },
            { platform: 'email', dead: 0n },
          ];
        }
        return text.includes('"Ticket"')
          ? [{ status: 'open', n: 3n }]
          : [
              {
                inbox_depth: 2n,
                inbox_failing: 1n,
                inbox_age: 12.5,
                outbox_depth: 0n,
                outbox_age: null,
              },
            ];
      },
    } as unknown as Db;
    const metrics = new PrometheusMetrics(db, log);
    const { body } = await metrics.scrape();
    expect(queries).toBe(3);
    expect(body).toContain('relevo_inbox_depth 2\n');
    expect(body).toContain('relevo_inbox_failing 1\n');
    expect(body).toContain('relevo_inbox_oldest_age_seconds 12.5\n');
    expect(body).toContain('relevo_outbox_oldest_age_seconds 0\n');
    expect(body).toContain('relevo_outbox_dead{platform="slack"} 4\n');
    expect(body).toContain('relevo_outbox_dead{platform="email"} 0\n');
    expect(body).toContain('relevo_tickets{status="open"} 3\n');
    expect(body).toContain('relevo_tickets{status="closed"} 0\n');
    await metrics.scrape();
    expect(queries).toBe(6);
  });

  it('still serves process metrics when the database does not answer, with relevo_database_up 0', async () => {
    const db = { $queryRaw: async () => Promise.reject(new Error('connection refused')) } as unknown as Db;
    const metrics = new PrometheusMetrics(db, log);
    metrics.delivery('slack', 'failed');
    metrics.deadLetter('slack', 'unreachable');
    const { body } = await metrics.scrape();
    expect(body).toContain('relevo_database_up 0');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('relevo_deliveries_total{platform="slack",outcome="failed"} 1');
    expect(body).toContain('relevo_dead_letters_total{platform="slack",code="unreachable"} 1');
    // Unknown is no sample, not a 0 that would read as "nothing is dead".
    expect(body).not.toMatch(/^relevo_outbox_dead\{/m);
    expect(body).not.toMatch(/^relevo_inbox_depth /m);
    expect(body).not.toMatch(/^relevo_tickets\{/m);
  });
});
