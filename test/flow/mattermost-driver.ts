// The flow's verbs on Mattermost: people post through the fake server (Relevo reads them over its
// WebSocket), press buttons and submit dialogs as Mattermost sends them, and Relevo's posts, ephemeral
// answers and dialogs are read back from the fake.
import type { DatabaseKind } from '../harness/databases.ts';
import type { MmPost } from '../harness/mattermost/fake-mattermost.ts';
import {
  AGENTS,
  ANA,
  COMMAND_TOKEN,
  CUSTOMER,
  MAINTAINERS,
  MIA,
  PUBLIC_URL,
  STRANGER,
  SUPPORT,
  startMattermostApp,
} from '../harness/mattermost/mattermost-app.ts';
import { readPost } from '../harness/mattermost/read-post.ts';
import { type Answer, type FlowPlatform, type Reply, seenOf, type Who } from './driver.ts';

const users: Record<Who, string> = { customer: CUSTOMER, agent: ANA, maintainer: MIA, stranger: STRANGER };
/** Their usernames on the fake server (mattermost-app.ts). */
const usernames: Record<Who, string> = {
  customer: 'carla',
  agent: 'ana',
  maintainer: 'mia',
  stranger: 'sam',
};

export function mattermostFlow(database: DatabaseKind): FlowPlatform {
  return {
    name: 'Mattermost',
    database,
    capabilities: { cardThreads: true, maintainersChannel: true },
    async start() {
      const m = await startMattermostApp(database);
      const { fake } = m;
      const seen = (post: MmPost) => seenOf(post.id, readPost(post), post.id);
      const botRoots = (channel: string) =>
        fake.posts(channel).filter((p) => p.user_id === fake.botUserId && !p.root_id);
      const titled = (channel: string, title: string) =>
        botRoots(channel)
          .filter((p) => readPost(p).title?.startsWith(title))
          .map(seen);

      // The WebSocket has no acknowledgement to wait for: a post Relevo has processed after a second
      // delivery proves the delivery before it was handled (the socket handles events in order).
      let barriers = 0;
      const barrier = async () => {
        const p = fake.userPosts(STRANGER, AGENTS, `(barrier ${++barriers})`);
        await m.handled(p.id);
      };
      const say = async (user: string, channel: string, text: string, rootId?: string) => {
        const post = fake.userPosts(user, channel, text, rootId);
        await m.handled(post.id);
        return {
          post,
          async resend() {
            fake.redeliver(post.id);
            await barrier();
          },
        };
      };

      const ephemeralsFor = (user: string) => fake.ephemerals({ userId: user });
      const newEphemeral = (user: string, before: number, what: string) =>
        fake.waitFor(() => ephemeralsFor(user)[before], what, 20_000);

      return {
        db: m.t.app.db.prisma,
        source: 'mattermost',
        async customerWrites(text) {
          const said = await say(CUSTOMER, SUPPORT, text);
          return { id: said.post.id, resend: said.resend };
        },
        customerReplies: (c, text) => say(CUSTOMER, SUPPORT, text, c.id),
        customerSees: async (c) =>
          fake
            .posts(SUPPORT, c.id)
            .filter((p) => p.user_id === fake.botUserId)
            .map(seen),
        cards: async (n) => titled(AGENTS, `#${n} `),
        async press(who, on, label, values): Promise<Answer> {
          const user = users[who];
          const toldBefore = ephemeralsFor(user).length;
          const dialogsBefore = fake.dialogs().length;
          const pressed = await fake.pressButton({ postId: on.id, actionName: label, userId: user });
          if (pressed.status !== 200)
            throw new Error(`the click on "${label}" was answered ${pressed.status}`);
          // Relevo answers a click one way: privately (an ephemeral post), or by opening a dialog.
          const outcome = await fake.waitFor(
            () =>
              ephemeralsFor(user)[toldBefore]
                ? { told: ephemeralsFor(user)[toldBefore] }
                : fake.dialogs()[dialogsBefore]
                  ? { dialog: fake.dialogs()[dialogsBefore] }
                  : undefined,
            `Relevo's answer to "${label}"`,
            20_000,
          );
          if (outcome.told) {
            await m.t.app.settle();
            return { text: outcome.told.post.message };
          }
          const dialog = outcome.dialog as NonNullable<typeof outcome.dialog>;
          const form = dialog.dialog.title as string;
          if (!values) return { text: '', form };
          const toldBeforeSubmit = ephemeralsFor(user).length;
          const submission = dialogSubmission(dialog.dialog.elements as DialogElement[], values);
          const submitted = await fake.submitDialog({ dialog, userId: user, submission });
          if (submitted.status !== 200)
            throw new Error(`the "${form}" dialog was answered ${submitted.status}`);
          const errors = (submitted.body as { errors?: Record<string, string> } | undefined)?.errors;
          if (errors && Object.keys(errors).length) {
            return { text: Object.values(errors).join('\n'), form, formRefused: true };
          }
          const told = await newEphemeral(user, toldBeforeSubmit, `Relevo's answer to the "${form}" dialog`);
          await m.t.app.settle();
          return { text: told.post.message, form };
        },
        async command(who, name, args) {
          const sent = await fake.slashCommand({
            url: `${PUBLIC_URL}/mattermost/command`,
            token: COMMAND_TOKEN,
            userId: users[who],
            channelId: AGENTS,
            text: [name, ...Object.values(args)].join(' '),
          });
          if (sent.status !== 200) throw new Error(`/ticket ${name} was answered ${sent.status}`);
          const answer = (await fake.waitForResponse(sent.responseUrl, undefined, 20_000)) as {
            text: string;
          };
          await m.t.app.settle();
          return answer.text;
        },
        // Mattermost resolves `@username` itself and sends the ids with the command (user_mentions_ids).
        mention: (who) => `@${usernames[who]}`,
        agentsChannel: async (title) => titled(AGENTS, title),
        replyUnderCard: (card, text) => say(ANA, AGENTS, text, card.id),
        maintainers: {
          posts: async (n) => titled(MAINTAINERS, `Escalation: #${n} `),
          async reply(post, text): Promise<Reply> {
            const said = await say(MIA, MAINTAINERS, text, post.id);
            return { native: said.post, resend: said.resend };
          },
          async share(who, reply) {
            const post = reply.native as MmPost;
            // The reply's "Copy Link", then /ticket share <link> typed in its thread.
            const link = `${fake.url}/${fake.teamName}/pl/${post.id}`;
            const sent = await fake.slashCommand({
              url: `${PUBLIC_URL}/mattermost/command`,
              token: COMMAND_TOKEN,
              userId: users[who],
              channelId: MAINTAINERS,
              rootId: post.root_id,
              text: `share ${link}`,
            });
            if (sent.status !== 200) throw new Error(`/ticket share was answered ${sent.status}`);
            const answer = (await fake.waitForResponse(sent.responseUrl, undefined, 20_000)) as {
              text: string;
            };
            await m.t.app.settle();
            return { text: answer.text };
          },
        },
        stop: () => m.stop(),
      };
    },
  };
}

interface DialogElement {
  name: string;
  type: string;
}

/**
 * The answers as Mattermost submits them: text as given, and a field of several choices as one box per
 * option (`<field>:<value>`), each true or false.
 */
function dialogSubmission(
  elements: DialogElement[],
  values: Record<string, string>,
): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [field, value] of Object.entries(values)) {
    const boxes = elements.filter((e) => e.type === 'bool' && e.name.startsWith(`${field}:`));
    if (!boxes.length) {
      out[field] = value;
      continue;
    }
    const ticked = value.split(',');
    for (const box of boxes) out[box.name] = ticked.includes(box.name.slice(field.length + 1));
  }
  return out;
}
