// A post Relevo made, in the core's words as people read it: its message, and its attachment's title,
// fields, footer and buttons.
import type { OutMessage } from '../../../src/core/message.ts';

interface Attachment {
  title?: string;
  fields?: { title: string; value: string }[];
  footer?: string;
  actions?: { id: string; name: string; integration?: { url: string; context?: unknown } }[];
}

export function readPost(post: { message: string; props?: Record<string, unknown> }): OutMessage {
  const [a] = (post.props?.attachments ?? []) as Attachment[];
  return {
    text: post.message,
    ...(a?.title ? { title: a.title } : {}),
    ...(a?.fields?.length ? { fields: a.fields.map((f) => ({ label: f.title, value: f.value })) } : {}),
    ...(a?.footer ? { context: a.footer } : {}),
    ...(a?.actions?.length
      ? { buttons: a.actions.map((b) => ({ action: b.id, label: b.name, value: '' })) }
      : {}),
  };
}
