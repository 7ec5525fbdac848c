import { z } from 'zod';
import { UserError } from '../src/core/errors.ts';
import { defineCommand, say } from './command.ts';

// Sharing a maintainer's reply by its link: the explicit gesture on platforms without message menus for
// bots (Mattermost), and a typed alternative to Slack's "Share with customer" shortcut.
export default defineCommand({
  name: 'share',
  args: ['link'],
  schema: z.object({ link: z.string({ error: 'give the link of the reply to share' }).min(1) }),
  usage: '/ticket share <message link>',
  help: {
    en: "Sends a private reply from an escalation's or a card's thread to the customer (the reply's … → Copy link).",
    es: 'Envía al cliente una respuesta privada del hilo de una escalada o de una tarjeta (… de la respuesta → Copiar enlace).',
  },
  argHelp: {
    link: {
      en: 'Link to the reply to share (… → Copy link)',
      es: 'Enlace a la respuesta que compartir (… → Copiar enlace)',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    const note = ctx.findNote ? await ctx.findNote(args.link) : undefined;
    if (!note) {
      throw new UserError({
        en: 'That link names no private reply. Copy the link of a reply in an escalation’s or a card’s thread (… → Copy link).',
        es: 'Ese enlace no lleva a ninguna respuesta privada. Copie el enlace de una respuesta en el hilo de una escalada o de una tarjeta (… → Copiar enlace).',
      });
    }
    await ctx.tickets.shareWithCustomer(note.ticketNumber, ctx.actor, note.eventId);
    return {
      text: say(ctx, {
        en: `Shared with the customer of ticket #${note.ticketNumber}.`,
        es: `Compartido con el cliente del ticket #${note.ticketNumber}.`,
      }),
    };
  },
});
