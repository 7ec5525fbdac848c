// Relevo's Zabbix media type, run as Zabbix runs it: its script from the shipped export (checked to parse
// as ES5, all Duktape offers), in a fresh context given only `value`, a recording HttpRequest and
// Zabbix.log — then what it posted is replayed to a real Relevo's /hooks/zabbix.
import { readFile } from 'node:fs/promises';
import vm from 'node:vm';
import { parse as parseScript } from 'acorn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp, testConfigYaml } from '../harness/app.ts';

const TOKEN = 'zabbix-token-0123456789';

interface Recorded {
  url: string;
  headers: string[];
  body: string;
}

interface MediaType {
  name: string;
  type: string;
  script: string;
  parameters: { name: string; value: string }[];
}

async function mediaType(): Promise<MediaType> {
  const file = await readFile(
    new URL('../../monitoring/zabbix/relevo-media-type.yaml', import.meta.url),
    'utf8',
  );
  const doc = parse(file) as { zabbix_export: { media_types: MediaType[] } };
  return doc.zabbix_export.media_types[0] as MediaType;
}

/** Zabbix's macro expansion for one event: macros it knows become values, others stay as written. */
function expand(
  parameters: MediaType['parameters'],
  macros: Record<string, string>,
  own: Record<string, string>,
) {
  return Object.fromEntries(
    parameters.map((p) => [p.name, own[p.name] ?? p.value.replace(/\{[A-Z.$]+\}/g, (m) => macros[m] ?? m)]),
  );
}

/** Runs the script with Zabbix's globals; answers the request with `answer`. */
function run(script: string, value: string, answer: { status: number; body: string }) {
  const requests: Recorded[] = [];
  const logs: string[] = [];
  class HttpRequest {
    private headers: string[] = [];
    private status = 0;
    addHeader(h: string) {
      this.headers.push(h);
    }
    setProxy() {}
    post(url: string, body: string) {
      requests.push({ url, headers: this.headers, body });
      this.status = answer.status;
      return answer.body;
    }
    getStatus() {
      return this.status;
    }
  }
  const context = vm.createContext({
    value,
    HttpRequest,
    Zabbix: { log: (_l: number, m: string) => logs.push(m) },
  });
  // Zabbix runs the script as a function's body, its result the function's return value.
  const result = vm.runInContext(`(function (value) {\n${script}\n})(value)`, context);
  return { result, requests, logs };
}

const problemMacros = {
  '{EVENT.ID}': '4711',
  '{EVENT.NAME}': 'Load average is too high <b>now</b>',
  '{EVENT.SEVERITY}': 'High',
  '{EVENT.TAGSJSON}': '[{"tag":"customer","value":"acme"},{"tag":"scope","value":"performance"}]',
  '{EVENT.TIMESTAMP}': '1796526000',
  '{EVENT.UPDATE.STATUS}': '0',
  '{EVENT.VALUE}': '1',
  '{HOST.NAME}': 'db-1.acme.test',
  '{TRIGGER.ID}': '23001',
  '{$ZABBIX.URL}': 'https://zabbix.acme.test/',
};

