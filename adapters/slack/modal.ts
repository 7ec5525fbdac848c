// Renders a core FormSpec as a Slack modal and maps the `view_submission` back to the core's terms.
//
// Everything needed to act on the submission travels with the view itself (callback_id + private_metadata),
// so any Relevo instance can handle it: Slack may deliver the submission to a different process than the
// one that opened the modal.
import type {
  Checkboxes,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextInput,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { z } from 'zod';
import type { FormField, FormSpec } from '../../src/core/message.ts';
import { truncate } from '../kit/truncate.ts';
import { ACTION_PREFIX, clampForm, fitMrkdwn, SLACK_LIMITS } from './blocks.ts';

/** What the modal was opened for: the button's action and value, plus whatever the adapter needs later. */
export interface ModalMeta {
  action: string;
  value: string;
  /** Adapter context, e.g. `{ channel, ts }` of the card to update afterwards. Strings only. */
  context?: Record<string, string>;
}

/** The parts of a `view_submission` payload's `view` that Relevo reads (Slack sends more). */
export interface SlackViewSubmission {
  callback_id: string;
  private_metadata: string;
  state: {
    values: Record<
      string,
      Record<
        string,
        {
          type: string;
          value?: string | null;
          selected_option?: { value: string } | null;
          selected_options?: { value: string }[];
        }
      >
    >;
  };
}

/** A submitted form in the core's terms (see ActionInvocation in src/core/message.ts). */
export interface FormSubmission {
  action: string;
  value: string;
  /** Answered fields by field id; a field left empty is absent, not "". */
  form: Record<string, string>;
  context?: Record<string, string>;
}

function input(field: FormField): InputBlock {
  // block_id and action_id are both the field id: state.values is keyed block_id → action_id, and an id
  // we cannot fit would come back as something else, so it is refused rather than cut.
  if (field.id.length > SLACK_LIMITS.actionId) {
    throw new Error(
      `Form field id "${field.id.slice(0, 40)}…" is longer than Slack's ${SLACK_LIMITS.actionId}.`,
    );
  }
  const placeholder = field.placeholder?.trim()
    ? {
        placeholder: {
          type: 'plain_text' as const,
          text: truncate(field.placeholder, SLACK_LIMITS.placeholder),
        },
      }
    : {};
  let element: PlainTextInput | StaticSelect | Checkboxes;
  if (field.kind === 'choices') {
    const options = (field.options ?? []).map(optionOf(field));
    if (options.length === 0 || options.length > SLACK_LIMITS.checkboxOptions) {
      throw new Error(
        `Form field "${field.id}" has ${options.length} options; Slack checkboxes hold 1 to ` +
          `${SLACK_LIMITS.checkboxOptions}.`,
      );
    }
    const initial = options.filter((o) => field.initial?.includes(o.value));
    element = {
      type: 'checkboxes',
      action_id: field.id,
      options,
      ...(initial.length ? { initial_options: initial } : {}),
    };
  } else if (field.kind === 'select') {
    const options = field.options ?? [];
    if (options.length === 0 || options.length > SLACK_LIMITS.selectOptions) {
      throw new Error(
        `Form field "${field.id}" has ${options.length} options; a Slack static_select needs 1 to ` +
          `${SLACK_LIMITS.selectOptions}.`,
      );
    }
    element = {
      type: 'static_select',
      action_id: field.id,
      options: options.map(optionOf(field)),
      ...placeholder,
    };
  } else {
    element = {
      type: 'plain_text_input',
      action_id: field.id,
      multiline: field.kind === 'textarea',
      // Slack's ceiling, so the person sees the limit while typing instead of an error after submitting.
      max_length: SLACK_LIMITS.inputMaxLength,
      ...placeholder,
    };
  }
  return {
    type: 'input',
    block_id: field.id,
    label: { type: 'plain_text', text: truncate(field.label.trim() || field.id, SLACK_LIMITS.inputLabel) },
    optional: !field.required,
    element,
  };
}

/** An option of a select or checkboxes; a value Slack cannot hold whole is refused, not cut. */
const optionOf =
  (field: FormField) =>
  (o: { value: string; label: string }): { text: { type: 'plain_text'; text: string }; value: string } => {
    if (o.value.length > SLACK_LIMITS.optionValue) {
      throw new Error(
        `Option value "${o.value.slice(0, 40)}…" of field "${field.id}" is longer than Slack's ` +
          `${SLACK_LIMITS.optionValue}.`,
      );
    }
    return {
      text: { type: 'plain_text', text: truncate(o.label.trim() || o.value, SLACK_LIMITS.optionText) },
      value: o.value,
    };
  };

/**
 * The modal for a form, with `callback_id` `relevo:<action>` and `private_metadata`
 * `{"action","value","context"}`. Throws when the metadata would exceed Slack's 3000 characters: it cannot
 * be cut without losing what the submission needs.
 *
 * @example
 *   const { value, form } = readButtonValue(action.value);
 *   if (form) await client.views.open({ trigger_id, view: renderModal(form, { action: 'ticket.resolve', value }) });
 */
export function renderModal(form: FormSpec, meta: ModalMeta): ModalView {
  const callbackId = `${ACTION_PREFIX}${meta.action}`;
  if (callbackId.length > SLACK_LIMITS.callbackId) {
    throw new Error(
      `Modal callback_id for action "${meta.action.slice(0, 40)}…" exceeds ${SLACK_LIMITS.callbackId}.`,
    );
  }
  const metadata = JSON.stringify({
    action: meta.action,
    value: meta.value,
    ...(meta.context && { context: meta.context }),
  });
  if (metadata.length > SLACK_LIMITS.privateMetadata) {
    throw new Error(
      `Modal private_metadata is ${metadata.length} characters; Slack allows ${SLACK_LIMITS.privateMetadata}. ` +
        'Keep the button value and the adapter context to ids.',
    );
  }
  const clamped = clampForm(form);
  if (clamped.fields.length > SLACK_LIMITS.blocksPerModal) {
    throw new Error(
      `Form "${form.title}" has ${clamped.fields.length} fields; a modal holds ${SLACK_LIMITS.blocksPerModal}.`,
    );
  }
  const ids = new Set<string>();
  for (const f of clamped.fields) {
    if (ids.has(f.id)) throw new Error(`Form "${form.title}" has two fields with id "${f.id}".`);
    ids.add(f.id);
  }
  const blocks: KnownBlock[] = clamped.fields.map(input);
  if (blocks.length === 0) {
    // A confirmation-only form: a modal needs at least one block to show.
    const confirm: SectionBlock = {
      type: 'section',
      text: { type: 'mrkdwn', text: fitMrkdwn(form.title || 'Confirm', SLACK_LIMITS.sectionText) },
    };
    blocks.push(confirm);
  }
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: 'plain_text', text: clamped.title.trim() || 'Relevo' },
    submit: { type: 'plain_text', text: clamped.submitLabel.trim() || 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

const elementStateSchema = z.object({
  type: z.string(),
  value: z.string().nullable().optional(),
  selected_option: z.object({ value: z.string() }).nullable().optional(),
  selected_options: z.array(z.object({ value: z.string() })).optional(),
});

const viewSchema = z.object({
  callback_id: z.string().startsWith(ACTION_PREFIX),
  private_metadata: z.string(),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), elementStateSchema)) }),
});

