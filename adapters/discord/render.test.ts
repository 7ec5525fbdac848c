import { describe, expect, it } from 'vitest';
import type { FormSpec, OutMessage } from '../../src/core/message.ts';
import { askInfoForm, assignForm, rejectForm } from '../../src/core/tickets/forms.ts';
import {
  buttonId,
  DISCORD_LIMITS,
  messageBodies,
  messageBody,
  modalOf,
  readButtonId,
  readModalId,
  readModalValues,
  threadName,
} from './render.ts';

const card: OutMessage = {
  title: '#12 Printer on fire',
  text: 'The printer in room 4 is on fire @everyone',
  fields: [
    { label: 'Status', value: 'new' },
    { label: 'Diagnosis', value: 'x'.repeat(5000) },
  ],
  buttons: Array.from({ length: 15 }, (_, i) => ({
    action: `ticket.a${i}`,
    label: `Button ${i}`,
    value: '12',
  })),
  context: 'Acme · production',
};

describe('Discord messages', () => {
  it('puts the text in content, the rest in one embed, and buttons five to a row', () => {
    const body = messageBody(card);
    expect(body.content).toBe(card.text);
    // A customer's @everyone is quoted, never a ping.
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds?.[0]?.title).toBe(card.title);
    expect(body.embeds?.[0]?.footer?.text).toBe(card.context);
    expect(body.components).toHaveLength(3);
    expect(body.components?.map((r) => (r as { components: unknown[] }).components.length)).toEqual([
      5, 5, 5,
    ]);
  });

  it('keeps every text within Discord’s limits', () => {
    const huge: OutMessage = {
      text: 'a'.repeat(5000),
      title: 't'.repeat(400),
      fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(2000) })),
      context: 'c'.repeat(3000),
      buttons: [{ action: 'ticket.take', label: 'L'.repeat(200), value: '1' }],
    };
    const body = messageBody(huge);
    const embed = body.embeds?.[0];
    expect(body.content?.length).toBe(DISCORD_LIMITS.content);
    expect(embed?.title?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(embed?.fields?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
    for (const f of embed?.fields ?? [])
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    const total =
      (embed?.title?.length ?? 0) +
      (embed?.footer?.text.length ?? 0) +
      (embed?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    const button = (body.components as { components: { label: string }[] }[])[0]?.components[0];
    expect(button?.label).toHaveLength(DISCORD_LIMITS.buttonLabel);
  });

  it('names the author of an agent’s reply in bold before the words', () => {
    expect(messageBody({ text: 'On it', author: 'Ana' }).content).toBe('**Ana**\nOn it');
  });

  it('sends a long plain answer whole, in several messages cut at line ends', () => {
    const para = (n: number) => `${String(n).padStart(3, '0')} ${'word '.repeat(60)}`.trim();
    const text = Array.from({ length: 30 }, (_, i) => para(i)).join('\n');
    const bodies = messageBodies({ text, author: 'Ana' });
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b.content?.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(bodies.map((b) => b.content).join('\n')).toBe(`**Ana**\n${text}`);
    // A card is one message, its text cut.
    expect(messageBodies({ ...card, text: 'x'.repeat(5000) })).toHaveLength(1);
  });

  it('refuses more buttons than a message holds rather than dropping some', () => {
    const many = Array.from({ length: 26 }, (_, i) => ({ action: 'a', label: `${i}`, value: '1' }));
    expect(() => messageBody({ text: 'x', buttons: many })).toThrow(/at most 25 buttons/);
  });
});

