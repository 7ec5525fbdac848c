// Three real `relevo start` processes on one PostgreSQL database, as a team runs Relevo behind a load
// balancer. A page on one instance hears what happens through another; a burst of customers spread over
// the three becomes exactly one ticket and one acknowledgement per acknowledged message, even when one
// instance is killed with SIGKILL in the middle of it.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noLimitsYaml } from '../fixtures/config.ts';
import { freshDatabase, type TestDatabase } from '../harness/databases.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { exited, freePort, healthy, root, startRelevo } from '../harness/process.ts';
import { type EventStream, openEventStream } from '../harness/sse.ts';

const TOKEN = 'instances-test-token-0123456789';

interface Instance {
  name: string;
  base: string;
  child: ChildProcess;
}

type Post = { authorKind: string; message: { text: string } };

describe('several instances on one PostgreSQL (real processes)', () => {
  let db: TestDatabase;
  let configFile = '';
  const instances: Instance[] = [];
  const streams: EventStream[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgresql');
    // The demo configuration, with the rate limits out of the way: the burst below comes from one address.
    const dir = await mkdtemp(path.join(tmpdir(), 'relevo-instances-'));
    configFile = path.join(dir, 'relevo.yaml');
    await writeFile(
      configFile,
      (await readFile(path.join(root, 'src/config/demo.yaml'), 'utf8')) + noLimitsYaml,
    );
    // Started together: migrations and the directory sync must cope with each other.
    for (const name of ['A', 'B', 'C']) {
      const port = await freePort();
      const child = startRelevo({
        PORT: String(port),
        DATABASE_URL: db.env.DATABASE_URL ?? '',
        RELEVO_DATA_DIR: 'memory://',
        RELEVO_API_TOKEN: TOKEN,
        RELEVO_CONFIG: configFile,
      });
      instances.push({ name, base: `http://127.0.0.1:${port}`, child });
    }
    await Promise.all(instances.map((i) => healthy(i.base, i.child, 120_000)));
  }, 180_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const i of instances) i.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => exited(i.child)));
    await db?.drop();
    if (configFile) await rm(path.dirname(configFile), { recursive: true, force: true });
  });

  const at = (n: number) => () => instances[n] as Instance;
  const [a, b, c] = [at(0), at(1), at(2)];

  it('pushes a message posted through one instance to pages open on the others', async () => {
    const agentFeed = await openEventStream(`${b().base}/console/api/stream`, {
      authorization: `Bearer ${TOKEN}`,
    });
    streams.push(agentFeed);
    const customer = new Client(a().base);
    expect(
      (await customer.post('/webchat/api/session', { name: 'Live Lucía', email: 'lucia@acme.com' })).status,
    ).toBe(200);
    // The customer's own page is served by a third instance.
    const customerPage = await openEventStream(`${c().base}/webchat/api/stream`, {
      cookie: customer.cookieHeader(),
    });
    streams.push(customerPage);

    const sent = await customer.post('/webchat/api/messages', {
      text: 'The export to CSV is empty since this morning',
      clientId: 'live-message-1',
    });
    expect(sent.status).toBe(202);

    // The customer's page on C shows their own message, then Relevo's acknowledgement with the number.
    await customerPage.waitFor(
      (e) => e.event === 'post' && (e.data as Post).message.text.includes('export to CSV'),
      'the customer’s message on instance C',
    );
    const ack = await customerPage.waitFor(
      (e) =>
        e.event === 'post' &&
        (e.data as Post).authorKind === 'relevo' &&
        /#\d+/.test((e.data as Post).message.text),
      'the acknowledgement on instance C',
    );
    const number = Number(/#(\d+)/.exec((ack.data as Post).message.text)?.[1]);
    // The console on B gets the ticket's change and its triage card in the agents' channel.
    await agentFeed.waitFor(
      (e) => e.event === 'ticket' && (e.data as { number: number }).number === number,
      'the ticket change on instance B',
    );
    await agentFeed.waitFor(
      (e) => e.event === 'post' && JSON.stringify(e.data).includes(`#${number}`),
      'the triage card on instance B',
    );
  }, 60_000);

  it('turns a burst spread over three instances into one ticket and one acknowledgement each, through a SIGKILL', async () => {
    const N = 30;
    const customers = Array.from({ length: N }, (_, i) => new Client(instances[i % 3]?.base ?? ''));
    await Promise.all(
      customers.map((cl, i) =>
        cl.post('/webchat/api/session', { name: `Burst ${i}`, email: `burst${i}@acme.com` }),
      ),
    );
    // Each customer sends two messages at once through two different instances (two tabs, a retry):
    // they must land on one ticket. C dies with SIGKILL once a third of them are acknowledged.
    const text = (i: number, part: number) => `Burst report ${i}, part ${part}: the dashboard is blank`;
    const send = (cl: Client, i: number, part: number) =>
      cl.post('/webchat/api/messages', { text: text(i, part), clientId: `burst-message-${i}-${part}` });
    let acknowledged = 0;
    const refused: [number, number][] = [];
    const victim = c().child;
    await Promise.all(
      customers.flatMap((cl, i) =>
        [0, 1].map(async (part) => {
          try {
            const res = await send(cl.at(instances[(i + part) % 3]?.base ?? ''), i, part);
            if (res.status === 202) acknowledged++;
            else refused.push([i, part]);
          } catch {
            refused.push([i, part]); // C's connection was cut: never acknowledged, so it is sent again.
          }
          if (acknowledged === Math.floor((2 * N) / 3)) victim.kill('SIGKILL');
        }),
      ),
    );
    await exited(victim);
    expect(refused.length).toBeLessThan(2 * N);
    // Whatever was not acknowledged is sent again through a surviving instance.
    for (const [i, part] of refused) {
      const res = await send(customers[i]?.at(a().base) as Client, i, part);
      expect(res.status).toBe(202);
    }

    const agent = agentClient(a().base, TOKEN);
    // An instance killed mid-delivery holds its outbox items for their lease (60 s) before another takes them.
    const tickets = await eventually(
      async () => {
        const res = await agent.get('/api/v1/tickets?limit=200');
        const ours = ((res.body?.tickets ?? []) as { number: number; subject: string }[]).filter((t) =>
          t.subject.startsWith('Burst report'),
        );
        return ours.length >= N ? ours : undefined;
      },
      'a ticket for every customer',
      150_000,
    );
    // Once nothing is left to deliver, no late duplicate can still arrive.
    const sql = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await sql.connect();
    try {
      await eventually(
        async () => {
          const { rows } = await sql.query(`
            SELECT (SELECT count(*) FROM "InboundEvent" WHERE "processedAt" IS NULL)
                 + (SELECT count(*) FROM "OutboxItem" WHERE status = 'pending') AS n`);
          return Number(rows[0]?.n) === 0;
        },
        'every message processed and everything delivered',
        150_000,
      );
      const dead = await sql.query(`SELECT count(*)::int AS n FROM "OutboxItem" WHERE status = 'dead'`);
      expect(dead.rows[0]?.n).toBe(0);
    } finally {
      await sql.end();
    }
    // One ticket per customer, titled by one of its two messages.
    const all = await agent.get('/api/v1/tickets?limit=200');
    const owners = ((all.body?.tickets ?? []) as { subject: string }[])
      .filter((t) => t.subject.startsWith('Burst report'))
      .map((t) => Number(/^Burst report (\d+),/.exec(t.subject)?.[1]))
      .sort((x, y) => x - y);
    expect(owners).toEqual(customers.map((_, i) => i));
    expect(tickets.length).toBeGreaterThanOrEqual(N);

    for (const [i, cl] of customers.entries()) {
      const survivor = cl.at(instances[i % 2]?.base ?? '');
      const history = await eventually(
        async () => {
          const res = await survivor.get('/webchat/api/messages');
          const msgs = (res.body?.messages ?? []) as Post[];
          return msgs.some((m) => m.authorKind === 'relevo') ? msgs : undefined;
        },
        `the acknowledgement for customer ${i}`,
        150_000,
      );
      expect(history.filter((m) => m.authorKind === 'customer')).toHaveLength(2);
      expect(history.filter((m) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text))).toHaveLength(1);
    }
  }, 400_000);
});
