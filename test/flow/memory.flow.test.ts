// The chat flow on the in-memory platform, on both databases.
import { databaseKinds } from '../harness/databases.ts';
import { chatFlowSuite } from './chat-flow.suite.ts';
import { memoryFlow } from './memory-driver.ts';

for (const database of databaseKinds) chatFlowSuite(memoryFlow(database));
