// The chat flow on Mattermost: posts over the WebSocket, clicks and dialogs as Mattermost sends them.
import { chatFlowSuite } from './chat-flow.suite.ts';
import { mattermostFlow } from './mattermost-driver.ts';

chatFlowSuite(mattermostFlow('pglite'));
