// `relevo email inspect <file.eml>`: answers "why did this mail land there?" without touching the database.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.ts';
import { parseEnv } from '../config/env.ts';
import { inspectEmail } from '../email/inspect.ts';

export async function printEmailInspection(file: string): Promise<void> {
  const env = parseEnv();
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const own = [env.RELEVO_SUPPORT_ADDRESS, env.RELEVO_SUPPORT_GROUP].filter((a): a is string => Boolean(a));
  const report = await inspectEmail(raw, {
    ownAddresses: own.map((a) => a.toLowerCase()),
    maxAttachmentBytes: env.RELEVO_ATTACHMENT_MAX_BYTES,
    trustedAuthservIds: env.RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS ?? [],
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
