// A Discord message Relevo posted, read back as people see it: content (an agent's reply starts with the
// agent's name in bold), the embed's title, fields and footer, and the buttons with their custom_ids.
import type { Button, OutMessage } from '../../../src/core/message.ts';

interface Msg {
  content?: string;
  embeds?: { title?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }[];
  components?: { components?: { label?: string; custom_id?: string; type?: number }[] }[];
}

export interface ReadButton {
  label: string;
  customId: string;
}

export function readMessage(
  message: object,
): Omit<OutMessage, 'buttons'> & { buttons: (Button & ReadButton)[] } {
  const m = message as Msg;
  const content = m.content ?? '';
  const byline = /^\*\*(.+?)\*\*\n/.exec(content);
  const embed = m.embeds?.[0];
  const buttons = (m.components ?? []).flatMap((row) =>
    (row.components ?? [])
      .filter((c) => c.type === 2 && c.custom_id)
      .map((c) => {
        const customId = c.custom_id as string;
        const at = customId.indexOf('|');
        return {
          label: c.label ?? '',
          customId,
          action: customId.slice(0, at),
          value: customId.slice(at + 1),
        };
      }),
  );
  return {
    text: byline ? content.slice(byline[0].length) : content,
    ...(byline?.[1] ? { author: byline[1] } : {}),
    ...(embed?.title ? { title: embed.title } : {}),
    ...(embed?.fields?.length
      ? { fields: embed.fields.map((f) => ({ label: f.name, value: f.value })) }
      : {}),
    ...(embed?.footer?.text ? { context: embed.footer.text } : {}),
    buttons,
  };
}
