// Whether mail from an agent's address really is that agent's. The From line proves nothing — anyone
// can write "From: Ana <ana@…>" — and an agent's mail is powerful: it answers the customer in Relevo's
// name. So it acts as the agent only when one of these holds:
//   - token: it answers the personal mail Relevo sent this agent about this ticket (reply-token.ts);
//   - dmarc / dkim: the topmost Authentication-Results of a server the operator trusts says DMARC passed
//     for the From domain, or DKIM passed for a signer aligned with it (authentication-results.ts).
// Pure: the caller looks up the tokens the mail references.
import { trustedAuthenticationResults, vouchesFor } from './authentication-results.ts';
import type { ParsedEmail } from './parse.ts';
import type { ReplyTokenRow } from './reply-token.ts';

export type AgentAuth = { via: 'token'; token: string } | { via: 'dmarc' | 'dkim' };

export interface AgentAuthInput {
  email: ParsedEmail;
  agentId: string;
  /** The ticket the mail is about; a token only ever vouches for its own ticket. */
  ticketNumber: number | null;
  /** Stored tokens among those the mail references (any agent, any ticket, revoked ones too). */
  tokens: readonly ReplyTokenRow[];
  trustedAuthservIds: readonly string[];
}

/** How the mail is authenticated as `agentId`, or null: then it must not act as the agent. */
export function authenticateAgent(input: AgentAuthInput): AgentAuth | null {
  const { email } = input;
  // "From: ana@…, mallory@…" or two From lines: DMARC has no single domain to judge, and no one person
  // wrote it. mailparser would read only the last From line, so count the lines too.
  const fromLines = email.fields.filter((f) => f.name === 'from').length;
  if (!email.from || email.fromCount !== 1 || fromLines !== 1) return null;
  const token = input.tokens.find(
    (t) => t.agentId === input.agentId && t.ticketNumber === input.ticketNumber && t.revokedAt === null,
  );
  if (input.ticketNumber !== null && token) return { via: 'token', token: token.token };
  const domain = email.from.address.slice(email.from.address.lastIndexOf('@') + 1);
  const via = vouchesFor(trustedAuthenticationResults(email.fields, input.trustedAuthservIds), domain);
  return via ? { via } : null;
}
