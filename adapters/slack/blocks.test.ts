import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Button, OutMessage } from '../../src/core/message.ts';
import { truncate } from '../kit/truncate.ts';
import {
  actionId,
  buttonValue,
  escapeMrkdwn,
  fitMrkdwn,
  parseActionId,
  readButtonValue,
  renderMessage,
  SLACK_LIMITS,
} from './blocks.ts';

const ofType = <T extends KnownBlock>(blocks: KnownBlock[], type: T['type']) =>
  blocks.filter((b): b is T => b.type === type);

describe('text limits (section 3000, header 150, button 75: docs.slack.dev/reference/block-kit)', () => {
  it('cuts a 5,000-character text to the section limit with an ellipsis', () => {
    const { blocks, text } = renderMessage({ text: 'x'.repeat(5000) });
    const [section] = ofType<SectionBlock>(blocks, 'section');
    expect(section?.text?.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect(section?.text?.text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('cuts the header to 150 and a button label to 75', () => {
    const { blocks } = renderMessage({
      title: 'T'.repeat(400),
      text: 'body',
      buttons: [{ action: 'ticket.take', label: 'L'.repeat(200), value: '1' }],
    });
    expect(ofType<HeaderBlock>(blocks, 'header')[0]?.text.text).toHaveLength(150);
    const [actions] = ofType<ActionsBlock>(blocks, 'actions');
    const button = actions?.elements[0];
    expect(button?.type === 'button' && button.text.text.length).toBe(75);
  });

  it('never splits an escape entity or a surrogate pair when cutting', () => {
    const amps = fitMrkdwn('&'.repeat(3000), 3000);
    expect(amps.length).toBeLessThanOrEqual(3000);
    expect(amps).toMatch(/^(&amp;)+…$/);
    const emoji = truncate('😀'.repeat(100), 7);
    expect(emoji).toBe('😀😀😀…');
  });

  it('leaves text within its limit alone', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(fitMrkdwn('a < b', 10)).toBe('a &lt; b');
  });
});

describe('escaping (docs.slack.dev/messaging/formatting-message-text#escaping)', () => {
  it('escapes only &, < and > in mrkdwn text, fields, author and context', () => {
    const { blocks, text } = renderMessage({
      author: 'Ana <ana@x>',
      text: 'Tom & Jerry <!channel> <https://evil.example|click> "quotes" \'stay\'',
      fields: [{ label: 'A&B', value: '<b>' }],
      context: 'via <web>',
    });
    const [byline, footer] = ofType<ContextBlock>(blocks, 'context');
    const [body, fields] = ofType<SectionBlock>(blocks, 'section');
    expect(body?.text?.text).toBe(
      'Tom &amp; Jerry &lt;!channel&gt; &lt;https://evil.example|click&gt; "quotes" \'stay\'',
    );
    expect(fields?.fields?.[0]?.text).toBe('*A&amp;B*\n&lt;b&gt;');
    expect(byline?.elements[0]).toMatchObject({ type: 'mrkdwn', text: '*Ana &lt;ana@x&gt;*' });
    expect(footer?.elements[0]).toMatchObject({ text: 'via &lt;web&gt;' });
    expect(text).not.toMatch(/<|>/);
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('turns off automatic parsing so "@channel" in customer text pings nobody', () => {
    const [section] = ofType<SectionBlock>(renderMessage({ text: '@channel help' }).blocks, 'section');
    expect(section?.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
  });

  it('shows the plain-text header as typed (plain_text is not entity-decoded)', () => {
    const [header] = ofType<HeaderBlock>(renderMessage({ title: '#12 A & B', text: '' }).blocks, 'header');
    expect(header?.text.text).toBe('#12 A & B');
  });
});

describe('layout', () => {
  it('renders a card: header, author, text, fields, actions, context, in that order', () => {
    const msg: OutMessage = {
      title: '#12 Printer on fire',
      author: 'Ana',
      text: 'It smokes.',
      fields: [{ label: 'Status', value: 'New' }],
      buttons: [{ action: 'ticket.take', label: 'Take it', value: '12', style: 'primary' }],
      context: 'via email',
    };
    const { blocks, text } = renderMessage(msg);
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'context',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(text).toBe('Ana: #12 Printer on fire\nIt smokes.');
    const [actions] = ofType<ActionsBlock>(blocks, 'actions');
    expect(actions?.elements[0]).toMatchObject({
      type: 'button',
      style: 'primary',
      action_id: 'relevo:ticket.take',
    });
  });

  it('splits 12 fields into sections of 10 and 2 (section fields max 10)', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `F${i}`, value: `v${i}` }));
    const sections = ofType<SectionBlock>(renderMessage({ text: '', fields }).blocks, 'section');
    expect(sections.map((s) => s.fields?.length)).toEqual([10, 2]);
  });

  it('splits 30 buttons into actions blocks of 25 and 5, with unique action ids', () => {
    const buttons: Button[] = Array.from({ length: 30 }, (_, i) => ({
      action: i % 2 ? 'ticket.assign' : `ticket.op${i}`,
      label: `B${i}`,
      value: String(i),
    }));
    const actions = ofType<ActionsBlock>(renderMessage({ text: 'x', buttons }).blocks, 'actions');
    expect(actions.map((a) => a.elements.length)).toEqual([25, 5]);
    const ids = actions.flatMap((a) => a.elements.map((e) => (e.type === 'button' ? e.action_id : '')));
    expect(new Set(ids).size).toBe(30);
    ids.forEach((id, i) => {
      expect(parseActionId(id ?? '')?.action).toBe(buttons[i]?.action);
    });
  });

  it('skips empty parts and still gives Slack a fallback text', () => {
    const { blocks, text } = renderMessage({ text: '  ' });
    expect(blocks).toEqual([]);
    expect(text).toBe('Relevo');
  });

  it('never exceeds 50 blocks per message, and says so when it shortens', () => {
    const fields = Array.from({ length: 600 }, (_, i) => ({ label: `F${i}`, value: 'v' }));
    const { blocks } = renderMessage({ text: 'x', fields, context: 'footer' });
    expect(blocks).toHaveLength(SLACK_LIMITS.blocksPerMessage);
    const last = blocks.at(-1) as ContextBlock;
    expect(last.elements[0]).toMatchObject({ text: expect.stringContaining('not shown') });
  });
});

describe('action ids', () => {
  it('round-trips, numbering repeats of the same action', () => {
    expect(actionId('ticket.take')).toBe('relevo:ticket.take');
    expect(actionId('ticket.take', 3)).toBe('relevo:ticket.take#3');
    expect(parseActionId('relevo:ticket.take')).toEqual({ action: 'ticket.take', occurrence: 1 });
    expect(parseActionId('relevo:ticket.take#3')).toEqual({ action: 'ticket.take', occurrence: 3 });
  });

  it('stays unambiguous for an action that itself ends in #<digits>', () => {
    expect(parseActionId(actionId('odd#5'))).toEqual({ action: 'odd#5', occurrence: 1 });
    expect(parseActionId(actionId('odd#5', 2))).toEqual({ action: 'odd#5', occurrence: 2 });
  });

  it('ignores action ids Relevo did not write', () => {
    expect(parseActionId('message')).toBeUndefined();
    expect(parseActionId('relevo:')).toBeUndefined();
  });

  it('refuses an action id longer than 255 instead of letting Slack reject the message', () => {
    expect(() => actionId('a'.repeat(250))).toThrow(/255/);
  });
});

describe('button values (value max 2000)', () => {
  it('is the core value itself: forms are looked up when pressed, never carried', () => {
    expect(buttonValue('12')).toBe('12');
    expect(readButtonValue('12')).toBe('12');
  });

  it('still reads the JSON values of cards posted by earlier versions', () => {
    expect(readButtonValue('{"v":"12"}')).toBe('12');
    expect(readButtonValue(JSON.stringify({ v: '12', f: { title: 'Resolve', fields: [] } }))).toBe('12');
    expect(readButtonValue('{"v":"12","f":1}')).toBe('12');
    // Not an old envelope after all: the value is taken as it is.
    expect(readButtonValue('{"v":')).toBe('{"v":');
  });

  it('refuses a core value that cannot fit', () => {
    expect(() => buttonValue('x'.repeat(2001))).toThrow(/2000/);
  });
});

describe('mentions (an SLA warning addressed to its assignee)', () => {
  it('opens the text with <@U…>, which notifies the person, in the section and the notification text', () => {
    const { blocks, text } = renderMessage({
      text: '⏰ Ticket #12: first response due in 15 min <soon>',
      mentions: [{ platformId: 'U0ANA00001', name: 'Ana' }],
    });
    const [section] = ofType<SectionBlock>(blocks, 'section');
    expect(section?.text?.text).toBe(
      '<@U0ANA00001> ⏰ Ticket #12: first response due in 15 min &lt;soon&gt;',
    );
    expect(text.startsWith('<@U0ANA00001> ⏰ Ticket #12')).toBe(true);
  });

  it('names in bold someone without a Slack id, and never turns a strange id into markup', () => {
    const { blocks } = renderMessage({
      text: 'Due soon',
      mentions: [{ name: 'Ben' }, { platformId: 'U1>|<!channel', name: 'Eve <x>' }],
    });
    const [section] = ofType<SectionBlock>(blocks, 'section');
    expect(section?.text?.text).toBe('*Ben* *Eve &lt;x&gt;* Due soon');
  });

  it('keeps the section within its limit with the mention in front', () => {
    const { blocks } = renderMessage({ text: 'x'.repeat(5000), mentions: [{ platformId: 'U1', name: 'A' }] });
    const [section] = ofType<SectionBlock>(blocks, 'section');
    expect(section?.text?.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect(section?.text?.text.startsWith('<@U1> x')).toBe(true);
  });
});

describe('SLA clocks on a card', () => {
  it('go in a red attachment when overdue, with Slack date tokens for the due time', async () => {
    const { slaCard, overdueUnix } = await import('../../test/fixtures/sla-card.ts');
    const { blocks, attachments } = renderMessage(slaCard());
    // The untimed fields stay in the message's own blocks.
    expect(JSON.stringify(blocks)).toContain('*Status*');
    expect(JSON.stringify(blocks)).not.toContain('overdue');
    expect(attachments).toHaveLength(1);
    const [strip] = attachments;
    expect(strip?.color).toBe('#D62D20');
    const section = strip?.blocks?.[0] as SectionBlock;
    expect(section.fields?.[0]?.text).toBe(
      `*First response due*\n🔴 overdue by 25 min (due <!date^${overdueUnix}^{date_short_pretty} {time}|2026-12-07 13:05 UTC>)`,
    );
    expect(section.fields?.[1]?.text).toMatch(/^\*Resolution due\*\n🟠 due in 1 h 20 min \(<!date\^\d+\^/);
  });

  it('leave no attachment on a card without clocks, so chat.update clears an old one', () => {
    expect(renderMessage({ text: 'hi', fields: [{ label: 'Status', value: 'New' }] }).attachments).toEqual(
      [],
    );
  });
});
