// The flow's verbs on Discord: people write through the fake Discord (Relevo reads them over its
// gateway), press buttons, submit modals and type /ticket as Discord sends those interactions, and
// Relevo's messages, answers and modals are read back from the fake.
import type { APIMessage } from 'discord.js';
import type { DatabaseKind } from '../harness/databases.ts';
import {
  AGENTS,
  ANA,
  CUSTOMER,
  MAINTAINERS,
  MIA,
  STRANGER,
  SUPPORT,
  startDiscordApp,
} from '../harness/discord/discord-app.ts';
import type { PendingInteraction } from '../harness/discord/fake-discord.ts';
import { readMessage } from '../harness/discord/read-message.ts';
import { type Answer, buttonNamed, type FlowPlatform, type Reply, seenOf, type Who } from './driver.ts';

const users: Record<Who, string> = { customer: CUSTOMER, agent: ANA, maintainer: MIA, stranger: STRANGER };

export function discordFlow(database: DatabaseKind): FlowPlatform {
  return {
    name: 'Discord',
    database,
    capabilities: { cardThreads: true, maintainersChannel: true },
    async start() {
      const d = await startDiscordApp(database);
      const { fake } = d;
      const seen = (m: APIMessage) => seenOf(m.id, readMessage(m), m);
      const fromBot = (m: APIMessage) => m.author.id === fake.botUserId;
      const titled = (channel: string, title: string) =>
        fake
          .messages(channel)
          .filter((m) => fromBot(m) && readMessage(m).title?.startsWith(title))
          .map(seen);

      // The gateway has no acknowledgement to wait for: a message Relevo has processed after a second
      // delivery proves the delivery before it was handled (events are stored in arrival order).
      let barriers = 0;
      const barrier = async () => {
        const m = fake.userMessage(AGENTS, STRANGER, `(barrier ${++barriers})`);
        await d.handled(m.id);
      };
      const say = async (user: string, channel: string, text: string) => {
        const message = fake.userMessage(channel, user, text);
        await d.handled(message.id);
        return {
          message,
          async resend() {
            // What a resumed session replays: the same dispatch again.
            fake.dispatch('MESSAGE_CREATE', { ...message, guild_id: fake.guildId });
            await barrier();
          },
        };
      };

      /** The thread under a message, started by `user` ("Create Thread") unless Relevo or someone did. */
      const threadOn = (channel: string, message: string, user: string) => {
        if (!fake.channel(message)) fake.userStartsThread(channel, message, user, 'Discussion');
      };

      /** The words Relevo answered an interaction with: its first reply, or the edit of its deferral. */
      const answerOf = async (p: PendingInteraction) => {
        const first = await fake.waitFor(
          () => fake.interactionResponses(p.id)[0],
          'an initial answer',
          20_000,
        );
        if (first.type === 9) return { modal: first.data as { title: string; custom_id: string } };
        const said = await fake.waitFor(
          () =>
            fake
              .interactionResponses(p.id)
              .find((r) => typeof r.data?.content === 'string' && r.data.content),
          'Relevo’s answer',
          20_000,
        );
        await d.t.app.settle();
        return { message: said.data as APIMessage };
      };

      /** Pressed by `who`: the button's custom_id, from the message as it is now. */
      const press = async (who: Who, message: APIMessage, label: string) => {
        const button = buttonNamed(readMessage(message).buttons, label);
        return answerOf(
          fake.pressButton({
            userId: users[who],
            channelId: message.channel_id,
            messageId: message.id,
            customId: button.customId,
          }),
        );
      };

      /** /ticket typed by `who` in `channel`, as Discord sends it: a subcommand and its options. */
      const command = async (
        who: Who,
        channel: string,
        subcommand: string,
        options: Record<string, string>,
      ) => {
        const answer = await answerOf(
          fake.slashCommand({ userId: users[who], channelId: channel, name: 'ticket', subcommand, options }),
        );
        return answer.message?.content ?? '';
      };

      return {
        db: d.t.app.db.prisma,
        source: 'discord',
        async customerWrites(text) {
          const said = await say(CUSTOMER, SUPPORT, text);
          // Its thread, once Relevo answers, has the message's id.
          return { id: said.message.id, resend: said.resend };
        },
        async customerReplies(c, text) {
          await fake.waitFor(() => fake.channel(c.id), `the thread of conversation ${c.id}`, 20_000);
          return say(CUSTOMER, c.id, text);
        },
        customerSees: async (c) => (fake.channel(c.id) ? fake.messages(c.id).filter(fromBot).map(seen) : []),
        cards: async (n) => titled(AGENTS, `#${n} `),
        async press(who, on, label, values): Promise<Answer> {
          const answer = await press(who, on.native as APIMessage, label);
          if (answer.message) {
            return { text: readMessage(answer.message).text };
          }
          const modal = answer.modal as { title: string; custom_id: string; components: ModalLabel[] };
          if (!values) return { text: '', form: modal.title };
          const submitted = await answerOf(
            fake.submitModal({
              userId: users[who],
              channelId: (on.native as APIMessage).channel_id,
              customId: modal.custom_id,
              values: modalValues(modal.components, values),
              messageId: on.id,
            }),
          );
          const told = readMessage(submitted.message as APIMessage);
          // Discord closes a submitted modal: a refusal comes with a button that opens it again.
          const refused = told.buttons.some((b) => b.customId === modal.custom_id.replace(/^form\|/, ''));
          return { text: told.text, form: modal.title, ...(refused ? { formRefused: true } : {}) };
        },
        command: (who, name, args) => command(who, AGENTS, name, args),
        // A person picked in a text option: Discord writes <@id>.
        mention: (who) => `<@${users[who]}>`,
        agentsChannel: async (title) => titled(AGENTS, title),
        async replyUnderCard(card, text) {
          threadOn(AGENTS, card.id, ANA);
          return say(ANA, card.id, text);
        },
        maintainers: {
          posts: async (n) => titled(MAINTAINERS, `Escalation: #${n} `),
          async reply(post, text): Promise<Reply> {
            threadOn(MAINTAINERS, post.id, MIA);
            const said = await say(MIA, post.id, text);
            return { native: said.message, resend: said.resend };
          },
          async share(who, reply) {
            const m = reply.native as APIMessage;
            // The reply's "Copy Message Link", then /ticket share <link> typed in its thread.
            const link = `https://discord.com/channels/${fake.guildId}/${m.channel_id}/${m.id}`;
            return { text: await command(who, m.channel_id, 'share', { link }) };
          },
        },
        stop: () => d.stop(),
      };
    },
  };
}

interface ModalLabel {
  component?: { custom_id?: string; max_values?: number };
}

/** The answers as Discord submits them: a select that takes several values gets the ticked ones as a list. */
function modalValues(
  labels: ModalLabel[],
  values: Record<string, string>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [field, value] of Object.entries(values)) {
    const select = labels.find((l) => l.component?.custom_id === field)?.component;
    out[field] = (select?.max_values ?? 1) > 1 ? value.split(',').filter(Boolean) : value;
  }
  return out;
}
