// The triage card and the forms its buttons open speak the agents' language. A card in a channel is read
// by the whole team: Spanish when every agent reads Spanish (maintainers aside), else English. A form is
// read by the agent who pressed the button: theirs. The console's ticket view asks in its page's language.
// The buttons' action ids never change with the language: they are what every platform sends back.
// On a fake Slack whose whole team reads Spanish, and a fake Mattermost with a mixed team.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActionId } from '../../adapters/slack/blocks.ts';
import { renderCard } from '../../src/core/tickets/card.ts';
import { Client, eventually } from '../harness/http.ts';
import {
  type MattermostTestApp,
  AGENTS as MM_AGENTS,
  ANA as MM_ANA,
  CUSTOMER as MM_CUSTOMER,
  SUPPORT as MM_SUPPORT,
  mattermostConfigYaml,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';
import { readMessage } from '../harness/slack/read-message.ts';
import type { StateValues } from '../harness/slack/signed-requests.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  CUSTOMER,
  MAINTAINERS,
  MIA,
  type SlackTestApp,
  SUPPORT,
  slackConfigYaml,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

/** A new ticket's card actions, in their order: the same in every language. */
const newTicketActions = [
  'ticket.spam',
  'ticket.wrong_recipient',
  'ticket.meant_for_person',
  'ticket.unsupported_product',
  'ticket.answer',
  'ticket.agent_action',
  'ticket.escalate',
  'ticket.take',
  'ticket.assign',
  'ticket.priority',
  'ticket.category',
  'ticket.product',
  'ticket.initial_response',
  'ticket.ask_info',
  'ticket.resolve',
  'ticket.reject',
];

const newTicketButtonsEs = [
  'Spam',
  'Destinatario equivocado',
  'Dirigido a una persona',
  'Producto sin soporte',
  'Responder con información',
  'Acción del agente',
  'Escalar',
  'Tomarlo',
  'Asignar…',
  'Prioridad…',
  'Categoría…',
  'Producto…',
  'Respuesta inicial…',
  'Pedir información…',
  'Resolver…',
  'Rechazar…',
];

/** Ana and Ben read Spanish; Mia, a maintainer, does not, and does not count: she does not triage. */
const spanishTeam = (yaml: string) =>
  yaml
    .replace('role: admin, email: ana@support.test', 'role: admin, language: es, email: ana@support.test')
    .replace('{ id: ben, name: Ben, role: agent }', '{ id: ben, name: Ben, role: agent, language: es }');

/** The console as a page asks it: the agent, and the language the page shows (Accept-Language). */
const consoleAs = (base: string, token: string, agent: string, language?: string) =>
  new Client(base, {
    authorization: `Bearer ${token}`,
    'x-relevo-agent': agent,
    ...(language ? { 'accept-language': language } : {}),
  });

describe('a Slack desk whose whole team reads Spanish', () => {
  let s: SlackTestApp;
  let n = 0;
  beforeAll(async () => {
    const config = spanishTeam(slackConfigYaml);
    expect(config).toContain('role: agent, language: es');
    expect(config).toContain('role: admin, language: es');
    s = await startSlackApp('pglite', { config });
  });
  afterAll(async () => s?.stop());

  const cardOf = (number: number) =>
    s.fake
      .messages(AGENTS)
      .find((m) =>
        (m.blocks ?? []).some((b: any) => b.type === 'header' && b.text.text.startsWith(`#${number} `)),
      );

  it('renders the card in Spanish: buttons, field labels and values; the action ids stay', async () => {
    const said = await s.slack.message({
      channel: SUPPORT,
      user: CUSTOMER,
      text: 'La exportación a PDF falla',
    });
    expect(said.status).toBe(200);
    await s.t.app.settle();
    n = (await s.t.app.db.prisma.ticket.findFirstOrThrow({ orderBy: { number: 'desc' } })).number;

    const card = await renderCard(s.t.app.db.prisma, n, 'es');
    expect(card.buttons?.map((b) => b.label)).toEqual(newTicketButtonsEs);
    expect(card.buttons?.map((b) => b.action)).toEqual(newTicketActions);
    expect(card.buttons?.every((b) => b.value === String(n))).toBe(true);
    expect(card.fields?.slice(0, 6)).toEqual([
      { label: 'Estado', value: 'nuevo' },
      { label: 'Prioridad', value: 'normal' },
      { label: 'Organización', value: 'Acme' },
      { label: 'Plan', value: 'production' },
      { label: 'Solicitante', value: 'Carla Customer' },
      { label: 'Asignado a', value: 'sin asignar' },
    ]);
    expect(card.context).toMatch(/^vía slack · abierto \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    // The same ticket in English, for a reader who asks in it: the same actions, other words.
    const english = await renderCard(s.t.app.db.prisma, n, 'en');
    expect(english.buttons?.map((b) => b.action)).toEqual(newTicketActions);
    expect(english.fields?.[0]).toEqual({ label: 'Status', value: 'new' });
  });

  it('posts the Spanish card in the agents’ channel, SLA clock included, though the customer’s organisation writes English', async () => {
    const posted = await eventually(async () => cardOf(n), `ticket #${n}'s card`);
    expect(buttonsOf(posted).map((b) => b.label)).toEqual(newTicketButtonsEs);
    expect(buttonsOf(posted).map((b) => parseActionId(b.actionId)?.action)).toEqual(newTicketActions);
    expect(readMessage(posted).fields).toContainEqual({ label: 'Estado', value: 'nuevo' });
    expect(readMessage(posted).fields).toContainEqual({ label: 'Solicitante', value: 'Carla Customer' });
    // Acme's plan: a first response within 4 h, counted in the card's language.
    const clock = JSON.stringify(posted.attachments);
    expect(clock).toContain('Plazo de primera respuesta');
    expect(clock).toContain('🟢 vence en');
    expect(textOf(posted)).not.toContain('Take it');
  });

  it('shows the same Spanish card in the console’s live feed', async () => {
    const { body } = await consoleAs(s.t.url, s.t.apiToken, 'ana').get('/console/api/messages');
    const post = (body.messages as any[]).find((m) => m.message.title?.startsWith(`#${n} `));
    expect(post?.message.buttons.map((b: any) => b.label)).toEqual(newTicketButtonsEs);
  });

  /** Presses a button of a message Relevo posted; resolves with the modal it opened. */
  const openModal = async (user: string, message: any, channel: string, label: string) => {
    const button = buttonsOf(message).find((b) => b.label === label);
    if (!button) throw new Error(`no "${label}" button; have ${buttonsOf(message).map((b) => b.label)}`);
    const before = s.fake.callsTo('views.open').length;
    const pressed = await s.slack.blockAction({
      user,
      actionId: button.actionId,
      value: button.value,
      channel,
      messageTs: message.ts,
      responseUrl: s.fake.responseUrl(),
    });
    expect(pressed.status).toBe(200);
    return eventually(async () => s.fake.callsTo('views.open')[before], `the "${label}" modal to open`);
  };
  const submit = async (user: string, opened: any, values: StateValues) => {
    const res = await s.slack.viewSubmission({ user, viewId: opened.response.view.id, values });
    expect(res.status).toBe(200);
    await s.t.app.settle();
  };
  const input = (id: string, value: string) => ({ [id]: { [id]: { type: 'plain_text_input', value } } });
  const choice = (id: string, value: string) => ({
    [id]: {
      [id]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
    },
  });

  it('escalates in Spanish: the maintainers’ post is the team’s, Mia’s form her own (English)', async () => {
    const escalate = await openModal(ANA, cardOf(n), AGENTS, 'Escalar');
    expect(escalate.args.view.title.text).toBe('Escalar a mantenedores');
    await submit(ANA, escalate, {
      ...choice('product', 'platform'),
      ...input('background', 'Desde el despliegue 2.3'),
    });
    const post = await eventually(
      async () => s.fake.messages(MAINTAINERS).find((m) => textOf(m).includes(`#${n} `)),
      'the escalation post',
    );
    const read = readMessage(post);
    expect(read.title).toMatch(new RegExp(`^Escalada: #${n} `));
    expect(read.buttons?.map((b) => [b.action, b.label])).toEqual([
      ['escalation.claim', 'Me encargo yo'],
      ['escalation.diagnose', 'Diagnóstico…'],
    ]);
    expect(read.fields).toContainEqual({ label: 'Mantenedor', value: 'nadie aún' });
    expect(read.fields).toContainEqual({ label: 'Contexto', value: 'Desde el despliegue 2.3' });

    // Mia reads English: the form she fills in is hers, though the post she pressed it on is Spanish.
    const diagnose = await openModal(MIA, post, MAINTAINERS, 'Diagnóstico…');
    expect(diagnose.args.view.title.text).toBe('Diagnosis');
    await submit(MIA, diagnose, {
      ...input('summary', 'Credenciales de S3 caducadas'),
      ...input('estimate', '2 horas'),
      ...choice('certainty', 'high'),
      ...choice('confidence', 'medium'),
    });
    const card = await eventually(
      async () => (textOf(cardOf(n)).includes('Credenciales') ? cardOf(n) : undefined),
      'the card to show the diagnosis',
    );
    expect(readMessage(card).fields).toContainEqual({
      label: 'Diagnóstico',
      value: 'Credenciales de S3 caducadas (certeza alta)',
    });
    expect(readMessage(card).fields).toContainEqual({
      label: 'Estimación',
      value: '2 horas (confianza media)',
    });
  });

  it('opens “Resolver…” as a Spanish modal for Ana, whose submission resolves the ticket', async () => {
    const opened = await openModal(ANA, cardOf(n), AGENTS, 'Resolver…');
    const view = opened.args.view;
    expect(view.title.text).toBe('Resolver ticket');
    expect(view.submit.text).toBe('Enviar al cliente');
    expect(view.blocks.map((b: any) => b.label.text)).toEqual([
      'Mensaje de resolución (el cliente lo leerá)',
      'Cómo se resolvió (nota técnica interna)',
    ]);
    await submit(ANA, opened, input('message', 'Corregido el PDF.'));
    expect((await s.t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } })).status).toBe(
      'awaiting_confirmation',
    );
  });
});

