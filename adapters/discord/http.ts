// POST /discord/interactions: Discord's Interactions Endpoint URL, an alternative to receiving
// interactions over the gateway, on when DISCORD_PUBLIC_KEY is set. Every request is signed with the
// application's Ed25519 key over timestamp + raw body (X-Signature-Ed25519, X-Signature-Timestamp);
// anything unsigned, forged or older than 5 minutes is refused with 401 — Discord checks that before it
// accepts the URL. A PING is answered with a PONG; everything else is answered in the HTTP response the
// same way the gateway's interactions are (interactions.ts).
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type APIInteraction,
  type APIInteractionResponse,
  InteractionResponseType,
  InteractionType,
} from 'discord.js';
import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../src/core/ports.ts';
import { firstSight } from '../../src/core/replay.ts';
import type { Db } from '../../src/db/index.ts';
import { handleInteraction, type InteractionDeps } from './interactions.ts';

export const INTERACTIONS_PATH = '/discord/interactions';

/** How far a signature's timestamp may be from now: a captured request cannot be replayed later. */
const MAX_SKEW_S = 5 * 60;

/** The application's public key (64 hex characters, as the Developer Portal shows it) as a key object. */
export function publicKeyOf(hex: string): KeyObject {
  const x = Buffer.from(hex, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

export function verifyDiscordSignature(
  key: KeyObject,
  body: Buffer,
  signature: string,
  timestamp: string,
): boolean {
  if (!/^[0-9a-f]{128}$/i.test(signature) || !timestamp) return false;
  return verify(null, Buffer.concat([Buffer.from(timestamp), body]), key, Buffer.from(signature, 'hex'));
}

export function registerDiscordRoutes(
  http: FastifyInstance,
  deps: { publicKey: string; interactions: InteractionDeps; db: Db; clock: Clock; log: Logger },
): void {
  const key = publicKeyOf(deps.publicKey);
  const { log } = deps;
  http.register(async (scope) => {
    // The signature covers the exact bytes Discord sent: keep them raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(INTERACTIONS_PATH, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = String(req.headers['x-signature-ed25519'] ?? '');
      const timestamp = String(req.headers['x-signature-timestamp'] ?? '');
      const age = Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp));
      if (!verifyDiscordSignature(key, raw, signature, timestamp) || !(age <= MAX_SKEW_S)) {
        log.warn({ ip: req.ip }, 'Discord interaction refused: bad signature');
        return reply.code(401).send({
          error: 'invalid_signature',
          message:
            'Not signed with this application’s key (DISCORD_PUBLIC_KEY), or signed more than 5 minutes ago.',
        });
      }
      let i: APIInteraction;
      try {
        i = JSON.parse(raw.toString('utf8')) as APIInteraction;
        if (!i || typeof i !== 'object' || typeof i.type !== 'number') throw new Error('not an interaction');
      } catch {
        log.warn('Discord interaction refused: a body that is not an interaction');
        return reply.code(400).send({ error: 'bad_request', message: 'Expected an interaction as JSON.' });
      }
      if (i.type === InteractionType.Ping) return reply.send({ type: InteractionResponseType.Pong });
      // Signed requests can be captured and sent again: each interaction runs once, on any instance.
      const fresh = await firstSight(
        deps.db,
        `discord:interaction:${i.id}`,
        new Date(deps.clock.now().getTime() + 2 * MAX_SKEW_S * 1000),
      );
      if (!fresh) {
        log.info('Discord interaction replayed: already handled, ignored');
        return reply.send({
          type: InteractionResponseType.DeferredChannelMessageWithSource,
          data: { flags: 64 },
        });
      }
      // The first answer is this response; edits and follow-ups go over REST once Discord has it.
      let answered!: (body: APIInteractionResponse) => void;
      const first = new Promise<APIInteractionResponse>((resolve) => {
        answered = resolve;
      });
      const sent = new Promise<void>((resolve) => reply.raw.once('finish', () => resolve()));
      const done = handleInteraction(
        deps.interactions,
        i,
        async (body) => {
          answered(body);
          await sent;
        },
        'http',
      );
      // Never left without an answer: a failure before any (logged there) still acknowledges.
      void done.finally(() =>
        answered({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 64 } }),
      );
      return reply.code(200).send(await first);
    });
  });
}
