// Email as a channel for the core: public replies and Relevo's notices go out from the support address,
// with [#n] in the subject, proper threading headers, everyone on the thread and the support group in
// copy (seed 000: reply all), and Auto-Submitted on automatic mail (RFC 3834). Sent through the outbox.
// Agents also get personal copies of customers' mail on the tickets they hold, whose answer is
// authenticated by the reply token in their Message-ID (src/email/reply-token.ts).
import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { customerLanguage } from '../../src/core/customer-language.ts';
import type { OutMessage } from '../../src/core/message.ts';
import type {
  AgentNotice,
  ChatAdapter,
  ChatTarget,
  Logger,
  Mailer,
  MessageRef,
} from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { participantsOf, type ThreadRow, threadColumns } from '../../src/email/participants.ts';
import { subjectWithTicket } from '../../src/email/reference.ts';
import { replyTokenFor, tokenMessageId } from '../../src/email/reply-token.ts';
import { t } from '../../src/i18n/index.ts';
import { smtpCall } from './errors.ts';

export interface MailerOptions {
  db: Db;
  log: Logger;
  supportAddress: string;
  groupAddress?: string;
  /** nodemailer transport URL (smtp://…), or a transport for tests. */
  transport: string | Transporter;
  ownAddresses: string[];
}

export class EmailAdapter implements ChatAdapter, Mailer {
  readonly platform = 'email';
  // Mail has its own threading (Message-ID headers), not a message to thread under; no private replies.
  readonly capabilities = { threads: false, privateReplies: false, forms: false } as const;
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(private readonly opts: MailerOptions) {
    this.transport =
      typeof opts.transport === 'string'
        ? nodemailer.createTransport(pooled(opts.transport))
        : opts.transport;
    this.domain = opts.supportAddress.split('@')[1] ?? 'relevo.invalid';
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.transport.close();
  }

  async post(target: ChatTarget, message: OutMessage, idempotencyKey?: string): Promise<MessageRef> {
    const { db } = this.opts;
    // The Message-ID follows from the outbox item, so a re-delivery after a crash is recognised.
    const messageId = `<relevo.${hash(idempotencyKey ?? `${Date.now()}.${Math.random()}`)}@${this.domain}>`;
    // One statement for whether this mail went out already, the conversation's ticket, the language its
    // customer reads (its requester's, else its organisation's: src/core/customer-language.ts), the
    // Message-IDs of its mail, oldest first (only the ids: not the stored originals' bytes), and the people
    // on its thread (participants.ts).
    const [found] = await db.$queryRaw<
      (ThreadRow & {
        sent: boolean;
        number: number | null;
        subject: string;
        language: string;
        contactLanguage: string | null;
        history: { messageId: string; direction: string }[];
      })[]
    >`
      SELECT EXISTS (SELECT 1 FROM "EmailMessage" WHERE "messageId" = ${messageId}) AS sent,
        t.number, t.subject, o.language, r.language AS "contactLanguage",
        coalesce((SELECT json_agg(json_build_object('messageId', m."messageId", 'direction', m.direction)
            ORDER BY m."createdAt", m.id)
          FROM "EmailMessage" m WHERE m."ticketNumber" = t.number), '[]') AS history,
        ${threadColumns}
      FROM (SELECT 1) AS one
      LEFT JOIN "ConversationLink" l
        ON l.platform = 'email' AND l.channel = ${target.channel} AND l.thread = ${target.thread ?? ''}
      LEFT JOIN "Ticket" t ON t.number = l."ticketNumber"
      LEFT JOIN "Organisation" o ON o.id = t."organisationId"
      LEFT JOIN "Contact" r ON r.id = t."requesterId"`;
    if (found?.sent) return messageId;
    if (!found?.number) throw new Error(`no email conversation ${target.thread}`);
    const language = customerLanguage({ language: found.contactLanguage }, found);
    const ticket = { number: found.number, subject: found.subject, language };
    const texts = t(ticket.language);
    // Only people admitted to the thread are copied: a Cc someone merely wrote into a mail is not.
    const { requester, copies } = participantsOf(found, this.own());
    if (!requester) throw new Error(`the requester of ticket #${ticket.number} has no email address`);

    const history = found.history;
    const copy = new Set(copies);
    if (this.opts.groupAddress) copy.add(this.opts.groupAddress.toLowerCase());
    const ids = history.map((h) => h.messageId).filter((id) => id.startsWith('<'));
    const parent = [...history]
      .reverse()
      .find((h) => h.direction === 'inbound' && h.messageId.startsWith('<'));

    const automatic = !message.author;
    const lines = [message.text];
    if (message.buttons?.some((b) => b.action === 'ticket.confirm_yes')) lines.push('', texts.confirmByEmail);
    if (message.author) lines.push('', `— ${message.author}`);
    lines.push('', texts.yourRequest(ticket.number, ticket.subject));
    const to = [requester];
    const cc = [...copy];
    await smtpCall(() =>
      this.transport.sendMail({
        from: this.opts.supportAddress,
        to,
        cc,
        subject: subjectWithTicket(ticket.subject, ticket.number),
        text: lines.join('\n'),
        messageId,
        ...(parent ? { inReplyTo: parent.messageId } : {}),
        ...(ids.length ? { references: ids.slice(-20) } : {}),
        headers: automatic ? { 'Auto-Submitted': 'auto-replied' } : {},
      }),
    );
    await db.emailMessage.create({
      data: {
        messageId,
        direction: 'outbound',
        ticketNumber: ticket.number,
        fromAddress: this.opts.supportAddress,
        toAddresses: to,
        ccAddresses: cc,
        subject: subjectWithTicket(ticket.subject, ticket.number),
        counterparty: requester,
        automatic,
      },
    });
    this.opts.log.debug({ ticket: ticket.number, to, cc, automatic }, 'email sent');
    return messageId;
  }

