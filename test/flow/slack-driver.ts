// The flow's verbs on Slack: really signed Events API and interactivity requests in (the customer, Ana,
// Mia and a stranger as Slack users), and what Relevo posted to the fake Slack read back out.
import { parseActionId } from '../../adapters/slack/blocks.ts';
import type { DatabaseKind } from '../harness/databases.ts';
import { eventually } from '../harness/http.ts';
import type { FakeMessage } from '../harness/slack/fake-web-api.ts';
import { readMessage } from '../harness/slack/read-message.ts';
import type { StateValues } from '../harness/slack/signed-requests.ts';
import {
  AGENTS,
  ANA,
  buttonsOf,
  CUSTOMER,
  MAINTAINERS,
  MIA,
  STRANGER,
  SUPPORT,
  startSlackApp,
} from '../harness/slack/slack-app.ts';
import { type Answer, buttonNamed, type FlowPlatform, type Reply, seenOf, type Who } from './driver.ts';

const users: Record<Who, string> = { customer: CUSTOMER, agent: ANA, maintainer: MIA, stranger: STRANGER };

/** A message in a channel, as the driver keeps it to press its buttons or point a shortcut at it. */
interface InChannel {
  channel: string;
  message: FakeMessage;
}

/** A modal's answers as Slack puts them in view.state.values, shaped by the inputs the modal has. */
function stateOf(view: { blocks: any[] }, values: Record<string, string>): StateValues {
  const state: StateValues = {};
  for (const [field, value] of Object.entries(values)) {
    const block = view.blocks.find((b) => b.type === 'input' && b.block_id === field);
    if (!block) throw new Error(`the modal has no "${field}" input`);
    const { type, action_id: actionId } = block.element;
    state[field] = {
      [actionId]:
        type === 'static_select'
          ? { type, selected_option: { text: { type: 'plain_text', text: value }, value } }
          : type === 'checkboxes'
            ? {
                type,
                selected_options: value
                  .split(',')
                  .filter(Boolean)
                  .map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
              }
            : { type, value },
    };
  }
  return state;
}

