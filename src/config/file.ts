// relevo.yaml: organisations, plans, products, agents and channels, validated by one zod schema.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { alertSources } from '../core/alerts/batch.ts';
import type { DeskConfig } from '../core/config.ts';
import { MAX_ONBOARDING_ITEM_ID, MAX_ONBOARDING_ITEMS, seedChecklist } from '../core/onboarding/checklist.ts';
import { weekdays } from '../core/sla/calendar.ts';
import { infoItems } from '../core/tickets/required-info.ts';
import { ConfigError } from './config-error.ts';
import { canonicalTimeZone, isCalendarDate, parseOpeningHours } from './opening-hours.ts';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lower-case letters, digits, "-" or "_"');
const priorities = ['low', 'normal', 'high', 'urgent'] as const;

/** "30m", "4h", "2d" → minutes. */
export const duration = z
  .string()
  .regex(/^\d+(m|h|d)$/, 'expected a duration such as "30m", "4h" or "2d"')
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    const unit = s.at(-1);
    return unit === 'm' ? n : unit === 'h' ? n * 60 : n * 24 * 60;
  });

/** At most `max` per `per` (a duration such as "1m", "15m", "1h"), counted in fixed windows. */
const rate = (max: number, per: string) =>
  z.strictObject({ max: z.number().int().min(1), per: duration }).default({ max, per: duration.parse(per) });
const concurrent = (max: number) => z.number().int().min(1).default(max);

/** Every limit's default; README "Security → Limits" explains each. */
export const limitsSchema = z
  .strictObject({
    /** New web chat sessions from one address (a whole office behind one NAT shares it). */
    webchatSessionsPerAddress: rate(30, '1h'),
    /** New web chat sessions for one email address. */
    webchatSessionsPerVisitor: rate(10, '1h'),
    /** Messages in one web chat session. */
    webchatMessagesPerSession: rate(20, '1m'),
    /** Web chat messages from one address, all sessions together. */
    webchatMessagesPerAddress: rate(120, '1m'),
    /** Tickets one web chat visitor (their email's contact) can open. */
    ticketsPerVisitor: rate(10, '1h'),
    /** Agent console sign-in attempts from one address, right or wrong. */
    signInsPerAddress: rate(10, '15m'),
    /** Requests with a wrong API or metrics token (and wrong console sign-ins) from one address. */
    wrongTokensPerAddress: rate(20, '15m'),
    /** Live streams (SSE) open at once on one web chat session or console sign-in. */
    streamsPerSession: concurrent(5),
    /** Live streams open at once from one address. */
    streamsPerAddress: concurrent(50),
  })
  .prefault({});

export type LimitsConfig = z.infer<typeof limitsSchema>;

const slaTarget = z.strictObject({
  firstResponse: duration,
  nextUpdate: duration,
  resolution: duration,
});

/** What a request must carry (README "Required information"); Relevo checks the items it can tell. */
const requires = z
  .array(z.enum(infoItems, { error: `expected items among ${infoItems.join(', ')}` }))
  .default([]);

const plan = z.strictObject({
  name: z.string().min(1),
  requires,
  /** A key of `calendars`: the plan's durations are then business time. Omitted: around the clock. */
  calendar: id.optional(),
  sla: z.strictObject(
    Object.fromEntries(priorities.map((p) => [p, slaTarget])) as Record<
      (typeof priorities)[number],
      typeof slaTarget
    >,
  ),
});

/** "09:00-18:00", "09:00-13:00,14:00-18:00", "" or "closed" → ranges in minutes. */
const openingHours = z
  .string({ error: 'expected opening hours such as "09:00-18:00", "09:00-13:00,14:00-18:00" or "closed"' })
  .transform((text, ctx) => {
    const read = parseOpeningHours(text);
    if ('problem' in read) {
      ctx.addIssue({ code: 'custom', message: read.problem });
      return z.NEVER;
    }
    return read.ranges;
  });

