import { z } from 'zod';
import { findOrCreateContact, organisationForEmail } from '../src/core/directory.ts';
import { NotFoundError, refusal, UserError } from '../src/core/errors.ts';
import { ticketNumber } from './args.ts';
import { defineCommand } from './command.ts';

export default defineCommand({
  name: 'cc',
  args: ['ticket', 'email'],
  schema: z.object({
    ticket: ticketNumber,
    email: z.email({ error: 'expected the email address of the person to add' }),
  }),
  usage: '/ticket cc <#number> <email>',
  help: {
    en: 'Puts someone besides the requester on a ticket (a colleague of theirs): they get its email in copy and may confirm or reopen it.',
    es: 'Añade a un ticket a alguien además del solicitante (un compañero suyo): recibe sus correos en copia y puede confirmarlo o reabrirlo.',
  },
  argHelp: {
    email: {
      en: 'The email address of the person to add',
      es: 'La dirección de correo de la persona que añadir',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    const email = args.email.toLowerCase();
    const text = await ctx.db.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUnique({ where: { number: args.ticket } });
      if (!ticket) throw new NotFoundError(refusal.noTicket(args.ticket));
      const known = await tx.identity.findUnique({
        where: { platform_externalId: { platform: 'email', externalId: email } },
      });
      if (known?.agentId) {
        throw new UserError({
          en: `${email} is an agent's address: agents need no place on a ticket.`,
          es: `${email} es la dirección de un agente: los agentes no necesitan estar en un ticket.`,
        });
      }
      const contact = await findOrCreateContact(tx, {
        platform: 'email',
        externalId: email,
        name: email.split('@')[0] ?? email,
        organisationId: organisationForEmail(ctx.config, email) ?? ticket.organisationId,
      });
      return ctx.tickets.addParticipant(args.ticket, ctx.actor, contact.id, tx);
    });
    return { text };
  },
});