const metadataSchema = z.object({
  action: z.string().min(1),
  value: z.string(),
  context: z.record(z.string(), z.string()).optional(),
});

function invalid(what: string): never {
  throw new Error(`Slack view_submission is not a Relevo form: ${what}`);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'view'}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Reads a `view_submission`'s view back into the action, value, answers and context `renderModal` was
 * given. Throws a descriptive Error on anything Relevo did not render, so a forged or foreign payload
 * changes nothing.
 */
export function readSubmission(view: SlackViewSubmission): FormSubmission {
  const parsed = viewSchema.safeParse(view);
  if (!parsed.success) invalid(describe(parsed.error));
  const { callback_id, private_metadata, state } = parsed.data;

  let json: unknown;
  try {
    json = JSON.parse(private_metadata);
  } catch {
    invalid('private_metadata is not JSON');
  }
  const meta = metadataSchema.safeParse(json);
  if (!meta.success) invalid(`private_metadata ${describe(meta.error)}`);
  if (callback_id !== `${ACTION_PREFIX}${meta.data.action}`) {
    invalid(`callback_id ${callback_id} does not match the action "${meta.data.action}" in private_metadata`);
  }

  const form: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(state.values)) {
    // renderModal uses the field id for both keys; fall back to the block's only element.
    const element = elements[blockId] ?? Object.values(elements)[0];
    if (!element) continue;
    let answer: string | null | undefined;
    if (element.type === 'plain_text_input') answer = element.value;
    else if (element.type === 'static_select') answer = element.selected_option?.value;
    else if (element.type === 'checkboxes')
      answer = (element.selected_options ?? []).map((o) => o.value).join(',');
    else invalid(`block "${blockId}" holds a ${element.type}, which Relevo forms never use`);
    if (answer) form[blockId] = answer;
  }

  return {
    action: meta.data.action,
    value: meta.data.value,
    form,
    ...(meta.data.context && { context: meta.data.context }),
  };
}