  /** Mail outside any ticket (a verification code): from the support address, automatic, nothing in copy. */
  async send(mail: { to: string; subject: string; text: string }): Promise<void> {
    await smtpCall(() =>
      this.transport.sendMail({
        from: this.opts.supportAddress,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<relevo.${randomUUID()}@${this.domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      }),
    );
  }

  /** Sent mail cannot be edited; nothing Relevo edits (cards) is ever sent by email. */
  async update(): Promise<void> {}

  /**
   * A customer's message, mailed to one agent alone. Its Message-ID carries a reply token bound to this
   * agent and ticket, so the agent's answer (which references it) is authenticated as theirs. To: only
   * the agent, so a plain reply goes back to Relevo alone and the token stays between the two.
   */
  async notifyAgent(agentId: string, notice: AgentNotice, idempotencyKey: string): Promise<void> {
    const { db } = this.opts;
    const identity = await db.identity.findFirst({ where: { agentId, platform: 'email' } });
    if (!identity) throw new Error(`agent "${agentId}" has no email address to send a personal copy to`);
    const token = await replyTokenFor(db, idempotencyKey, agentId, notice.ticketNumber);
    if (token.sentAt) return;
    const texts = t(notice.language).agentCopy;
    await smtpCall(() =>
      this.transport.sendMail({
        from: this.opts.supportAddress,
        to: identity.externalId,
        subject: subjectWithTicket(notice.subject, notice.ticketNumber),
        text: [
          texts.intro(notice.from, notice.ticketNumber, notice.subject),
          '',
          notice.text,
          '',
          '—',
          texts.footer(this.opts.supportAddress),
        ].join('\n'),
        messageId: tokenMessageId(token.token, this.domain),
        // RFC 3834: an agent's out-of-office must not answer it; the agent's own reply is a normal mail.
        headers: { 'Auto-Submitted': 'auto-generated' },
      }),
    );
    await db.emailReplyToken.update({ where: { token: token.token }, data: { sentAt: new Date() } });
    // Never the Message-ID: it is the token.
    this.opts.log.debug({ ticket: notice.ticketNumber, agent: agentId }, 'personal copy sent to an agent');
  }

  private own(): string[] {
    return [...this.opts.ownAddresses, this.opts.supportAddress].map((a) => a.toLowerCase());
  }
}

/** One kept-open connection instead of a new SMTP session per mail (unless the URL says otherwise). */
function pooled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  return u.toString();
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
