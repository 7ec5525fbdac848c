// The chat flow on the web chat: the chat page's API for the customer, the console's for agents.
import { chatFlowSuite } from './chat-flow.suite.ts';
import { webchatFlow } from './webchat-driver.ts';

chatFlowSuite(webchatFlow('pglite'));
