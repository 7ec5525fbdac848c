import { describe, expect, it } from 'vitest';
import { SlackClient } from '../../test/harness/slack/signed-requests.ts';
import { envelopeProblem } from './envelope.ts';

const slack = new SlackClient({ baseUrl: 'http://127.0.0.1:1', signingSecret: 'secret-for-shapes' });

describe('Slack request shapes', () => {
  it('pass every shape Slack sends', () => {
    for (const req of [
      slack.buildMessage({ channel: 'C1', user: 'U1', text: 'hello' }),
      slack.buildMessage({ channel: 'C1', botId: 'B1', subtype: 'bot_message', text: 'beep' }),
      slack.buildReaction('reaction_added', {
        user: 'U1',
        reaction: 'ticket',
        channel: 'C1',
        ts: '1700000000.000100',
      }),
      slack.buildSlashCommand({ text: 'help', user: 'U1', channel: 'C1' }),
      slack.buildSlashCommand({ user: 'U1', channel: 'C1' }),
      slack.buildBlockAction({
        user: 'U1',
        actionId: 'relevo:ticket.take',
        value: '1',
        channel: 'C1',
        messageTs: '1.2',
      }),
      slack.buildBlockAction({ user: 'U1', actionId: 'relevo:x', viewId: 'V1' }),
      slack.buildViewSubmission({
        user: 'U1',
        values: { b: { a: { type: 'plain_text_input', value: 'x' } } },
      }),
      slack.buildMessageShortcut({
        user: 'U1',
        callbackId: 'share',
        channel: 'C1',
        message: { ts: '1.2', text: 'x' },
      }),
      slack.buildUrlVerification('challenge'),
    ]) {
      expect(
        envelopeProblem(req.payload as Record<string, unknown>),
        req.rawBody.slice(0, 80),
      ).toBeUndefined();
    }
  });

  it('refuse what would crash Bolt or leave an event that never processes', () => {
    const event = (e: unknown) => ({ type: 'event_callback', event_id: 'Ev1', event: e });
    expect(envelopeProblem(event(''))).toMatch(/^event/);
    expect(envelopeProblem(event({ type: 'app_mention', user: null }))).toMatch(/^event/);
    expect(envelopeProblem(event({ type: 'message', channel: 'C1', ts: 'yesterday', text: 'x' }))).toMatch(
      /^event/,
    );
    expect(envelopeProblem(event({ type: 'message', channel: 'C1', ts: '1.2', text: 42 }))).toMatch(/^event/);
    expect(envelopeProblem(event({ type: 'reaction_added', user: 'U1', reaction: 'x', item: 'C1' }))).toMatch(
      /^event/,
    );
    expect(envelopeProblem({ command: '/ticket', user_id: 'U1' })).toMatch(/^text/);
    expect(envelopeProblem({ type: 'view_submission', user: { id: 'U1' } })).toMatch(/^view/);
    expect(
      envelopeProblem({ type: 'block_actions', user: { id: 'U1' }, channel: null, actions: [] }),
    ).toMatch(/^channel/);
    expect(envelopeProblem({ type: 'block_actions', user: { id: 'U1' }, event: 'x' })).toMatch(/^event/);
    expect(envelopeProblem({ type: 'something_else', user: { id: 'U1' } })).toMatch(/^type/);
    expect(envelopeProblem({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1' } })).toMatch(
      /^view\.callback_id/,
    );
    expect(envelopeProblem({ type: 'block_actions', user: { id: 'U1' }, actions: [{ value: '1' }] })).toMatch(
      /^actions\.0\.action_id/,
    );
  });
});
