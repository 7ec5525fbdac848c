// Required information (issue 13, seeds 001 and 002): a first message lacking what the plan requires is
// answered with a precise question and waits, its SLA clocks paused; the answer reopens it and the card
// shows what is still missing; an agent asks with the *Ask for information…* form; a ticket that waited
// tickets.rejectIncompleteAfter is rejected with the reason, once, whatever the number of instances.
// Acme has one product, so its requests never lack the project; its plan requires the rest.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaSummary } from '../../src/core/sla/view.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { startSmtpSink } from '../harness/email/smtp-sink.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  type MemoryTestApp,
  memoryConfigYaml,
  SUPPORT,
  startMemoryApp,
} from '../harness/memory-app.ts';
import type { MemoryMessage } from '../harness/memory-platform.ts';

const min = 60_000;
const day = 24 * 60 * min;

const requiringYaml = `${memoryConfigYaml.replace(
  '    name: Production\n',
  '    name: Production\n    requires: [project, environment_url, description, evidence]\n',
)}  rejectIncompleteAfter: 2d
`;

const complete =
  'Saving an invoice fails with a red banner since the upgrade. It happens on https://test.acme.example/billing\n' +
  '2026-03-02 08:59:01 ERROR InvoiceService: constraint violated\n' +
  '2026-03-02 08:59:01 ERROR request failed with status 500';

