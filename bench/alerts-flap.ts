// A flapping alert group (issue 14): one change a second for a minute — its only alert firing, then
// resolved, then firing again — delivered the way the webhook's inbox handler applies deliveries, against
// a Relevo on the in-memory chat platform whose adapter paces like Slack's (burst 4, then 1 a second per
// channel, adapters/slack/adapter.ts). Prints the changes beside the chat posts and edits they caused,
// twice: with the edit spacing off (the outbox's coalescing and the pacer alone: the baseline) and with
// the product's default (one edit per message per 10 s at most, core/alerts/message-sync.ts).
//
//   npx tsx bench/alerts-flap.ts          # BENCH_FLAP_SECONDS=60 (one change each second)

import pino from 'pino';
import { ChannelPacer } from '../adapters/kit/pacer.ts';
import { createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { ALERT_EDIT_GAP_MS } from '../src/core/alerts/message-sync.ts';
import type { ChatAdapter } from '../src/core/ports.ts';
import { testConfigYaml } from '../test/fixtures/config.ts';
import { alertBatch, alertsYaml, deliverAlerts } from '../test/harness/alerts.ts';
import { MemoryPlatform } from '../test/harness/memory-platform.ts';
import { environmentLine } from './lib/stats.ts';

const MONITOR = 'mem-monitor';

/** Relevo on in-memory PGlite with the in-memory chat platform's monitor channel (the test harness needs vitest). */
async function startRelevo(gapMs: number) {
  const chat = new MemoryPlatform({ channels: [{ id: MONITOR, kind: 'monitor' }], people: {} });
  const app = await createApp({
    env: parseEnv({
      RELEVO_DATA_DIR: 'memory://',
      PORT: '0',
      RELEVO_API_TOKEN: 'bench-token-0123456789',
      LOG_LEVEL: 'silent',
    }),
    config: parseConfigFile(testConfigYaml + alertsYaml, 'bench config'),
    logger: pino({ level: 'silent' }),
    pollMs: 250,
    alertEditGapMs: gapMs,
    modules: [chat.module],
  });
  await app.listen();
  return { app, chat, stop: () => app.stop() };
}

const SECONDS = Number(process.env.BENCH_FLAP_SECONDS ?? 60);

interface Run {
  label: string;
  changes: number;
  posts: number;
  edits: number;
  /** How long after the last change the message showed it. */
  settledMs: number;
  lastShown: string;
}

async function run(label: string, gapMs: number): Promise<Run> {
  const m = await startRelevo(gapMs);
  try {
    const app = m.app;
    const inner = app.adapters.get('memory') as ChatAdapter;
    const pacer = new ChannelPacer({ burst: 4, perSecond: 1 });
    const calls = { posts: 0, edits: 0 };
    app.adapters.set('memory', {
      ...inner,
      platform: inner.platform,
      capabilities: inner.capabilities,
      start: () => inner.start(),
      stop: () => inner.stop(),
      post: async (target, message, key) => {
        await pacer.take(target.channel);
        calls.posts++;
        return inner.post(target, message, key);
      },
      update: async (ref, message) => {
        await pacer.take(MONITOR);
        calls.edits++;
        return inner.update(ref, message);
      },
      threadOf: (ref) => inner.threadOf?.(ref) ?? { channel: MONITOR },
    });
    const group = {
      groupKey: 'flap',
      title: 'Flapping',
      groupLabels: { alertname: 'Flapping', customer: 'globex' },
    };
    let changes = 0;
    const start = Date.now();
    let last: 'firing' | 'resolved' = 'firing';
    for (let i = 0; i < SECONDS; i++) {
      // Open loop: the i-th change at i seconds, whatever the previous one cost.
      const wait = start + i * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      last = i % 2 === 0 ? 'firing' : 'resolved';
      const applied = await deliverAlerts(
        app,
        alertBatch({
          ...group,
          alerts: [{ fingerprint: 'x', status: last, labels: { severity: 'warning' } }],
        }),
      );
      if (applied.changed) changes++;
    }
    const endedAt = Date.now();
    const want = last === 'firing' ? '🔥 Flapping' : '✅ Flapping';
    const shown = () =>
      m.chat.seen(MONITOR).find((x) => x.message.title?.endsWith('Flapping'))?.message.title;
    // The last change must reach chat: within the gap plus the outbox's poll.
    while (shown() !== want && Date.now() - endedAt < gapMs + 30_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const settledMs = Date.now() - endedAt;
    return { label, changes, ...calls, settledMs, lastShown: shown() ?? '(nothing)' };
  } finally {
    await m.stop();
  }
}

const runs = [
  await run('spacing off (coalescing + pacer only)', 0),
  await run(`spacing ${ALERT_EDIT_GAP_MS / 1000} s (default)`, ALERT_EDIT_GAP_MS),
];
console.log(environmentLine());
console.log(
  `A group flapping once a second for ${SECONDS} s, one monitor channel (Slack's pace: burst 4, 1/s):`,
);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(40)} changes ${String(r.changes).padStart(3)}  posts ${r.posts}  edits ${String(r.edits).padStart(3)}  edits/changes ${(r.edits / r.changes).toFixed(2)}  last state shown ${(r.settledMs / 1000).toFixed(1)} s after the last change (${r.lastShown})`,
  );
}
