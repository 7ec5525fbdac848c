import { z } from 'zod';
import { UserError } from '../src/core/errors.ts';
import { defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'create',
  args: ['link'],
  schema: z.object({ link: z.string({ error: 'give the link of the customer message' }).min(1) }),
  usage: '/ticket create <message link>',
  help: "Turns a customer's conversation in a support channel into a ticket (Slack: the message's … → Copy link).",
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
