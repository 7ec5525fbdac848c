import { z } from 'zod';
import { findOrCreateContact, organisationForEmail } from '../src/core/directory.ts';
import { UserError } from '../src/core/errors.ts';
import { text } from './args.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'new',
  args: ['email', 'description...'],
  schema: z.object({
    email: z.email({ error: "expected the customer's email address" }),
    description: text('a description of the problem'),
  }),
  usage: '/ticket new <customer email> <description>',
  help: {
    en: 'Opens a ticket on a customer’s behalf (a phone call, a meeting).',
    es: 'Abre un ticket en nombre de un cliente (una llamada, una reunión).',
  },
  argHelp: {
    email: { en: 'The customer’s email address', es: 'La dirección de correo del cliente' },
    description: { en: 'What the problem is', es: 'En qué consiste el problema' },
  },
  audience: 'agent',
  async run(ctx, args) {
    const email = args.email.toLowerCase();
    const contact = await ctx.db.$transaction(async (tx) => {
      const known = await tx.identity.findUnique({
        where: { platform_externalId: { platform: 'email', externalId: email } },
        include: { contact: true },
      });
      if (known?.contact) return known.contact;
      const organisationId = organisationForEmail(ctx.config, email);
      if (!organisationId) {
        throw new UserError({
          en: `No organisation has the email domain of ${email}. Add it to an organisation's emailDomains in relevo.yaml.`,
          es: `Ninguna organización tiene el dominio de correo de ${email}. Añádalo a emailDomains de una organización en relevo.yaml.`,
        });
      }
      return findOrCreateContact(tx, {
        platform: 'email',
        externalId: email,
        name: email.split('@')[0] ?? email,
        organisationId,
      });
    });
    const number = await ctx.tickets.create(
      { subject: args.description, body: args.description, requesterId: contact.id, source: 'manual' },
      ctx.actor,
    );
    return {
      text: say(ctx, {
        en: `Opened ticket #${number} for ${email}.`,
        es: `Ticket #${number} abierto para ${email}.`,
      }),
    };
  },
});
