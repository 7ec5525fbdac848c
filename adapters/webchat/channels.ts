// The channels the web chat brings when it is enabled: its customers' page ("support", one thread per
// session) and the agent console ("agents", where triage cards and waiting conversations appear) and its alerts ("monitor"). The
// composition root adds them to the configured channels, so the core treats them like any platform's.
import type { ChannelSettings } from '../../src/core/config.ts';

export function webchatChannels(webchat: { enabled: boolean }): ChannelSettings[] {
  if (!webchat.enabled) return [];
  return [
    { platform: 'webchat', id: 'support', kind: 'support', ticketOn: 'first_message' },
    { platform: 'webchat', id: 'agents', kind: 'agents', ticketOn: 'first_message' },
    // The console's alerts: one live message per alert group, as in a monitor channel of Slack's.
    { platform: 'webchat', id: 'monitor', kind: 'monitor', ticketOn: 'first_message' },
  ];
}
