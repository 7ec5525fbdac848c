// Relevo's platform-neutral messages and forms as Discord messages and modals, and back.
//
// A message's text goes in its `content`, so a customer reads Relevo's answer as an ordinary message;
// title, fields and footer go in one embed; buttons in action rows of five. A component's custom_id is
// a short reference — the action and its value ("ticket.take|12"), never state: forms are looked up when
// a button is pressed (core/tickets/forms.ts), and who may press what is decided by the router. Forms
// become modals whose fields sit in Label components (a select is a string select, a text a text input).
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  type RESTPostAPIChannelMessageJSONBody,
  TextInputStyle,
} from 'discord.js';
import type { Field, FormField, FormSpec, Mention, OutMessage } from '../../src/core/message.ts';
import { leadOf, opened } from '../kit/mentions.ts';
import { fillTime, NEUTRAL_COLOR, toneColorInt } from '../kit/tone.ts';
import { truncate } from '../kit/truncate.ts';

/** Discord's limits (discord.com/developers/docs: message, embed, component and modal limits). */
export const DISCORD_LIMITS = {
  content: 2_000,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  /** All of an embed's texts together. */
  embedTotal: 6_000,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
  customId: 100,
  modalTitle: 45,
  modalComponents: 5,
  label: 45,
  labelDescription: 100,
  placeholder: 100,
  textInput: 4_000,
  selectOptions: 25,
  optionLabel: 100,
  threadName: 100,
} as const;

/** A message Relevo posts: nobody is pinged by what it quotes (a customer's @everyone stays text). */
export type DiscordMessageBody = RESTPostAPIChannelMessageJSONBody & {
  allowed_mentions: { parse: []; roles?: string[]; users?: string[] };
};

/** What a button or a modal brings back. */
export interface ComponentRef {
  action: string;
  value: string;
}

const SEP = '|';
const FORM = 'form';

const buttonStyle = { primary: ButtonStyle.Primary, danger: ButtonStyle.Danger } as const;

/** A button's custom_id; throws on a reference that would not fit (a bug, never a person's input). */
export function buttonId(ref: ComponentRef): string {
  return fit([ref.action, ref.value].join(SEP));
}

/** A modal's custom_id: the button that opened it. */
export function modalId(ref: ComponentRef): string {
  return fit([FORM, ref.action, ref.value].join(SEP));
}

function fit(id: string): string {
  if (id.length > DISCORD_LIMITS.customId) {
    throw new Error(`Discord custom_id over ${DISCORD_LIMITS.customId} characters: "${id.slice(0, 40)}…"`);
  }
  return id;
}

/** A button's custom_id → its reference; undefined when it is not one of Relevo's. */
export function readButtonId(customId: string): ComponentRef | undefined {
  const at = customId.indexOf(SEP);
  if (at <= 0 || customId.startsWith(FORM + SEP)) return undefined;
  return { action: customId.slice(0, at), value: customId.slice(at + 1) };
}

export function readModalId(customId: string): ComponentRef | undefined {
  if (!customId.startsWith(FORM + SEP)) return undefined;
  return readButtonId(customId.slice(FORM.length + SEP.length));
}

/**
 * A plain message (no title, fields, footer or buttons) longer than Discord's 2,000 characters as several
 * messages, cut at line ends where possible: an agent's long answer reaches the customer whole. Anything
 * else is one message (its text cut to fit): a card or a form's answer.
 */
export function messageBodies(m: OutMessage): DiscordMessageBody[] {
  const plain = !m.title && !m.fields?.length && !m.buttons?.length && !m.context;
  const text = contentOf(m);
  if (!plain || text.length <= DISCORD_LIMITS.content) return [messageBody(m)];
  return chunks(text, DISCORD_LIMITS.content).map((content) => ({
    content,
    allowed_mentions: allowedMentions(m),
  }));
}

