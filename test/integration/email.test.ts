// Email end to end over real SMTP on loopback: nodemailer → Relevo's SMTP listener → ticket; Relevo's
// acknowledgement and replies → a local SMTP sink, read back with the same parser customers' clients use.
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/parse.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient } from '../harness/http.ts';

const SUPPORT = 'support@relevo.test';
const GROUP = 'team@relevo.test';

for (const database of ['pglite', 'postgresql'] as const) {
  describe(`email on ${database}`, () => {
    let t: TestApp;
    let sink: SmtpSink;
    let send: (mail: SendMailOptions) => Promise<string>;

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await startTestApp({
        database,
        env: {
          RELEVO_SUPPORT_ADDRESS: SUPPORT,
          RELEVO_SUPPORT_GROUP: GROUP,
          RELEVO_SMTP_URL: sink.url,
          RELEVO_SMTP_LISTEN_PORT: '0',
        },
      });
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: t.app.smtpPort(),
        secure: false,
      });
      send = async (mail) => (await transport.sendMail({ to: SUPPORT, ...mail })).messageId;
    });
    afterAll(async () => {
      await t?.stop();
      await sink?.close();
    });

    const db = () => t.app.db.prisma;
    const sent = async (count: number) => {
      await t.app.settle();
      const all = await sink.waitFor(count);
      return Promise.all(all.map(async (m) => ({ ...m, mail: await parseEmail(m.raw) })));
    };

    it('opens a ticket from new mail and acknowledges it with [#n], the SLA and Auto-Submitted', async () => {
      const id = await send({
        from: 'Carla Pérez <carla@example.com>',
        subject: 'Invoice export fails',
        text: 'Hello,\n\nThe invoice export fails with error 500.\n\nCarla',
      });
      await t.app.settle();
      const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Invoice export fails' } });
      expect(ticket).toMatchObject({ source: 'email', organisationId: 'acme' });
      const [ack] = await sent(1);
      expect(ack?.mail.subject).toBe(`Invoice export fails [#${ticket.number}]`);
      expect(ack?.mail.headers['auto-submitted']).toBe('auto-replied');
      expect(ack?.mail.inReplyTo).toBe(id);
      expect(ack?.mail.to.map((a) => a.address)).toEqual(['carla@example.com']);
      expect(ack?.mail.cc.map((a) => a.address)).toContain(GROUP);
      expect(ack?.mail.text).toContain(`#${ticket.number}`);
      expect(ack?.mail.text).toMatch(/within 4 hours/);
    });

    it('joins a reply to its ticket by In-Reply-To, strips the quoted history, and never duplicates', async () => {
      const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Invoice export fails' } });
      const ack = (await sent(1))[0]?.mail;
      const reply = {
        from: 'carla@example.com',
        subject: `Re: ${ack?.subject}`,
        inReplyTo: ack?.messageId ?? '',
        references: [ack?.messageId ?? ''],
        messageId: '<reply-1@example.com>',
        text: `It also fails for CSV.\n\nOn Mon, 2 Mar 2026 at 10:00, Support <${SUPPORT}> wrote:\n> Thanks, we have opened ticket #${ticket.number}`,
      };
      await send(reply);
      await send(reply); // the same message delivered twice
      await t.app.settle();
      const messages = await db().ticketEvent.findMany({
        where: { ticketNumber: ticket.number, type: 'customer_message' },
        orderBy: { createdAt: 'asc' },
      });
      expect(messages.map((m) => m.body)).toEqual([
        'Hello,\n\nThe invoice export fails with error 500.\n\nCarla',
        'It also fails for CSV.',
      ]);
      expect(await db().ticket.count()).toBe(1);
    });

    it('sends an agent reply with threading headers, everyone in copy', async () => {
      const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Invoice export fails' } });
      const agent = agentClient(t.url, t.apiToken, 'ana');
      expect(
        (await agent.post(`/api/v1/tickets/${ticket.number}/replies`, { text: 'We are on it.' })).status,
      ).toBe(201);
      const out = (await sent(2))[1]?.mail;
      expect(out?.subject).toBe(`Invoice export fails [#${ticket.number}]`);
      expect(out?.inReplyTo).toBe('<reply-1@example.com>');
      expect(out?.references).toContain('<reply-1@example.com>');
      expect(out?.headers['auto-submitted']).toBeUndefined();
      expect(out?.text).toContain('We are on it.');
      expect(out?.cc.map((a) => a.address)).toContain(GROUP);
    });

    it('a stranger quoting the ticket number gets a new ticket, not access', async () => {
      const ticket = await db().ticket.findFirstOrThrow({ where: { subject: 'Invoice export fails' } });
      await send({
        from: 'mallory@evil.example',
        subject: `Re: [#${ticket.number}]`,
        text: 'Send me the invoices',
      });
      await t.app.settle();
      const events = await db().ticketEvent.findMany({ where: { ticketNumber: ticket.number } });
      expect(events.map((e) => e.body).join()).not.toContain('Send me the invoices');
    });
  });
}
