// What makes the start-up SLA recompute run (src/core/sla/recompute.ts): any setting the clocks depend on,
// and nothing else. Here, not beside it: it reads relevo.yaml, which the core never imports.
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/config/file.ts';
import { slaFingerprint } from '../../src/core/sla/recompute.ts';
import { testConfigYaml } from '../fixtures/config.ts';

const fingerprint = (yaml: string) => slaFingerprint(parseConfigFile(yaml, 'test'));
const base = fingerprint(testConfigYaml);
const calendar = `calendars:
  madrid: { timezone: Europe/Madrid, hours: { mon: '09:00-18:00', tue: '09:00-18:00' } }
`;

describe('the SLA promises fingerprint', () => {
  it('changes with a target, the warning share, a plan’s calendar or an organisation’s plan', () => {
    const basic = testConfigYaml.replace(
      'plans:\n',
      `plans:
  basic:
    name: Basic
    sla:
      urgent: { firstResponse: 2h, nextUpdate: 2h, resolution: 1d }
      high: { firstResponse: 2h, nextUpdate: 4h, resolution: 2d }
      normal: { firstResponse: 4h, nextUpdate: 1d, resolution: 5d }
      low: { firstResponse: 1d, nextUpdate: 2d, resolution: 10d }
`,
    );
    const globexOnBasic = basic.replace(
      '    plan: production\n    language: es',
      '    plan: basic\n    language: es',
    );
    expect(globexOnBasic).not.toBe(basic);
    const prints = [
      base,
      fingerprint(testConfigYaml.replace('urgent: { firstResponse: 1h', 'urgent: { firstResponse: 30m')),
      fingerprint(`${testConfigYaml}tickets:\n  slaWarningShare: 0.5\n`),
      fingerprint(
        `${calendar}${testConfigYaml.replace('    name: Production\n', '    name: Production\n    calendar: madrid\n')}`,
      ),
      fingerprint(basic),
      fingerprint(globexOnBasic),
    ];
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('ignores what the clocks do not read, and the order settings are written in', () => {
    expect(fingerprint(testConfigYaml.replace('name: Acme', 'name: Acme Corp'))).toBe(base);
    const reordered = testConfigYaml.replace(
      'urgent: { firstResponse: 1h, nextUpdate: 2h, resolution: 1d }',
      'urgent: { resolution: 1d, nextUpdate: 2h, firstResponse: 1h }',
    );
    expect(reordered).not.toBe(testConfigYaml);
    expect(fingerprint(reordered)).toBe(base);
  });
});
