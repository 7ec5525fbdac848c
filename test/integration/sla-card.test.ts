// Issue 13: the card itself shows the SLA clocks, overdue in red — on Slack (a real-shaped fake, through
// Bolt's WebClient) and in the agent console, where headless Chromium counts the clock down by itself.
// The desk's clock and the browser's are both driven by the test; no waiting on real time.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../harness/app.ts';
import { launchChromium } from '../harness/browser.ts';
import { agentClient } from '../harness/http.ts';
import { AGENTS, type SlackTestApp, startSlackApp } from '../harness/slack/slack-app.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ana = { kind: 'agent' as const, agentId: 'ana' };

describe('an SLA clock on the card', () => {
  const start = new Date('2026-12-07T09:00:00Z');
  const clock = new FakeClock(start);
  let s: SlackTestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    s = await startSlackApp('pglite', { clock, slaSweepMs: 24 * HOUR });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(15_000);
    // The browser's clock starts where the desk's is, and moves only when the test says.
    await page.clock.install({ time: start });
    await page.goto(`${s.t.url}/console`);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const slackCard = (n: number) =>
    s.fake
      .messages(AGENTS)
      .find((m) =>
        (m.blocks ?? []).some((b: any) => b.type === 'header' && b.text.text.startsWith(`#${n} `)),
      );

  it('is green with a countdown, then red and overdue on Slack and in the console', async () => {
    const api = agentClient(s.t.url, s.t.apiToken);
    const created = await api.request('POST', '/api/v1/tickets', {
      requesterEmail: 'carla@example.com',
      subject: 'Printer 9 is jammed',
      body: 'It makes a noise',
    });
    const n = (created.body as { number: number }).number;
    await s.t.app.settle();
    // Acme's plan, normal priority: a first response within 4 h.
    const due = new Date(start.getTime() + 4 * HOUR);
    const unix = due.getTime() / 1000;
    const fresh = slackCard(n);
    expect(fresh?.attachments?.[0]?.color).toBeUndefined();
    expect(JSON.stringify(fresh?.attachments)).toContain(
      `🟢 due in 4 h (<!date^${unix}^{date_short_pretty} {time}|2026-12-07 13:00 UTC>)`,
    );

    // The console shows the same card, counting down in the browser.
    await page.getByTestId('login-token').fill(s.t.apiToken);
    await page.clock.runFor(500); // the token field waits for a pause in typing before asking for agents
    await page
      .locator(`[data-testid="login-agent"] option[value="${s.t.agentId}"]`)
      .waitFor({ state: 'attached' });
    await page.getByTestId('login-agent').selectOption(s.t.agentId);
    await page.getByTestId('login-submit').click();
    await page.getByRole('tab', { name: 'Live cards' }).click();
    const card = page.locator(`[data-testid="card"][data-ticket="${n}"]`);
    const timed = card.locator('[data-testid="timed"]').first();
    await expect.poll(() => timed.textContent(), { timeout: 15_000 }).toMatch(/^🟢 due in 4 hours \(/);
    expect(await timed.getAttribute('class')).toBe('timed');

    // Past the due time, before the server renders the card again: the console turns it red on its own.
    await page.clock.fastForward(4 * HOUR + 25 * MIN);
    await expect.poll(() => timed.getAttribute('class'), { timeout: 15_000 }).toBe('timed tone-danger');
    expect(await timed.textContent()).toMatch(/^🟢 due 25 minutes ago \(/);

    // The desk's clock passes it too; any change re-renders the card (and so does the SLA sweep).
    clock.advance(4 * HOUR + 25 * MIN);
    await s.t.app.tickets.note(n, ana, 'Still looking for the part.');
    await s.t.app.settle();
    const overdue = slackCard(n);
    expect(overdue?.attachments?.[0]?.color).toBe('#D62D20');
    expect(JSON.stringify(overdue?.attachments)).toContain(
      `🔴 overdue by 25 min (due <!date^${unix}^{date_short_pretty} {time}|2026-12-07 13:00 UTC>)`,
    );
    await expect
      .poll(() => timed.textContent(), { timeout: 15_000 })
      .toMatch(/^🔴 overdue: was due 25 minutes ago \(/);
    expect(await card.locator('.msg').getAttribute('class')).toBe('msg tone-danger');
  });

  it('/ticket sla answers in the console, in red for a breached ticket', async () => {
    await page.getByTestId('command-input').fill('/ticket sla');
    await page.getByTestId('command-input').press('Enter');
    const output = page.getByTestId('command-output');
    await expect.poll(() => output.textContent(), { timeout: 15_000 }).toContain('🔴 Breached');
    expect(await output.textContent()).toContain('Printer 9 is jammed');
    expect(await output.locator('.msg').getAttribute('class')).toBe('msg tone-danger');
  });
});
