import type { ActionsBlock, InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { FormSpec } from '../../src/core/message.ts';
import { parseActionId, readButtonValue, renderMessage, SLACK_LIMITS } from './blocks.ts';
import { readSubmission, renderModal, type SlackViewSubmission } from './modal.ts';

const form: FormSpec = {
  title: 'Resolve ticket',
  submitLabel: 'Send to customer',
  fields: [
    {
      id: 'message',
      label: 'Resolution message (the customer reads this)',
      kind: 'textarea',
      required: true,
    },
    { id: 'technicalNote', label: 'How it was solved (internal technical note)', kind: 'textarea' },
    { id: 'subject', label: 'Subject', kind: 'text', placeholder: 'One line' },
    {
      id: 'priority',
      label: 'Priority',
      kind: 'select',
      required: true,
      options: [
        { value: 'normal', label: 'Normal' },
        { value: 'high', label: 'High' },
      ],
    },
  ],
};

const inputs = (view: ModalView) => view.blocks.filter((b): b is InputBlock => b.type === 'input');

/**
 * What Slack sends back in `view_submission` → `view.state.values` for the modal `view`: keyed by block_id,
 * then action_id; text inputs carry `value` (null when left empty), selects `selected_option` (null when
 * nothing was chosen). Shape as in docs.slack.dev/reference/interaction-payloads/view-interactions-payload.
 */
function submit(view: ModalView, answers: Record<string, string | undefined>): SlackViewSubmission {
  const values: SlackViewSubmission['state']['values'] = {};
  for (const block of inputs(view)) {
    const el = block.element;
    const id = block.block_id as string;
    const answer = answers[id];
    if (el.type === 'static_select') {
      const option = el.options?.find((o) => o.value === answer);
      values[id] = {
        [el.action_id as string]: {
          type: 'static_select',
          selected_option: option ? { text: option.text, value: option.value } : null,
        } as never,
      };
    } else {
      values[id] = { [el.action_id as string]: { type: el.type, value: answer ?? null } };
    }
  }
  return {
    callback_id: view.callback_id as string,
    private_metadata: view.private_metadata as string,
    state: { values },
  };
}

describe('renderModal (docs.slack.dev/reference/views/modal-views)', () => {
  it('renders one input per field, keyed by the field id', () => {
    const view = renderModal(form, { action: 'ticket.resolve', value: '12' });
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'relevo:ticket.resolve',
      title: { type: 'plain_text', text: 'Resolve ticket' },
      submit: { type: 'plain_text', text: 'Send to customer' },
    });
    const blocks = inputs(view);
    expect(blocks.map((b) => [b.block_id, b.element.action_id, b.optional])).toEqual([
      ['message', 'message', false],
      ['technicalNote', 'technicalNote', true],
      ['subject', 'subject', true],
      ['priority', 'priority', false],
    ]);
    expect(blocks[0]?.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 3000 });
    expect(blocks[2]?.element).toMatchObject({
      type: 'plain_text_input',
      multiline: false,
      placeholder: { type: 'plain_text', text: 'One line' },
    });
    expect(blocks[3]?.element).toMatchObject({
      type: 'static_select',
      options: [
        { text: { type: 'plain_text', text: 'Normal' }, value: 'normal' },
        { text: { type: 'plain_text', text: 'High' }, value: 'high' },
      ],
    });
  });

  it('cuts title and submit to 24, labels to 2000, option texts to 75, placeholders to 150', () => {
    const view = renderModal(
      {
        title: 'A very long modal title indeed',
        submitLabel: 'Send this answer to the customer now',
        fields: [
          { id: 'a', label: 'L'.repeat(2500), kind: 'text', placeholder: 'P'.repeat(400) },
          { id: 'b', label: 'B', kind: 'select', options: [{ value: 'x', label: 'O'.repeat(100) }] },
        ],
      },
      { action: 'x', value: '1' },
    );
    expect(view.title.text).toHaveLength(SLACK_LIMITS.modalTitle);
    expect(view.submit?.text).toHaveLength(SLACK_LIMITS.modalButton);
    const [a, b] = inputs(view);
    expect(a?.label.text).toHaveLength(2000);
    expect(a?.element.type === 'plain_text_input' && a.element.placeholder?.text.length).toBe(150);
    expect(b?.element.type === 'static_select' && b.element.options?.[0]?.text.text.length).toBe(75);
  });

  it('keeps private_metadata under 3000 and refuses what cannot fit', () => {
    const view = renderModal(form, {
      action: 'ticket.resolve',
      value: '12',
      context: { channel: 'C1', ts: '1.2' },
    });
    expect(JSON.parse(view.private_metadata as string)).toEqual({
      action: 'ticket.resolve',
      value: '12',
      context: { channel: 'C1', ts: '1.2' },
    });
    expect(() => renderModal(form, { action: 'a', value: 'v'.repeat(3000) })).toThrow(
      /private_metadata.*3000/,
    );
  });

  it('refuses selects Slack would reject: no options, more than 100, or an option value over 150', () => {
    const select = (options: { value: string; label: string }[]): FormSpec => ({
      title: 'T',
      submitLabel: 'OK',
      fields: [{ id: 's', label: 'S', kind: 'select', options }],
    });
    expect(() => renderModal(select([]), { action: 'a', value: '1' })).toThrow(/1 to 100/);
    const many = Array.from({ length: 101 }, (_, i) => ({ value: String(i), label: String(i) }));
    expect(() => renderModal(select(many), { action: 'a', value: '1' })).toThrow(/101 options/);
    expect(() =>
      renderModal(select([{ value: 'v'.repeat(151), label: 'x' }]), { action: 'a', value: '1' }),
    ).toThrow(/150/);
  });

  it('refuses two fields with the same id (their answers would collide)', () => {
    const dup: FormSpec = {
      title: 'T',
      submitLabel: 'OK',
      fields: [
        { id: 'a', label: 'A', kind: 'text' },
        { id: 'a', label: 'B', kind: 'text' },
      ],
    };
    expect(() => renderModal(dup, { action: 'x', value: '1' })).toThrow(/two fields/);
  });
});

