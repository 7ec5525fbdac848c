import { describe, expect, it } from 'vitest';
import { messageEvent, permalinkPostId, postOf, reactionEvent } from './translate.ts';

const post = (over: Record<string, unknown> = {}) => ({
  id: 'p'.repeat(26),
  channel_id: 'c'.repeat(26),
  user_id: 'u'.repeat(26),
  root_id: '',
  message: 'The printer is on fire',
  type: '',
  create_at: 1_700_000_000_000,
  props: {},
  ...over,
});
const posted = (p: unknown) => ({ event: 'posted', data: { post: JSON.stringify(p) }, seq: 3 });

describe('Mattermost events in the core’s words', () => {
  it('a person’s root post and a reply in its thread', () => {
    expect(messageEvent(postOf(posted(post())) as never, 'bot')).toEqual({
      kind: 'message',
      platform: 'mattermost',
      channel: 'c'.repeat(26),
      thread: 'p'.repeat(26),
      messageId: 'p'.repeat(26),
      inThread: false,
      person: { platformId: 'u'.repeat(26) },
      text: 'The printer is on fire',
    });
    const reply = messageEvent(post({ id: 'r'.repeat(26), root_id: 'p'.repeat(26) }) as never, 'bot');
    expect(reply).toMatchObject({ thread: 'p'.repeat(26), messageId: 'r'.repeat(26), inThread: true });
  });

  it('a post’s files, one line each, linked on the server: what tells Relevo evidence was sent', () => {
    const withFile = post({
      message: 'Here is the screen',
      metadata: { files: [{ id: 'f'.repeat(26), name: 'banner.png' }] },
    });
    const text = (p: unknown, server: string) => {
      const e = messageEvent(p as never, 'bot', server);
      return e?.kind === 'message' ? e.text : undefined;
    };
    expect(text(withFile, 'https://chat.example.com/')).toBe(
      `Here is the screen\n📎 banner.png: https://chat.example.com/api/v4/files/${'f'.repeat(26)}`,
    );
    const onlyFile = post({ message: '', metadata: { files: [{ id: 'g'.repeat(26), name: 'log.txt' }] } });
    expect(text(onlyFile, 'https://chat.example.com')).toBe(
      `📎 log.txt: https://chat.example.com/api/v4/files/${'g'.repeat(26)}`,
    );
  });

  it('ignores system posts, Relevo’s own, other bots’ and webhooks’, and what cannot be read', () => {
    expect(messageEvent(post({ type: 'system_join_channel' }) as never, 'bot')).toBeUndefined();
    expect(messageEvent(post({ user_id: 'bot' }) as never, 'bot')).toBeUndefined();
    expect(messageEvent(post({ props: { from_bot: 'true' } }) as never, 'bot')).toBeUndefined();
    expect(messageEvent(post({ props: { from_webhook: 'true' } }) as never, 'bot')).toBeUndefined();
    expect(postOf({ event: 'posted', data: { post: '{not json' } })).toBeUndefined();
    expect(postOf({ event: 'posted', data: { post: { id: 'x' } } })).toBeUndefined();
    expect(postOf({ event: 'typing', data: {} })).toBeUndefined();
  });

  it('a :ticket: reaction, keyed by post, person and emoji; other emoji are nothing', () => {
    const reaction = (emoji: string) => ({
      event: 'reaction_added',
      data: { reaction: JSON.stringify({ user_id: 'ana', post_id: 'p1', emoji_name: emoji, create_at: 1 }) },
      broadcast: { channel_id: 'c1' },
    });
    expect(reactionEvent(reaction('ticket'))).toEqual({
      key: 'mattermost:reaction:p1:ana:ticket',
      event: {
        kind: 'reaction',
        platform: 'mattermost',
        channel: 'c1',
        messageId: 'p1',
        person: { platformId: 'ana' },
        reaction: 'ticket',
      },
    });
    expect(reactionEvent(reaction('+1'))).toBeUndefined();
  });

  it('reads the post id from a permalink', () => {
    const id = 'a1b2c3d4e5f6g7h8i9j0k1l2m3';
    expect(permalinkPostId(`https://chat.example.com/support/pl/${id}`)).toBe(id);
    expect(permalinkPostId('https://chat.example.com/support/channels/town-square')).toBeUndefined();
  });
});
