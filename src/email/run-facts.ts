// A run of mail reads every message's first facts in one statement (facts.ts firstFacts) before deciding
// any: what an earlier message of the run then writes must send a later one back to reading its own.
import type { Decision } from './decide.ts';
import type { ReadFacts } from './facts.ts';
import type { ParsedEmail } from './parse.ts';

export type OpeningDecision = Extract<Decision, { kind: 'intake' }> & { ticket: null };

export const opensTicket = (d: Decision): d is OpeningDecision => d.kind === 'intake' && d.ticket === null;

/**
 * What the run's earlier messages may have changed in a later one's first facts (read for all at the
 * start): its Message-ID stored (a duplicate now) or answered, its sender's identity and automatic replies
 * (a contact made, an acknowledgement counted) — its sender's or its forward's requester's. After a message
 * that changed an existing ticket (a reply, a note, a confirmation), every later one reads its own: that
 * can add automatic replies to the count of a requester other than its sender (a colleague on the thread
 * confirming), which is not tracked here.
 */
export class EarlierInRun {
  private ids = new Set<string>();
  private addresses = new Set<string>();
  private changedTickets = false;

  touches(email: ParsedEmail): boolean {
    if (this.changedTickets) return true;
    if ([email.dedupeKey, email.inReplyTo, ...email.references].some((id) => id && this.ids.has(id)))
      return true;
    return Boolean(email.from?.address && this.addresses.has(email.from.address));
  }

  add(email: ParsedEmail, facts: ReadFacts, decision: Decision) {
    this.ids.add(email.dedupeKey);
    for (const address of [email.from?.address, facts.requesterAddress])
      if (address) this.addresses.add(address);
    if (decision.kind !== 'duplicate' && decision.kind !== 'keep' && !opensTicket(decision))
      this.changedTickets = true;
  }
}
