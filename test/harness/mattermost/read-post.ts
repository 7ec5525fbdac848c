// A post Relevo made, in the core's words as people read it: its message (with the byline Relevo puts
// first on a reply on someone's behalf), and its attachment's title, fields, footer and buttons. A
// button's action and value are what Relevo signed into its context; `decode` reads them when given.
import type { OutMessage } from '../../../src/core/message.ts';

interface Attachment {
  title?: string;
  fields?: { title: string; value: string }[];
  footer?: string;
  actions?: { id: string; name: string; integration?: { url: string; context?: unknown } }[];
}

export type DecodeContext = (context: unknown) => { action: string; value: string } | undefined;

export function readPost(
  post: { message: string; props?: Record<string, unknown> },
  decode?: DecodeContext,
): OutMessage {
  const [a] = (post.props?.attachments ?? []) as Attachment[];
  const byline = /^\*\*(.+?)\*\*\n/.exec(post.message);
  return {
    text: byline ? post.message.slice(byline[0].length) : post.message,
    ...(byline ? { author: byline[1] } : {}),
    ...(a?.title ? { title: a.title } : {}),
    ...(a?.fields?.length ? { fields: a.fields.map((f) => ({ label: f.title, value: f.value })) } : {}),
    ...(a?.footer ? { context: a.footer } : {}),
    ...(a?.actions?.length
      ? {
          buttons: a.actions.map((b) => {
            const signed = decode?.(b.integration?.context);
            return { action: signed?.action ?? b.id, label: b.name, value: signed?.value ?? '' };
          }),
        }
      : {}),
  };
}
