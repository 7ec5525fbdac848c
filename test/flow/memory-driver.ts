// The flow's verbs on the in-memory platform: its people say, press, submit and share, and read what
// they see, as on a real chat platform (test/harness/memory-platform.ts).
import type { DatabaseKind } from '../harness/databases.ts';
import { AGENTS, MAINTAINERS, MEMORY, SUPPORT, startMemoryApp } from '../harness/memory-app.ts';
import type { MemoryMessage } from '../harness/memory-platform.ts';
import { type Answer, type FlowPlatform, type Reply, seenOf, type Who } from './driver.ts';

const people: Record<Who, string> = {
  customer: 'customer',
  agent: 'ana',
  maintainer: 'mia',
  stranger: 'stranger',
};

export function memoryFlow(database: DatabaseKind): FlowPlatform {
  return {
    name: 'the in-memory platform',
    database,
    capabilities: { cardThreads: true, maintainersChannel: true },
    async start() {
      const { t, chat, stop } = await startMemoryApp(database);
      const seen = (m: MemoryMessage) => seenOf(m.id, m.message, m);
      const byRelevo = (channel: string, title: string) =>
        chat
          .seen(channel)
          .filter((m) => m.from === 'relevo' && m.message.title?.startsWith(title))
          .map(seen);
      const sent = (m: MemoryMessage) => ({ native: m, resend: () => chat.resend(m) });
      return {
        db: t.app.db.prisma,
        source: MEMORY,
        async customerWrites(text) {
          const m = await chat.say('customer', text);
          return { id: m.id, resend: () => chat.resend(m) };
        },
        customerReplies: async (c, text) => sent(await chat.say('customer', text, { thread: c.id })),
        customerSees: async (c) =>
          chat
            .seen(SUPPORT, c.id)
            .filter((m) => m.from === 'relevo')
            .map(seen),
        cards: async (n) => byRelevo(AGENTS, `#${n} `),
        async press(who, on, label, values): Promise<Answer> {
          const pressed = await chat.press(people[who], on.native as MemoryMessage, label);
          if (!pressed.form) return { text: pressed.text ?? '' };
          const form = pressed.form.title;
          if (!values) return { text: '', form };
          const submitted = await chat.submit(people[who], values);
          if (submitted.formError !== undefined)
            return { text: submitted.formError, form, formRefused: true };
          return { text: submitted.text ?? '', form };
        },
        command: async (who, name, args) =>
          (
            await chat.command(people[who], `/ticket ${name} ${Object.values(args).join(' ')}`, {
              channel: AGENTS,
            })
          ).text ?? '',
        // The in-memory platform resolves @names of its people, as Mattermost does.
        mention: (who) => `@${people[who]}`,
        agentsChannel: async (title) => byRelevo(AGENTS, title),
        replyUnderCard: async (card, text) =>
          sent(await chat.say('ana', text, { channel: AGENTS, thread: card.id })),
        maintainers: {
          posts: async (n) => byRelevo(MAINTAINERS, `Escalation: #${n} `),
          reply: async (post, text) =>
            sent(await chat.say('mia', text, { channel: MAINTAINERS, thread: post.id })),
          share: async (who, reply: Reply) => ({
            text: (await chat.act(people[who], reply.native as MemoryMessage, 'share_note')).text ?? '',
          }),
        },
        stop,
      };
    },
  };
}
