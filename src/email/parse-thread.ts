// A parsing thread's side (parse-threads.ts starts it): parses each message it is sent and reads its
// visible text, on a core of its own, and answers with both.
import { parentPort } from 'node:worker_threads';
import { parseEmail } from './parse.ts';
import { readVisible } from './visible-text.ts';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  maxAttachmentBytes: number;
}

// One at a time, in the order sent: the inbox takes the oldest message first, and a storm sends hundreds
// ahead at once — parsed side by side, each took as long as all of them (the first answer came seconds
// late while every parse held its buffers).
let queue = Promise.resolve();
parentPort?.on('message', (request: ParseRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer({ id, raw, maxAttachmentBytes }: ParseRequest) {
  try {
    const email = await parseEmail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      maxAttachmentBytes,
    });
    parentPort?.postMessage({ id, email, reading: readVisible(email) });
  } catch (err) {
    parentPort?.postMessage({ id, error: String((err as Error)?.stack ?? err) });
  }
}
