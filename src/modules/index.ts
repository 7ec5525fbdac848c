// Every channel module Relevo ships, in the order they start. A new platform is one line here and a
// folder under adapters/.
import { discordModule } from '../../adapters/discord/module.ts';
import { emailModule } from '../../adapters/email/module.ts';
import { mattermostModule } from '../../adapters/mattermost/module.ts';
import { slackModule } from '../../adapters/slack/module.ts';
import { webchatModule } from '../../adapters/webchat/module.ts';
import type { ChannelModule } from './module.ts';

export const channelModules: ChannelModule<never>[] = [
  webchatModule,
  slackModule,
  mattermostModule,
  discordModule,
  emailModule,
] as unknown as ChannelModule<never>[];
