// Every answer a person reads in chat is in their language (issue 10): a customer reads their
// organisation's, an agent the `language` relevo.yaml gives them. Through the chat router as the web
// chat's buttons and the agent console reach it, on PGlite: confirmations and refusals alike.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as texts } from '../../src/i18n/index.ts';
import { productionPlanYaml } from '../fixtures/config.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { agentClient, Client } from '../harness/http.ts';

const config = `
${productionPlanYaml.trimStart()}organisations:
  - { id: acme, name: Acme, plan: production, language: en, emailDomains: [acme.test] }
  - { id: globex, name: Globex, plan: production, language: es, emailDomains: [globex.es] }
agents:
  - { id: ana, name: Ana, role: admin }
  - { id: luis, name: Luis, role: agent, language: es }
`;

describe('answers in the person’s language on pglite', () => {
  let t: TestApp;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ database: 'pglite', config, pollMs: 60_000 });
  });
  afterAll(async () => t?.stop());

  const agent = (id: string) => agentClient(t.url, t.apiToken, id);

  /** A customer of the domain writes in the web chat; returns their client and the ticket's number. */
  async function webTicket(domain: string): Promise<{ client: Client; n: number }> {
    const client = new Client(t.url);
    const session = await client.post('/webchat/api/session', {
      name: `Customer ${++seq}`,
      email: `customer${seq}@${domain}`,
    });
    expect(session.status).toBe(200);
    const sent = await client.post('/webchat/api/messages', {
      text: 'The export to PDF fails with an error',
      clientId: randomUUID(),
    });
    expect(sent.status).toBe(202);
    await t.app.settle();
    const { body } = await client.get('/webchat/api/messages');
    const ack = body.messages.find((m: any) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text));
    expect(ack, 'the acknowledgement').toBeTruthy();
    return { client, n: Number(/#(\d+)/.exec(ack.message.text)?.[1]) };
  }

  /** Ana proposes a solution: the customer is asked to confirm it. */
  async function resolved(n: number) {
    const asked = await agent('ana').post('/console/api/actions', {
      action: 'ticket.resolve',
      value: String(n),
      form: { message: 'We fixed the PDF export.' },
    });
    expect(asked.status).toBe(200);
  }

  const press = (c: Client, action: string, n: number) =>
    c.post('/webchat/api/actions', { action, value: String(n) });

  it('a customer of a Spanish organisation reads the confirmation and the refusal in Spanish', async () => {
    const { client, n } = await webTicket('globex.es');
    await resolved(n);
    expect(await press(client, 'ticket.confirm_yes', n)).toMatchObject({
      status: 200,
      body: { text: `Ticket #${n} confirmado como resuelto.` },
    });
    // Pressed again: the ticket no longer waits for them, and they are told so in Spanish.
    expect(await press(client, 'ticket.confirm_no', n)).toMatchObject({
      status: 409,
      body: { error: { code: 'not_awaiting', message: texts('es').notAwaiting(n) } },
    });
  });

  it('a customer of an English organisation reads them in English', async () => {
    const { client, n } = await webTicket('acme.test');
    await resolved(n);
    expect(await press(client, 'ticket.confirm_no', n)).toMatchObject({
      status: 200,
      body: { text: `Ticket #${n} reopened.` },
    });
    expect(await press(client, 'ticket.confirm_yes', n)).toMatchObject({
      status: 409,
      body: { error: { message: `Ticket #${n} is not waiting for your confirmation.` } },
    });
  });

  it('an agent with language: es reads confirmations and refusals in Spanish; one without, in English', async () => {
    const { n } = await webTicket('acme.test');
    expect(
      await agent('luis').post('/console/api/actions', { action: 'ticket.take', value: String(n) }),
    ).toMatchObject({ status: 200, body: { text: `Ha tomado el ticket #${n}.` } });
    expect(
      await agent('ana').post('/console/api/actions', { action: 'ticket.take', value: String(n) }),
    ).toMatchObject({ status: 200, body: { text: `You took ticket #${n}.` } });

    // A form sent without its value is refused by the action; one the service refuses, by the service.
    const blank = { action: 'ticket.priority', value: String(n), form: { priority: '' } };
    expect(await agent('luis').post('/console/api/actions', blank)).toMatchObject({
      status: 400,
      body: { error: { message: 'Elija la prioridad.' } },
    });
    expect(await agent('ana').post('/console/api/actions', blank)).toMatchObject({
      status: 400,
      body: { error: { message: 'Choose a priority.' } },
    });
    const missing = { action: 'ticket.reopen', value: '999999' };
    expect(await agent('luis').post('/console/api/actions', missing)).toMatchObject({
      status: 404,
      body: { error: { message: 'No existe el ticket #999999.' } },
    });
    expect(await agent('ana').post('/console/api/actions', missing)).toMatchObject({
      status: 404,
      body: { error: { message: 'There is no ticket #999999.' } },
    });
  });

  it('a /ticket command answers in the agent’s language', async () => {
    const { n } = await webTicket('globex.es');
    const typed = (id: string, text: string) => agent(id).post('/console/api/commands', { text });
    expect(await typed('luis', `/ticket note ${n} Checked the logs`)).toMatchObject({
      status: 200,
      body: { message: { text: `Nota privada añadida al ticket #${n}.` } },
    });
    expect(await typed('ana', `/ticket note ${n} Checked the logs`)).toMatchObject({
      status: 200,
      body: { message: { text: `Private note added to ticket #${n}.` } },
    });
    expect(await typed('luis', '/ticket frobnicate')).toMatchObject({
      status: 400,
      body: { error: { message: 'No existe /ticket frobnicate. Pruebe /ticket help.' } },
    });
  });
});