export function slackFlow(database: DatabaseKind): FlowPlatform {
  return {
    name: 'Slack',
    database,
    capabilities: { cardThreads: true, maintainersChannel: true },
    async start() {
      const s = await startSlackApp(database);
      const settle = () => s.t.app.settle();
      const ok = (what: string, res: { status: number }) => {
        if (res.status !== 200) throw new Error(`Slack's ${what} was answered ${res.status}`);
      };
      const botPosts = (channel: string, thread?: string) =>
        s.fake.messages(channel, thread).filter((m) => m.bot_id || m.user === s.fake.botUserId);
      const seen = (channel: string) => (message: FakeMessage) =>
        seenOf(message.ts, readMessage(message), { channel, message } satisfies InChannel);
      const titled = (channel: string, title: string) =>
        botPosts(channel)
          .filter((m) => readMessage(m).title?.startsWith(title))
          .map(seen(channel));

      /** A person's message, delivered now and again on demand as Slack's retry (same body, same event_id). */
      const say = async (user: string, channel: string, text: string, threadTs?: string) => {
        const delivery = await s.slack.message({ channel, user, text, threadTs });
        ok('message event', delivery);
        await settle();
        return {
          ts: delivery.payload.event.ts as string,
          async resend() {
            ok('retried event', await s.slack.resend(delivery, { retryNum: 1 }));
            await settle();
          },
        };
      };

      /** The private answer posted to a response_url, as the person reads it. */
      const responseText = (url: string) => {
        const [body] = s.fake.responses(url);
        return seenOf('', readMessage(body), body).text;
      };

      /** Submits the modal `opened`; Relevo answers with errors in the modal, or privately in the channel. */
      async function submit(user: string, opened: any, channel: string, values: Record<string, string>) {
        const form = opened.args.view.title.text as string;
        const before = s.fake.callsTo('chat.postEphemeral').length;
        const res = await s.slack.viewSubmission({
          user,
          viewId: opened.response.view.id,
          values: stateOf(opened.args.view, values),
        });
        ok('view submission', res);
        if (res.body?.response_action === 'errors') {
          return { text: Object.values(res.body.errors).join('\n'), form, formRefused: true };
        }
        const told = await eventually(
          async () =>
            s.fake
              .callsTo('chat.postEphemeral')
              .slice(before)
              .find((c) => c.args.user === user && c.args.channel === channel),
          `Relevo's private answer to the "${form}" modal`,
          20_000,
        );
        await settle();
        return { text: told.args.text as string, form };
      }

      return {
        db: s.t.app.db.prisma,
        source: 'slack',
        async customerWrites(text) {
          const said = await say(CUSTOMER, SUPPORT, text);
          return { id: said.ts, resend: said.resend };
        },
        customerReplies: (c, text) => say(CUSTOMER, SUPPORT, text, c.id),
        customerSees: async (c) => botPosts(SUPPORT, c.id).map(seen(SUPPORT)),
        cards: async (n) => titled(AGENTS, `#${n} `),
        async press(who, on, label, values): Promise<Answer> {
          const { channel, message } = on.native as InChannel;
          const current = s.fake.findMessage(channel, message.ts) ?? message;
          const button = buttonNamed(buttonsOf(current), label);
          const user = users[who];
          const responseUrl = s.fake.responseUrl();
          const modalsBefore = s.fake.callsTo('views.open').length;
          ok(
            'button click',
            await s.slack.blockAction({
              user,
              actionId: button.actionId,
              value: button.value,
              channel,
              messageTs: current.ts,
              responseUrl,
            }),
          );
          // Relevo answers a click one way: privately through its response_url, or by opening a modal.
          const outcome = await eventually(
            async () =>
              s.fake.responses(responseUrl).length
                ? { answered: true as const }
                : s.fake.callsTo('views.open')[modalsBefore],
            `Relevo's answer to "${label}" (${parseActionId(button.actionId)?.action})`,
            20_000,
          );
          if ('answered' in outcome) {
            await settle();
            return { text: responseText(responseUrl) };
          }
          const form = outcome.args.view.title.text as string;
          if (!values) return { text: '', form };
          return submit(user, outcome, channel, values);
        },
        async command(who, name, args) {
          const res = await s.slack.slashCommand({
            user: users[who],
            channel: AGENTS,
            text: [name, ...Object.values(args)].join(' '),
          });
          ok('slash command', res);
          const url = res.payload.response_url ?? '';
          await s.fake.waitForResponse(url, undefined, 20_000);
          await settle();
          return responseText(url);
        },
        // A mention as Slack escapes it (`<@U…|name>`); unescaped, Slack would send the plain `@name`.
        mention: (who) => `<@${users[who]}|${s.fake.user(users[who])?.name}>`,
        agentsChannel: async (title) => titled(AGENTS, title),
        replyUnderCard: (card, text) => say(ANA, AGENTS, text, (card.native as InChannel).message.ts),
        maintainers: {
          posts: async (n) => titled(MAINTAINERS, `Escalation: #${n} `),
          async reply(post, text): Promise<Reply> {
            const root = (post.native as InChannel).message.ts;
            const said = await say(MIA, MAINTAINERS, text, root);
            const message = s.fake.findMessage(MAINTAINERS, said.ts) as FakeMessage;
            return { native: { channel: MAINTAINERS, message } satisfies InChannel, resend: said.resend };
          },
          async share(who, reply) {
            const { channel, message } = reply.native as InChannel;
            const responseUrl = s.fake.responseUrl();
            const res = await s.slack.messageShortcut({
              user: users[who],
              callbackId: 'relevo_share',
              channel,
              message: {
                user: message.user,
                ts: message.ts,
                threadTs: message.thread_ts,
                text: message.text,
              },
              responseUrl,
            });
            ok('message shortcut', res);
            await s.fake.waitForResponse(responseUrl);
            await settle();
            return { text: responseText(responseUrl) };
          },
        },
        stop: () => s.stop(),
      };
    },
  };
}
