// The web chat as a channel module: Relevo's own chat page and agent console. Always on unless
// relevo.yaml says `webchat.enabled: false`; it serves two channels of its own (channels.ts).
import type { Tx } from '../../src/db/index.ts';
import { defineModule } from '../../src/modules/module.ts';
import { WebchatAdapter } from './adapter.ts';
import { webchatChannels } from './channels.ts';
import { registerWebchatRoutes, webchatMessagePayload } from './http.ts';

export const webchatModule = defineModule({
  name: 'webchat',
  settings: (_env, config) => (config.webchat.enabled ? {} : undefined),
  channels: (config) => webchatChannels(config.webchat),
  async create(ctx) {
    const { db, router, log } = ctx;
    const adapter = new WebchatAdapter(db, ctx.bus, ctx.hub);
    return {
      adapter,
      routes: (http, httpCtx) => registerWebchatRoutes(http, httpCtx, adapter),
      inboxHandlers: {
        'webchat.message': async (tx: Tx, payload: unknown, key: string) => {
          const msg = webchatMessagePayload.parse(payload);
          // The session's contact now: a visitor who proved their address since writing this is that
          // contact (the lock waits for a verification in progress, which takes the same lock).
          const [session] = await tx.$queryRaw<{ contactId: string }[]>`
            SELECT "contactId" FROM "WebchatSession" WHERE id = ${msg.sessionId} FOR UPDATE`;
          await router.handle(tx, {
            kind: 'message',
            platform: 'webchat',
            channel: 'support',
            thread: msg.sessionId,
            messageId: msg.postId,
            inThread: true,
            person: { actor: { kind: 'contact', contactId: session?.contactId ?? msg.contactId } },
            text: msg.text,
            // The page's language is kept on the contact as it is chosen (http.ts): the words are not judged.
            languageChosen: true,
          });
          log.debug({ key }, 'web chat message processed');
        },
      },
    };
  },
});
