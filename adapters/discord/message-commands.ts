// Discord's message commands (right-click a message → Apps): the gestures on one message that Slack offers
// as message shortcuts — *Share with customer* on a maintainer's reply, *Create ticket* on a customer's
// waiting message. Registered beside /ticket; their names show in each person's language.
import {
  type APIMessageApplicationCommandInteractionData,
  ApplicationCommandType,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Localized } from '../../src/i18n/localized.ts';

type MessageAction = 'share_note' | 'create_ticket';

const commands: { action: MessageAction; name: Localized }[] = [
  { action: 'share_note', name: { en: 'Share with customer', es: 'Compartir con el cliente' } },
  { action: 'create_ticket', name: { en: 'Create ticket', es: 'Crear ticket' } },
];

export function messageCommandBodies(): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
  return commands.map((c) => ({
    type: ApplicationCommandType.Message,
    name: c.name.en,
    name_localizations: { 'es-ES': c.name.es, 'es-419': c.name.es },
  }));
}

/** The gesture a message command names (Discord sends its English name), and the message it was used on. */
export function messageCommand(
  data: APIMessageApplicationCommandInteractionData,
): { action: MessageAction; message: { id: string; channel_id: string } } | undefined {
  const action = commands.find((c) => c.name.en === data.name)?.action;
  const message = data.resolved.messages[data.target_id];
  return action && message ? { action, message } : undefined;
}