describe('a field of several choices', () => {
  const form: FormSpec = {
    title: 'Ask for information',
    submitLabel: 'Ask',
    fields: [
      {
        id: 'items',
        label: 'What is missing',
        kind: 'choices',
        options: [
          { value: 'environment_url', label: 'environment URL' },
          { value: 'evidence', label: 'evidence' },
          { value: 'steps', label: 'steps' },
        ],
        initial: ['evidence'],
      },
    ],
  };

  it('is a checkboxes element with what is missing ticked, read back as the ticked values', () => {
    const view = renderModal(form, { action: 'ticket.ask_info', value: '4' });
    const el = inputs(view)[0]?.element as { type: string; options: unknown[]; initial_options: unknown[] };
    expect(el.type).toBe('checkboxes');
    expect(el.options).toHaveLength(3);
    expect(el.initial_options).toEqual([
      { text: { type: 'plain_text', text: 'evidence' }, value: 'evidence' },
    ]);
    const submitted = readSubmission({
      callback_id: view.callback_id as string,
      private_metadata: view.private_metadata as string,
      state: {
        values: {
          items: {
            items: {
              type: 'checkboxes',
              selected_options: [{ value: 'environment_url' }, { value: 'steps' }],
            },
          },
        },
      },
    });
    expect(submitted.form).toEqual({ items: 'environment_url,steps' });
  });

  it('refuses more than the 10 boxes Slack shows', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ value: `v${i}`, label: `V${i}` }));
    const tooMany: FormSpec = {
      ...form,
      fields: [{ id: 'items', label: 'x', kind: 'choices', options: many }],
    };
    expect(() => renderModal(tooMany, { action: 'a', value: '1' })).toThrow(/1 to 10/);
  });
});

describe('readSubmission', () => {
  it('maps a Slack-shaped submission back to the action, value, answers and context', () => {
    const view = renderModal(form, { action: 'ticket.resolve', value: '12', context: { channel: 'C1' } });
    const submission = submit(view, { message: 'Restarted the spooler.', priority: 'high' });
    expect(readSubmission(submission)).toEqual({
      action: 'ticket.resolve',
      value: '12',
      // Left-empty optional fields are absent rather than "".
      form: { message: 'Restarted the spooler.', priority: 'high' },
      context: { channel: 'C1' },
    });
  });

  it('round-trips from the card button to the submitted form', () => {
    const { blocks } = renderMessage({
      text: 'Ticket #12',
      buttons: [{ action: 'ticket.resolve', label: 'Resolve…', value: '12' }],
    });
    const button = (blocks.find((b) => b.type === 'actions') as ActionsBlock).elements[0];
    if (button?.type !== 'button') throw new Error('expected a button');
    const action = parseActionId(button.action_id as string)?.action as string;
    // The form is looked up by action when the button is pressed (core formFor); here, `form`.
    const view = renderModal(form, { action, value: readButtonValue(button.value as string) });
    const result = readSubmission(submit(view, { message: 'Fixed', technicalNote: 'Cleared the queue' }));
    expect(result).toEqual({
      action: 'ticket.resolve',
      value: '12',
      form: { message: 'Fixed', technicalNote: 'Cleared the queue' },
    });
  });

  it('rejects garbage with a clear error', () => {
    const view = renderModal(form, { action: 'ticket.resolve', value: '12' });
    const good = submit(view, { message: 'ok' });
    const bad = (patch: object) => () => readSubmission({ ...good, ...patch } as SlackViewSubmission);
    expect(() => readSubmission(null as never)).toThrow(/not a Relevo form/);
    expect(bad({ callback_id: 'someone_else' })).toThrow(/callback_id/);
    expect(bad({ private_metadata: 'not json' })).toThrow(/private_metadata is not JSON/);
    expect(bad({ private_metadata: '{"value":"12"}' })).toThrow(/private_metadata action/);
    expect(bad({ callback_id: 'relevo:ticket.spam' })).toThrow(/does not match/);
    expect(bad({ state: {} })).toThrow(/state\.values/);
    expect(bad({ state: { values: { message: { message: { type: 'datepicker' } } } } })).toThrow(
      /datepicker/,
    );
    expect(
      bad({ state: { values: { message: { message: { type: 'plain_text_input', value: 5 } } } } }),
    ).toThrow(/not a Relevo form/);
  });
});