/** A Discord user id (a snowflake): only such an id becomes a mention. */
const SNOWFLAKE = /^\d{1,25}$/;

/** `<@id>` notifies the person; someone Relevo has no Discord id for is named in bold. */
function discordMention(m: Mention): string {
  return m.platformId && SNOWFLAKE.test(m.platformId) ? `<@${m.platformId}>` : `**${m.name}**`;
}

/** The author in bold, then the text opened by its mentions. */
function contentOf(m: OutMessage): string {
  const text = opened(leadOf(m.mentions, discordMention), m.text);
  return [m.author ? `**${m.author}**` : undefined, text].filter(Boolean).join('\n');
}

/**
 * Nobody is pinged by what a message quotes (a customer's @everyone stays text), except the people it is
 * addressed to: they are listed by id, and only they.
 */
function allowedMentions(m: OutMessage): DiscordMessageBody['allowed_mentions'] {
  const users = (m.mentions ?? []).flatMap((x) =>
    x.platformId && SNOWFLAKE.test(x.platformId) ? [x.platformId] : [],
  );
  return users.length ? { parse: [], users: users.slice(0, 100) } : { parse: [] };
}

function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never half an emoji (a surrogate pair).
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest) out.push(rest);
  return out;
}

/** An OutMessage as the body of POST /channels/{id}/messages (and of interaction answers). */
export function messageBody(m: OutMessage): DiscordMessageBody {
  const body: DiscordMessageBody = {
    content: truncate(contentOf(m), DISCORD_LIMITS.content),
    allowed_mentions: allowedMentions(m),
  };
  const embed = embedOf(m);
  if (embed) body.embeds = [embed];
  if (m.buttons?.length) body.components = rowsOf(m.buttons);
  return body;
}

/**
 * A timed field with Discord's own timestamps, which each reader's client renders in their zone and
 * language and keeps counting: `<t:UNIX:R>` ("in 2 hours", "25 minutes ago") and `<t:UNIX:f>` (date and
 * time) — https://discord.com/developers/docs/reference#message-formatting-timestamp-styles.
 */
export function fieldValue(f: Field): string {
  if (!f.when) return f.value || '—';
  return fillTime(f.when.relative, f.when, { moment: (u) => `<t:${u}:f>`, relative: (u) => `<t:${u}:R>` });
}

function embedOf(m: OutMessage): APIEmbed | undefined {
  if (!m.title && !m.fields?.length && !m.context) return undefined;
  // The fields are cut to the embed's total: a card with a long diagnosis still posts.
  let budget = DISCORD_LIMITS.embedTotal;
  const take = (s: string, max: number) => {
    const cut = truncate(s, Math.max(1, Math.min(max, budget)));
    budget -= cut.length;
    return cut;
  };
  const embed: APIEmbed = {
    color: m.tone ? toneColorInt(m.tone) : Number.parseInt(NEUTRAL_COLOR.slice(1), 16),
  };
  if (m.title) embed.title = take(m.title, DISCORD_LIMITS.embedTitle);
  if (m.context) embed.footer = { text: take(m.context, DISCORD_LIMITS.footer) };
  const fields = (m.fields ?? []).slice(0, DISCORD_LIMITS.embedFields);
  embed.fields = [];
  for (const f of fields) {
    if (budget < 20) break;
    const name = take(f.label || '·', DISCORD_LIMITS.fieldName);
    const value = take(fieldValue(f), DISCORD_LIMITS.fieldValue);
    embed.fields.push({ name, value, inline: f.value.length <= 40 });
  }
  if (embed.fields.length === 0) delete embed.fields;
  return embed;
}

