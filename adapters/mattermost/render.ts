// Relevo's platform-neutral messages and forms as Mattermost posts and interactive dialogs, and back.
//
// A post's text goes in its `message` (Markdown), so a customer reads Relevo's answer as an ordinary
// message; titles, fields, the footer and buttons go in one message attachment. Mattermost does not sign
// what a button or a dialog sends back, so each button's `context` and each dialog's `state` carry a token
// Relevo signed (kit/signed-context.ts) with its own secret and the time it was issued: a forged or altered
// one is refused, a very old one is refused as stale.
import type { FormField, FormSpec, Mention, OutMessage } from '../../src/core/message.ts';
import { leadOf, opened } from '../kit/mentions.ts';
import { readContext, signContext } from '../kit/signed-context.ts';
import { NEUTRAL_COLOR, toneColor } from '../kit/tone.ts';
import { truncate } from '../kit/truncate.ts';

/** Mattermost's limits (developers.mattermost.com: interactive messages and dialogs; posts). */
export const MATTERMOST_LIMITS = {
  /** "Posts size is limited to 16383 characters". */
  message: 16_383,
  attachmentText: 8_000,
  fieldValue: 2_000,
  buttonName: 80,
  dialogTitle: 24,
  elementDisplayName: 24,
  elementHelpText: 150,
  placeholder: 150,
  textMaxLength: 150,
  textareaMaxLength: 3_000,
  submitLabel: 24,
} as const;

/** How long a button or a dialog stays good: a card untouched for this long is redrawn before use. */
export const CONTEXT_TTL_MS = 30 * 24 * 3600_000;

/** What a button's context or a dialog's state signs: the action, its value, where, and when. */
interface Signed {
  action: string;
  value: string;
  channel?: string;
  /** A dialog's first field, where a refusal is shown. */
  field?: string;
  /** Issued at, ms. */
  at: number;
}

export type ReadResult =
  | { ok: true; action: string; value: string; channel?: string; field?: string }
  | { ok: false; reason: 'forged' | 'stale' };

export interface MattermostPost {
  message: string;
  props: Record<string, unknown>;
}

export interface MattermostDialog {
  callback_id: string;
  title: string;
  submit_label: string;
  notify_on_cancel: boolean;
  state: string;
  elements: Record<string, unknown>[];
}

const buttonStyle = { primary: 'primary', danger: 'danger' } as const;

export class MattermostRenderer {
  constructor(
    private readonly opts: {
      /** The key contexts are signed with (shared by every instance, kit/platform-state.ts). */
      secret: string;
      /** Relevo's public address, where Mattermost sends clicks and dialog submissions. */
      publicUrl: string;
      now?: () => number;
    },
  ) {}

  get actionsUrl(): string {
    return `${this.opts.publicUrl.replace(/\/+$/, '')}/mattermost/actions`;
  }

