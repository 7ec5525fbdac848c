// The web chat's channels reach the core through the composition root, as configured channels do.
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/config/file.ts';
import { agentChannels, withChannels } from '../../src/core/config.ts';
import { testConfigYaml } from '../../test/fixtures/config.ts';
import { webchatChannels } from './channels.ts';

const slackAgents = `
channels:
  - { platform: slack, id: C0AGENTS, kind: agents }
`;

describe('the web chat’s channels', () => {
  it('are its support page and its agent console when it is enabled, and nothing when it is not', () => {
    expect(webchatChannels({ enabled: true }).map((c) => [c.id, c.kind])).toEqual([
      ['support', 'support'],
      ['agents', 'agents'],
      ['monitor', 'monitor'],
    ]);
    expect(webchatChannels({ enabled: false })).toEqual([]);
  });

  it('join the configured channels: cards go to Slack’s agents channel and the console', () => {
    const config = parseConfigFile(testConfigYaml + slackAgents, 'test');
    expect(agentChannels(withChannels(config, webchatChannels(config.webchat)))).toEqual([
      { platform: 'slack', channel: 'C0AGENTS' },
      { platform: 'webchat', channel: 'agents' },
    ]);
    const off = parseConfigFile(`${testConfigYaml + slackAgents}webchat: { enabled: false }\n`, 'test');
    expect(agentChannels(withChannels(off, webchatChannels(off.webchat)))).toEqual([
      { platform: 'slack', channel: 'C0AGENTS' },
    ]);
  });

  it('are not added twice when relevo.yaml lists them too', () => {
    const config = parseConfigFile(
      `${testConfigYaml}channels:\n  - { platform: webchat, id: agents, kind: agents }\n`,
      'test',
    );
    const desk = withChannels(config, webchatChannels(config.webchat));
    expect(desk.channels.filter((c) => c.platform === 'webchat').map((c) => c.id)).toEqual([
      'agents',
      'support',
      'monitor',
    ]);
  });
});