function rowsOf(
  buttons: NonNullable<OutMessage['buttons']>,
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const max = DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow;
  if (buttons.length > max) throw new Error(`Discord shows at most ${max} buttons on a message`);
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  buttons.forEach((b, i) => {
    if (i % DISCORD_LIMITS.buttonsPerRow === 0) rows.push({ type: ComponentType.ActionRow, components: [] });
    rows[rows.length - 1]?.components.push({
      type: ComponentType.Button,
      custom_id: buttonId({ action: b.action, value: b.value }),
      label: truncate(b.label, DISCORD_LIMITS.buttonLabel),
      style: b.style ? buttonStyle[b.style] : ButtonStyle.Secondary,
    });
  });
  return rows;
}

/** A form as a modal; its submission comes back with `modalId(ref)` as custom_id. */
export function modalOf(form: FormSpec, ref: ComponentRef): APIModalInteractionResponseCallbackData {
  if (form.fields.length > DISCORD_LIMITS.modalComponents) {
    throw new Error(`Discord modals hold at most ${DISCORD_LIMITS.modalComponents} fields ("${form.title}")`);
  }
  return {
    custom_id: modalId(ref),
    title: truncate(form.title, DISCORD_LIMITS.modalTitle),
    components: form.fields.map(labelOf),
  };
}

function labelOf(f: FormField): APILabelComponent {
  // A label longer than Discord shows is cut there and given whole as the label's description.
  const long = f.label.length > DISCORD_LIMITS.label;
  const placeholder = f.placeholder?.trim()
    ? { placeholder: truncate(f.placeholder, DISCORD_LIMITS.placeholder) }
    : {};
  const head = {
    type: ComponentType.Label as const,
    label: truncate(f.label, DISCORD_LIMITS.label),
    ...(long ? { description: truncate(f.label, DISCORD_LIMITS.labelDescription) } : {}),
  };
  if (f.kind === 'select' || f.kind === 'choices') {
    // Several choices are a select that takes several values, the options ticked at first its defaults.
    const options = (f.options ?? []).slice(0, DISCORD_LIMITS.selectOptions);
    if (options.length === 0) throw new Error(`Form field "${f.id}" is a select with no options.`);
    const several = f.kind === 'choices';
    return {
      ...head,
      component: {
        type: ComponentType.StringSelect,
        custom_id: f.id,
        required: Boolean(f.required),
        min_values: f.required ? 1 : 0,
        max_values: several ? options.length : 1,
        ...placeholder,
        options: options.map((o) => ({
          label: truncate(o.label, DISCORD_LIMITS.optionLabel),
          value: o.value,
          ...(several && f.initial?.includes(o.value) ? { default: true } : {}),
        })),
      },
    };
  }
  return {
    ...head,
    component: {
      type: ComponentType.TextInput,
      custom_id: f.id,
      style: f.kind === 'textarea' ? TextInputStyle.Paragraph : TextInputStyle.Short,
      required: Boolean(f.required),
      max_length: f.kind === 'textarea' ? DISCORD_LIMITS.textInput : 300,
      ...placeholder,
    },
  };
}

/**
 * A modal submission's components → the answered fields. Discord sends each field inside its Label
 * (`{ type: 18, component }`), or inside an action row for modals built the older way; a select brings
 * `values`, a text input `value`.
 */
export function readModalValues(components: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (c: unknown) => {
    if (!c || typeof c !== 'object') return;
    const o = c as {
      component?: unknown;
      components?: unknown;
      custom_id?: unknown;
      value?: unknown;
      values?: unknown;
    };
    if (o.component) visit(o.component);
    if (Array.isArray(o.components)) o.components.forEach(visit);
    if (typeof o.custom_id !== 'string') return;
    // A select answers with its chosen values (one, or several for a `choices` field).
    const v = Array.isArray(o.values) ? o.values.join(',') : o.value;
    if (typeof v === 'string' && v !== '') out[o.custom_id] = v;
  };
  if (Array.isArray(components)) components.forEach(visit);
  return out;
}

/** A thread's name from what it is about: its first line, cut to Discord's 100 characters. */
export function threadName(text: string, fallback: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return truncate(line || fallback, DISCORD_LIMITS.threadName);
}
