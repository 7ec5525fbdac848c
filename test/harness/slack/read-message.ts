// Reads a message Relevo posted to the fake Slack back into the core's words, the way a person in the
// channel sees it: header, byline, text, fields, buttons (with what they carry) and footer.
import { parseActionId, readButtonValue } from '../../../adapters/slack/blocks.ts';
import type { OutMessage } from '../../../src/core/message.ts';
import type { FakeMessage } from './fake-web-api.ts';

const decodeEntities = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function readMessage(m: FakeMessage): OutMessage {
  const out: OutMessage = { text: '' };
  let seenBody = false;
  for (const block of m.blocks ?? []) {
    if (block.type === 'header') out.title = block.text.text;
    else if (block.type === 'section' && block.text) {
      out.text = decodeEntities(block.text.text);
      seenBody = true;
    } else if (block.type === 'section' && block.fields) {
      out.fields = [
        ...(out.fields ?? []),
        ...block.fields.map((f: { text: string }) => {
          const [, label = '', value = ''] = /^\*(.*?)\*\n([\s\S]*)$/.exec(f.text) ?? [];
          return { label: decodeEntities(label), value: decodeEntities(value) };
        }),
      ];
      seenBody = true;
    } else if (block.type === 'actions') {
      out.buttons = [
        ...(out.buttons ?? []),
        ...block.elements.map((e: any) => ({
          action: parseActionId(e.action_id)?.action ?? e.action_id,
          label: e.text.text,
          value: readButtonValue(e.value),
        })),
      ];
      seenBody = true;
    } else if (block.type === 'context') {
      const text = decodeEntities(block.elements.map((e: { text: string }) => e.text).join(' '));
      // A context line before the body is the byline of a reply on someone's behalf.
      if (seenBody) out.context = text;
      else out.author = text.replace(/^\*(.*)\*$/, '$1');
    }
  }
  if (!m.blocks?.length) out.text = decodeEntities(m.text ?? '');
  return out;
}
