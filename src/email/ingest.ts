// An inbound email, start to finish, inside the inbox's transaction: parse it, read what the decision
// needs (facts.ts), decide (decide.ts, pure), apply the decision through the ticket service (apply.ts).
// Everything commits together — or not at all, and the mail is processed again.
import type { FileConfig } from '../config/file.ts';
import type { Logger } from '../core/ports.ts';
import type { TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import { applyDecision, type IngestOutcome } from './apply.ts';
import { decideEmail } from './decide.ts';
import { readEmailFacts } from './facts.ts';
import { type ParsedEmail, parseEmail } from './parse.ts';

export { EMAIL_CHANNEL, type IngestOutcome } from './apply.ts';

export interface EmailIngestDeps {
  config: FileConfig;
  tickets: TicketService;
  log: Logger;
  /** Relevo's own addresses (the support address, the group): mail from them is an echo. */
  ownAddresses: string[];
  attachmentMaxBytes: number;
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

/** A message as the inbox holds it: its bytes, and the key its row is stored under (its original's source). */
export interface InboxMessage {
  raw: Buffer;
  inboxKey: string;
}

export async function ingestEmail(
  tx: Tx,
  message: InboxMessage,
  deps: EmailIngestDeps,
): Promise<IngestOutcome> {
  const email = await parseEmail(message.raw, { maxAttachmentBytes: deps.attachmentMaxBytes });
  return ingestParsed(tx, email, message.inboxKey, deps);
}

/** The same, for a message already parsed. */
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
