// Renders Relevo's platform-neutral OutMessage as Slack Block Kit, and reads back what our buttons carry.
//
// Slack rejects a whole message (`invalid_blocks`) when one text is a character too long, so every text is
// cut to its documented limit here, with an ellipsis, instead of losing the post. Identifiers (action ids,
// button values) cannot be cut without breaking the round trip, so an oversized one is a programming error
// and throws at render time, where a test catches it, rather than at Slack.
import type {
  ActionsBlock,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MessageAttachment,
  MrkdwnElement,
  SectionBlock,
  Button as SlackButton,
} from '@slack/types';
import type { Field, FormField, FormSpec, Mention, OutMessage } from '../../src/core/message.ts';
import { formatMoment } from '../../src/i18n/durations.ts';
import { leadOf, opened } from '../kit/mentions.ts';
import { fillTime, toneColor } from '../kit/tone.ts';
import { ELLIPSIS, truncate } from '../kit/truncate.ts';

/** Slack's documented limits, each with the page that states it. */
export const SLACK_LIMITS = {
  // https://docs.slack.dev/reference/block-kit/blocks — "up to 50 blocks in each message, and 100 blocks in
  // modals or Home tabs".
  blocksPerMessage: 50,
  blocksPerModal: 100,
  // https://docs.slack.dev/reference/block-kit/blocks/section-block — text 1..3000; fields at most 10 items,
  // each at most 2000 characters.
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  // https://docs.slack.dev/reference/block-kit/blocks/header-block — plain_text, at most 150 characters.
  headerText: 150,
  // https://docs.slack.dev/reference/block-kit/composition-objects/text-object — any text object 1..3000
  // (a context block's text elements have no tighter limit).
  textObject: 3000,
  // https://docs.slack.dev/reference/block-kit/blocks/actions-block (and @slack/types ActionsBlock) — "a
  // maximum of 25 elements in each action block".
  actionsElements: 25,
  // https://docs.slack.dev/reference/block-kit/block-elements/button-element — text 75, action_id 255,
  // value 2000.
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  // https://docs.slack.dev/reference/methods/chat.postMessage ("Truncating content") — keep `text` within
  // 4,000 characters; it is only the notification / accessibility fallback once blocks are present.
  fallbackText: 4000,
  // https://docs.slack.dev/reference/views/modal-views — title, submit and close at most 24 characters;
  // callback_id 255; private_metadata 3000.
  modalTitle: 24,
  modalButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  // https://docs.slack.dev/reference/block-kit/blocks/input-block — label (and hint) at most 2000.
  inputLabel: 2000,
  // https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element — max_length between 1
  // and 3000; placeholder at most 150 (the placeholder limit is shared by select menus).
  inputMaxLength: 3000,
  placeholder: 150,
  // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select — at most 100
  // options; https://docs.slack.dev/reference/block-kit/composition-objects/option-object — option text 75,
  // option value 150.
  selectOptions: 100,
  // https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element — at most 10 options.
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
} as const;

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, and only those
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping: "You shouldn't HTML entity-encode the
 * entire text"). Customer text can then never forge a link or an `<!channel>` ping.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes `raw` and fits the escaped result into `max`. Cutting after escaping could leave half an entity
 * ("&am…") on screen, so the cut happens between source characters instead.
 */
