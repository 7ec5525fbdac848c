// A run of mail reads every message's first facts in one statement (facts.ts firstFacts) before deciding
// any: what an earlier message of the run then writes must send a later one back to reading its own.
import type { Decision, KnownIdentity } from './decide.ts';
import type { FirstFacts, ReadFacts } from './facts.ts';
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
 *
 * One change is tracked instead of read again, the commonest in a storm: a sender's earlier messages that
 * open tickets not written yet (held, ingest.ts) changed nothing of its first facts but its identity — a
 * contact made for a new sender, known here. Once held tickets are written (their acknowledgements now
 * count), their senders read their own again.
 */
export class EarlierInRun {
  private ids = new Set<string>();
  /** Addresses whose first facts an earlier message may have changed in the database. */
  private changed = new Set<string>();
  /** Addresses whose earlier messages only opened held tickets: their identity as it is now. */
  private held = new Map<string, KnownIdentity | null>();
  private changedTickets = false;

  /** A later message's first facts as they are now, or undefined when it must read its own. */
  firstFactsOf(email: ParsedEmail, first: FirstFacts | undefined): FirstFacts | undefined {
    if (!first || this.changedTickets) return undefined;
    if ([email.dedupeKey, email.inReplyTo, ...email.references].some((id) => id && this.ids.has(id)))
      return undefined;
    const sender = email.from?.address;
    if (!sender) return first;
    if (this.changed.has(sender)) return undefined;
    return this.held.has(sender) ? { ...first, identity: this.held.get(sender) ?? null } : first;
  }

  /**
   * `identity`: for a message that opens a held ticket, its sender's identity once its contact is made
   * (the one it was decided with, unless a contact was made for it).
   */
  add(email: ParsedEmail, facts: ReadFacts, decision: Decision, identity?: KnownIdentity | null) {
    this.ids.add(email.dedupeKey);
    const sender = email.from?.address;
    // A forward's requester is another person: both addresses read their own again.
    if (identity !== undefined && sender && facts.requesterAddress === sender && !this.changed.has(sender)) {
      this.held.set(sender, identity);
    } else {
      for (const address of [sender, facts.requesterAddress]) {
        if (!address) continue;
        this.changed.add(address);
        this.held.delete(address);
      }
    }
    if (decision.kind !== 'duplicate' && decision.kind !== 'keep' && !opensTicket(decision))
      this.changedTickets = true;
  }

  /** The held tickets were written: their acknowledgements change their senders' automatic-reply counts. */
  heldWritten() {
    for (const address of this.held.keys()) this.changed.add(address);
    this.held.clear();
  }
}