describe.each(databaseKinds)('required information on %s', (database) => {
  const clock = new FakeClock();
  let m: MemoryTestApp;
  beforeAll(async () => {
    m = await startMemoryApp(database, { clock, config: requiringYaml });
  });
  afterAll(async () => m?.stop());

  const db = () => m.t.app.db.prisma;
  const ticketOf = (subject: string) =>
    db().ticket.findFirstOrThrow({ where: { subject: { startsWith: subject } } });
  /** What Relevo and agents said in the customer's thread, oldest first. */
  const toCustomer = (root: MemoryMessage) =>
    m.chat
      .seen(SUPPORT, root.id)
      .filter((x) => x.from !== 'customer')
      .map((x) => x.message.text);
  const cardOf = (n: number) => {
    const card = m.chat.seen(AGENTS).find((x) => x.message.title?.startsWith(`#${n} `));
    if (!card) throw new Error(`no card for #${n}`);
    return card;
  };
  const field = (n: number, label: string) => cardOf(n).message.fields?.find((f) => f.label === label)?.value;

  let asked: { root: MemoryMessage; n: number };

  it('a first message lacking what the plan requires gets a precise question; the ticket waits, its clocks paused', async () => {
    const root = await m.chat.say('customer', 'The invoices are broken');
    const ticket = await ticketOf('The invoices are broken');
    asked = { root, n: ticket.number };
    expect(ticket.status).toBe('waiting_on_customer');
    expect(ticket.infoMissing).toEqual(['environment_url', 'description', 'evidence']);
    expect(ticket.infoRequestedAt).toEqual(clock.now());

    const said = toCustomer(root);
    expect(said).toHaveLength(2); // the acknowledgement, then the question
    expect(said[0]).toContain(`ticket #${ticket.number}`);
    expect(said[1]).toContain('we need a little more');
    expect(said[1]).toContain('the URL of the environment where it happens');
    expect(said[1]).toContain('a description of what happens');
    expect(said[1]).toContain('evidence: a screenshot, the error message or the log');
    // The plan's project is known (Acme has one product): not asked.
    expect(said[1]).not.toContain('project');

    const sla = await slaSummary(db(), m.t.app.actions.config, ticket.number, clock.now());
    expect(sla?.firstResponse.state).toBe('paused');
    expect(sla?.resolution.state).toBe('paused');
    expect(field(ticket.number, 'Asked for')).toBe(
      'environment URL, description, evidence (screenshot, log)',
    );
  });

  it('the answer reopens it and restarts its clocks; the card shows only what is still missing', async () => {
    await m.chat.say(
      'customer',
      'It is on https://test.acme.example/billing. Saving any invoice shows a red banner. It started after the upgrade.',
      { thread: asked.root.id },
    );
    const ticket = await db().ticket.findUniqueOrThrow({ where: { number: asked.n } });
    expect(ticket.status).toBe('open');
    expect(ticket.infoMissing).toEqual(['evidence']);
    expect(ticket.infoRequestedAt).toBeNull();
    const sla = await slaSummary(db(), m.t.app.actions.config, asked.n, clock.now());
    expect(sla?.firstResponse.state).toBe('running');
    await m.t.app.settle();
    expect(field(asked.n, 'Missing information')).toBe('evidence (screenshot, log)');
    expect(field(asked.n, 'Asked for')).toBeUndefined();
  });

  it('a complete first message is asked nothing', async () => {
    const root = await m.chat.say('customer', complete);
    const ticket = await ticketOf('Saving an invoice fails with a red banner');
    expect(ticket.status).toBe('new');
    expect(ticket.infoMissing).toEqual([]);
    expect(toCustomer(root)).toHaveLength(1);
  });

  it('an agent asks with the form: what is missing comes ticked; the customer reads each ticked item and the agent’s words', async () => {
    const opened = await m.chat.press('ana', cardOf(asked.n), 'Ask for information…');
    const items = opened.form?.fields.find((f) => f.id === 'items');
    expect(items?.kind).toBe('choices');
    expect(items?.options?.map((o) => o.value)).toEqual([
      'project',
      'environment_url',
      'access',
      'description',
      'evidence',
      'steps',
    ]);
    expect(items?.initial).toEqual(['evidence']);

    // Nothing ticked and nothing written: refused, the form stays open, nothing changes.
    const empty = await m.chat.submit('ana', { items: '' });
    expect(empty.formError).toMatch(/Tick what is missing/);
    expect((await db().ticket.findUniqueOrThrow({ where: { number: asked.n } })).status).toBe('open');
    // Something Relevo never offers is refused too.
    const forged = await m.chat.submit('ana', { items: 'evidence,password' });
    expect(forged.formError).toMatch(/"password" is not something Relevo asks for/);

    const done = await m.chat.submit('ana', { items: 'access,evidence', other: 'Which browser do you use?' });
    expect(done.text).toMatch(/waits on them/);
    const ticket = await db().ticket.findUniqueOrThrow({ where: { number: asked.n } });
    expect(ticket.status).toBe('waiting_on_customer');
    expect(ticket.infoMissing).toEqual(['access', 'evidence']);
    const question = toCustomer(asked.root).at(-1) ?? '';
    expect(question).toContain('how we can access that environment');
    expect(question).toContain('evidence: a screenshot');
    expect(question).toContain('Which browser do you use?');
    expect(question).not.toContain('the URL of the environment');
    // The agent's question is their public reply: it answers the first response.
    const sla = await slaSummary(db(), m.t.app.actions.config, asked.n, clock.now());
    expect(sla?.firstResponse.state).toBe('met');
  });

  it('a ticket that waited tickets.rejectIncompleteAfter is rejected with the reason, once', async () => {
    clock.advance(day);
    expect(await m.t.app.rejectIncomplete()).toEqual([]);
    clock.advance(day + min);
    const rejected = await Promise.all([m.t.app.rejectIncomplete(), m.t.app.rejectIncomplete()]);
    expect(rejected.flat()).toEqual([asked.n]);
    await m.t.app.settle();
    const ticket = await db().ticket.findUniqueOrThrow({ where: { number: asked.n } });
    expect(ticket.status).toBe('rejected');
    const told = toCustomer(asked.root).filter((x) => x.includes('We cannot go on with ticket'));
    expect(told).toEqual([
      `We cannot go on with ticket #${asked.n}: the information it needs did not arrive in 2 days (access, evidence (screenshot, log)). Write again with it and we will open a new ticket.`,
    ]);
    // A ticket that was never asked anything is left alone however long it waits.
    expect((await ticketOf('Saving an invoice fails with a red banner')).status).toBe('new');
  });
});