  get dialogsUrl(): string {
    return `${this.opts.publicUrl.replace(/\/+$/, '')}/mattermost/dialogs`;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /**
   * `usernames` maps the Mattermost user ids of the message's mentions to their usernames: Mattermost
   * mentions (and notifies) by `@username`, and someone whose username is not known is named in bold.
   */
  post(m: OutMessage, usernames: ReadonlyMap<string, string> = new Map()): MattermostPost {
    const mention = (x: Mention) => {
      const username = x.platformId ? usernames.get(x.platformId) : undefined;
      return username ? `@${username}` : `**${x.name}**`;
    };
    const text = opened(leadOf(m.mentions, mention), m.text);
    const lines = [m.author ? `**${m.author}**` : undefined, text].filter(Boolean).join('\n');
    // @channel, @all and @here in a customer's words must not ping a whole channel of agents.
    const props: Record<string, unknown> = { disable_group_highlight: true };
    if (m.title || m.fields?.length || m.buttons?.length || m.context) {
      props.attachments = [
        {
          fallback: truncate(m.title ?? m.text, 300),
          // The attachment's bar turns orange or red with the card's SLA clocks. Mattermost renders no
          // live times, so timed fields show their value as of rendering: the absolute moment plus
          // "due in 30 min", kept honest by the card's re-rendering at every change and SLA threshold.
          color: m.tone ? toneColor[m.tone] : NEUTRAL_COLOR,
          ...(m.title ? { title: truncate(m.title, 300) } : {}),
          ...(m.fields?.length
            ? {
                fields: m.fields.map((f) => ({
                  title: truncate(f.label, 200),
                  value: truncate(f.value, MATTERMOST_LIMITS.fieldValue),
                  short: f.value.length <= 40,
                })),
              }
            : {}),
          ...(m.context ? { footer: truncate(m.context, 300) } : {}),
          ...(m.buttons?.length
            ? {
                actions: m.buttons.map((b, i) => ({
                  // Mattermost wants action ids of letters and digits, unique in the post.
                  id: `relevo${i}`,
                  type: 'button',
                  name: truncate(b.label, MATTERMOST_LIMITS.buttonName),
                  ...(b.style ? { style: buttonStyle[b.style] } : {}),
                  integration: {
                    url: this.actionsUrl,
                    context: { relevo: this.sign('button', { action: b.action, value: b.value }) },
                  },
                })),
              }
            : {}),
        },
      ];
    }
    return { message: truncate(lines, MATTERMOST_LIMITS.message), props };
  }

  dialog(form: FormSpec, ref: { action: string; value: string; channel?: string }): MattermostDialog {
    return {
      callback_id: 'relevo',
      title: truncate(form.title, MATTERMOST_LIMITS.dialogTitle),
      submit_label: truncate(form.submitLabel, MATTERMOST_LIMITS.submitLabel),
      notify_on_cancel: false,
      state: this.sign('form', { ...ref, field: form.fields[0]?.id }),
      elements: form.fields.flatMap(elements),
    };
  }

  /** A button's context (`{ relevo: token }`) → what it was signed for. */
  readButton(context: unknown): ReadResult {
    const token = (context as { relevo?: unknown } | null)?.relevo;
    return this.read('button', token);
  }

  readDialogState(state: unknown): ReadResult {
    return this.read('form', state);
  }

  private sign(purpose: string, data: Omit<Signed, 'at'>): string {
    return signContext(this.opts.secret, purpose, { ...data, at: this.now() } satisfies Signed);
  }

  private read(purpose: string, token: unknown): ReadResult {
    const data = readContext<Signed>(this.opts.secret, purpose, token);
    if (!data || typeof data.action !== 'string' || typeof data.value !== 'string') {
      return { ok: false, reason: 'forged' };
    }
    if (!(this.now() - data.at < CONTEXT_TTL_MS)) return { ok: false, reason: 'stale' };
    return { ok: true, action: data.action, value: data.value, channel: data.channel, field: data.field };
  }
}

/**
 * A form field as dialog elements. Mattermost's dialogs have no group of checkboxes: each of a `choices`
 * field's options is a `bool` element of its own, named `<field>:<value>`, which readSubmission gathers.
 */
function elements(f: FormField): Record<string, unknown>[] {
  if (f.kind !== 'choices') return [element(f)];
  const options = f.options ?? [];
  if (options.length === 0) throw new Error(`Form field "${f.id}" offers no choices.`);
  return options.map((o, i) => ({
    name: `${f.id}:${o.value}`,
    display_name: truncate(o.label, MATTERMOST_LIMITS.elementDisplayName),
    type: 'bool',
    optional: true,
    // The text beside the box: the option whole, and the field's question above the first one.
    placeholder: truncate(o.label, MATTERMOST_LIMITS.elementHelpText),
    ...(i === 0 ? { help_text: truncate(f.label, MATTERMOST_LIMITS.elementHelpText) } : {}),
    default: f.initial?.includes(o.value) ? 'true' : 'false',
  }));
}

function element(f: FormField): Record<string, unknown> {
  // A label longer than Mattermost shows is cut there and given whole as the help text.
  const long = f.label.length > MATTERMOST_LIMITS.elementDisplayName;
  const base = {
    name: f.id,
    display_name: truncate(f.label, MATTERMOST_LIMITS.elementDisplayName),
    optional: !f.required,
    ...(long ? { help_text: truncate(f.label, MATTERMOST_LIMITS.elementHelpText) } : {}),
    ...(f.placeholder?.trim() ? { placeholder: truncate(f.placeholder, MATTERMOST_LIMITS.placeholder) } : {}),
  };
  if (f.kind === 'select') {
    const options = f.options ?? [];
    if (options.length === 0) throw new Error(`Form field "${f.id}" is a select with no options.`);
    return { ...base, type: 'select', options: options.map((o) => ({ text: o.label, value: o.value })) };
  }
  if (f.kind === 'textarea') {
    return { ...base, type: 'textarea', max_length: MATTERMOST_LIMITS.textareaMaxLength };
  }
  return { ...base, type: 'text', subtype: 'text', max_length: MATTERMOST_LIMITS.textMaxLength };
}

/** A dialog's submission (`{ field: value }`, values may be booleans or null) → answered fields only. */
export function readSubmission(submission: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!submission || typeof submission !== 'object') return out;
  const ticked: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(submission as Record<string, unknown>)) {
    if (v === null || v === undefined || v === '') continue;
    // A `choices` option's box (see elements): ticked ones join their field's answer.
    const [field, choice] = k.split(/:(.*)/s);
    if (choice !== undefined && field) {
      ticked[field] ??= [];
      if (v === true || v === 'true') ticked[field].push(choice);
      continue;
    }
    out[k] = typeof v === 'string' ? v : String(v);
  }
  for (const [field, values] of Object.entries(ticked)) if (values.length) out[field] = values.join(',');
  return out;
}
