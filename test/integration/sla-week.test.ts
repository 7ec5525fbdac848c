// A simulated week of SLA clocks on business calendars (issue 13), every due time hand-computed: a ticket
// opened outside hours on a Friday evening, a holiday, a wait on the customer across it, a priority change,
// a proposed solution and a reopening — and the daylight-saving changes of Europe/Madrid and
// America/Santiago across a weekend. The desk's clock is driven by the test; on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaSummary } from '../../src/core/sla/view.ts';
import { businessHoursConfigYaml } from '../fixtures/business-hours.ts';
import { FakeClock, startTestApp, type TestApp } from '../harness/app.ts';
import { databaseKinds } from '../harness/databases.ts';
import { agentClient } from '../harness/http.ts';

const config = businessHoursConfigYaml;

const ana = { kind: 'agent' as const, agentId: 'ana' };

describe.each(databaseKinds)('SLA clocks through a simulated week on %s', (database) => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-12-04T19:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ database, clock, config, pollMs: 60_000 });
  });
  afterAll(async () => t?.stop());

  /** Moves the desk's clock to an instant given in UTC. */
  const at = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime());
  const open = async (email: string, subject: string) =>
    (
      (
        await agentClient(t.url, t.apiToken).request('POST', '/api/v1/tickets', {
          requesterEmail: email,
          subject,
          body: subject,
        })
      ).body as { number: number }
    ).number;
  const due = async (n: number) => {
    const s = await slaSummary(t.app.db.prisma, t.config, n, clock.now());
    return {
      firstResponse: [s?.firstResponse.state, s?.firstResponse.dueAt],
      nextUpdate: [s?.nextUpdate.state, s?.nextUpdate.dueAt],
      resolution: [s?.resolution.state, s?.resolution.dueAt],
    };
  };

  it('Madrid: outside hours, a holiday, a wait, a priority change, a proposal and a reopening', async () => {
    // Friday 4 Dec, 20:00 in Madrid (UTC+1): closed. Counting starts Monday 7 Dec at 09:00.
    at('2026-12-04T19:00:00Z');
    const n = await open('carla@example.com', 'Reports page times out');
    expect(await due(n)).toEqual({
      // Monday 09:00 + 4 h.
      firstResponse: ['running', '2026-12-07T12:00:00.000Z'],
      nextUpdate: ['paused', null],
      // Monday 9 h, Tuesday 8 Dec a holiday, Wednesday 09:00 + 7 h.
      resolution: ['running', '2026-12-09T15:00:00.000Z'],
    });

    // Monday 10:00: the first reply (met), which starts the next update: 8 h of Monday's hours.
    at('2026-12-07T09:00:00Z');
    await t.app.tickets.reply(n, ana, 'Looking at it; which report?');
    expect(await due(n)).toEqual({
      firstResponse: ['met', null],
      nextUpdate: ['running', '2026-12-07T17:00:00.000Z'],
      resolution: ['running', '2026-12-09T15:00:00.000Z'],
    });

    // Monday 11:00 → Wednesday 10:00 waiting on the customer: nothing counts, across the holiday.
    at('2026-12-07T10:00:00Z');
    await t.app.tickets.setStatus(n, ana, 'waiting_on_customer');
    at('2026-12-09T09:00:00Z');
    expect((await due(n)).resolution).toEqual(['paused', null]);
    await t.app.tickets.setStatus(n, ana, 'open');
    expect(await due(n)).toEqual({
      firstResponse: ['met', null],
      // 1 h of the cycle was spent Monday: 7 h left from Wednesday 10:00.
      nextUpdate: ['running', '2026-12-09T16:00:00.000Z'],
      // 2 h spent Monday: 14 h left — Wednesday 8 h, Thursday 09:00 + 6 h.
      resolution: ['running', '2026-12-10T14:00:00.000Z'],
    });

    // Wednesday 12:00: urgent. Recomputed from the history with urgent's targets.
    at('2026-12-09T11:00:00Z');
    await t.app.tickets.setField(n, ana, 'priority', 'urgent');
    expect(await due(n)).toEqual({
      // Reply Monday 10:00; 1 h Monday, then Wednesday 10:00 + 1 h: breached at Wednesday 11:00.
      firstResponse: ['met', null],
      nextUpdate: ['breached', '2026-12-09T10:00:00.000Z'],
      // 4 h spent of 8: Wednesday 12:00 + 4 h.
      resolution: ['running', '2026-12-09T15:00:00.000Z'],
    });

    // Wednesday 12:30: an update restarts the cycle (2 h); 15:00: a solution proposed in time.
    at('2026-12-09T11:30:00Z');
    await t.app.tickets.reply(n, ana, 'We found the slow query.');
    expect((await due(n)).nextUpdate).toEqual(['running', '2026-12-09T13:30:00.000Z']);
    at('2026-12-09T14:00:00Z');
    await t.app.tickets.resolve(n, ana, { message: 'Fixed: the report query uses an index now.' });
    expect(await due(n)).toEqual({
      firstResponse: ['met', null],
      nextUpdate: ['met', null],
      resolution: ['met', null],
    });

    // Thursday 09:30: the customer says it still happens. Resolution resumes with 1 h left; a new cycle.
    at('2026-12-10T08:30:00Z');
    const { requesterId } = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: n } });
    await t.app.tickets.confirm(n, { kind: 'contact', contactId: requesterId }, false);
    expect(await due(n)).toEqual({
      firstResponse: ['met', null],
      nextUpdate: ['running', '2026-12-10T10:30:00.000Z'],
      resolution: ['running', '2026-12-10T09:30:00.000Z'],
    });
  });

  it('Madrid: the clocks go back (25 Oct 2026) over a weekend', async () => {
    // Friday 23 Oct 16:00 in Madrid (UTC+2); Friday closes at 15:00 → Monday 26 Oct 09:00 (UTC+1) + 4 h.
    at('2026-10-23T14:00:00Z');
    const n = await open('carla@example.com', 'Login loop');
    expect((await due(n)).firstResponse).toEqual(['running', '2026-10-26T12:00:00.000Z']);
  });

  it('Santiago: the clocks go back (4–5 Apr 2026) over a weekend', async () => {
    // Friday 3 Apr 17:00 in Santiago (UTC−3): 1 h left that day; Monday 6 Apr (UTC−4) 09:00 + 3 h.
    at('2026-04-03T20:00:00Z');
    const n = await open('pedro@andes.cl', 'Facturación no carga');
    expect((await due(n)).firstResponse).toEqual(['running', '2026-04-06T16:00:00.000Z']);
  });
});
