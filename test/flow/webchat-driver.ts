// The flow's verbs on the web chat: the customer uses the chat page's API (/webchat/api/*), one session
// per conversation; agents and maintainers use the agent console's (/console/api/*), signed in.
import type { Post } from '../../adapters/webchat/adapter.ts';
import { noLimitsYaml, testConfigYaml } from '../fixtures/config.ts';
import { startTestApp } from '../harness/app.ts';
import type { DatabaseKind } from '../harness/databases.ts';
import { Client, statusClass } from '../harness/http.ts';
import { type Answer, buttonNamed, type FlowPlatform, seenOf, type Who } from './driver.ts';

/** Mia joins as a maintainer; a customer opens many conversations here, so the pace limits step aside. */
const webchatFlowYaml = testConfigYaml
  .replace(
    '  - { id: ben, name: Ben, role: agent }',
    '  - { id: ben, name: Ben, role: agent }\n  - { id: mia, name: Mia, role: maintainer, email: mia@support.test }',
  )
  .concat(noLimitsYaml, '\ntickets:\n  generalContact: contacto@support.test\n');

/** A post as its page shows it, and the page (the customer's session, or the console) it is on. */
interface OnPage {
  post: Post;
  customer?: Client;
}

export function webchatFlow(database: DatabaseKind): FlowPlatform {
  return {
    name: 'the web chat',
    database,
    capabilities: {
      cardThreads: { missing: 'the console’s cards have no threads — agents write notes in the ticket view' },
      maintainersChannel: {
        missing:
          'it has no maintainers’ channel — maintainers work in the console, which shows the agents’ cards only',
      },
    },
    async start() {
      const t = await startTestApp({ database, config: webchatFlowYaml });
      const settle = () => t.app.settle();
      const signIn = async (agentId: string) => {
        const console = new Client(t.url);
        const res = await console.post('/console/api/login', { token: t.apiToken, agentId });
        if (res.status !== 200) throw new Error(`console sign-in as ${agentId}: ${res.status}`);
        return console;
      };
      const consoles = { agent: await signIn('ana'), maintainer: await signIn('mia') };
      const sessions = new Map<string, Client>();
      let latest: Client | undefined;
      let seq = 0;

      /** Sends a message from the page; sending the same clientId again is the page's own retry. */
      const send = async (customer: Client, text: string) => {
        const clientId = `flow-message-${++seq}`;
        const once = async () => {
          const res = await customer.post('/webchat/api/messages', { text, clientId });
          if (res.status !== 202)
            throw new Error(`web chat message refused: ${res.status} ${JSON.stringify(res.body)}`);
          await settle();
        };
        await once();
        return { resend: once };
      };

      /** Presses a button from a page: the console's for agents' posts, the chat page's for a customer. */
      const pressOn = async (
        who: Who,
        on: OnPage,
        action: string,
        value: string,
        form?: Record<string, string>,
      ) => {
        const client =
          who === 'stranger'
            ? new Client(t.url)
            : who === 'customer'
              ? (on.customer ?? latest)
              : consoles[who];
        if (!client) throw new Error('no customer has written yet');
        const page = who === 'customer' || (who === 'stranger' && on.customer) ? 'webchat' : 'console';
        const res = await client.post(`/${page}/api/actions`, { action, value, ...(form ? { form } : {}) });
        if (statusClass(res.status) === '5xx') throw new Error(`pressing ${action}: ${res.status}`);
        await settle();
        return res;
      };

      return {
        db: t.app.db.prisma,
        source: 'webchat',
        async customerWrites(text) {
          const customer = new Client(t.url);
          const session = await customer.post('/webchat/api/session', {
            name: 'Carla Customer',
            email: 'carla@example.com',
          });
          if (session.status !== 200) throw new Error(`web chat session refused: ${session.status}`);
          const id = `conversation-${sessions.size + 1}`;
          sessions.set(id, customer);
          latest = customer;
          return { id, ...(await send(customer, text)) };
        },
        customerReplies: async (c, text) => send(sessions.get(c.id) as Client, text),
        async customerSees(c) {
          const customer = sessions.get(c.id) as Client;
          const { body } = await customer.get('/webchat/api/messages');
          return (body.messages as Post[])
            .filter((p) => p.authorKind !== 'customer')
            .map((post) => seenOf(post.id, post.message, { post, customer } satisfies OnPage));
        },
        async cards(n) {
          const { body } = await consoles.agent.get('/console/api/messages');
          return (body.messages as Post[])
            .filter((p) => p.message.title?.startsWith(`#${n} `))
            .map((post) => seenOf(post.id, post.message, { post } satisfies OnPage));
        },
        async press(who, on, label, values): Promise<Answer> {
          const page = on.native as OnPage;
          const { action, value } = buttonNamed(page.post.message.buttons, label);
          const res = await pressOn(who, page, action, value);
          // A refusal is the HTTP answer itself (4xx), with the reason for the person.
          if (statusClass(res.status) === '4xx') return { text: res.body.error.message };
          if (!res.body.form) return { text: res.body.text };
          const form = res.body.form.title;
          if (!values) return { text: '', form };
          const submitted = await pressOn(who, page, action, value, values);
          if (statusClass(submitted.status) === '4xx') {
            return { text: submitted.body.error.message, form, formRefused: true };
          }
          return { text: submitted.body.text, form };
        },
        async command(who, name, args) {
          const client = who === 'agent' || who === 'maintainer' ? consoles[who] : new Client(t.url);
          const text = `/ticket ${[name, ...Object.values(args)].join(' ')}`;
          const res = await client.post('/console/api/commands', { text });
          await settle();
          return statusClass(res.status) === '4xx' ? res.body.error.message : res.body.message.text;
        },
        // The console has no mentions: agents are named by their id.
        mention: (who) =>
          ({ customer: 'carla@example.com', agent: 'ana', maintainer: 'mia', stranger: 'sam' })[who],
        async agentsChannel(title) {
          const { body } = await consoles.agent.get('/console/api/messages');
          return (body.messages as Post[])
            .filter((p) => p.channel === 'agents' && p.message.title?.startsWith(title))
            .map((post) => seenOf(post.id, post.message, { post } satisfies OnPage));
        },
        stop: () => t.stop(),
      };
    },
  };
}
