import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessCalendar } from '../core/sla/calendar.ts';
import { ConfigError } from './config-error.ts';
import { parseEnv } from './env.ts';
import { parseConfigFile } from './file.ts';
import { demoConfigPath } from './index.ts';

const demo = readFileSync(demoConfigPath, 'utf8');

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      RELEVO_DATA_DIR: './data',
      LOG_LEVEL: 'info',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    const cfg = parseConfigFile(demo, 'demo.yaml');
    expect(cfg.tickets.confirmationWindow).toBe(7 * 24 * 60);
    expect(cfg.plans.production?.sla.normal.firstResponse).toBe(8 * 60);
  });

  it('names the variable and what it expected', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL=.*expected a postgresql:\/\//,
    );
    expect(() => parseEnv({ RELEVO_API_TOKEN: 'short' })).toThrow(/RELEVO_API_TOKEN.*at least 16/);
    expect(() => parseEnv({ RELEVO_METRICS_TOKEN: 'short' })).toThrow(/RELEVO_METRICS_TOKEN.*at least 16/);
    expect(() => parseEnv({ RELEVO_METRICS_TOKEN: 'has a space in it, sadly' })).toThrow(/no spaces/);
    expect(() => parseEnv({ RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: 'mx.acme.example; dmarc=pass' })).toThrow(
      /RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS=.*expected comma-separated server names/,
    );
  });

  it('reads the trusted authserv-ids as a lower-case list', () => {
    expect(parseEnv({}).RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS).toBeUndefined();
    expect(
      parseEnv({ RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS: ' MX1.Acme.example, mx2.acme.example,' })
        .RELEVO_EMAIL_TRUSTED_AUTHSERV_IDS,
    ).toEqual(['mx1.acme.example', 'mx2.acme.example']);
  });

  it('reads the HTTP timeouts, the SMTP limits and the trusted proxies', () => {
    expect(parseEnv({})).toMatchObject({
      RELEVO_HTTP_HEADERS_TIMEOUT_MS: 10_000,
      RELEVO_HTTP_REQUEST_TIMEOUT_MS: 30_000,
      RELEVO_SMTP_TIMEOUT_MS: 60_000,
      RELEVO_SMTP_MAX_CLIENTS: 50,
    });
    expect(parseEnv({}).RELEVO_TRUST_PROXY).toBeUndefined();
    expect(parseEnv({ RELEVO_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).RELEVO_TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    // Trusting every hop (or a hop count) would let anyone choose their address and walk past the limits.
    expect(() => parseEnv({ RELEVO_TRUST_PROXY: 'true' })).toThrow(/RELEVO_TRUST_PROXY.*not true/);
    expect(() => parseEnv({ RELEVO_TRUST_PROXY: '2' })).toThrow(/RELEVO_TRUST_PROXY/);
    expect(() =>
      parseEnv({ RELEVO_HTTP_HEADERS_TIMEOUT_MS: '20000', RELEVO_HTTP_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/RELEVO_HTTP_HEADERS_TIMEOUT_MS: must not exceed/);
  });

  it('has a default for every limit and reads overrides from relevo.yaml', () => {
    const defaults = parseConfigFile(demo, 'demo.yaml').limits;
    expect(defaults.webchatSessionsPerAddress).toEqual({ max: 30, per: 60 });
    expect(defaults.webchatMessagesPerSession).toEqual({ max: 20, per: 1 });
    expect(defaults.ticketsPerVisitor).toEqual({ max: 10, per: 60 });
    expect(defaults.signInsPerAddress).toEqual({ max: 10, per: 15 });
    expect(defaults.wrongTokensPerAddress).toEqual({ max: 20, per: 15 });
    expect(defaults.streamsPerSession).toBe(5);
    expect(defaults.streamsPerAddress).toBe(50);
    const tuned = parseConfigFile(
      `${demo}\nlimits:\n  ticketsPerVisitor: { max: 3, per: 1d }\n  streamsPerAddress: 200\n`,
      'relevo.yaml',
    ).limits;
    expect(tuned.ticketsPerVisitor).toEqual({ max: 3, per: 24 * 60 });
    expect(tuned.streamsPerAddress).toBe(200);
    expect(tuned.webchatSessionsPerVisitor).toEqual(defaults.webchatSessionsPerVisitor);
    expect(() =>
      parseConfigFile(`${demo}\nlimits:\n  ticketsPerVisitor: { max: 0, per: 1h }\n`, 'relevo.yaml'),
    ).toThrow(/limits\.ticketsPerVisitor\.max/);
    expect(() => parseConfigFile(`${demo}\nlimits:\n  messagesPerMinute: 5\n`, 'relevo.yaml')).toThrow(
      /limits/,
    );
  });

  it('names the file, the field and what it expected', () => {
    const wrongPlan = demo.replace('plan: production', 'plan: gold');
    expect(() => parseConfigFile(wrongPlan, 'relevo.yaml')).toThrow(
      /relevo\.yaml is not valid:\n {2}organisations\.0\.plan: expected one of the plans defined under "plans" \(production, development\)/,
    );
    const badDuration = demo.replace('firstResponse: 1h', 'firstResponse: soon');
    expect(() => parseConfigFile(badDuration, 'relevo.yaml')).toThrow(
      /plans\.production\.sla\.urgent\.firstResponse: expected a duration/,
    );
    const badLanguage = demo.replace('language: en', 'language: fr');
    expect(() => parseConfigFile(badLanguage, 'relevo.yaml')).toThrow(/organisations\.0\.language/);
    expect(() => parseConfigFile('plans: [', 'relevo.yaml')).toThrow(/relevo\.yaml: not valid YAML/);
    expect(() => parseConfigFile(`${demo}\nunknownKey: 1\n`, 'relevo.yaml')).toThrow(/unknownKey/);
  });

  it('says which required information it knows, and wants a duration before rejecting incomplete tickets', () => {
    const requiring = demo.replace(
      '    name: Production subscription\n',
      '    name: Production subscription\n    requires: [environment_url, passwords]\n',
    );
    expect(requiring).not.toBe(demo);
    expect(() => parseConfigFile(requiring, 'relevo.yaml')).toThrow(
      /plans\.production\.requires\.1: expected items among project, environment_url, access, description, evidence, steps/,
    );
    expect(() =>
      parseConfigFile(`${demo}\ntickets:\n  rejectIncompleteAfter: soon\n`, 'relevo.yaml'),
    ).toThrow(/tickets\.rejectIncompleteAfter: expected a duration/);
    const ok = parseConfigFile(`${demo}\ntickets:\n  rejectIncompleteAfter: 3d\n`, 'relevo.yaml');
    expect(ok.tickets.rejectIncompleteAfter).toBe(3 * 24 * 60);
  });

  it('lists seed 000’s six accesses for /ticket onboard unless relevo.yaml gives its own, and says what is wrong with them', () => {
    const seed = parseConfigFile(demo, 'demo.yaml').onboarding.checklist;
    expect(seed.map((item) => item.id)).toEqual([
      'helpdesk',
      'monitor',
      'wiki',
      'email',
      'chat',
      'softphone',
    ]);
    for (const item of seed) {
      expect(item.en).not.toBe('');
      expect(item.es).not.toBe('');
      expect(item.es).not.toBe(item.en);
    }
    const onboarding = (lines: string) => `${demo}\nonboarding:\n${lines}`;
    const own = parseConfigFile(
      onboarding('  checklist:\n    - { id: vpn, en: VPN access, es: Acceso a la VPN }\n'),
      'relevo.yaml',
    );
    expect(own.onboarding.checklist).toEqual([{ id: 'vpn', en: 'VPN access', es: 'Acceso a la VPN' }]);
    const refused = (lines: string, message: RegExp) => {
      expect(() => parseConfigFile(onboarding(lines), 'relevo.yaml')).toThrow(ConfigError);
      expect(() => parseConfigFile(onboarding(lines), 'relevo.yaml')).toThrow(message);
    };
    refused(
      '  checklist:\n    - Freshdesk user\n',
      /relevo\.yaml is not valid:\n {2}onboarding\.checklist\.0: expected an item such as \{ id: wiki, en: "User on the team’s wiki", es: "Usuario en la wiki del equipo" \}/,
    );
    refused(
      '  checklist:\n    - { id: vpn, en: VPN access }\n',
      /onboarding\.checklist\.0\.es: expected the item’s text in Spanish/,
    );
    refused(
      '  checklist:\n    - { id: vpn, en: "  ", es: VPN }\n',
      /onboarding\.checklist\.0\.en: expected the item’s text in English/,
    );
    refused(
      '  checklist:\n    - { id: vpn, en: VPN, es: VPN }\n    - { id: vpn, en: VPN 2, es: VPN 2 }\n',
      /onboarding\.checklist\.1\.id: expected unique item ids \(duplicate "vpn"\)/,
    );
    refused(
      '  checklist:\n    - { id: VPN access, en: VPN, es: VPN }\n',
      /onboarding\.checklist\.0\.id: expected an id of lower-case letters/,
    );
    refused('  checklist: vpn\n', /onboarding\.checklist: expected a list of items such as/);
    refused('  checklist: []\n', /onboarding\.checklist: expected at least one item/);
    const many = Array.from({ length: 21 }, (_, i) => `    - { id: a${i}, en: A, es: A }`).join('\n');
    refused(`  checklist:\n${many}\n`, /onboarding\.checklist: expected at most 20 items/);
    refused(
      `  checklist:\n    - { id: ${'a'.repeat(33)}, en: A, es: A }\n`,
      /onboarding\.checklist\.0\.id: expected an id of at most 32 characters/,
    );
    refused('  items: []\n', /onboarding: Unrecognized key: "items"/);
  });

  it('reads unquoted Discord ids exactly, and numbers as numbers', () => {
    // 1234567890123456789 is past 2^53: read as a number it would become …6800, another channel.
    const yaml = `${demo}\nchannels:\n  - { platform: discord, id: 1234567890123456789, kind: agents }\n`;
    const cfg = parseConfigFile(yaml, 'relevo.yaml');
    expect(cfg.channels[0]?.id).toBe('1234567890123456789');
    const limits = parseConfigFile(`${demo}\nlimits:\n  streamsPerSession: 7\n`, 'relevo.yaml');
    expect(limits.limits.streamsPerSession).toBe(7);
  });

  it('accepts a ticket panel only on a support channel with an organisation', () => {
    const panel = (line: string) => parseConfigFile(`${demo}\nchannels:\n  - ${line}\n`, 'relevo.yaml');
    expect(
      panel('{ platform: discord, id: "1", kind: support, organisation: demo, panel: true }').channels[0]
        ?.panel,
    ).toBe(true);
    expect(() => panel('{ platform: discord, id: "1", kind: agents, panel: true }')).toThrow(
      /channels\.0\.panel: expected a support channel/,
    );
  });

  it('parses relevo.example.yaml, the file people copy', () => {
    const example = readFileSync(new URL('../../relevo.example.yaml', import.meta.url), 'utf8');
    const cfg = parseConfigFile(example, 'relevo.example.yaml');
    for (const plan of Object.values(cfg.plans)) {
      if (plan.calendar) expect(Object.keys(cfg.calendars)).toContain(plan.calendar);
    }
  });
});

describe('the configurations Relevo ships', () => {
  it('name agents by their names alone: their role is shown beside the name, never repeated in it', () => {
    const example = readFileSync(new URL('../../relevo.example.yaml', import.meta.url), 'utf8');
    for (const [file, yaml] of [
      ['demo.yaml', demo],
      ['relevo.example.yaml', example],
    ] as const) {
      const { agents } = parseConfigFile(yaml, file);
      expect(agents.length).toBeGreaterThan(0);
      for (const agent of agents) expect(agent.name.toLowerCase()).not.toContain(agent.role);
    }
  });
});

describe('business calendars in relevo.yaml', () => {
  const withCalendar = (lines: string, planCalendar = 'madrid') =>
    `${demo.replace('name: Development subscription', `name: Development subscription\n    calendar: ${planCalendar}`)}\ncalendars:\n  madrid:\n${lines
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')}\n`;
  const madrid = [
    'timezone: Europe/Madrid',
    'hours: { mon: "09:00-18:00", tue: "09:00-18:00", wed: "09:00-18:00", thu: "09:00-18:00", fri: "09:00-15:00" }',
    'holidays: ["2026-12-08", "2026-12-25"]',
  ];
  const hours = (mon: string) => withCalendar(`timezone: Europe/Madrid\nhours: { mon: ${mon} }`);
  const refused = (yaml: string, message: RegExp) => {
    expect(() => parseConfigFile(yaml, 'relevo.yaml')).toThrow(ConfigError);
    expect(() => parseConfigFile(yaml, 'relevo.yaml')).toThrow(message);
  };

  it('reads the documented shape into minutes, and the core counts business time with it', () => {
    const cfg = parseConfigFile(withCalendar(madrid.join('\n')), 'relevo.yaml');
    expect(cfg.plans.development?.calendar).toBe('madrid');
    expect(cfg.plans.production?.calendar).toBeUndefined(); // around the clock
    expect(cfg.calendars.madrid).toEqual({
      timezone: 'Europe/Madrid',
      hours: {
        mon: [{ from: 540, to: 1080 }],
        tue: [{ from: 540, to: 1080 }],
        wed: [{ from: 540, to: 1080 }],
        thu: [{ from: 540, to: 1080 }],
        fri: [{ from: 540, to: 900 }],
      },
      holidays: ['2026-12-08', '2026-12-25'],
    });
    // Monday 7 December 2026 17:00 CET + 2 business hours: Tuesday is a holiday → Wednesday 10:00 CET.
    const cal = businessCalendar(cfg.calendars.madrid!);
    expect(addBusinessTime(cal, new Date('2026-12-07T16:00:00Z'), 2 * 3_600_000).toISOString()).toBe(
      '2026-12-09T09:00:00.000Z',
    );
    expect(parseConfigFile(demo, 'demo.yaml').calendars).toEqual({});
  });

  it('reads closed days, several ranges, 24:00, unquoted times and dates, and canonical zone names', () => {
    const cfg = parseConfigFile(
      withCalendar(
        [
          'timezone: america/santiago',
          'hours: { mon: "09:00-13:00, 14:00-18:00", tue: 14:00-18:00, wed: "", thu: closed, fri: "18:00-24:00", sat: "00:00-06:00" }',
          'holidays: [2026-09-18]',
        ].join('\n'),
      ),
      'relevo.yaml',
    ).calendars.madrid!;
    expect(cfg.timezone).toBe('America/Santiago');
    expect(cfg.hours).toEqual({
      mon: [
        { from: 540, to: 780 },
        { from: 840, to: 1080 },
      ],
      tue: [{ from: 840, to: 1080 }],
      wed: [],
      thu: [],
      fri: [{ from: 1080, to: 1440 }],
      sat: [{ from: 0, to: 360 }],
    });
    expect(cfg.holidays).toEqual(['2026-09-18']);
  });

  it('names the calendar field and what it expected for each mistake', () => {
    refused(
      withCalendar('timezone: Mars/Olympus_Mons\nhours: { mon: "09:00-18:00" }'),
      /relevo\.yaml is not valid:\n {2}calendars\.madrid\.timezone: expected an IANA time zone such as "Europe\/Madrid" or "America\/Santiago" \(got "Mars\/Olympus_Mons"\)/,
    );
    refused(
      hours('"18:00-09:00"'),
      /calendars\.madrid\.hours\.mon: expected a range that ends after it starts \(got "18:00-09:00"\)/,
    );
    refused(
      hours('"09:00-09:00"'),
      /calendars\.madrid\.hours\.mon: expected a range that ends after it starts/,
    );
    refused(
      hours('"09:00-13:00,12:00-18:00"'),
      /calendars\.madrid\.hours\.mon: expected ranges that do not overlap \(got "09:00-13:00,12:00-18:00": 09:00-13:00 and 12:00-18:00\)/,
    );
    for (const malformed of [
      '9-18',
      '25:00-26:00',
      '09:00-24:30',
      '09:60-18:00',
      '24:00-24:00',
      '09:00',
      'all day',
    ]) {
      refused(
        hours(`"${malformed}"`),
        new RegExp(
          `calendars\\.madrid\\.hours\\.mon: expected opening hours such as "09:00-18:00" or "09:00-13:00,14:00-18:00" \\(HH:MM from 00:00 to 24:00\\), or "closed" \\(got "${malformed}"\\)`,
        ),
      );
    }
    refused(hours('9'), /calendars\.madrid\.hours\.mon: expected opening hours such as "09:00-18:00"/);
    refused(
      withCalendar('timezone: Europe/Madrid\nhours: { monday: "09:00-18:00", tue: "09:00-18:00" }'),
      /calendars\.madrid\.hours: expected days named mon, tue, wed, thu, fri, sat, sun \(got "monday"\)/,
    );
    refused(
      withCalendar('timezone: Europe/Madrid\nhours: { mon: closed, sat: "" }'),
      /calendars\.madrid\.hours: expected opening hours on at least one day/,
    );
    refused(
      withCalendar('timezone: Europe/Madrid\nhours: {}'),
      /calendars\.madrid\.hours: expected opening hours on at least one day/,
    );
    for (const notADate of ['2026-02-30', 'tomorrow', '2026-12-25T10:00', '26-12-25']) {
      refused(
        withCalendar(
          `timezone: Europe/Madrid\nhours: { mon: "09:00-18:00" }\nholidays: ["2026-12-08", "${notADate}"]`,
        ),
        new RegExp(
          `calendars\\.madrid\\.holidays\\.1: expected a date written YYYY-MM-DD, such as "2026-12-25" \\(got "${notADate}"\\)`,
        ),
      );
    }
    refused(
      withCalendar(madrid.join('\n'), 'lisbon'),
      /plans\.development\.calendar: expected one of the calendars defined under "calendars" \(madrid\), or no calendar for around the clock/,
    );
    refused(
      demo.replace('name: Development subscription', 'name: Development subscription\n    calendar: madrid'),
      /plans\.development\.calendar: expected a calendar defined under "calendars" \(none is\)/,
    );
    refused(
      withCalendar(madrid.join('\n'), 'constructor'),
      /plans\.development\.calendar: expected one of the calendars/,
    );
    refused(withCalendar(`${madrid.join('\n')}\ndays: 5`), /calendars\.madrid: Unrecognized key: "days"/);
  });
});