export function fitMrkdwn(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of raw) {
    const piece = escapeMrkdwn(ch);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/**
 * A mrkdwn text object for text Relevo did not write (customer messages, names, ticket subjects).
 * `verbatim: true` stops Slack's automatic parsing, so a customer typing "@channel" or "#general" cannot
 * ping or link anything in the agents' channel; explicit formatting still renders.
 */
function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

// ---------------------------------------------------------------------------------------------------------
// Action ids

/** Every Relevo action id starts with this, so one listener (`/^relevo:/`) receives all our buttons. */
export const ACTION_PREFIX = 'relevo:';

/**
 * The `action_id` of the `occurrence`-th button (1-based) for `action` in one message:
 * `relevo:ticket.take`, then `relevo:ticket.take#2`, `#3`... Slack wants action ids unique within a block
 * and Relevo keeps them unique within the message, because a card may offer the same action twice
 * (e.g. "Assign to Ana" and "Assign to Luis", told apart by their values).
 *
 * An action that itself ends in `#<digits>` always gets a suffix, so `parseActionId` is never ambiguous.
 */
export function actionId(action: string, occurrence = 1): string {
  const needsSuffix = occurrence > 1 || /#\d+$/.test(action);
  const id = `${ACTION_PREFIX}${action}${needsSuffix ? `#${occurrence}` : ''}`;
  if (id.length > SLACK_LIMITS.actionId) {
    throw new Error(
      `Slack action_id "${id.slice(0, 40)}…" is ${id.length} characters; Slack allows ${SLACK_LIMITS.actionId}. ` +
        'Use a shorter action name.',
    );
  }
  return id;
}

/** Reverses `actionId`. Returns undefined for action ids Relevo did not write (another app's, a modal input). */
export function parseActionId(id: string): { action: string; occurrence: number } | undefined {
  if (!id.startsWith(ACTION_PREFIX)) return undefined;
  const rest = id.slice(ACTION_PREFIX.length);
  const suffixed = /^(.+)#(\d+)$/.exec(rest);
  if (suffixed) return { action: suffixed[1] as string, occurrence: Number(suffixed[2]) };
  return rest ? { action: rest, occurrence: 1 } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Forms and button values

/**
 * A form cut to what a Slack modal can show (titles, labels, placeholders, option texts), so that embedding
 * it in a button value wastes no characters on text the modal would cut anyway. Option values and ids are
 * left alone: they must come back exactly.
 */
export function clampForm(form: FormSpec): FormSpec {
  const field = (f: FormField): FormField => ({
    id: f.id,
    label: truncate(f.label, SLACK_LIMITS.inputLabel),
    kind: f.kind,
    ...(f.required !== undefined && { required: f.required }),
    ...(f.options && {
      options: f.options.map((o) => ({ value: o.value, label: truncate(o.label, SLACK_LIMITS.optionText) })),
    }),
    ...(f.placeholder !== undefined && { placeholder: truncate(f.placeholder, SLACK_LIMITS.placeholder) }),
    ...(f.initial && { initial: f.initial }),
  });
  return {
    title: truncate(form.title, SLACK_LIMITS.modalTitle),
    submitLabel: truncate(form.submitLabel, SLACK_LIMITS.modalButton),
    fields: form.fields.map(field),
  };
}

/**
 * A button's value for Slack: the core's own value (a ticket number, a conversation id), nothing more.
 * The form a button opens is looked up when it is pressed (core formFor), so it never has to fit here.
 */
export function buttonValue(value: string): string {
  if (value.length > SLACK_LIMITS.buttonValue) {
    throw new Error(
      `Button value is ${value.length} characters; a Slack button value holds ${SLACK_LIMITS.buttonValue}. ` +
        'Pass an id, not content.',
    );
  }
  return value;
}

/**
 * Reads a pressed button's value. Cards posted by earlier versions carried JSON (`{"v":"12","f":…}`) and
 * stay in channels until their ticket changes; their buttons still work.
 */
export function readButtonValue(raw: string): string {
  if (!raw.startsWith('{"v":')) return raw;
  try {
    const { v } = JSON.parse(raw) as { v?: unknown };
    return typeof v === 'string' ? v : raw;
  } catch {
    return raw;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Messages

/** The arguments for chat.postMessage / chat.update that show an OutMessage. */
export interface RenderedMessage {
  /** Notification and screen-reader fallback; Slack shows the blocks in the channel. */
  text: string;
  blocks: KnownBlock[];
  /**
   * The message's times (its SLA clocks), in one legacy attachment: the only way a Slack app colours part
   * of a message (https://docs.slack.dev/legacy/legacy-messaging/legacy-secondary-message-attachments:
   * `color`, and `blocks` inside). Empty when there are none; chat.update must still send `[]` then, or
   * Slack keeps the previous attachments ("If you don't include this field, the message's previous
   * attachments will be retained").
   */
  attachments: MessageAttachment[];
}

/**
 * A moment in the reader's own time zone and clock format: `<!date^UNIX^{date_short_pretty} {time}|fallback>`
 * (https://docs.slack.dev/messaging/formatting-message-text#date-formatting); the fallback, UTC, is what
 * a client that cannot render it shows.
 */
export function slackDate(unix: number): string {
  return `<!date^${unix}^{date_short_pretty} {time}|${escapeMrkdwn(formatMoment(new Date(unix * 1000)))}>`;
}

/**
 * A field's value as mrkdwn. A timed field shows its moment with Slack's date token (live in the reader's
 * zone) and its relative part as of rendering: Slack has no token that counts down, so the card's
 * re-rendering at every change and SLA threshold keeps that part honest.
 */
function fieldValue(f: Field, max: number): string {
  if (!f.when) return fitMrkdwn(f.value || '—', max);
  const live = fillTime(f.when.absolute, f.when, { moment: slackDate }, escapeMrkdwn);
  return live.length <= max ? live : fitMrkdwn(f.value, max);
}

function fieldText(f: Field): string {
  const name = f.label.replace(/\*/g, '').trim();
  const head = name ? `*${fitMrkdwn(name, 200)}*\n` : '';
  return head + fieldValue(f, SLACK_LIMITS.sectionFieldText - head.length);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A person a message is addressed to: `<@U…>` notifies them (it works in `verbatim` text, which only stops
 * Slack from guessing mentions in plain words); a person Relevo has no Slack id for is named in bold.
 */
function slackMention(m: Mention): string {
  if (m.platformId && /^[A-Z0-9]+$/.test(m.platformId)) return `<@${m.platformId}>`;
  return `*${fitMrkdwn(m.name.replace(/\*/g, '').trim() || '?', 100)}*`;
}

/** The mentions, then the text escaped and cut so that both fit in `max`. */
function addressedText(msg: OutMessage, text: string, max: number): string {
  const lead = leadOf(msg.mentions, slackMention);
  return opened(lead, fitMrkdwn(text, max - (lead ? lead.length + 1 : 0)));
}

function fallbackText(msg: OutMessage): string {
  const parts = [msg.title, msg.text].filter((p): p is string => Boolean(p?.trim()));
  const body = parts.join('\n') || msg.context || 'Relevo';
  // The fallback is what a notification shows: the mention is there too, so it names the person.
  return addressedText(msg, msg.author ? `${msg.author}: ${body}` : body, SLACK_LIMITS.fallbackText);
}

/**
 * Renders an OutMessage as Block Kit: header (title) · context "*Author*" · section (text) · sections of
 * fields (10 each) · actions (25 buttons each) · context (footer). The core writes plain text, not
 * markdown (see src/core/tickets/card.ts and src/i18n), so text is escaped, not converted: turning `**x**`
 * into `*x*` would rewrite what customers typed.
 *
 * @example
 *   const { text, blocks } = renderMessage(await renderCard(db, 12, 'en'));
 *   await client.chat.postMessage({ channel, text, blocks });
 */
export function renderMessage(msg: OutMessage): RenderedMessage {
  const blocks: KnownBlock[] = [];

  const title = msg.title?.trim();
  if (title) {
    // plain_text is shown as typed (no entity decoding), so it is cut but not escaped.
    const header: HeaderBlock = {
      type: 'header',
      text: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.headerText), emoji: true },
    };
    blocks.push(header);
  }

  const author = msg.author?.replace(/\*/g, '').trim();
  if (author) {
    const byline: ContextBlock = { type: 'context', elements: [mrkdwn(`*${fitMrkdwn(author, 150)}*`)] };
    blocks.push(byline);
  }

  if (msg.text.trim()) {
    const section: SectionBlock = {
      type: 'section',
      text: mrkdwn(addressedText(msg, msg.text, SLACK_LIMITS.sectionText)),
    };
    blocks.push(section);
  }

  // Timed or toned fields (SLA clocks) go in the coloured attachment below; the rest stay here.
  const timed = (f: Field) => Boolean(f.when || f.tone);
  const sections = (fields: Field[]) =>
    chunk(fields, SLACK_LIMITS.sectionFields).map(
      (group): SectionBlock => ({ type: 'section', fields: group.map((f) => mrkdwn(fieldText(f))) }),
    );
  blocks.push(...sections((msg.fields ?? []).filter((f) => !timed(f))));
  const clockFields = (msg.fields ?? []).filter(timed);
  const attachments: MessageAttachment[] = clockFields.length
    ? [
        {
          ...(msg.tone ? { color: toneColor[msg.tone] } : {}),
          fallback: truncate(clockFields.map((f) => `${f.label}: ${f.value}`).join('\n'), 300),
          blocks: sections(clockFields),
        },
      ]
    : [];

  const seen = new Map<string, number>();
  const elements = (msg.buttons ?? []).map((b): SlackButton => {
    const occurrence = (seen.get(b.action) ?? 0) + 1;
    seen.set(b.action, occurrence);
    const label = b.label.trim() || b.action;
    return {
      type: 'button',
      action_id: actionId(b.action, occurrence),
      text: { type: 'plain_text', text: truncate(label, SLACK_LIMITS.buttonText), emoji: true },
      value: buttonValue(b.value),
      ...(b.style && { style: b.style }),
    };
  });
  for (const group of chunk(elements, SLACK_LIMITS.actionsElements)) {
    const actions: ActionsBlock = { type: 'actions', elements: group };
    blocks.push(actions);
  }

  const footer = msg.context?.trim();
  if (footer) {
    const context: ContextBlock = {
      type: 'context',
      elements: [mrkdwn(fitMrkdwn(footer, SLACK_LIMITS.textObject))],
    };
    blocks.push(context);
  }

  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    // Better a shortened card than `invalid_blocks` and no card at all.
    const kept = blocks.slice(0, SLACK_LIMITS.blocksPerMessage - 1);
    const notice: ContextBlock = {
      type: 'context',
      elements: [mrkdwn(`${ELLIPSIS} ${blocks.length - kept.length} more blocks not shown (Slack's limit).`)],
    };
    blocks.splice(0, blocks.length, ...kept, notice);
  }

  return { text: fallbackText(msg), blocks, attachments };
}
