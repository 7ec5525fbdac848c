// The email benches' corpus: N real-shaped messages from the .eml fixtures, each given its own Message-ID,
// built the same from the same `stamp` (and `storm`) in the bench and in its sender process.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const fixtures = path.resolve('test/fixtures/email');

/** The fixture with a fresh Message-ID, so each of the N messages is a distinct message. */
function distinct(raw: Buffer, i: number, stamp: number, storm: number): Buffer {
  const text = raw.toString('latin1');
  const id = `<bench-${i}-${stamp}-${storm}@bench.relevo.test>`;
  const replaced = /^message-id:.*$/im.test(text)
    ? text.replace(/^message-id:.*$/im, `Message-ID: ${id}`)
    : `Message-ID: ${id}\r\n${text}`;
  return Buffer.from(replaced, 'latin1');
}

export async function emailCorpus(
  n: number,
  stamp: number,
  /** Another storm of the same mix: the same fixtures, other Message-IDs. */
  storm = 0,
): Promise<{ messages: Buffer[]; fixtures: number }> {
  const files = (await readdir(fixtures)).filter((f) => f.endsWith('.eml')).sort();
  const sources = await Promise.all(files.map((f) => readFile(path.join(fixtures, f))));
  const messages = Array.from({ length: n }, (_, i) =>
    distinct(sources[i % sources.length] as Buffer, i, stamp, storm),
  );
  return { messages, fixtures: files.length };
}