const calendar = z.strictObject({
  timezone: z.string().transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (zone === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an IANA time zone such as "Europe/Madrid" or "America/Santiago" (got "${name}")`,
      });
      return z.NEVER;
    }
    return zone;
  }),
  hours: z
    .partialRecord(z.enum(weekdays), openingHours, {
      // zod reports a key outside the enum as `unrecognized_keys`, which its types for records leave out.
      error: (issue: { code: string; keys?: readonly string[] }) =>
        issue.code === 'unrecognized_keys' && issue.keys
          ? `expected days named ${weekdays.join(', ')} (got ${issue.keys.map((k) => `"${k}"`).join(', ')})`
          : issue.code === 'invalid_type'
            ? 'expected days with their opening hours, such as { mon: "09:00-18:00", fri: "09:00-15:00" }'
            : undefined,
    })
    .refine((hours) => Object.values(hours).some((ranges) => ranges.length > 0), {
      error: 'expected opening hours on at least one day: a calendar never open would never reach a due time',
    }),
  holidays: z
    .array(
      z.string().refine(isCalendarDate, {
        error: (issue) => `expected a date written YYYY-MM-DD, such as "2026-12-25" (got "${issue.input}")`,
      }),
    )
    .default([]),
});

const organisation = z.strictObject({
  id,
  name: z.string().min(1),
  plan: id,
  language: z.enum(['es', 'en']).default('en'),
  products: z.array(id).default([]),
  emailDomains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a domain such as example.com'))
    .default([]),
  infrastructureUrl: z.url().optional(),
});

const product = z.strictObject({
  id,
  name: z.string().min(1),
  requires,
  maintainersChannel: z.string().min(1).optional(),
});

const agent = z.strictObject({
  id,
  name: z.string().min(1),
  role: z.enum(['agent', 'maintainer', 'admin']).default('agent'),
  email: z.email().optional(),
  /** The language Relevo answers this agent in on chat platforms (refusals, private explanations). */
  language: z.enum(['es', 'en']).default('en'),
  identities: z.record(z.string(), z.string()).default({}),
});

const channel = z.strictObject({
  /** A channel module's name (webchat, slack…); one that is not switched on is reported at start. */
  platform: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a platform name such as slack or webchat'),
  id: z.string().min(1),
  kind: z.enum(['support', 'agents', 'maintainers', 'monitor']),
  organisation: id.optional(),
  /** When a customer's conversation becomes a ticket: at once, or when an agent asks for it. */
  ticketOn: z.enum(['first_message', 'agent_request']).default('first_message'),
  /**
   * A ticket panel: customers open tickets with a button and a form, each in a private place of its own
   * (a Discord private thread), instead of by writing in the channel. Support channels only, on platforms
   * that can open private conversations.
   */
  panel: z.boolean().default(false),
});

/** A monitoring system that posts alerts to Relevo (README "Monitoring alerts"). */
const monitor = z.strictObject({
  id,
  source: z.enum(alertSources),
  /**
   * The shared secret the sender presents (Authorization: Bearer, or basic auth's password); `env:NAME`
   * reads it from the environment at start-up, so relevo.yaml can be committed without it.
   */
  token: z.string().min(16, 'expected a secret of at least 16 characters, or env:NAME'),
  /** The source's own API (Alertmanager's, for silences); unset: the address its payloads give. */
  url: z.url().optional(),
});

const alertRoute = z.strictObject({
  /** Labels an alert must carry, all of them, e.g. { customer: acme }. */
  match: z.record(z.string(), z.string()).refine((m) => Object.keys(m).length > 0, {
    error: 'expected at least one label to match, such as { customer: acme }',
  }),
  organisation: id,
});

/** One access a new agent is given (seed 000): its id, and its text in English and Spanish. */
const onboardingItem = z.strictObject(
  {
    id: id.max(
      MAX_ONBOARDING_ITEM_ID,
      `expected an id of at most ${MAX_ONBOARDING_ITEM_ID} characters (buttons carry it)`,
    ),
    en: z
      .string({ error: 'expected the item’s text in English' })
      .trim()
      .min(1, 'expected the item’s text in English')
      .max(200),
    es: z
      .string({ error: 'expected the item’s text in Spanish' })
      .trim()
      .min(1, 'expected the item’s text in Spanish')
      .max(200),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'expected an item such as { id: wiki, en: "User on the team’s wiki", es: "Usuario en la wiki del equipo" }'
        : undefined,
  },
);

/** `/ticket onboard`'s checklist (README "Onboarding"); seed 000's six accesses when left out. */
const onboarding = z
  .strictObject({
    checklist: z
      .array(onboardingItem, {
        error: 'expected a list of items such as { id: wiki, en: "…", es: "…" }',
      })
      .min(1, 'expected at least one item (leave onboarding out for seed 000’s six)')
      .max(
        MAX_ONBOARDING_ITEMS,
        `expected at most ${MAX_ONBOARDING_ITEMS} items: each is a button on one chat message`,
      )
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          if (seen.has(item.id)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `expected unique item ids (duplicate "${item.id}"): ticks are recorded by id`,
            });
          }
          seen.add(item.id);
        });
      })
      .default(seedChecklist.map((item) => ({ ...item }))),
  })
  .prefault({});

export const fileSchema = z
  .strictObject({
    monitors: z.array(monitor).default([]),
    alerts: z
      .strictObject({
        /** First match wins: an alert's organisation. */
        routes: z.array(alertRoute).default([]),
        /**
         * A firing alert of one of these severities, for a customer on one of these plans, opens a ticket by
         * itself, once per group. Empty severities: never.
         */
        autoTicket: z
          .strictObject({ severities: z.array(z.string()).default([]), plans: z.array(id).default([]) })
          .prefault({}),
      })
      .prefault({}),
    calendars: z.record(id, calendar).default({}),
    plans: z.record(id, plan),
    organisations: z.array(organisation).min(1),
    products: z.array(product).default([]),
    agents: z.array(agent).min(1),
    channels: z.array(channel).default([]),
    webchat: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Organisation for web chat customers whose email domain matches none. Unset: they are refused. */
        defaultOrganisation: id.optional(),
        title: z.string().default('Support'),
      })
      .prefault({}),
    email: z
      .strictObject({
        /** Addresses that forward customers' mail to Relevo (besides agents): their forwards credit the original sender. */
        forwardingAddresses: z.array(z.email()).default([]),
        /** A reply to a closed ticket: reopen it, or open a follow-up ticket that mentions it. */
        closedReply: z.enum(['reopen', 'follow_up']).default('follow_up'),
        /** At most this many automatic replies (acknowledgements) to one sender per hour (loop guard). */
        autoRepliesPerHour: z.number().int().min(0).default(5),
        /** Organisation for senders whose address and domain match none. Unset: their mail is kept, not ticketed. */
        defaultOrganisation: id.optional(),
      })
      .prefault({}),
    limits: limitsSchema,
    onboarding,
    tickets: z
      .strictObject({
        confirmationWindow: duration.default(7 * 24 * 60),
        /** Ask the customer how satisfied they are when a ticket is resolved (seed 004 step 8). */
        satisfactionSurvey: z.boolean().default(true),
        maxMessageLength: z.number().int().min(100).max(100_000).default(10_000),
        greetings: z
          .array(z.string())
          .default(['hi', 'hello', 'hola', 'thanks', 'thank you', 'gracias', 'ok', 'buenos días', 'buenas']),
        /** An agent's message in a customer's thread that starts with this is a private note, not a reply. */
        notePrefix: z.string().min(1).default('note:'),
        /** Where "Meant for a person" sends customers when that person's address is not known (seed 003). */
        generalContact: z.string().min(3).optional(),
        /** The share of an SLA clock's target at which agents are warned it is at risk (then again at the breach). */
        slaWarningShare: z.number().gt(0).lt(1).default(0.75),
        /**
         * A ticket waiting this long (business time on its plan's calendar) for information it was asked for
         * is rejected with the reason (seed 002). Unset: it waits until an agent acts.
         */
        rejectIncompleteAfter: duration.optional(),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    for (const [planId, p] of Object.entries(cfg.plans)) {
      if (p.calendar !== undefined && !Object.hasOwn(cfg.calendars, p.calendar)) {
        const defined = Object.keys(cfg.calendars);
        ctx.addIssue({
          code: 'custom',
          path: ['plans', planId, 'calendar'],
          message: defined.length
            ? `expected one of the calendars defined under "calendars" (${defined.join(', ')}), or no calendar for around the clock`
            : `expected a calendar defined under "calendars" (none is), or no calendar for around the clock`,
        });
      }
    }
    const productIds = new Set(cfg.products.map((p) => p.id));
    const orgIds = new Set(cfg.organisations.map((o) => o.id));
    cfg.organisations.forEach((org, i) => {
      if (!(org.plan in cfg.plans)) {
        ctx.addIssue({
          code: 'custom',
          path: ['organisations', i, 'plan'],
          message: `expected one of the plans defined under "plans" (${Object.keys(cfg.plans).join(', ')})`,
        });
      }
      org.products.forEach((p, j) => {
        if (!productIds.has(p)) {
          ctx.addIssue({
            code: 'custom',
            path: ['organisations', i, 'products', j],
            message: `expected a product id defined under "products" (got "${p}")`,
          });
        }
      });
    });
    const check = (path: (string | number)[], org: string | undefined) => {
      if (org && !orgIds.has(org)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `expected an organisation id defined under "organisations"`,
        });
      }
    };
    cfg.channels.forEach((c, i) => {
      check(['channels', i, 'organisation'], c.organisation);
      if (c.panel && (c.kind !== 'support' || !c.organisation)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'panel'],
          message:
            'expected a support channel with an organisation: a panel opens that organisation’s tickets',
        });
      }
    });
    check(['webchat', 'defaultOrganisation'], cfg.webchat.defaultOrganisation);
    cfg.alerts.routes.forEach((r, i) => {
      check(['alerts', 'routes', i, 'organisation'], r.organisation);
    });
    cfg.alerts.autoTicket.plans.forEach((p, i) => {
      if (!(p in cfg.plans)) {
        ctx.addIssue({
          code: 'custom',
          path: ['alerts', 'autoTicket', 'plans', i],
          message: `expected one of the plans defined under "plans" (${Object.keys(cfg.plans).join(', ')})`,
        });
      }
    });
    check(['email', 'defaultOrganisation'], cfg.email.defaultOrganisation);
    for (const [kind, list] of [
      ['organisation', cfg.organisations.map((o) => o.id)],
      ['product', cfg.products.map((p) => p.id)],
      ['agent', cfg.agents.map((a) => a.id)],
      ['monitor', cfg.monitors.map((m) => m.id)],
    ] as const) {
      const seen = new Set<string>();
      for (const value of list) {
        if (seen.has(value))
          ctx.addIssue({
            code: 'custom',
            path: [`${kind}s`],
            message: `expected unique ids (duplicate ${kind} "${value}")`,
          });
        seen.add(value);
      }
    }
  });

/**
 * Everything the core reads (src/core/config.ts) comes from relevo.yaml: a schema change that takes
 * something away from the core stops compiling here, not somewhere the configuration is handed over.
 */
type ReadableByTheCore<T extends DeskConfig> = T;
export type FileConfig = ReadableByTheCore<z.infer<typeof fileSchema>>;
export type PlanConfig = FileConfig['plans'][string];
export type OrganisationConfig = FileConfig['organisations'][number];

/** Parses YAML text; every problem names the file, the field path and what was expected. */
export function parseConfigFile(text: string, fileName: string): FileConfig {
  // Integers are read exactly: a Discord id (a snowflake of 17-20 digits) written without quotes is
  // larger than a JavaScript number holds, and would otherwise be silently rounded to another id.
  const doc = parseDocument(text, { intAsBigInt: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${fileName}: not valid YAML: ${doc.errors[0]?.message}`);
  }
  const result = fileSchema.safeParse(exactIntegers(doc.toJS()) ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
      return `  ${where}: ${issue.message}`;
    });
    throw new ConfigError(`${fileName} is not valid:\n${lines.join('\n')}`);
  }
  return result.data;
}

/**
 * Integers YAML read as bigints: those a number holds exactly become numbers; larger ones (ids) become
 * their digits as text, which is what every id field expects.
 */
function exactIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(exactIntegers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactIntegers(v)]));
  }
  return value;
}

export function loadConfigFile(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read the configuration file ${path} (RELEVO_CONFIG): ${(err as Error).message}`,
    );
  }
  return parseConfigFile(text, path);
}
