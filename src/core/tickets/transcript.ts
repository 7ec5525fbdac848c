// A ticket's public conversation as a text file attached to it when the ticket is finished (resolved,
// closed, spam or rejected): what Discord ticket bots call a transcript. It holds what the customer could
// read — their messages, agents' public replies, Relevo's own public messages — and never a private note.
// Finished again after a reopening, the ticket's transcript is replaced by the whole conversation.
import type { Tx } from '../../db/index.ts';

export const transcriptName = (ticketNumber: number) => `ticket-${ticketNumber}-transcript.txt`;

/** Writes (or rewrites) the transcript of a ticket whose conversation lives in a chat thread. */
export async function attachTranscript(tx: Tx, ticketNumber: number): Promise<void> {
  const chat = await tx.conversationLink.findFirst({ where: { ticketNumber, kind: 'customer' } });
  if (!chat) return;
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { number: ticketNumber },
    select: { subject: true, organisation: { select: { name: true } } },
  });
  const events = await tx.ticketEvent.findMany({
    where: { ticketNumber, visibility: 'public' },
    orderBy: { createdAt: 'asc' },
    select: {
      createdAt: true,
      body: true,
      authorKind: true,
      authorAgent: { select: { name: true } },
      authorContact: { select: { name: true } },
    },
  });
  const who = (e: (typeof events)[number]) => e.authorAgent?.name ?? e.authorContact?.name ?? 'Relevo';
  const lines = [
    `Ticket #${ticketNumber}: ${ticket.subject}`,
    `${ticket.organisation.name} · ${chat.platform}`,
    '',
    ...events.map(
      (e) => `[${e.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC] ${who(e)}:\n${e.body}\n`,
    ),
  ];
  const content = Buffer.from(lines.join('\n'), 'utf8');
  const filename = transcriptName(ticketNumber);
  await tx.attachment.deleteMany({ where: { ticketNumber, filename } });
  await tx.attachment.create({
    data: { ticketNumber, filename, contentType: 'text/plain; charset=utf-8', size: content.length, content },
  });
}
