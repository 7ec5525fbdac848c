// The shape a verified Slack request must have before Bolt and Relevo read it. Slack always sends these
// shapes; a signed request without them (a broken proxy, a replayed capture edited and re-signed with a
// leaked secret, a test) would crash Bolt's routing or leave an event in the inbox that fails forever.
// Only the fields something reads are checked; everything else passes through untouched.
import { z } from 'zod';

const id = z.string().min(1);
const ts = z.string().regex(/^\d+(\.\d+)?$/, 'expected a Slack timestamp such as 1700000000.000100');
/** Bolt looks for a conversation in `channel` (an id, or an object with one), `channel_id` and `item.channel`. */
const conversation = z.union([id, z.looseObject({ id })]);

/** What Bolt's routing reads of any event (helpers.getTypeAndConversation, App.buildSource). */
const boltEvent = z.looseObject({
  type: z.string(),
  channel: conversation.optional(),
  channel_id: id.optional(),
  item: z.looseObject({ channel: id.optional() }).optional(),
  user: z.union([id, z.looseObject({ id })]).optional(),
  subteam: z.looseObject({}).optional(),
});

const messageEvent = boltEvent.extend({
  type: z.literal('message'),
  channel: id,
  ts,
  user: id.optional(),
  text: z.string().optional(),
  thread_ts: ts.optional(),
  subtype: z.string().optional(),
  bot_id: z.string().nullish(),
});

const reactionEvent = boltEvent.extend({
  type: z.literal('reaction_added'),
  user: id,
  reaction: z.string(),
  item: z.looseObject({ type: z.string(), channel: id.optional(), ts: ts.optional() }),
});

/** Any other event type: only what Bolt's routing touches. */
const otherEvent = boltEvent.extend({
  type: z.string().refine((t) => t !== 'message' && t !== 'reaction_added', 'expected a well-formed event'),
});

const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event_id: id.optional(),
  team_id: id.optional(),
  event: z.union([messageEvent, reactionEvent, otherEvent]),
  authorizations: z.array(z.looseObject({})).optional(),
});

const command = z.looseObject({
  command: z.string(),
  text: z.string(),
  user_id: id,
  team_id: z.string().optional(),
  channel_id: id.optional(),
  response_url: z.url().optional(),
  trigger_id: z.string().optional(),
});

const interactionTypes = [
  'block_actions',
  'view_submission',
  'view_closed',
  'message_action',
  'shortcut',
  'block_suggestion',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
] as const;

const interaction = z
  .looseObject({
    type: z.enum(interactionTypes),
    // Bolt routes anything with `event` as an event, and reads these when present.
    event: z.never({ error: 'expected no event outside an event_callback' }).optional(),
    user: z.looseObject({ id }),
    team: z.looseObject({ id: z.string().optional() }).nullish(),
    enterprise: z.looseObject({}).nullish(),
    trigger_id: z.string().optional(),
    response_url: z.url().optional(),
    actions: z
      .array(
        // Bolt matches listeners with action_id.match(…): Slack always sends a string.
        z.looseObject({
          action_id: z.string(),
          type: z.string().optional(),
          value: z.string().optional(),
        }),
      )
      .optional(),
    channel: z.looseObject({ id }).optional(),
    container: z.looseObject({ channel_id: id.optional() }).nullish(),
    message: z
      .looseObject({ ts: ts.optional(), text: z.string().optional(), thread_ts: ts.optional() })
      .nullish(),
    view: z
      .looseObject({
        id: z.string().optional(),
        callback_id: z.string(),
        private_metadata: z.string().optional(),
        app_installed_team_id: z.string().optional(),
        blocks: z.array(z.looseObject({})).optional(),
        state: z
          .looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) })
          .optional(),
      })
      .optional(),
    callback_id: z.string().optional(),
  })
  .refine((body) => !body.type.startsWith('view_') || body.view !== undefined, {
    message: 'expected the view of a view_submission or view_closed',
    path: ['view'],
  });

/** What is wrong with a verified request's body, if anything (`field: problem`). */
export function envelopeProblem(body: Record<string, unknown>): string | undefined {
  const schema =
    body.type === 'url_verification'
      ? z.looseObject({ challenge: z.string() })
      : body.type === 'event_callback'
        ? eventCallback
        : 'command' in body
          ? command
          : interaction;
  const result = schema.safeParse(body);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
}
