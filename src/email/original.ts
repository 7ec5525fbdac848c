// A received email's kept original, as it arrived: stored gzip-compressed since Relevo compresses mail
// before storing it (accept.ts), as received before that.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const decompress = promisify(gunzip);

export async function originalBytes(row: { raw: Uint8Array; rawEncoding: string | null }): Promise<Buffer> {
  const bytes = Buffer.from(row.raw);
  return row.rawEncoding === 'gzip' ? decompress(bytes) : bytes;
}