describe('a Mattermost desk with a mixed team', () => {
  let m: MattermostTestApp;
  let n = 0;
  beforeAll(async () => {
    // Only Ana reads Spanish: the team's cards stay English, her forms do not.
    const config = mattermostConfigYaml.replace(
      'role: admin, email: ana@support.test',
      'role: admin, language: es, email: ana@support.test',
    );
    expect(config).toContain('language: es, email: ana@support.test');
    m = await startMattermostApp('pglite', { config });
  });
  afterAll(async () => m?.stop());

  it('posts the team’s card in English; Ana, who reads Spanish, pressing its “Resolve…” gets a Spanish dialog', async () => {
    const said = m.fake.userPosts(MM_CUSTOMER, MM_SUPPORT, 'The VPN drops every hour');
    await m.handled(said.id);
    const link = await m.t.app.db.prisma.conversationLink.findFirstOrThrow({ where: { thread: said.id } });
    n = link.ticketNumber;
    const card = await eventually(
      async () =>
        m.fake
          .posts(MM_AGENTS)
          .find(
            (p) =>
              p.user_id === m.fake.botUserId &&
              (p.props?.attachments as any)?.[0]?.title?.startsWith(`#${n} `),
          ),
      `ticket #${n}'s card`,
    );
    const attachment = (card.props as any).attachments[0];
    expect(attachment.actions.map((a: any) => a.name)).toContain('Resolve…');
    expect(attachment.fields.map((f: any) => f.title)).toContain('Requester');

    const before = m.fake.dialogs().length;
    const pressed = await m.fake.pressButton({ postId: card.id, actionName: 'Resolve…', userId: MM_ANA });
    expect(pressed.status).toBe(200);
    const opened = await eventually(async () => m.fake.dialogs()[before], 'the dialog to open');
    expect(opened.problems).toEqual([]);
    expect(opened.dialog.title).toBe('Resolver ticket');
    expect(opened.dialog.submit_label).toBe('Enviar al cliente');
    expect(opened.dialog.elements.map((e: any) => e.help_text ?? e.display_name)).toEqual([
      'Mensaje de resolución (el cliente lo leerá)',
      'Cómo se resolvió (nota técnica interna)',
    ]);
  });

  it('the console’s ticket view offers the card’s actions in the page’s language', async () => {
    const actions = async (agent: string, language?: string) => {
      const res = await consoleAs(m.t.url, m.t.apiToken, agent, language).get(
        `/console/api/tickets/${n}/actions`,
      );
      expect(res.status).toBe(200);
      return res.body.buttons as { action: string; label: string; value: string }[];
    };
    // Ben reads English in relevo.yaml, but his page shows Spanish: so do its buttons.
    const es = await actions('ben', 'es-ES,es;q=0.9');
    expect(es.map((b) => b.label)).toEqual(newTicketButtonsEs);
    expect(es.map((b) => b.action)).toEqual(newTicketActions);
    expect((await actions('ben', 'en')).map((b) => b.label)).toContain('Resolve…');
    // Ana reads Spanish; her page switched to English.
    expect((await actions('ana', 'en')).map((b) => b.label)).toContain('Resolve…');
    // A caller that names no language reads the agent's own.
    expect((await actions('ana')).map((b) => b.label)).toContain('Resolver…');
    expect((await actions('ben')).map((b) => b.label)).toContain('Resolve…');
  });

  it('the console opens a form in the page’s language', async () => {
    const press = (agent: string, language: string, action: string) =>
      consoleAs(m.t.url, m.t.apiToken, agent, language).post('/console/api/actions', {
        action,
        value: String(n),
      });
    const resolve = await press('ben', 'es', 'ticket.resolve');
    expect(resolve.status).toBe(200);
    expect(resolve.body.form).toMatchObject({
      title: 'Resolver ticket',
      submitLabel: 'Enviar al cliente',
      fields: [
        { id: 'message', label: 'Mensaje de resolución (el cliente lo leerá)' },
        { id: 'technicalNote', label: 'Cómo se resolvió (nota técnica interna)' },
      ],
    });
    const priority = await press('ben', 'es', 'ticket.priority');
    expect(priority.body.form.fields[0].options).toEqual([
      { value: 'urgent', label: 'urgente' },
      { value: 'high', label: 'alta' },
      { value: 'normal', label: 'normal' },
      { value: 'low', label: 'baja' },
    ]);
    expect((await press('ana', 'en', 'ticket.resolve')).body.form.title).toBe('Resolve ticket');
    // Its answer too: the value sent back is the same whatever the words.
    const set = await consoleAs(m.t.url, m.t.apiToken, 'ben', 'es').post('/console/api/actions', {
      action: 'ticket.priority',
      value: String(n),
      form: { priority: 'high' },
    });
    expect(set.status).toBe(200);
    expect((await m.t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } })).priority).toBe(
      'high',
    );
  });
});
