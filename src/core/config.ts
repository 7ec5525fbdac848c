// What the core reads of the configuration, and nothing else. relevo.yaml's schema (src/config/file.ts)
// satisfies it structurally, and the composition root adds what platforms contribute (the web chat's
// channels), so the core never learns about the file, its format or any platform in particular.
import type { Language } from '../i18n/index.ts';
import type { AlertSource } from './alerts/batch.ts';
import type { OnboardingSettings } from './onboarding/checklist.ts';
import type { CalendarSettings } from './sla/calendar.ts';
import type { InfoItem } from './tickets/required-info.ts';
import type { SlaPlan } from './tickets/sla.ts';

/** A support plan: its name and its SLA targets per priority, in minutes. */
export interface PlanSettings extends SlaPlan {
  readonly name: string;
  /** A key of `DeskConfig.calendars`: the targets are then business time. Unset: around the clock. */
  readonly calendar?: string;
  /** What its customers' requests must carry; checked at intake (tickets/required-info.ts). */
  readonly requires?: readonly InfoItem[];
}

export interface OrganisationSettings {
  readonly id: string;
  readonly name: string;
  /** A key of `DeskConfig.plans`. */
  readonly plan: string;
  /**
   * The language its customers are written in until Relevo learns their own (customer-language.ts), and the
   * one agents read about its tickets (see src/i18n).
   */
  readonly language: string;
  /** Ids of the products the organisation has. */
  readonly products: readonly string[];
  /** Mail from these domains belongs to the organisation. */
  readonly emailDomains: readonly string[];
  readonly infrastructureUrl?: string;
}

export interface ProductSettings {
  readonly id: string;
  readonly name: string;
  /** The id of a channel of kind `maintainers`: where the product's escalations go. */
  readonly maintainersChannel?: string;
  /** What a request about this product must carry, besides what the plan requires. */
  readonly requires?: readonly InfoItem[];
}

export interface AgentSettings {
  readonly id: string;
  readonly name: string;
  readonly role: 'agent' | 'maintainer' | 'admin';
  readonly email?: string;
  /** The language Relevo answers this agent in on chat platforms (`en` when unset). */
  readonly language?: string;
  /** Platform → the agent's id there, e.g. `{ slack: 'U024BE7LH' }`. */
  readonly identities: Readonly<Record<string, string>>;
}

/**
 * What a channel is for: customers write in `support` channels, agents triage in `agents` channels,
 * a product's maintainers take escalations in `maintainers` channels, alerts arrive in `monitor` ones.
 */
export type ChannelKind = 'support' | 'agents' | 'maintainers' | 'monitor';

/** A channel on a chat platform, configured in relevo.yaml or provided by a platform (the web chat's). */
export interface ChannelSettings {
  /** A platform's name: webchat, slack, mattermost, discord… */
  readonly platform: string;
  /** The platform's id for the channel. */
  readonly id: string;
  readonly kind: ChannelKind;
  /** The organisation whose customers write in this (support) channel. */
  readonly organisation?: string;
  /** When a customer's conversation becomes a ticket: at once, or when an agent asks for it. */
  readonly ticketOn: 'first_message' | 'agent_request';
  /** A ticket panel: customers open tickets with a button and a form, each in a private thread. */
  readonly panel?: boolean;
}

export interface TicketSettings {
  /** Minutes a proposed solution waits for the customer before the ticket resolves by itself. */
  readonly confirmationWindow: number;
  /** Whether a resolved ticket's customer is asked for their satisfaction; unset: yes. */
  readonly satisfactionSurvey?: boolean;
  /** The share of an SLA clock's target at which agents are warned (0.75: at three quarters). */
  readonly slaWarningShare?: number;
  /** Characters; longer messages are refused with a message saying so. */
  readonly maxMessageLength: number;
  /** Messages made only of these (and punctuation) open no ticket. */
  readonly greetings: readonly string[];
  /** An agent's message in a customer's thread that starts with this is a private note, not a reply. */
  readonly notePrefix: string;
  /** Where "Meant for a person" sends customers when that person's address is not known. */
  readonly generalContact?: string;
  /** Minutes (business time) a ticket waits for requested information before it is rejected; unset: never. */
  readonly rejectIncompleteAfter?: number;
}

/** A monitoring system that posts alerts (relevo.yaml `monitors`). */
export interface MonitorSettings {
  readonly id: string;
  readonly source: AlertSource;
  /** The shared secret, or `env:NAME` (resolved at start-up, src/alerts). */
  readonly token: string;
  /** The source's API (Alertmanager's, for silences); unset: the address its payloads give. */
  readonly url?: string;
}

export interface AlertSettings {
  /** Labels → organisation, first match wins. */
  readonly routes: readonly {
    readonly match: Readonly<Record<string, string>>;
    readonly organisation: string;
  }[];
  /** Firing alerts of these severities for customers on these plans open a ticket by themselves. */
  readonly autoTicket: { readonly severities: readonly string[]; readonly plans: readonly string[] };
}

export interface DeskConfig {
  /** Business calendars by id (see src/core/sla/calendar.ts), named by plans. */
  readonly calendars: Readonly<Record<string, CalendarSettings>>;
  readonly plans: Readonly<Record<string, PlanSettings>>;
  readonly organisations: readonly OrganisationSettings[];
  readonly products: readonly ProductSettings[];
  readonly agents: readonly AgentSettings[];
  /** Every channel: the configured ones and those platforms provide (see `withChannels`). */
  readonly channels: readonly ChannelSettings[];
  readonly tickets: TicketSettings;
  readonly monitors: readonly MonitorSettings[];
  readonly alerts: AlertSettings;
  /** What `/ticket onboard` lists for a new agent (seed 000). */
  readonly onboarding: OnboardingSettings;
}

/**
 * The configuration with the channels platforms provide besides the configured ones (the web chat's
 * console and page). A channel configured explicitly is not added twice.
 *
 * @example
 *   const desk = withChannels(config, [{ platform: 'webchat', id: 'agents', kind: 'agents', ticketOn: 'first_message' }]);
 */
export function withChannels(config: DeskConfig, provided: readonly ChannelSettings[]): DeskConfig {
  const known = (c: ChannelSettings) =>
    config.channels.some((x) => x.platform === c.platform && x.id === c.id);
  return { ...config, channels: [...config.channels, ...provided.filter((c) => !known(c))] };
}

/** The agents' channels on every platform: each gets a ticket's triage card and waiting conversations. */
export function agentChannels(config: Pick<DeskConfig, 'channels'>): { platform: string; channel: string }[] {
  return config.channels
    .filter((c) => c.kind === 'agents')
    .map((c) => ({ platform: c.platform, channel: c.id }));
}

/** The monitor channels on every platform: each shows one live message per alert group. */
export function monitorChannels(
  config: Pick<DeskConfig, 'channels'>,
): { platform: string; channel: string }[] {
  return config.channels
    .filter((c) => c.kind === 'monitor')
    .map((c) => ({ platform: c.platform, channel: c.id }));
}

/**
 * The language of what the whole team reads in a shared channel (a triage card, an escalation post, an
 * alert group's message, an SLA warning about a ticket nobody holds): Spanish when every agent reads
 * Spanish, else English (relevo.yaml has no desk-wide language; English is what anyone unset reads).
 * Maintainers are left out: they are not the team that triages.
 */
export function teamLanguage(agents: readonly AgentSettings[]): Language {
  const team = agents.filter((a) => a.role !== 'maintainer');
  return team.length > 0 && team.every((a) => a.language === 'es') ? 'es' : 'en';
}
