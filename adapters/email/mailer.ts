// Email as a channel for the core: public replies and Relevo's notices go out from the support address,
// with [#n] in the subject, proper threading headers, everyone on the thread and the support group in
// copy (seed 000: reply all), and Auto-Submitted on automatic mail (RFC 3834). Sent through the outbox.
import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { OutMessage } from '../../src/core/message.ts';
import type { ChatAdapter, ChatTarget, Logger, Mailer, MessageRef } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { subjectWithTicket } from '../../src/email/reference.ts';
import { t } from '../../src/i18n/index.ts';

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
    if (await db.emailMessage.findUnique({ where: { messageId } })) return messageId;
    const link = await db.conversationLink.findUnique({
      where: {
        platform_channel_thread: { platform: 'email', channel: target.channel, thread: target.thread ?? '' },
      },
      include: {
        ticket: {
          include: {
            organisation: { select: { language: true } },
            contact: { include: { identities: { where: { platform: 'email' } } } },
            // People an agent put on the ticket get its mail in copy.
            participants: {
              include: { contact: { include: { identities: { where: { platform: 'email' } } } } },
            },
          },
        },
      },
    });
    if (!link) throw new Error(`no email conversation ${target.thread}`);
    const ticket = link.ticket;
    const texts = t(ticket.organisation.language);
    const requester = ticket.contact.identities[0]?.externalId;
    if (!requester) throw new Error(`the requester of ticket #${ticket.number} has no email address`);

    const history = await db.emailMessage.findMany({
      where: { ticketNumber: ticket.number },
      orderBy: { createdAt: 'asc' },
    });
    const own = new Set([...this.opts.ownAddresses, this.opts.supportAddress].map((a) => a.toLowerCase()));
    const copy = new Set<string>();
    for (const m of history.filter((h) => h.direction === 'inbound')) {
      for (const a of [m.fromAddress, ...m.toAddresses, ...m.ccAddresses]) copy.add(a.toLowerCase());
    }
    for (const p of ticket.participants) {
      for (const identity of p.contact.identities) copy.add(identity.externalId.toLowerCase());
    }
    for (const a of [...own, requester]) copy.delete(a);
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
    await this.transport.sendMail({
      from: this.opts.supportAddress,
      to,
      cc,
      subject: subjectWithTicket(ticket.subject, ticket.number),
      text: lines.join('\n'),
      messageId,
      ...(parent ? { inReplyTo: parent.messageId } : {}),
      ...(ids.length ? { references: ids.slice(-20) } : {}),
      headers: automatic ? { 'Auto-Submitted': 'auto-replied' } : {},
    });
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
    await this.transport.sendMail({
      from: this.opts.supportAddress,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<relevo.${randomUUID()}@${this.domain}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  /** Sent mail cannot be edited; nothing Relevo edits (cards) is ever sent by email. */
  async update(): Promise<void> {}
}

/** One kept-open connection instead of a new SMTP session per mail (unless the URL says otherwise). */
function pooled(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  return u.toString();
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
