// `/ticket onboard @username` on Mattermost, against the fake server: Mattermost resolves the @mentions of a
// slash command itself and sends them along (user_mentions, user_mentions_ids). Mia's agent id here is not
// her username, so only that path can find her: by her user id, then the email her profile shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedChecklist } from '../../src/core/onboarding/checklist.ts';
import {
  AGENTS,
  ANA,
  COMMAND_TOKEN,
  type MattermostTestApp,
  mattermostConfigYaml,
  PUBLIC_URL,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';
import { readPost } from '../harness/mattermost/read-post.ts';

const config = mattermostConfigYaml.replace(
  '{ id: mia, name: Mia, role: maintainer, email: mia@support.test }',
  '{ id: maria-r, name: Mia, role: maintainer, email: mia@support.test }',
);

describe('/ticket onboard on Mattermost (pglite)', () => {
  let m: MattermostTestApp;
  beforeAll(async () => {
    expect(config).not.toBe(mattermostConfigYaml);
    m = await startMattermostApp('pglite', { config });
  }, 60_000);
  afterAll(async () => m?.stop());

  const command = async (text: string) => {
    const sent = await m.fake.slashCommand({
      url: `${PUBLIC_URL}/mattermost/command`,
      token: COMMAND_TOKEN,
      userId: ANA,
      channelId: AGENTS,
      text,
    });
    expect(sent.status).toBe(200);
    const answer = (await m.fake.waitForResponse(sent.responseUrl, undefined, 20_000)) as { text: string };
    await m.t.app.settle();
    return answer.text;
  };
  const checklist = () =>
    m.fake
      .posts(AGENTS)
      .filter((p) => p.user_id === m.fake.botUserId && readPost(p).title === 'Onboarding of Mia');

  it('finds the @username Mattermost resolved, posts the checklist, and a press edits that post', async () => {
    expect(await command('onboard @mia')).toBe(
      'Posted the onboarding checklist of Mia in the agents’ channel (0 of 6 done).',
    );
    expect(await m.t.app.db.prisma.onboardingChecklist.findMany()).toMatchObject([{ agentId: 'maria-r' }]);
    const [post, ...more] = checklist();
    expect(more).toHaveLength(0);
    const first = `Done: ${seedChecklist[0]?.en}`;
    expect(readPost(post as NonNullable<typeof post>).buttons?.map((b) => b.label)[0]).toBe(first);

    const told = m.fake.ephemerals({ userId: ANA }).length;
    const pressed = await m.fake.pressButton({ postId: post?.id ?? '', actionName: first, userId: ANA });
    expect(pressed.status).toBe(200);
    const answer = await m.fake.waitFor(
      () => m.fake.ephemerals({ userId: ANA })[told],
      'Relevo’s answer to the press',
      20_000,
    );
    expect(answer.post.message).toBe(`Done for Mia: ${seedChecklist[0]?.en}.`);
    await m.t.app.settle();
    const [edited] = checklist();
    expect(edited?.id).toBe(post?.id);
    const shown = readPost(edited as NonNullable<typeof edited>);
    expect(shown.text).toContain(`✓ ${seedChecklist[0]?.en} — Ana, `);
    expect(shown.buttons).toHaveLength(seedChecklist.length - 1);
  });

  it('refuses a resolved @mention of someone who is not an agent', async () => {
    expect(await command('onboard @carla')).toBe(
      '“@carla” is not an agent: give the id of an agent in relevo.yaml, their email, or @mention them.',
    );
    expect(await m.t.app.db.prisma.onboardingChecklist.count()).toBe(1);
  });
});
