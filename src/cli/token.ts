// `relevo token`: the API token, without opening the database.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../config/env.ts';

export async function printToken(): Promise<void> {
  const env = parseEnv();
  if (env.RELEVO_API_TOKEN) {
    console.log(env.RELEVO_API_TOKEN);
    return;
  }
  const file = path.resolve(env.RELEVO_DATA_DIR, 'api-token');
  const token = await readFile(file, 'utf8').catch(() => undefined);
  console.log(token?.trim() ?? 'No token yet: run `relevo start` once to create one.');
}
