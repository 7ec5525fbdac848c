// Uploaded files turned into Discord attachment objects, and served back from a CDN-like URL on the
// fake's port so Relevo can download what people attached (as it would from cdn.discordapp.com).
import type { APIAttachment } from 'discord-api-types/v10';
import type { UploadedFile } from './fake-bodies.ts';
import type { Snowflakes } from './fake-shapes.ts';

export interface FileInput {
  name: string;
  contentType?: string;
  data: Buffer | string;
}

export class Attachments {
  baseUrl = '';
  private readonly files = new Map<string, { data: Buffer; contentType: string }>();

  constructor(private readonly ids: Snowflakes) {}

  /**
   * Attachments for the files of a message. `meta` is the body's `attachments` array, whose `id`
   * is the index n of the `files[n]` part and may carry a description.
   */
  save(channelId: string, files: (UploadedFile | FileInput)[], meta: unknown = []): APIAttachment[] {
    const described = Array.isArray(meta) ? meta : [];
    return files.map((f, i) => {
      const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data);
      const contentType = f.contentType ?? 'application/octet-stream';
      const id = this.ids.next();
      const path = `/attachments/${channelId}/${id}/${encodeURIComponent(f.name)}`;
      this.files.set(path, { data, contentType });
      const index = 'field' in f ? Number(/\d+/.exec(f.field)?.[0] ?? i) : i;
      const description = described.find((d: { id?: unknown }) => Number(d?.id) === index)?.description;
      return {
        id,
        filename: f.name,
        size: data.length,
        url: `${this.baseUrl}${path}`,
        proxy_url: `${this.baseUrl}${path}`,
        content_type: contentType,
        ...(typeof description === 'string' ? { description } : {}),
      };
    });
  }

  /** The stored file behind an attachment URL path, if any. */
  get(path: string): { data: Buffer; contentType: string } | undefined {
    return this.files.get(path);
  }
}
