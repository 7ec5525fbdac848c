// A real crash: `relevo start` is killed with SIGKILL right after it acknowledged web chat messages, then
// started again on the same PGlite directory. Every acknowledged message must become exactly one ticket,
// acknowledged exactly once — the message and its inbound event commit before the 202.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { freePort, healthy, exited as killed, startRelevo as spawnRelevo } from '../harness/process.ts';

const TOKEN = 'crash-test-token-0123456789';

const startRelevo = (dataDir: string, port: number) =>
  spawnRelevo({ PORT: String(port), RELEVO_DATA_DIR: dataDir, RELEVO_API_TOKEN: TOKEN });

describe('crash safety (PGlite, real process)', () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(killed));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged web chat message through kill -9, and processes it exactly once', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relevo-crash-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;

    const first = startRelevo(dataDir, port);
    children.push(first);
    await healthy(base, first);

    // Several customers write at once; the process dies the moment the last 202 arrives, while the
    // inbox is still turning those messages into tickets.
    const customers = Array.from({ length: 6 }, () => new Client(base));
    await Promise.all(
      customers.map((c, i) =>
        c.post('/webchat/api/session', { name: `Customer ${i}`, email: `crash${i}@acme.example` }),
      ),
    );
    const answers = await Promise.all(
      customers.map((c, i) =>
        c.post('/webchat/api/messages', {
          text: `Crash test report ${i}: the invoice export fails`,
          clientId: `crash-client-${i}`,
        }),
      ),
    );
    first.kill('SIGKILL');
    expect(answers.map((a) => a.status)).toEqual(customers.map(() => 202));
    await killed(first);

    const second = startRelevo(dataDir, port);
    children.push(second);
    await healthy(base, second);

    const agent = agentClient(base, TOKEN);
    const tickets = await eventually(
      async () => {
        const res = await agent.get('/api/v1/tickets?limit=100');
        const items = (res.body?.tickets ?? []) as { number: number; subject: string }[];
        const ours = items.filter((t) => t.subject.startsWith('Crash test report'));
        return ours.length >= customers.length ? ours : undefined;
      },
      'a ticket for every acknowledged message',
      30_000,
    );
    const subjects = tickets.map((t) => t.subject).sort();
    expect(subjects).toEqual(
      customers.map((_, i) => `Crash test report ${i}: the invoice export fails`).sort(),
    );

    // Each customer sees their own message once and exactly one acknowledgement with its number.
    for (const [i, c] of customers.entries()) {
      const history = await eventually(
        async () => {
          const res = await c.get('/webchat/api/messages');
          const msgs = (res.body.messages as { authorKind: string; message: { text: string } }[]).map(
            (m) => ({
              authorKind: m.authorKind,
              text: m.message.text,
            }),
          );
          return msgs.some((m) => m.authorKind === 'relevo' && /#\d+/.test(m.text)) ? msgs : undefined;
        },
        `the acknowledgement for customer ${i}`,
        15_000,
      );
      expect(history.filter((m) => m.authorKind === 'customer')).toHaveLength(1);
      expect(history.filter((m) => m.authorKind === 'relevo' && /#\d+/.test(m.text))).toHaveLength(1);
    }

    // A clean shutdown on SIGTERM still works after the crash and restart.
    second.kill('SIGTERM');
    await killed(second);
    expect(second.exitCode).toBe(0);
  }, 120_000);
});
