// `/ticket onboard` on Slack end to end, against the fake Slack on 127.0.0.1: really signed slash commands
// and block actions in, Bolt's WebClient out (chat.postMessage, then chat.update of the same message). The
// checklist is relevo.yaml's own here, not the seed's: the setting reaches the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoment } from '../../src/i18n/durations.ts';
import { FakeClock } from '../harness/app.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  CUSTOMER,
  MIA,
  type SlackTestApp,
  SUPPORT,
  slackConfigYaml,
  startSlackApp,
  textOf,
} from '../harness/slack/slack-app.ts';

const config = `${slackConfigYaml}
onboarding:
  checklist:
    - { id: vpn, en: VPN access, es: Acceso a la VPN }
    - { id: laptop, en: A laptop with an encrypted disk, es: Un portátil con el disco cifrado }
`;

describe('/ticket onboard on Slack (pglite)', () => {
  let s: SlackTestApp;
  // The desk's clock starts now: Relevo checks the requests' signed timestamps against it.
  const clock = new FakeClock(new Date());
  const at = () => formatMoment(clock.now());
  beforeAll(async () => {
    s = await startSlackApp('pglite', { config, clock });
  }, 60_000);
  afterAll(async () => s?.stop());

  const db = () => s.t.app.db.prisma;
  const checklist = () =>
    s.fake
      .messages(AGENTS)
      .filter((m) => m.bot_id || m.user === s.fake.botUserId)
      .filter((m) => textOf(m).includes('Onboarding of Mia'));
  /** Sends a signed slash command and returns Relevo's private answer to it. */
  const command = async (user: string, channel: string, text: string) => {
    const res = await s.slack.slashCommand({ user, channel, text });
    expect(res.status).toBe(200);
    return textOf(await s.fake.waitForResponse(res.payload.response_url ?? ''));
  };
  /** Presses a button of the checklist as it is now; returns Relevo's private answer. */
  const press = async (user: string, label: string, message = checklist()[0]) => {
    const button = buttonsOf(message).find((b) => b.label === label);
    if (!button) throw new Error(`no "${label}" button; have ${buttonsOf(message).map((b) => b.label)}`);
    const responseUrl = s.fake.responseUrl();
    const res = await s.slack.blockAction({
      user,
      actionId: button.actionId,
      value: button.value,
      channel: AGENTS,
      messageTs: message?.ts,
      responseUrl,
    });
    expect(res.status).toBe(200);
    return textOf(await s.fake.waitForResponse(responseUrl));
  };

  it('posts the configured checklist for an escaped @mention, answering privately', async () => {
    // Mia has no Slack id in relevo.yaml: Relevo knows her by the email her Slack profile shows.
    const answer = await command(ANA, AGENTS, `onboard <@${MIA}|mia>`);
    expect(answer).toContain('Posted the onboarding checklist of Mia in the agents’ channel (0 of 2 done).');
    await s.t.app.settle();
    const [posted, ...more] = checklist();
    expect(more).toHaveLength(0);
    expect(textOf(posted)).toContain('☐ VPN access');
    expect(buttonsOf(posted).map((b) => b.label)).toEqual([
      'Done: VPN access',
      'Done: A laptop with an encrypted disk',
    ]);
  });

  it('a signed press records who and when and chat.update edits that message; a forged one does nothing', async () => {
    const before = checklist()[0];
    const [vpn] = buttonsOf(before);
    const forged = await s.slack.blockAction(
      {
        user: ANA,
        actionId: vpn?.actionId ?? '',
        value: vpn?.value ?? '',
        channel: AGENTS,
        messageTs: before?.ts,
      },
      { badSignature: true },
    );
    expect(forged.status).toBe(401);
    expect(await db().onboardingItem.count()).toBe(0);

    clock.advance(60_000);
    const pressedAt = clock.now();
    expect(await press(ANA, 'Done: VPN access')).toContain('Done for Mia: VPN access.');
    await s.t.app.settle();
    const [after, ...more] = checklist();
    expect(more).toHaveLength(0);
    expect(after?.ts).toBe(before?.ts);
    expect(s.fake.callsTo('chat.update').some((c) => c.args.ts === before?.ts)).toBe(true);
    expect(textOf(after)).toContain(`✓ VPN access — Ana, ${formatMoment(pressedAt)}`);
    expect(buttonsOf(after).map((b) => b.label)).toEqual(['Done: A laptop with an encrypted disk']);
    expect(await db().onboardingItem.findMany()).toMatchObject([
      { itemId: 'vpn', doneById: 'ana', doneAt: pressedAt },
    ]);

    // The press again, on the message as it was: recorded once, not edited again.
    const updates = s.fake.callsTo('chat.update').length;
    expect(await press(ANA, 'Done: VPN access', before)).toContain(
      `Already done: VPN access (Ana, ${formatMoment(pressedAt)}).`,
    );
    await s.t.app.settle();
    expect(await db().onboardingItem.count()).toBe(1);
    expect(s.fake.callsTo('chat.update')).toHaveLength(updates);
  });

  it('a customer can neither run it nor press its buttons', async () => {
    await s.slack.message({ channel: SUPPORT, user: CUSTOMER, text: 'Our VPN is down since this morning' });
    await s.t.app.settle();
    expect(await command(CUSTOMER, SUPPORT, 'onboard ana')).toContain('/ticket onboard is for agents.');
    expect(await press(CUSTOMER, 'Done: A laptop with an encrypted disk')).toContain(
      'Only agents can do this.',
    );
    expect(await db().onboardingItem.count()).toBe(1);
    expect(await db().onboardingChecklist.count()).toBe(1);
  });

  it('the last press completes it: the message says so, by whom, and has no buttons left', async () => {
    clock.advance(60_000);
    expect(await press(MIA, 'Done: A laptop with an encrypted disk')).toContain(
      'That was the last item: the onboarding of Mia is complete.',
    );
    await s.t.app.settle();
    const [done] = checklist();
    expect(textOf(done)).toContain(
      `✅ The onboarding of Mia is complete — the last item was done by Mia, ${at()}.`,
    );
    expect(textOf(done)).toContain('2 of 2 done');
    expect(buttonsOf(done)).toEqual([]);
  });
});
