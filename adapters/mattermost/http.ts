// Mattermost's requests to Relevo, on its one HTTP server:
//   POST /mattermost/command — /ticket (form-encoded; its token in the body and as "Authorization: Token")
//   POST /mattermost/actions — a button on a Relevo post (JSON; the context Relevo signed)
//   POST /mattermost/dialogs — a dialog submitted (JSON; the state Relevo signed)
// Commands and clicks are acknowledged at once, before the database is touched (a replayed trigger id is
// recognised afterwards, and does nothing), and answered privately afterwards (through the command's
// response_url, an ephemeral post, or a dialog opened with the click's trigger_id, which lives 3 s). A
// dialog's submission is answered in its response, so a refusal shows in the still-open dialog.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChatPerson, Interaction } from '../../src/core/chat/events.ts';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { ChatRouter } from '../../src/core/chat/router.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type { Clock, Logger, Metrics } from '../../src/core/ports.ts';
import { firstSight } from '../../src/core/replay.ts';
import { stripControlsDeep } from '../../src/core/text.ts';
import type { Db } from '../../src/db/index.ts';
import { chatTexts } from '../../src/i18n/chat.ts';
import type { MattermostAdapter } from './adapter.ts';
import { type Client4, request } from './client.ts';
import type { CommandTokens } from './command-tokens.ts';
import { type MattermostRenderer, readSubmission } from './render.ts';
import { PLATFORM } from './translate.ts';

export interface MattermostHttpDeps {
  db: Db;
  router: ChatRouter;
  adapter: MattermostAdapter;
  renderer: MattermostRenderer;
  client: Client4;
  tokens: CommandTokens;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
}

/** How long a click's or a command's trigger id is remembered, so a replayed request does nothing. */
const REPLAY_WINDOW_MS = 15 * 60_000;

/**
 * The refusal of a forged request, in both languages: whoever made it up is not asked who they are (a
 * lookup per forged request would let anyone make Relevo call Mattermost at will).
 */
const unsigned = `${chatTexts('en').unsignedButton} / ${chatTexts('es').unsignedButton}`;

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** The people a command @mentions, as Mattermost resolved them: `@username` → their user id. */
function mentionsOf(body: Record<string, unknown>): { mentions?: Record<string, string> } {
  const names = Array.isArray(body.user_mentions) ? body.user_mentions : [];
  const ids = Array.isArray(body.user_mentions_ids) ? body.user_mentions_ids : [];
  const pairs = names.flatMap((name, i) =>
    typeof name === 'string' && typeof ids[i] === 'string' && ids[i] ? [[`@${name}`, ids[i] as string]] : [],
  );
  return pairs.length ? { mentions: Object.fromEntries(pairs) } : {};
}

