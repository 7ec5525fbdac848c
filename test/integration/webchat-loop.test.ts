// The whole web chat loop over real HTTP, on PGlite and on PostgreSQL: a customer writes, a ticket
// opens and is acknowledged, the agent replies, notes, assigns, resolves, the customer confirms.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTicketCardButtons } from '../fixtures/card.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';

describe.each(databaseKinds)('web chat loop on %s', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database });
  });
  afterAll(async () => t?.stop());

  it('opens, answers, resolves and confirms a ticket, never showing private notes', async () => {
    const customer = new Client(t.url);
    expect((await customer.get('/webchat/api/session')).status).toBe(401);
    const session = await customer.post('/webchat/api/session', {
      name: 'Carla',
      email: 'carla@example.com',
    });
    expect(session.status).toBe(200);
    // Only typed, not proven: a visitor of their own, not told which organisation the address is.
    expect(session.body).toMatchObject({
      verified: false,
      contact: { name: 'Carla', email: 'carla@example.com', organisation: null },
    });

    const sent = await customer.post('/webchat/api/messages', {
      text: 'The printer is on fire',
      clientId: 'client-0001',
    });
    expect(sent.status).toBe(202);
    // The same message sent again (a retry) is stored once.
    expect(
      (
        await customer.post('/webchat/api/messages', {
          text: 'The printer is on fire',
          clientId: 'client-0001',
        })
      ).body.message.id,
    ).toBe(sent.body.message.id);

    const ack = await eventually(async () => {
      const { body } = await customer.get('/webchat/api/messages');
      return body.messages.find((m: any) => m.authorKind === 'relevo' && /#\d+/.test(m.message.text));
    }, 'the acknowledgement');
    const number = Number(/#(\d+)/.exec(ack.message.text)![1]);
    expect(ack.message.text).toContain('within 4 hours');

    const agent = agentClient(t.url, t.apiToken, 'ben');
    const ticket = (await agent.get(`/api/v1/tickets/${number}`)).body.ticket;
    expect(ticket).toMatchObject({ status: 'new', subject: 'The printer is on fire', source: 'webchat' });
    expect(ticket.organisation.infraUrl).toBe('https://wiki.example.com/acme');

    const card = await eventually(async () => {
      const { body } = await agent.get('/console/api/messages');
      return body.messages.find((m: any) => m.message.title === `#${number} The printer is on fire`);
    }, 'the triage card');
    expect(card.message.buttons.map((b: any) => b.label)).toEqual(newTicketCardButtons);
    expect((await new Client(t.url).get('/console/api/messages')).status).toBe(401);

    expect((await agent.post(`/api/v1/tickets/${number}/replies`, { text: 'We are on it' })).status).toBe(
      201,
    );
    expect(
      (await agent.post(`/api/v1/tickets/${number}/notes`, { text: 'secret internal detail' })).status,
    ).toBe(201);
    expect((await agent.post(`/api/v1/tickets/${number}/assign`, { assignee: 'ben' })).status).toBe(200);
    await eventually(async () => {
      const { body } = await customer.get('/webchat/api/messages');
      return body.messages.some((m: any) => m.message.text === 'We are on it' && m.authorName === 'Ben');
    }, 'the reply in the web chat');

    expect(
      (
        await agent.post(`/api/v1/tickets/${number}/resolve`, {
          message: 'Replaced the fuse',
          technicalNote: 'fuse F3',
        })
      ).status,
    ).toBe(200);
    const ask = await eventually(async () => {
      const { body } = await customer.get('/webchat/api/messages');
      return body.messages.find((m: any) => m.message.text === 'Replaced the fuse');
    }, 'the resolution message');
    expect(ask.message.buttons.map((b: any) => b.action)).toEqual([
      'ticket.confirm_yes',
      'ticket.confirm_no',
    ]);
    expect((await agent.get(`/api/v1/tickets/${number}`)).body.ticket.status).toBe('awaiting_confirmation');

    // A customer cannot press agents' buttons.
    expect(
      (await customer.post('/webchat/api/actions', { action: 'ticket.take', value: String(number) })).status,
    ).toBe(403);
    const confirmed = await customer.post('/webchat/api/actions', {
      action: 'ticket.confirm_yes',
      value: String(number),
    });
    expect(confirmed.status).toBe(200);
    const done = (await agent.get(`/api/v1/tickets/${number}`)).body.ticket;
    expect(done.status).toBe('resolved');
    expect(done.assignee.id).toBe('ben');

    await t.app.settle();
    const everything = JSON.stringify((await customer.get('/webchat/api/messages')).body);
    expect(everything).not.toContain('secret internal detail');
    expect(everything).not.toContain('fuse F3');
    const types = done.events.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'customer_message',
        'system',
        'public_reply',
        'private_note',
        'assignment',
        'status_change',
      ]),
    );
  });

  it('keeps organisations apart: a customer cannot confirm another organisation’s ticket', async () => {
    const a = new Client(t.url);
    await a.post('/webchat/api/session', { name: 'A', email: 'a@example.com' });
    await a.post('/webchat/api/messages', {
      text: 'Our database is slow since Monday',
      clientId: 'client-a-1',
    });
    await t.app.settle();
    const list = (await agentClient(t.url, t.apiToken).get('/api/v1/tickets?organisation=acme&limit=1')).body;
    const number = list.tickets[0].number;
    await agentClient(t.url, t.apiToken).post(`/api/v1/tickets/${number}/resolve`, {
      message: 'Indexes added',
    });
    const b = new Client(t.url);
    await b.post('/webchat/api/session', { name: 'B', email: 'b@globex.es' });
    const attempt = await b.post('/webchat/api/actions', {
      action: 'ticket.confirm_yes',
      value: String(number),
    });
    expect(attempt.status).toBe(404);
    expect((await agentClient(t.url, t.apiToken).get(`/api/v1/tickets/${number}`)).body.ticket.status).toBe(
      'awaiting_confirmation',
    );
  });
});