describe('required information, three instances on one PostgreSQL', () => {
  const clock = new FakeClock();
  const apps: MemoryTestApp[] = [];
  beforeAll(async () => {
    apps.push(await startMemoryApp('postgresql', { clock, config: requiringYaml }));
    for (let i = 0; i < 2; i++) {
      apps.push(
        await startMemoryApp('postgresql', { clock, config: requiringYaml, sameDatabaseAs: apps[0] }),
      );
    }
  });
  afterAll(async () => {
    for (const a of apps.reverse()) await a.stop();
  });

  it('reject each incomplete ticket once', async () => {
    const first = apps[0] as MemoryTestApp;
    const roots: MemoryMessage[] = [];
    for (let i = 0; i < 5; i++) roots.push(await first.chat.say('customer', `Broken thing number ${i}`));
    // Any instance's inbox may take a message in: wait until all five were asked and wait.
    await eventually(
      async () =>
        (await first.t.app.db.prisma.ticket.count({
          where: { status: 'waiting_on_customer', infoRequestedAt: { not: null } },
        })) === 5,
      'the five tickets to wait for their information',
      60_000,
    );
    clock.advance(2 * day + min);
    const rejected = (await Promise.all(apps.map((a) => a.t.app.rejectIncomplete()))).flat();
    expect(rejected).toHaveLength(5);
    expect(new Set(rejected).size).toBe(5);
    for (const a of apps) await a.t.app.settle();
    for (const root of roots) {
      const told = first.chat
        .seen(SUPPORT, root.id)
        .filter((x) => x.message.text.includes('We cannot go on with ticket'));
      expect(told).toHaveLength(1);
    }
  });
});

describe('required information in Spanish', () => {
  let m: MemoryTestApp;
  beforeAll(async () => {
    // Acme reads Spanish here.
    m = await startMemoryApp('pglite', { config: requiringYaml.replace('language: en', 'language: es') });
  });
  afterAll(async () => m?.stop());

  it('asks in the organisation’s language', async () => {
    const root = await m.chat.say('customer', 'Las facturas no van');
    const said = m.chat
      .seen(SUPPORT, root.id)
      .filter((x) => x.from !== 'customer')
      .map((x) => x.message.text);
    expect(said[1]).toContain('necesitamos algo más');
    expect(said[1]).toContain('la URL del entorno donde ocurre');
    expect(said[1]).toContain('evidencias: una captura de pantalla');
  });
});

describe('required information by email', () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database: 'pglite',
      config: requiringYaml,
      env: {
        RELEVO_SUPPORT_ADDRESS: 'soporte@acme.example',
        RELEVO_SMTP_URL: sink.url,
        RELEVO_SMTP_LISTEN_PORT: '0',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sink?.close();
  });

  it('an attached file is the evidence: a mail with its URL, description and a screenshot is asked nothing', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.smtpPort(),
      secure: false,
    });
    try {
      await transport.sendMail({
        from: 'carla@example.com',
        to: 'soporte@acme.example',
        subject: 'Invoices fail',
        text: 'Saving any invoice on https://test.acme.example shows a red banner. It started after the upgrade.',
        attachments: [{ filename: 'banner.png', content: Buffer.from('not really a png') }],
      });
      await transport.sendMail({
        from: 'carla@example.com',
        to: 'soporte@acme.example',
        subject: 'Reports fail',
        text: 'Exporting a report on https://test.acme.example fails. It started after the upgrade.',
      });
    } finally {
      transport.close();
    }
    await t.app.settle();
    const db = t.app.db.prisma;
    await eventually(async () => (await db.ticket.count()) === 2, 'both mails filed as tickets', 30_000);
    const withFile = await db.ticket.findFirstOrThrow({ where: { subject: 'Invoices fail' } });
    expect(withFile.status).toBe('new');
    expect(withFile.infoMissing).toEqual([]);
    const without = await db.ticket.findFirstOrThrow({ where: { subject: 'Reports fail' } });
    expect(without.status).toBe('waiting_on_customer');
    expect(without.infoMissing).toEqual(['evidence']);
  });
});