export function registerMattermostRoutes(http: FastifyInstance, deps: MattermostHttpDeps): void {
  const { db, router, adapter, renderer, client, log } = deps;

  const acked = (reply: FastifyReply, body: unknown = {}) => {
    deps.metrics?.ackLatency(PLATFORM, 'http', reply.elapsedTime / 1000);
    return reply.code(200).send(body);
  };

  /** A request Mattermost sends once; false (and logged) when these bytes' trigger id was seen already. */
  const firstTime = async (triggerId: string | undefined, kind: string) => {
    if (!triggerId) return true;
    const fresh = await firstSight(
      db,
      `${PLATFORM}:trigger:${triggerId}`,
      new Date(deps.clock.now().getTime() + REPLAY_WINDOW_MS),
    );
    if (!fresh) log.info({ kind }, 'Mattermost request replayed: already handled, ignored');
    return fresh;
  };

  /**
   * Runs `act` unless this trigger id was seen already — after the acknowledgement, which is the same
   * either way: the database (one connection, for the embedded one, often busy opening tickets) is kept
   * off the path Mattermost waits on. If the check itself fails, nothing is done and the person is told.
   */
  const once = (
    triggerId: string | undefined,
    kind: string,
    person: ChatPerson,
    tell: (m: OutMessage) => Promise<void>,
    act: () => Promise<unknown>,
  ) => {
    void firstTime(triggerId, kind).then(
      (fresh) => (fresh ? act() : undefined),
      async (err: unknown) => {
        log.error({ err, kind }, 'Mattermost request not handled: its replay check failed');
        const language = await router.languageOf(PLATFORM, person).catch(() => 'en');
        await tell({ text: chatTexts(language).failed }).catch(() => undefined);
      },
    );
  };

  const run = (i: Interaction, responder: InteractionResponder) =>
    router
      .interact(i, responder)
      .catch((err: unknown) => log.error({ err }, 'Mattermost interaction failed'));

  /** Private answers in a channel: an ephemeral post only that person sees. */
  const whisperTo = (channel: string | undefined, user: string) => async (m: OutMessage) => {
    if (channel) await adapter.whisper(channel, user, m);
  };

  http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        const params = new URLSearchParams(body as string);
        // Mattermost repeats user_mentions and user_mentions_ids, once per person the command @mentions
        // (in the same order): both are kept whole, every other field is one value.
        done(null, {
          ...Object.fromEntries(params),
          user_mentions: params.getAll('user_mentions'),
          user_mentions_ids: params.getAll('user_mentions_ids'),
        });
      },
    );

    scope.post('/mattermost/command', async (req, reply) => {
      const body = stripControlsDeep((req.body ?? {}) as Record<string, unknown>);
      const token = str(body.token);
      const header = /^Token\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      // Both must agree when both are sent: a request with two different tokens is not Mattermost's.
      if ((header && header !== token) || !(await deps.tokens.valid(token))) {
        log.warn({ ip: req.ip }, 'Mattermost command refused: unknown token');
        return reply.code(401).send({
          response_type: 'ephemeral',
          text: 'This slash command’s token is not one Relevo accepts: run `relevo mattermost register`, or add the token to MATTERMOST_COMMAND_TOKENS.',
        });
      }
      const user = str(body.user_id);
      if (!user) return reply.code(400).send({ text: 'user_id is missing: not a request Mattermost sends.' });
      const channel = str(body.channel_id);
      const responseUrl = str(body.response_url);
      const answer = async (m: OutMessage) => {
        if (responseUrl && sameOrigin(responseUrl, client.getUrl())) {
          const post = renderer.post(m);
          const res = await fetch(responseUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            // A command's answer names its text `text` (a post's is `message`).
            body: JSON.stringify({ response_type: 'ephemeral', text: post.message, props: post.props }),
            signal: AbortSignal.timeout(10_000),
          });
          if (res.ok) return;
          log.warn(
            { status: res.status },
            'Mattermost response_url refused the answer: sending it as an ephemeral post',
          );
        }
        await whisperTo(channel, user)(m);
      };
      once(str(body.trigger_id), 'command', { platformId: user }, answer, () =>
        run(
          {
            kind: 'command',
            platform: PLATFORM,
            person: { platformId: user },
            text: String(body.text ?? ''),
            channel,
            thread: str(body.root_id),
            ...mentionsOf(body),
          },
          { reply: answer },
        ),
      );
      return acked(reply);
    });

    scope.post('/mattermost/actions', async (req, reply) => {
      const body = stripControlsDeep((req.body ?? {}) as Record<string, unknown>);
      const user = str(body.user_id);
      if (!user) {
        log.warn({ ip: req.ip }, 'Mattermost action refused: no user_id');
        return reply.code(400).send({ ephemeral_text: 'Not a request Mattermost sends (no user_id).' });
      }
      const person: ChatPerson = { platformId: user };
      const signed = renderer.readButton(body.context);
      if (!signed.ok) {
        if (signed.reason === 'forged') {
          // Mattermost sends back exactly the context Relevo gave; anything else was made up or altered.
          log.warn({ ip: req.ip }, 'Mattermost action refused: a context Relevo did not sign');
          return reply.code(401).send({ ephemeral_text: unsigned });
        }
        log.info('Mattermost action refused: its button is too old');
        const texts = chatTexts(await router.languageOf(PLATFORM, person));
        return acked(reply, { ephemeral_text: texts.staleButton });
      }
      const channel = str(body.channel_id);
      const triggerId = str(body.trigger_id);
      once(triggerId, 'action', person, whisperTo(channel, user), () =>
        run(
          {
            kind: 'button',
            platform: PLATFORM,
            person,
            action: signed.action,
            value: signed.value,
            channel,
          },
          {
            reply: whisperTo(channel, user),
            // The trigger id lives 3 s from the click: the router looks the form up and opens it at once.
            ...(triggerId
              ? {
                  openForm: async (form, ref) => {
                    await request(client, 'post', '/actions/dialogs/open', {
                      trigger_id: triggerId,
                      url: renderer.dialogsUrl,
                      dialog: renderer.dialog(form, ref),
                    });
                  },
                }
              : {}),
          },
        ),
      );
      return acked(reply);
    });

    scope.post('/mattermost/dialogs', async (req, reply) => {
      const body = stripControlsDeep((req.body ?? {}) as Record<string, unknown>);
      const user = str(body.user_id);
      if (!user) return reply.code(400).send({ error: 'Not a request Mattermost sends (no user_id).' });
      if (body.cancelled === true) return acked(reply);
      const person: ChatPerson = { platformId: user };
      const signed = renderer.readDialogState(body.state);
      if (!signed.ok) {
        if (signed.reason === 'forged') {
          log.warn({ ip: req.ip }, 'Mattermost dialog refused: a state Relevo did not sign');
          return reply.code(401).send({ error: unsigned });
        }
        const texts = chatTexts(await router.languageOf(PLATFORM, person));
        return acked(reply, { error: texts.staleButton });
      }
      const values = readSubmission(body.submission);
      const channel = signed.channel ?? str(body.channel_id);
      let answer: unknown = {};
      const later: OutMessage[] = [];
      await run(
        {
          kind: 'form',
          platform: PLATFORM,
          person,
          action: signed.action,
          value: signed.value,
          values,
          channel,
        },
        {
          // Sent once the dialog has closed, as an ephemeral post where the button was.
          reply: async (m) => void later.push(m),
          // Shown under the dialog's first field, which stays open with everything typed in it.
          formError: async (text) => {
            answer = { errors: { [signed.field ?? Object.keys(values)[0] ?? 'relevo']: text } };
          },
        },
      );
      for (const m of later) {
        void whisperTo(
          channel,
          user,
        )(m).catch((err: unknown) =>
          log.warn({ err }, 'Mattermost: the answer to a dialog could not be shown'),
        );
      }
      return acked(reply, answer);
    });
  });
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
