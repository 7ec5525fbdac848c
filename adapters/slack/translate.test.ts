import { describe, expect, it } from 'vitest';
import { slackChatEvent } from './translate.ts';

const envelope = (event: Record<string, unknown>) => ({
  event: { type: 'message', channel: 'C0SUPPORT', user: 'U0CUSTOMER', ts: '1700000000.000100', ...event },
});

describe('Slack messages in the core’s words', () => {
  it('unescapes the text and keeps the thread', () => {
    expect(slackChatEvent(envelope({ text: 'a &lt;b&gt; &amp; c', thread_ts: '1699999999.000100' }))).toEqual(
      {
        kind: 'message',
        platform: 'slack',
        channel: 'C0SUPPORT',
        thread: '1699999999.000100',
        messageId: '1700000000.000100',
        inThread: true,
        person: { platformId: 'U0CUSTOMER' },
        text: 'a <b> & c',
      },
    );
  });

  it('a shared file is a line with its name and permalink: what tells Relevo evidence was sent', () => {
    const shared = slackChatEvent(
      envelope({
        subtype: 'file_share',
        text: 'The error',
        files: [{ name: 'error.png', permalink: 'https://acme.slack.com/files/U0CUSTOMER/F0AB/error.png' }],
      }),
    );
    expect(shared?.kind === 'message' && shared.text).toBe(
      'The error\n📎 error.png: https://acme.slack.com/files/U0CUSTOMER/F0AB/error.png',
    );
  });

  it('ignores edits, bots and what is not a message', () => {
    expect(slackChatEvent(envelope({ subtype: 'message_changed', text: 'x' }))).toBeUndefined();
    expect(slackChatEvent(envelope({ bot_id: 'B1', text: 'x' }))).toBeUndefined();
    expect(slackChatEvent({})).toBeUndefined();
  });
});
