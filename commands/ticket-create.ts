import { z } from 'zod';
import { UserError } from '../src/core/errors.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'create',
  args: ['link'],
  schema: z.object({ link: z.string({ error: 'give the link of the customer message' }).min(1) }),
  usage: '/ticket create <message link>',
  help: {
    en: "Turns a customer's conversation in a support channel into a ticket (Slack: the message's … → Copy link).",
    es: 'Convierte en ticket la conversación de un cliente en un canal de soporte (Slack: … del mensaje → Copiar enlace).',
  },
  argHelp: {
    link: {
      en: 'Link to the customer’s first message (… → Copy link)',
      es: 'Enlace al primer mensaje del cliente (… → Copiar enlace)',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    const id = ctx.findConversation ? await ctx.findConversation(args.link) : undefined;
    if (!id || !ctx.conversations) {
      throw new UserError({
        en: 'That link names no conversation waiting for a ticket. Copy the link of the customer’s first message (… → Copy link), or react to it with 🎫.',
        es: 'Ese enlace no lleva a ninguna conversación que espere un ticket. Copie el enlace del primer mensaje del cliente (… → Copiar enlace), o reaccione a él con 🎫.',
      });
    }
    const n = await ctx.conversations.createTicket(id, ctx.actor);
    return {
      text: say(ctx, {
        en: `Ticket #${n} created from the conversation.`,
        es: `Ticket #${n} creado a partir de la conversación.`,
      }),
    };
  },
});
