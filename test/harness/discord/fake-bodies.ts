// Request bodies as Discord accepts them: JSON, or multipart/form-data with `payload_json` and
// `files[n]` parts (what @discordjs/rest sends when a message has attachments). Multipart is parsed
// by the platform's fetch Response (undici), which implements the form-data grammar already.

export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface ParsedBody {
  body: any;
  files: UploadedFile[];
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = contentType ?? '';
  if (type.startsWith('multipart/form-data')) return parseMultipart(raw, type);
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { body: raw.toString('utf8'), files: [] };
  }
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  const files: UploadedFile[] = [];
  let body: any = {};
  // DOM.Iterable is not in the project's lib, so the entries are collected with forEach.
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, field) => {
    entries.push([field, value]);
  });
  for (const [field, value] of entries) {
    if (typeof value === 'string') {
      // payload_json holds the JSON body; other text fields are top-level body fields.
      if (field === 'payload_json') body = { ...body, ...JSON.parse(value) };
      else body[field] = value;
      continue;
    }
    files.push({
      field,
      name: value.name,
      contentType: value.type || 'application/octet-stream',
      data: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { body, files };
}
