// Ticket panels: in each support channel with `panel: true`, one message with the *Open ticket* button
// (core/chat/intake-form.ts), posted by the instance holding the gateway. Its id is kept in the database:
// the same message is brought up to date at every start (a renamed organisation, another language)
// instead of posting another, and posted again if someone deleted it.
import type { REST } from 'discord.js';
import { Routes } from 'discord.js';
import { panelMessage } from '../../src/core/chat/intake-form.ts';
import type { DeskConfig } from '../../src/core/config.ts';
import type { Logger } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { readState, writeState } from '../kit/platform-state.ts';
import { DiscordCode, discordCode } from './errors.ts';
import { PLATFORM } from './platform.ts';
import { messageBody } from './render.ts';

export async function ensurePanels(deps: {
  db: Db;
  rest: REST;
  config: DeskConfig;
  log: Logger;
}): Promise<void> {
  const { db, rest, config, log } = deps;
  for (const c of config.channels) {
    if (c.platform !== PLATFORM || !c.panel || !c.organisation) continue;
    const org = config.organisations.find((o) => o.id === c.organisation);
    if (!org) continue;
    const body = messageBody(panelMessage(org));
    const key = `${PLATFORM}:panel:${c.id}`;
    try {
      const posted = await readState(db, key);
      if (posted) {
        try {
          await rest.patch(Routes.channelMessage(c.id, posted), { body: { embeds: [], ...body } });
          continue;
        } catch (err) {
          if (discordCode(err) !== DiscordCode.unknownMessage) throw err;
        }
      }
      const m = (await rest.post(Routes.channelMessages(c.id), { body })) as { id: string };
      await writeState(db, key, m.id);
      log.info({ channel: c.id }, 'Discord: ticket panel posted');
    } catch (err) {
      log.error(
        { err, channel: c.id },
        'Discord: the ticket panel could not be posted; check the bot may post in that channel',
      );
    }
  }
}
