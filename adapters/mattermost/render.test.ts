import { describe, expect, it } from 'vitest';
import type { FormSpec } from '../../src/core/message.ts';
import { CONTEXT_TTL_MS, MATTERMOST_LIMITS, MattermostRenderer, readSubmission } from './render.ts';

function renderer(now = { t: 1_000_000 }) {
  return {
    now,
    r: new MattermostRenderer({
      secret: 'a-secret-for-tests',
      publicUrl: 'https://relevo.example/',
      now: () => now.t,
    }),
  };
}

const card = {
  title: '#12 The printer is on fire',
  text: 'It smokes @channel',
  fields: [{ label: 'Organisation', value: 'Acme' }],
  context: 'Opened by Carla',
  buttons: [
    { action: 'ticket.take', label: 'Take it', value: '12', style: 'primary' as const },
    { action: 'ticket.spam', label: 'Spam', value: '12', style: 'danger' as const },
  ],
};

describe('Mattermost posts', () => {
  it('puts the words in the message and the rest in one attachment, buttons pointing at Relevo with signed contexts', () => {
    const { r } = renderer();
    const post = r.post(card);
    expect(post.message).toBe('It smokes @channel');
    // A customer's @channel must not ping a channel of agents.
    expect(post.props.disable_group_highlight).toBe(true);
    const [a] = post.props.attachments as any[];
    expect(a).toMatchObject({
      title: '#12 The printer is on fire',
      fields: [{ title: 'Organisation', value: 'Acme', short: true }],
      footer: 'Opened by Carla',
    });
    expect(a.actions.map((x: any) => [x.id, x.name, x.type, x.style, x.integration.url])).toEqual([
      ['relevo0', 'Take it', 'button', 'primary', 'https://relevo.example/mattermost/actions'],
      ['relevo1', 'Spam', 'button', 'danger', 'https://relevo.example/mattermost/actions'],
    ]);
    expect(r.readButton(a.actions[1].integration.context)).toEqual({
      ok: true,
      action: 'ticket.spam',
      value: '12',
      channel: undefined,
      field: undefined,
    });
  });

  it('a plain answer is a plain message, an agent’s reply carries their name, and nothing exceeds the post limit', () => {
    const { r } = renderer();
    expect(r.post({ text: 'Thanks' })).toEqual({
      message: 'Thanks',
      props: { disable_group_highlight: true },
    });
    expect(r.post({ text: 'On it', author: 'Ana' }).message).toBe('**Ana**\nOn it');
    expect(r.post({ text: 'x'.repeat(40_000) }).message).toHaveLength(MATTERMOST_LIMITS.message);
  });

  it('refuses a context that was altered, signed with another secret, missing — and one too old', () => {
    const { r, now } = renderer();
    const ctx = (r.post(card).props.attachments as any)[0].actions[0].integration.context;
    const [body, sig] = String(ctx.relevo).split('.');
    const other = Buffer.from(JSON.stringify({ action: 'ticket.take', value: '13', at: now.t })).toString(
      'base64url',
    );
    expect(r.readButton({ relevo: `${other}.${sig}` })).toEqual({ ok: false, reason: 'forged' });
    expect(r.readButton({ relevo: `${body}.x${sig?.slice(1)}` })).toEqual({ ok: false, reason: 'forged' });
    expect(r.readButton(undefined)).toEqual({ ok: false, reason: 'forged' });
    expect(r.readButton({})).toEqual({ ok: false, reason: 'forged' });
    const elsewhere = new MattermostRenderer({ secret: 'another-secret', publicUrl: 'https://x' });
    expect(elsewhere.readButton(ctx)).toEqual({ ok: false, reason: 'forged' });
    // A button's token is not a dialog's.
    expect(r.readDialogState(ctx.relevo)).toEqual({ ok: false, reason: 'forged' });
    now.t += CONTEXT_TTL_MS;
    expect(r.readButton(ctx)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('Mattermost dialogs', () => {
  const form: FormSpec = {
    title: 'Escalate to the maintainers of the product',
    submitLabel: 'Escalate',
    fields: [
      {
        id: 'product',
        label: 'Product',
        kind: 'select',
        required: true,
        options: [{ value: 'platform', label: 'Platform' }],
      },
      { id: 'background', label: 'Background for the maintainers (private)', kind: 'textarea' },
      { id: 'estimate', label: 'Estimate', kind: 'text', placeholder: 'e.g. 2 hours' },
    ],
  };

  it('renders each field within Mattermost’s limits, the whole label kept as help text', () => {
    const { r } = renderer();
    const d = r.dialog(form, { action: 'ticket.escalate', value: '12', channel: 'c1' });
    expect(d.title.length).toBeLessThanOrEqual(MATTERMOST_LIMITS.dialogTitle);
    expect(d.elements).toEqual([
      {
        name: 'product',
        display_name: 'Product',
        optional: false,
        type: 'select',
        options: [{ text: 'Platform', value: 'platform' }],
      },
      {
        name: 'background',
        display_name: 'Background for the main…',
        help_text: 'Background for the maintainers (private)',
        optional: true,
        type: 'textarea',
        max_length: 3000,
      },
      {
        name: 'estimate',
        display_name: 'Estimate',
        optional: true,
        placeholder: 'e.g. 2 hours',
        type: 'text',
        subtype: 'text',
        max_length: 150,
      },
    ]);
    expect(r.readDialogState(d.state)).toEqual({
      ok: true,
      action: 'ticket.escalate',
      value: '12',
      channel: 'c1',
      field: 'product',
    });
  });

  it('shows a field of several choices as one box each, what is missing ticked, and reads the ticked ones', () => {
    const { r } = renderer();
    const choices: FormSpec = {
      title: 'Ask for information',
      submitLabel: 'Ask',
      fields: [
        {
          id: 'items',
          label: 'What is missing',
          kind: 'choices',
          options: [
            { value: 'environment_url', label: 'environment URL' },
            { value: 'evidence', label: 'evidence (screenshot, log)' },
          ],
          initial: ['evidence'],
        },
        { id: 'other', label: 'Anything else', kind: 'textarea' },
      ],
    };
    const d = r.dialog(choices, { action: 'ticket.ask_info', value: '4', channel: 'c1' });
    expect(d.elements.slice(0, 2)).toEqual([
      {
        name: 'items:environment_url',
        display_name: 'environment URL',
        type: 'bool',
        optional: true,
        placeholder: 'environment URL',
        help_text: 'What is missing',
        default: 'false',
      },
      {
        name: 'items:evidence',
        display_name: 'evidence (screenshot, l…',
        type: 'bool',
        optional: true,
        placeholder: 'evidence (screenshot, log)',
        default: 'true',
      },
    ]);
    expect(readSubmission({ 'items:environment_url': true, 'items:evidence': false, other: 'x' })).toEqual({
      items: 'environment_url',
      other: 'x',
    });
    expect(readSubmission({ 'items:environment_url': false, 'items:evidence': false })).toEqual({});
  });

  it('reads a submission’s answered fields as text', () => {
    expect(readSubmission({ a: 'x', b: '', c: null, d: true, e: 3 })).toEqual({ a: 'x', d: 'true', e: '3' });
    expect(readSubmission('junk')).toEqual({});
  });
});

describe('Mattermost mentions (an SLA warning addressed to its assignee)', () => {
  it('opens the message with @username when the adapter found it, else the name in bold', () => {
    const { r } = renderer();
    const message = {
      text: '⏰ Ticket #12: first response due in 15 min',
      mentions: [{ platformId: 'u1ana', name: 'Ana' }, { platformId: 'u2ben', name: 'Ben' }, { name: 'Mia' }],
    };
    const post = r.post(message, new Map([['u1ana', 'ana.garcia']]));
    expect(post.message).toBe('@ana.garcia **Ben** **Mia** ⏰ Ticket #12: first response due in 15 min');
    expect(r.post(message).message.startsWith('**Ana** **Ben** **Mia** ⏰')).toBe(true);
  });
});

describe('SLA clocks on a card', () => {
  it('colour the attachment red when overdue and show the value as of rendering', async () => {
    const { slaCard } = await import('../../test/fixtures/sla-card.ts');
    const { r } = renderer();
    const [attachment] = r.post(slaCard()).props.attachments as {
      color: string;
      fields: { title: string; value: string }[];
    }[];
    expect(attachment?.color).toBe('#D62D20');
    expect(attachment?.fields).toContainEqual(
      expect.objectContaining({
        title: 'First response due',
        value: '🔴 overdue by 25 min (due 2026-12-07 13:05 UTC)',
      }),
    );
  });

  it('keeps Relevo blue without a tone', () => {
    const { r } = renderer();
    const [attachment] = r.post({ text: 'x', title: 'y' }).props.attachments as { color: string }[];
    expect(attachment?.color).toBe('#1f6feb');
  });
});
