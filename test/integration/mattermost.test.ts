// Mattermost's requests to Relevo, as Mattermost sends them (the fake server plays it): slash commands
// verified by their token, buttons and dialogs by the context and state Relevo signed, replays that do
// nothing, and `relevo mattermost register` / `check`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signContext } from '../../adapters/kit/signed-context.ts';
import { checkChannels } from '../../adapters/mattermost/channels-check.ts';
import { mattermostClient } from '../../adapters/mattermost/client.ts';
import { registerCommand } from '../../adapters/mattermost/register.ts';
import { commandList } from '../../commands/index.ts';
import { parseConfigFile } from '../../src/config/file.ts';
import { eventually } from '../harness/http.ts';
import {
  AGENTS,
  ANA,
  COMMAND_TOKEN,
  CUSTOMER,
  type MattermostTestApp,
  mattermostConfigYaml,
  PUBLIC_URL,
  STRANGER,
  SUPPORT,
  SUPPORT_ON_REQUEST,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';

describe('Mattermost requests', () => {
  let m: MattermostTestApp;
  beforeAll(async () => {
    m = await startMattermostApp();
  });
  afterAll(async () => m?.stop());

  const db = () => m.t.app.db.prisma;
  const commandUrl = `${PUBLIC_URL}/mattermost/command`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${m.t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  /** A customer opens a ticket; its card in the agents' channel, as the fake holds it. */
  async function openTicket(text: string) {
    const said = m.fake.userPosts(CUSTOMER, SUPPORT, text);
    await m.handled(said.id);
    const link = await db().conversationLink.findFirstOrThrow({ where: { thread: said.id } });
    const card = await eventually(
      async () =>
        m.fake
          .posts(AGENTS)
          .find(
            (p) =>
              p.user_id === m.fake.botUserId &&
              (p.props?.attachments as any)?.[0]?.title?.startsWith(`#${link.ticketNumber} `),
          ),
      `ticket #${link.ticketNumber}'s card`,
    );
    return { n: link.ticketNumber, card };
  }
  const actionOf = (card: any, name: string) =>
    (card.props.attachments[0].actions as any[]).find((a) => a.name === name);
  const snapshot = async (n: number) => ({
    ticket: await db().ticket.findUniqueOrThrow({ where: { number: n } }),
    events: await db().ticketEvent.count({ where: { ticketNumber: n } }),
  });

  it('runs /ticket with a known token and answers privately through the response_url', async () => {
    const sent = await m.fake.slashCommand({
      url: commandUrl,
      token: COMMAND_TOKEN,
      userId: ANA,
      channelId: AGENTS,
      text: 'help',
    });
    expect(sent.status).toBe(200);
    const answer = (await m.fake.waitForResponse(sent.responseUrl)) as {
      response_type: string;
      text: string;
    };
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('/ticket share <message link>');
    // Nothing was posted for everyone to read.
    expect(m.fake.posts(AGENTS).filter((p) => p.message.includes('/ticket share'))).toEqual([]);
  });

  it('refuses a command with a wrong, missing or mismatched token (401) and runs nothing', async () => {
    const before = await db().ticket.count();
    for (const token of ['wrongtoken0000000000000000', '']) {
      const sent = await m.fake.slashCommand({
        url: commandUrl,
        token,
        userId: ANA,
        channelId: AGENTS,
        text: 'new carla@example.com Printer down',
      });
      expect(sent.status).toBe(401);
    }
    // The body's token is right but the header names another: not a request Mattermost sends.
    const form = new URLSearchParams({
      token: COMMAND_TOKEN,
      user_id: ANA,
      channel_id: AGENTS,
      text: 'new carla@example.com Printer down',
    });
    const mixed = await fetch(`${m.t.url}/mattermost/command`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Token someothertoken000000000000',
      },
      body: form.toString(),
    });
    expect(mixed.status).toBe(401);
    expect(await db().ticket.count()).toBe(before);
  });

  it('a button press acts once; the same request replayed (its trigger id) does nothing', async () => {
    const { n, card } = await openTicket('The VPN drops every hour');
    const told = m.fake.ephemerals({ userId: ANA }).length;
    const pressed = await m.fake.pressButton({ postId: card.id, actionName: 'Take it', userId: ANA });
    expect(pressed.status).toBe(200);
    await eventually(async () => m.fake.ephemerals({ userId: ANA })[told], 'Relevo’s answer to Take it');
    expect((await db().ticket.findUniqueOrThrow({ where: { number: n } })).assigneeId).toBe('ana');
    const [request] = m.fake.integrationRequests('post_action').slice(-1);
    const replay = await post('/mattermost/actions', request?.body);
    expect(replay.status).toBe(200);
    // Something answered after the replay proves the replay's turn has passed.
    const sent = await m.fake.slashCommand({
      url: commandUrl,
      token: COMMAND_TOKEN,
      userId: ANA,
      channelId: AGENTS,
      text: 'help',
    });
    await m.fake.waitForResponse(sent.responseUrl);
    await m.t.app.settle();
    expect(
      m.fake
        .ephemerals({ userId: ANA })
        .slice(told)
        .filter((e) => e.post.message.includes(`#${n}`)),
    ).toHaveLength(1);
  });

  it('refuses a forged or altered button context (401) and a stale one (too old), changing nothing', async () => {
    const { n, card } = await openTicket('Email bounces for the whole team');
    const before = await snapshot(n);
    const real = actionOf(card, 'Spam').integration.context;
    const [body, sig] = String(real.relevo).split('.');
    const request = (context: unknown) => ({
      user_id: ANA,
      user_name: 'ana',
      channel_id: AGENTS,
      post_id: card.id,
      trigger_id: `trigger-${Math.random()}`,
      type: 'button',
      context,
    });
    const altered = Buffer.from(
      JSON.stringify({ action: 'ticket.spam', value: String(n + 1), at: Date.now() }),
    ).toString('base64url');
    for (const context of [
      {},
      { relevo: `${altered}.${sig}` },
      { relevo: `${body}.AAAA${sig?.slice(4)}` },
      undefined,
    ]) {
      const res = await post('/mattermost/actions', request(context));
      expect(res.status).toBe(401);
      expect((await res.json()).ephemeral_text).toMatch(/did not recognise this button/);
    }
    const secret = (
      await db().platformState.findUniqueOrThrow({ where: { key: 'mattermost:context-secret' } })
    ).value;
    const old = signContext(secret, 'button', {
      action: 'ticket.spam',
      value: String(n),
      at: Date.now() - 31 * 24 * 3600_000,
    });
    const stale = await post('/mattermost/actions', request({ relevo: old }));
    expect(stale.status).toBe(200);
    expect((await stale.json()).ephemeral_text).toMatch(/too old/);
    // A dialog state is checked the same way.
    const dialog = await post('/mattermost/dialogs', {
      type: 'dialog_submission',
      callback_id: 'relevo',
      state: `${altered}.${sig}`,
      user_id: ANA,
      channel_id: AGENTS,
      submission: { reason: 'forged' },
      cancelled: false,
    });
    expect(dialog.status).toBe(401);
    await m.t.app.settle();
    expect(await snapshot(n)).toEqual(before);
  });

  it('answers a stranger’s and a customer’s press with a refusal, in private, and changes nothing', async () => {
    const { n, card } = await openTicket('Cannot print from the tablet');
    const before = await snapshot(n);
    for (const user of [STRANGER, CUSTOMER]) {
      const told = m.fake.ephemerals({ userId: user }).length;
      await m.fake.pressButton({ postId: card.id, actionName: 'Take it', userId: user });
      const answer = await eventually(async () => m.fake.ephemerals({ userId: user })[told], 'the refusal');
      expect(answer.post.message).toMatch(/does not know you|only agents/i);
    }
    expect(await snapshot(n)).toEqual(before);
  });

  it('in a channel where tickets wait for an agent: an agent’s :ticket: reaction or /ticket create <permalink> opens one', async () => {
    const before = await db().ticket.count();
    const first = m.fake.userPosts(CUSTOMER, SUPPORT_ON_REQUEST, 'Can we get SSO?');
    await m.handled(first.id);
    const second = m.fake.userPosts(CUSTOMER, SUPPORT_ON_REQUEST, 'Can we export to CSV?');
    await m.handled(second.id);
    expect(await db().ticket.count()).toBe(before);

    // A customer's 🎫 does nothing; an agent's opens the ticket (a reaction is stored like a post).
    const reactions = () =>
      db().inboundEvent.count({ where: { key: { startsWith: 'mattermost:reaction:' } } });
    const stored = await reactions();
    m.fake.react(CUSTOMER, first.id, 'ticket');
    m.fake.react(ANA, first.id, 'ticket');
    await eventually(async () => (await reactions()) === stored + 2, 'both reactions to be stored');
    await m.t.app.settle();
    expect(await db().ticket.count()).toBe(before + 1);

    const sent = await m.fake.slashCommand({
      url: commandUrl,
      token: COMMAND_TOKEN,
      userId: ANA,
      channelId: AGENTS,
      text: `create ${m.fake.url}/${m.fake.teamName}/pl/${second.id}`,
    });
    expect(((await m.fake.waitForResponse(sent.responseUrl)) as { text: string }).text).toMatch(
      /Ticket #\d+ created/,
    );
    await m.t.app.settle();
    expect(await db().ticket.count()).toBe(before + 2);
    for (const post of [first, second]) {
      const acks = m.fake.posts(SUPPORT_ON_REQUEST, post.id).filter((p) => p.user_id === m.fake.botUserId);
      expect(acks.map((p) => p.message).join('\n')).toMatch(/opened ticket #\d+/);
    }
  });

  it('refuses a malformed request (no user) with 400', async () => {
    expect((await post('/mattermost/actions', { context: {} })).status).toBe(400);
    expect((await post('/mattermost/dialogs', { state: 'x' })).status).toBe(400);
  });

  it('`register` creates /ticket on the team, then updates it; its token is accepted without a restart', async () => {
    const client = mattermostClient(m.fake.url, m.fake.botToken);
    const created = await registerCommand(client, db(), {
      team: m.fake.teamName,
      publicUrl: PUBLIC_URL,
      commands: commandList(),
    });
    expect(created).toMatchObject({
      action: 'created',
      team: m.fake.teamName,
      url: `${PUBLIC_URL}/mattermost/command`,
    });
    const [command] = m.fake.commands();
    expect(command).toMatchObject({ trigger: 'ticket', method: 'P', auto_complete: true });
    expect(command?.auto_complete_desc).toContain('share');
    const again = await registerCommand(client, db(), {
      team: m.fake.teamName,
      publicUrl: PUBLIC_URL,
      commands: commandList(),
    });
    expect(again).toMatchObject({ action: 'updated', id: created.id });
    expect(m.fake.commands()).toHaveLength(1);

    // The registered command's own token (the fake sends it, as Mattermost does); accepted within seconds.
    const answered = await eventually(async () => {
      const sent = await m.fake.slashCommand({ userId: ANA, channelId: AGENTS, text: 'help' });
      return sent.status === 200 ? sent : undefined;
    }, 'the registered command to be accepted');
    expect(((await m.fake.waitForResponse(answered.responseUrl)) as { text: string }).text).toContain(
      '/ticket new',
    );
  });

  it('`check` tells the channels the bot can use from those it cannot', async () => {
    const outside = m.fake.addChannel({ name: 'secret-room', type: 'P', botIsMember: false });
    const config = parseConfigFile(
      mattermostConfigYaml.replace(
        'channels:\n',
        `channels:\n  - { platform: mattermost, id: ${outside.id}, kind: agents }\n  - { platform: mattermost, id: ${'nosuchchannel'.padEnd(26, '0')}, kind: agents }\n`,
      ),
      'test',
    );
    const checks = await checkChannels(mattermostClient(m.fake.url, m.fake.botToken), config.channels);
    expect(checks.filter((c) => c.ok).map((c) => c.name)).toEqual([
      'acme-support',
      'acme-help',
      'support-agents',
      'platform-maintainers',
    ]);
    const bad = checks.filter((c) => !c.ok);
    expect(bad).toHaveLength(2);
    for (const c of bad) expect(c.problem).toMatch(/add the bot|check the id/);
  });
});
