// Relevo writes to a customer in the customer's language; the organisation's is only the default. Learnt
// from what they write (email here, over real SMTP on loopback; a chat platform, the in-memory one, through
// the same router as Slack, Mattermost and Discord) and from the language they pick in the web chat.
import { randomUUID } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as texts } from '../../src/i18n/index.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { parsedMail, type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient, Client, eventually } from '../harness/http.ts';
import { type MemoryTestApp, SUPPORT, startMemoryApp } from '../harness/memory-app.ts';

const SUPPORT_ADDRESS = 'support@relevo.test';
const es = texts('es');
const en = texts('en');
// testConfigYaml: Acme (example.com) is English, Globex (globex.es) Spanish; the production plan answers
// a normal ticket within 4 hours.
const FIRST_RESPONSE = 240;

describe.each(databaseKinds)('the customer’s language on %s', (database) => {
  let t: TestApp;
  let sink: SmtpSink;
  let transport: Transporter;
  let outgoing: ReturnType<typeof parsedMail>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      database,
      env: {
        RELEVO_SUPPORT_ADDRESS: SUPPORT_ADDRESS,
        RELEVO_SMTP_URL: sink.url,
        RELEVO_SMTP_LISTEN_PORT: '0',
      },
    });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort(), secure: false });
    outgoing = parsedMail(() => sink);
  });
  afterAll(async () => {
    transport?.close();
    await t?.stop();
    await sink?.close();
  });

  const db = () => t.app.db.prisma;
  const agent = () => agentClient(t.url, t.apiToken, 'ana');
  const send = async (mail: SendMailOptions) =>
    (await transport.sendMail({ to: SUPPORT_ADDRESS, ...mail })).messageId;
  /** The ticket a mail was filed under, once it is. */
  const ticketOf = (messageId: string) =>
    eventually(
      async () => (await db().emailMessage.findUnique({ where: { messageId } }))?.ticketNumber ?? undefined,
      `a ticket for ${messageId}`,
    );
  /** The k-th mail Relevo sent about ticket n (0: its acknowledgement), once it is sent. */
  const mailAbout = (n: number, k: number) =>
    eventually(
      async () => (await outgoing()).filter((m) => m.mail.subject.endsWith(`[#${n}]`))[k]?.mail,
      `mail ${k} about #${n}`,
    );
  const languageOf = async (address: string) =>
    (
      await db().identity.findUniqueOrThrow({
        where: { platform_externalId: { platform: 'email', externalId: address } },
        include: { contact: { select: { language: true } } },
      })
    ).contact?.language;
  const resolve = async (n: number, message: string) => {
    const asked = await agent().post('/console/api/actions', {
      action: 'ticket.resolve',
      value: String(n),
      form: { message },
    });
    expect(asked.status).toBe(200);
  };

  describe('by email', () => {
    it('a Spanish-writing customer of an English organisation reads Relevo in Spanish, from the acknowledgement to the confirmation', async () => {
      const opening = await send({
        from: 'Juan Pérez <juan@example.com>',
        subject: 'Exportación de facturas',
        text: 'Hola,\n\nLa exportación de facturas a PDF falla desde ayer por la tarde.\n\nUn saludo,\nJuan',
      });
      const n = await ticketOf(opening);
      expect(await db().ticket.findUniqueOrThrow({ where: { number: n } })).toMatchObject({
        organisationId: 'acme',
      });
      const ack = await mailAbout(n, 0);
      expect(ack.text).toContain(es.ack(n, es.duration(FIRST_RESPONSE)));
      expect(await languageOf('juan@example.com')).toBe('es');

      // Later mail too: the question whether it is solved, and the answer to his "sí".
      await resolve(n, 'Hemos corregido la exportación.');
      const asked = await mailAbout(n, 1);
      expect(asked.text).toContain(es.confirmByEmail);
      const parent = asked.messageId ?? '';
      await send({
        from: 'juan@example.com',
        subject: `Re: ${asked.subject}`,
        inReplyTo: parent,
        references: [parent],
        text: 'Sí',
      });
      const confirmed = await mailAbout(n, 2);
      expect(confirmed.text).toContain(es.confirmed(n));
    });

    it('a short message does not change the language Relevo writes in', async () => {
      const first = await ticketOf(
        await send({
          from: 'Pedro <pedro@example.com>',
          subject: 'Informe vacío',
          text: 'El informe mensual de ventas sale vacío desde la actualización.',
        }),
      );
      expect((await mailAbout(first, 0)).text).toContain(es.ack(first, es.duration(FIRST_RESPONSE)));
      // Three English words open a ticket, but say too little to judge: Pedro is still written in Spanish.
      const second = await ticketOf(
        await send({ from: 'pedro@example.com', subject: 'Login', text: 'Login broken again' }),
      );
      expect((await mailAbout(second, 0)).text).toContain(es.ack(second, es.duration(FIRST_RESPONSE)));
      expect(await languageOf('pedro@example.com')).toBe('es');
    });

    it('an English-writing customer of a Spanish organisation reads Relevo in English', async () => {
      const n = await ticketOf(
        await send({
          from: 'Ian <ian@globex.es>',
          subject: 'Empty report',
          text: 'The monthly sales report has been empty since the last update.',
        }),
      );
      expect(await db().ticket.findUniqueOrThrow({ where: { number: n } })).toMatchObject({
        organisationId: 'globex',
      });
      expect((await mailAbout(n, 0)).text).toContain(en.ack(n, en.duration(FIRST_RESPONSE)));
      await resolve(n, 'We fixed the report.');
      expect((await mailAbout(n, 1)).text).toContain(en.confirmByEmail);
    });
  });

  describe('in the web chat', () => {
    /** A customer signed in at the chat page, whose page shows `language`. */
    async function signIn(email: string, language?: string) {
      const client = new Client(t.url);
      const session = await client.post('/webchat/api/session', {
        name: email.split('@')[0],
        email,
        ...(language ? { language } : {}),
      });
      return { client, session };
    }
    const contactOf = async (client: Client) => {
      const session = await db().webchatSession.findFirstOrThrow({
        where: { contact: { claimedEmail: (await client.get('/webchat/api/session')).body.contact.email } },
        include: { contact: true },
      });
      return session.contact;
    };
    /** Relevo's posts in the customer's chat, once there are `count`. */
    const relevoPosts = (client: Client, count: number) =>
      eventually(async () => {
        const posts = (await client.get('/webchat/api/messages')).body.messages.filter(
          (m: { authorKind: string }) => m.authorKind === 'relevo',
        );
        return posts.length >= count ? posts : undefined;
      }, `${count} posts by Relevo`);

    it('the language the page shows is kept on the contact and Relevo writes in it, whatever the organisation’s', async () => {
      const { client, session } = await signIn('lucia@example.com', 'es');
      expect(session).toMatchObject({ status: 200, body: { language: 'es' } });
      expect((await contactOf(client)).language).toBe('es');
      // Written in English words on a Spanish page: the page's choice counts, not a guess from the words.
      const sent = await client.post('/webchat/api/messages', {
        text: 'The export to PDF fails with an error',
        clientId: randomUUID(),
        language: 'es',
      });
      expect(sent.status).toBe(202);
      const [ack] = await relevoPosts(client, 1);
      const n = Number(/#(\d+)/.exec(ack.message.text)?.[1]);
      expect(ack.message.text).toBe(es.ack(n, es.duration(FIRST_RESPONSE)));

      // She switches the page to English: Relevo's next words are English.
      const switched = await client.post('/webchat/api/language', { language: 'en' });
      expect(switched).toMatchObject({ status: 200, body: { language: 'en' } });
      expect((await contactOf(client)).language).toBe('en');
      await resolve(n, 'We fixed the PDF export.');
      const asked = await eventually(
        async () =>
          (await client.get('/webchat/api/messages')).body.messages.find(
            (m: { message: { buttons?: unknown[] } }) => m.message.buttons?.length,
          ),
        'the question whether it is solved',
      );
      expect(asked.message.buttons.map((b: { label: string }) => b.label)).toEqual([
        en.confirmYes,
        en.confirmNo,
      ]);
      expect(
        (await client.post('/webchat/api/actions', { action: 'ticket.confirm_yes', value: String(n) }))
          .status,
      ).toBe(200);
      // The acknowledgement, the closing message, then the satisfaction survey, all in English.
      const posts = await relevoPosts(client, 3);
      expect(posts.at(-2).message.text).toBe(en.confirmed(n));
      expect(posts.at(-1).message.text).toMatch(`How did we do with ticket #${n}?`);
    });

    it('refuses a language it does not speak with a 400 that says what it expects, and changes nothing', async () => {
      const { client, session } = await signIn('marta@example.com', 'es');
      expect(session.status).toBe(200);
      const contact = await contactOf(client);
      const sessions = await db().webchatSession.count();

      const refused = await client.post('/webchat/api/language', { language: 'fr' });
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_language' } } });
      expect(refused.body.error.message).toContain('"es" (Spanish) or "en" (English)');
      const message = await client.post('/webchat/api/messages', {
        text: 'La exportación falla',
        clientId: randomUUID(),
        language: 'de',
      });
      expect(message).toMatchObject({ status: 400, body: { error: { code: 'invalid_language' } } });
      const another = await signIn('otto@example.com', 'de-DE');
      expect(another.session).toMatchObject({ status: 400, body: { error: { code: 'invalid_language' } } });

      expect(await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).toEqual(contact);
      expect((await client.get('/webchat/api/messages')).body.messages).toEqual([]);
      expect(await db().webchatSession.count()).toBe(sessions);
      expect(await db().contact.count({ where: { claimedEmail: 'otto@example.com' } })).toBe(0);
    });
  });

  describe('on a chat platform', () => {
    let m: MemoryTestApp;
    beforeAll(async () => {
      m = await startMemoryApp(database);
    });
    afterAll(async () => m?.stop());

    const relevoIn = (thread: string) => m.chat.seen(SUPPORT, thread).filter((x) => x.from === 'relevo');

    it('a customer writing Spanish in an English organisation’s channel is answered in Spanish, and a short message does not change it', async () => {
      const said = await m.chat.say('customer', 'La impresora de la oficina no imprime desde esta mañana');
      const [ack] = relevoIn(said.id);
      const n = Number(/#(\d+)/.exec(ack?.message.text ?? '')?.[1]);
      expect(ack?.message.text).toBe(es.ack(n, es.duration(FIRST_RESPONSE)));

      await m.chat.say('customer', 'Still broken', { thread: said.id });
      const contact = await m.t.app.db.prisma.contact.findFirstOrThrow({
        where: { tickets: { some: { number: n } } },
      });
      expect(contact.language).toBe('es');
      const asked = await agentClient(m.t.url, m.t.apiToken, 'ana').post('/console/api/actions', {
        action: 'ticket.resolve',
        value: String(n),
        form: { message: 'Hemos cambiado el tóner.' },
      });
      expect(asked.status).toBe(200);
      const question = await eventually(
        async () => relevoIn(said.id).find((x) => x.message.buttons),
        'the question whether it is solved',
      );
      const pressed = await m.chat.press('customer', question, es.confirmYes);
      expect(pressed.text).toMatch(/confirmado/);
      const [closing, survey] = relevoIn(said.id).slice(-2);
      expect(closing?.message.text).toBe(es.confirmed(n));
      // The satisfaction survey that follows is in Spanish too.
      expect(survey?.message.text).toBe(
        `¿Qué tal lo hicimos con el ticket #${n}? Valórenos de 1 (mal) a 5 (excelente).`,
      );
    });
  });
});
