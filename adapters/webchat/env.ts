// The web chat's environment variables (merged into Relevo's one schema by src/config/env.ts).
import { z } from 'zod';

export const webchatEnv = {
  /**
   * Web chat: the secret a site embedding the chat signs visitors' addresses with (HMAC-SHA256), so
   * they arrive verified. Unset: signed identities are refused; visitors verify by a mailed code.
   */
  RELEVO_WEBCHAT_IDENTITY_SECRET: z
    .string()
    .min(32, 'expected at least 32 characters (e.g. `openssl rand -hex 32`)')
    .optional(),
};
