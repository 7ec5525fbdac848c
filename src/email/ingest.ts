// Inbound email, start to finish, inside the inbox's transaction: once parsed (on the parsing thread,
// parse-threads.ts), read what the decision needs (facts.ts), decide (decide.ts, pure), apply the decision
// through the ticket service (apply.ts) — the messages of a run that open tickets together.
// Everything commits together — or not at all, and the mail is processed again.
import type { FileConfig } from '../config/file.ts';
import { lockIdentities } from '../core/directory.ts';
import type { Logger } from '../core/ports.ts';
import type { TicketService } from '../core/tickets/service.ts';
import type { Tx } from '../db/index.ts';
import {
  applyDecision,
  applyNewTickets,
  type IngestOutcome,
  type NewTicketMail,
  requesterContact,
} from './apply.ts';
import { type Decision, decideEmail, type EmailFacts } from './decide.ts';
import { firstFacts, readEmailFacts } from './facts.ts';
import type { ParsedEmail } from './parse.ts';
import { EarlierInRun, opensTicket } from './run-facts.ts';

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
  return (await ingestRun(tx, [{ email, inboxKey }], deps))[0] as IngestOutcome;
}

/**
 * A run of parsed messages, in their order, with the outcome of each exactly as one at a time would give.
 * Each is decided on the facts as they are when its turn comes (read for all at the start, and again for
 * a message an earlier one of the run may have changed them for); the messages that open a ticket are held
 * back and written together (applyNewTickets) — before anything else is written, and before a message whose
 * facts could depend on them is decided (see NewTickets).
 */
export async function ingestRun(
  tx: Tx,
  mails: readonly { email: ParsedEmail; inboxKey: string }[],
  deps: EmailIngestDeps,
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  const earlier = new EarlierInRun();
  const held = new NewTickets(tx, deps, () => earlier.heldWritten());
  // Every message's first facts in one statement; a message an earlier one of the run could have changed
  // them for reads its own when its turn comes (EarlierInRun).
  const first =
    mails.length > 1
      ? await firstFacts(
          tx,
          mails.map(({ email }) => email),
          deps,
        )
      : [];
  // Senders new to the desk get contacts as their turns come; their locks are taken first, all together,
  // so two workers with runs from the same new senders do not deadlock. (A forward's original sender is
  // locked when it comes: seldom new in a storm.) A run of one takes its lock when it comes.
  const newSenders = first.flatMap((facts, i) => {
    const address = mails[i]?.email.from?.address;
    return address && !facts.identity ? [address] : [];
  });
  await lockIdentities(tx, 'email', newSenders);
  for (const [i, { email, inboxKey }] of mails.entries()) {
    const decide = async (again = false) => {
      const known = again ? undefined : earlier.firstFactsOf(email, first[i]);
      const facts = await readEmailFacts(tx, email, deps, known);
      return { facts, decision: decideEmail(email, facts, deps) };
    };
    if (held.answeredBy(email)) await held.write(outcomes);
    let { facts, decision } = await decide();
    if (held.mayMiscount(decision, facts)) {
      await held.write(outcomes);
      ({ facts, decision } = await decide(true));
    }
    if (opensTicket(decision)) {
      for (const line of decision.logs ?? []) deps.log[line.level](line.fields, line.msg);
      const contact = await requesterContact(tx, decision.requester);
      // A ticket it names that does not exist could be one of the held ones, numbered when written.
      held.add(
        i,
        { email, inboxKey, decision, contactId: contact.id, contactLanguage: contact.language },
        facts.ticket ? null : facts.namedTicket,
      );
      earlier.add(email, facts, decision, contact.made ?? facts.sender);
      continue;
    }
    const opened = await held.write(outcomes);
    if (!facts.ticket && facts.namedTicket !== null && opened.has(facts.namedTicket)) {
      // It names a ticket opened just now: decided again, on the facts as they are now.
      ({ facts, decision } = await decide(true));
    }
    outcomes[i] = await applyDecision(tx, email, inboxKey, decision, deps);
    earlier.add(email, facts, decision);
  }
  await held.write(outcomes);
  return outcomes;
}

/** Messages decided to open a ticket, not written yet. */
class NewTickets {
  private mails: { index: number; mail: NewTicketMail; named: number | null }[] = [];

  constructor(
    private readonly tx: Tx,
    private readonly deps: EmailIngestDeps,
    /** Told once held tickets are written. */
    private readonly written: () => void,
  ) {}

  add(index: number, mail: NewTicketMail, named: number | null) {
    this.mails.push({ index, mail, named });
  }

  /**
   * Whether this message is one of the held ones again or a reply to one: its facts are read once they
   * are written. (A held message's requester exists already: created when it was decided.)
   */
  answeredBy(email: ParsedEmail): boolean {
    if (!this.mails.length) return false;
    const keys = new Set(this.mails.map(({ mail }) => mail.email.dedupeKey));
    return [email.dedupeKey, email.inReplyTo, ...email.references].some((id) => id && keys.has(id));
  }

  /**
   * Whether the held tickets' automatic replies (an acknowledgement, a request for information: at most
   * two each) could take this requester's count over the per-sender limit, where the count read without
   * them is under it: then the decision must wait for them.
   */
  mayMiscount(decision: Decision, facts: EmailFacts): boolean {
    // A requester with no contact yet has no held ticket either (a held one's contact is made when decided).
    if (!opensTicket(decision) || !('contactId' in decision.requester)) return false;
    const { contactId } = decision.requester;
    const limit = this.deps.config.email.autoRepliesPerHour;
    const read = facts.autoRepliesLastHour;
    const held = this.mails.filter(
      ({ mail }) => mail.contactId === contactId && mail.decision.acknowledge,
    ).length;
    return read < limit && read + 2 * held >= limit;
  }

  /** Writes the held messages' tickets, and says which ticket numbers they got. */
  async write(outcomes: IngestOutcome[]): Promise<Set<number>> {
    const opened = new Set<number>();
    if (!this.mails.length) return opened;
    const held = this.mails;
    this.mails = [];
    const written = await applyNewTickets(
      this.tx,
      held.map(({ mail }) => mail),
      this.deps,
    );
    this.written();
    for (const [j, { index, named }] of held.entries()) {
      // Decided on "no such ticket" about a ticket opened just before it: the decision would have been
      // another. Never expected (the number was not given out when the message was written); the inbox
      // then processes these messages again one at a time.
      if (named !== null && opened.has(named)) {
        throw new Error(
          `a message named ticket #${named}, opened in the same run: processed again one by one`,
        );
      }
      const outcome = written[j] as IngestOutcome;
      if (outcome.kind === 'created') opened.add(outcome.ticketNumber);
      outcomes[index] = outcome;
    }
    return opened;
  }
}