describe('Discord custom_ids', () => {
  it('are short references that come back as the action and its value', () => {
    const id = buttonId({ action: 'note.share', value: '12:cm9abcdefghijklmnopqrstu' });
    expect(id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
    expect(readButtonId(id)).toEqual({ action: 'note.share', value: '12:cm9abcdefghijklmnopqrstu' });
    expect(readButtonId('someone-elses-button')).toBeUndefined();
    expect(readModalId(id)).toBeUndefined();
  });

  it('never exceed 100 characters', () => {
    expect(() => buttonId({ action: 'ticket.take', value: 'x'.repeat(100) })).toThrow(/over 100/);
  });
});

describe('Discord modals', () => {
  it('show each field in a Label: selects as string selects, texts as text inputs', () => {
    const form = assignForm(
      [
        { id: 'ana', name: 'Ana' },
        { id: 'ben', name: 'Ben' },
      ],
      'en',
    );
    const modal = modalOf(form, { action: 'ticket.assign', value: '7' });
    expect(readModalId(modal.custom_id)).toEqual({ action: 'ticket.assign', value: '7' });
    const select = modal.components[0] as { type: number; component: { type: number; options: unknown[] } };
    expect(select.type).toBe(18);
    expect(select.component.type).toBe(3);
    expect(select.component.options).toHaveLength(2);
  });

  it('cut a long label and give it whole as the description', () => {
    const form: FormSpec = {
      title: 'A very long form title that Discord would refuse as is',
      submitLabel: 'Send',
      fields: [
        {
          id: 'required',
          label: 'Information the customer MUST still send (the ticket then waits on them)',
          kind: 'textarea',
        },
      ],
    };
    const modal = modalOf(form, { action: 'ticket.initial_response', value: '1' });
    expect(modal.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.modalTitle);
    const label = modal.components[0] as {
      label: string;
      description?: string;
      component: { style: number };
    };
    expect(label.label.length).toBeLessThanOrEqual(DISCORD_LIMITS.label);
    expect(label.description).toMatch(/^Information the customer MUST still send/);
    expect(label.component.style).toBe(2);
  });

  it('show a field of several choices as a select taking several values, what is missing chosen already', () => {
    const modal = modalOf(askInfoForm(['evidence'], 'en'), { action: 'ticket.ask_info', value: '4' });
    const select = (modal.components[0] as { component: Record<string, any> }).component;
    expect(select).toMatchObject({ type: 3, custom_id: 'items', min_values: 0, max_values: 6 });
    expect(
      select.options.filter((o: { default?: boolean }) => o.default).map((o: { value: string }) => o.value),
    ).toEqual(['evidence']);
    expect(
      readModalValues([
        {
          type: 18,
          id: 1,
          component: { type: 3, id: 2, custom_id: 'items', values: ['access', 'evidence'] },
        },
      ]),
    ).toEqual({ items: 'access,evidence' });
  });

  it('read a submission in Label form and in the older action-row form', () => {
    expect(
      readModalValues([
        { type: 18, id: 1, component: { type: 4, id: 2, custom_id: 'reason', value: 'Not ours' } },
        { type: 18, id: 3, component: { type: 3, id: 4, custom_id: 'agent', values: ['ben'] } },
        { type: 18, id: 5, component: { type: 4, id: 6, custom_id: 'empty', value: '' } },
      ]),
    ).toEqual({ reason: 'Not ours', agent: 'ben' });
    expect(
      readModalValues([{ type: 1, components: [{ type: 4, custom_id: 'reason', value: 'x' }] }]),
    ).toEqual({
      reason: 'x',
    });
    expect(readModalValues('nonsense')).toEqual({});
    expect(modalOf(rejectForm('en'), { action: 'ticket.reject', value: '3' }).components.length).toBe(
      rejectForm('en').fields.length,
    );
  });
});

describe('Discord thread names', () => {
  it('are the first line of what they are about, within 100 characters', () => {
    expect(threadName('\n  Login fails\nmore', 'Support')).toBe('Login fails');
    expect(threadName('', 'Support')).toBe('Support');
    expect(threadName('x'.repeat(300), 'Support')).toHaveLength(100);
  });
});

describe('mentions (an SLA warning addressed to its assignee)', () => {
  it('opens the content with <@id> and lets that person, and only them, be pinged', () => {
    const body = messageBody({
      text: '⏰ Ticket #12: first response due in 15 min @everyone',
      mentions: [{ platformId: '112233445566778899', name: 'Ana' }],
    });
    expect(body.content).toBe('<@112233445566778899> ⏰ Ticket #12: first response due in 15 min @everyone');
    expect(body.allowed_mentions).toEqual({ parse: [], users: ['112233445566778899'] });
  });

  it('names in bold someone without a Discord id, and pings nobody', () => {
    const body = messageBody({
      text: 'Due soon',
      mentions: [{ name: 'Ben' }, { platformId: 'U0ANA', name: 'Eve' }],
    });
    expect(body.content).toBe('**Ben** **Eve** Due soon');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('SLA clocks on a card', () => {
  it('colour the embed red when overdue and use live Discord timestamps', async () => {
    const { slaCard, overdueUnix } = await import('../../test/fixtures/sla-card.ts');
    const [embed] = messageBody(slaCard()).embeds ?? [];
    expect(embed?.color).toBe(0xd62d20);
    expect(embed?.fields).toContainEqual(
      expect.objectContaining({
        name: 'First response due',
        value: `🔴 overdue: was due <t:${overdueUnix}:R> (<t:${overdueUnix}:f>)`,
      }),
    );
    expect(embed?.fields).toContainEqual(
      expect.objectContaining({ name: 'Next update due', value: '⏸ paused: waiting on the customer' }),
    );
  });

  it('an at-risk card is orange', async () => {
    const { slaCard } = await import('../../test/fixtures/sla-card.ts');
    expect(messageBody({ ...slaCard(), tone: 'warning' }).embeds?.[0]?.color).toBe(0xe8912d);
  });
});
