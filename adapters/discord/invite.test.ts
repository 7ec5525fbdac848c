// The invite link and the intents, checked against Discord's documented bit positions (docs: Topics →
// Permissions, and Gateway → Gateway Intents) rather than against the library's constants they are built from.
import { describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS, GATEWAY_INTENTS, inviteUrl } from './invite.ts';

const permission = {
  ADD_REACTIONS: 6,
  VIEW_CHANNEL: 10,
  SEND_MESSAGES: 11,
  EMBED_LINKS: 14,
  ATTACH_FILES: 15,
  READ_MESSAGE_HISTORY: 16,
  MENTION_EVERYONE: 17,
  MANAGE_THREADS: 34,
  CREATE_PUBLIC_THREADS: 35,
  CREATE_PRIVATE_THREADS: 36,
  SEND_MESSAGES_IN_THREADS: 38,
  ADMINISTRATOR: 3,
  MANAGE_CHANNELS: 4,
  MANAGE_MESSAGES: 13,
};
const bit = (n: number) => 1n << BigInt(n);

describe('the bot’s invite', () => {
  it('asks for exactly the permissions Relevo uses', () => {
    const wanted = [
      'VIEW_CHANNEL',
      'SEND_MESSAGES',
      'SEND_MESSAGES_IN_THREADS',
      'CREATE_PUBLIC_THREADS',
      'CREATE_PRIVATE_THREADS',
      'MANAGE_THREADS',
      'EMBED_LINKS',
      'ATTACH_FILES',
      'READ_MESSAGE_HISTORY',
      'ADD_REACTIONS',
    ] as const;
    expect(BOT_PERMISSIONS).toBe(wanted.reduce((all, p) => all | bit(permission[p]), 0n));
    expect(BOT_PERMISSIONS).toBe(395137109056n);
    for (const p of ['MENTION_EVERYONE', 'ADMINISTRATOR', 'MANAGE_CHANNELS', 'MANAGE_MESSAGES'] as const) {
      expect(BOT_PERMISSIONS & bit(permission[p]), p).toBe(0n);
    }
  });

  it('is the OAuth2 link that adds the bot and lets it install /ticket', () => {
    expect(inviteUrl('123456789012345678')).toBe(
      'https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot%20applications.commands&permissions=395137109056',
    );
  });

  it('connects with Guilds, GuildMessages, MessageContent and GuildMessageReactions', () => {
    expect(GATEWAY_INTENTS).toBe((1 << 0) | (1 << 9) | (1 << 15) | (1 << 10));
    expect(GATEWAY_INTENTS).toBe(34305);
  });
});