describe('Zabbix media type', () => {
  let t: TestApp;
  let type: MediaType;
  beforeAll(async () => {
    type = await mediaType();
    t = await startTestApp({
      config: `${testConfigYaml}
monitors:
  - { id: zabbix, source: zabbix, token: ${TOKEN} }
alerts:
  routes:
    - { match: { customer: acme }, organisation: acme }
`,
    });
  });
  afterAll(() => t?.stop());

  const own = () => ({ relevo_url: `${t.url}/`, relevo_token: TOKEN });
  const replay = (r: Recorded) =>
    fetch(r.url, {
      method: 'POST',
      headers: Object.fromEntries(r.headers.map((h) => h.split(/:\s*/, 2) as [string, string])),
      body: r.body,
    });

  it('is an importable webhook media type whose parameters are the documented macros', () => {
    expect(type).toMatchObject({ name: 'Relevo', type: 'WEBHOOK' });
    const values = Object.fromEntries(type.parameters.map((p) => [p.name, p.value]));
    expect(values).toMatchObject({
      event_id: '{EVENT.ID}',
      event_value: '{EVENT.VALUE}',
      event_update_status: '{EVENT.UPDATE.STATUS}',
      event_severity: '{EVENT.SEVERITY}',
      event_name: '{EVENT.NAME}',
      host_name: '{HOST.NAME}',
      trigger_id: '{TRIGGER.ID}',
    });
    expect(Object.keys(values)).toEqual(expect.arrayContaining(['relevo_url', 'relevo_token']));
  });

  it('is ES5, as Duktape requires (no let/const, arrow functions, template literals)', () => {
    const wrapped = `(function (value) {\n${type.script}\n})`;
    expect(() => parseScript(wrapped, { ecmaVersion: 5 })).not.toThrow();
    expect(() => parseScript('(function () { let x = 1; })', { ecmaVersion: 5 })).toThrow();
  });

  it('posts the documented JSON with the bearer token; Relevo turns problem then recovery into a group', async () => {
    const problem = run(type.script, JSON.stringify(expand(type.parameters, problemMacros, own())), {
      status: 202,
      body: '{}',
    });
    expect(problem.result).toBe('OK');
    expect(problem.requests).toHaveLength(1);
    const [req] = problem.requests;
    expect(req?.url).toBe(`${t.url}/hooks/zabbix`);
    expect(req?.headers).toEqual(['Content-Type: application/json', `Authorization: Bearer ${TOKEN}`]);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      version: '1',
      eventId: '4711',
      status: 'problem',
      severity: 'High',
      name: 'Load average is too high <b>now</b>',
      host: 'db-1.acme.test',
      triggerId: '23001',
      startedAt: '1796526000',
      // {EVENT.RECOVERY.TIMESTAMP} is not expanded for a problem: left out, not sent as its name.
      tags: [
        { tag: 'customer', value: 'acme' },
        { tag: 'scope', value: 'performance' },
      ],
      url: 'https://zabbix.acme.test/tr_events.php?triggerid=23001&eventid=4711',
    });
    expect((await replay(req as Recorded)).status).toBe(202);

    const recoveryMacros = {
      ...problemMacros,
      '{EVENT.VALUE}': '0',
      '{EVENT.RECOVERY.TIMESTAMP}': '1796527200',
    };
    const recovery = run(type.script, JSON.stringify(expand(type.parameters, recoveryMacros, own())), {
      status: 202,
      body: '{}',
    });
    const sent = JSON.parse(recovery.requests[0]?.body ?? '');
    expect(sent).toMatchObject({ status: 'recovery', recoveredAt: '1796527200' });
    expect((await replay(recovery.requests[0] as Recorded)).status).toBe(202);

    const update = run(
      type.script,
      JSON.stringify(expand(type.parameters, { ...problemMacros, '{EVENT.UPDATE.STATUS}': '1' }, own())),
      { status: 200, body: '{}' },
    );
    expect(JSON.parse(update.requests[0]?.body ?? '').status).toBe('update');
    expect((await replay(update.requests[0] as Recorded)).status).toBe(200);

    await t.app.settle();
    const group = await t.app.db.prisma.alertGroup.findUniqueOrThrow({
      where: { monitorId_groupKey: { monitorId: 'zabbix', groupKey: 'trigger:23001' } },
      include: { alerts: true },
    });
    expect(group).toMatchObject({ status: 'resolved', organisationId: 'acme', severity: 'high' });
    expect(group.alerts[0]?.labels).toMatchObject({ alertname: 'Load average is too high <b>now</b>' });
  });

  it('fails the Zabbix action (throws) when Relevo refuses, saying why', () => {
    const value = JSON.stringify(expand(type.parameters, problemMacros, { ...own(), relevo_token: 'wrong' }));
    expect(() => run(type.script, value, { status: 401, body: '{"error":{"code":"unauthorized"}}' })).toThrow(
      /Relevo answered HTTP 401: \{"error"/,
    );
    const noUrl = JSON.stringify(expand(type.parameters, problemMacros, { ...own(), relevo_url: '' }));
    expect(() => run(type.script, noUrl, { status: 202, body: '' })).toThrow(
      /parameter "relevo_url" is empty/,
    );
  });
});
