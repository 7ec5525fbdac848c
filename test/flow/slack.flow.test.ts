// The chat flow on Slack: really signed requests to Relevo, Relevo's posts read from the fake Slack.
import { chatFlowSuite } from './chat-flow.suite.ts';
import { slackFlow } from './slack-driver.ts';

chatFlowSuite(slackFlow('pglite'));
