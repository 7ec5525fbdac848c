// The chat flow on Discord: messages over the gateway, interactions as Discord sends them.
import { chatFlowSuite } from './chat-flow.suite.ts';
import { discordFlow } from './discord-driver.ts';

chatFlowSuite(discordFlow('pglite'));
