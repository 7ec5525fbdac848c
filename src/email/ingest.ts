// An inbound email, start to finish, inside the inbox's transaction: once parsed (on the parsing thread,
// parse-threads.ts), read what the decision needs (facts.ts), decide (decide.ts, pure), apply the decision
// through the ticket service (apply.ts).
// Everything commits together — or not at all, and the mail is processed again.
import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../core/ports.ts';
import type { TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { applyDecision, type IngestOutcome } from './apply.ts';
import { decideEmail } from './decide.ts';
import { readEmailFacts } from './facts.ts';
import type { ParsedEmail } from './parse.ts';

export { EMAIL_CHANNEL, type IngestOutcome } from './apply.ts';

export interface EmailIngestDeps {
  config: FileConfig;
  tickets: TicketService;
  log: Logger;
  /** Relevo's own addresses (the support address, the group): mail from them is an echo. */
  ownAddresses: string[];
  now: () => Date;
  /**
   * authserv-ids of the team's own mail servers (RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS): their
   * Authentication-Results can authenticate an agent's mail. Empty: only reply tokens can.
   */
  trustedAuthservIds: readonly string[];
  /**
   * Mail can be sent (RELEVO_SMTP_URL): the assignee of a ticket then gets a personal copy of each
   * customer mail on it, whose answer is authenticated by its reply token.
   */
  agentCopies: boolean;
}

/** A parsed message (parse-threads.ts), start to finish in the inbox's transaction. */
export async function ingestParsed(
  tx: Tx,
  email: ParsedEmail,
  inboxKey: string,
  deps: EmailIngestDeps,
): Promise<IngestOutcome> {
  const facts = await readEmailFacts(tx, email, deps);
  const decision = decideEmail(email, facts, deps);
  return applyDecision(tx, email, inboxKey, decision, deps);
}
