// End to end through real pages: a customer chats in /chat, an agent works the ticket in /console,
// both in headless Chromium against a real app. Waits are Playwright's own (waitFor / expect.poll),
// never fixed sleeps.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfigYaml } from '../fixtures/config.ts';
import { startTestApp } from '../harness/app.ts';
import { seriousAccessibilityViolations } from '../harness/axe.ts';
import { launchChromium } from '../harness/browser.ts';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** The tests' desk with Globex on a plan of its own, so the dashboard's plan filter has two to tell apart. */
const config = testConfigYaml
  .replace(
    '\nproducts:\n',
    `
  basic:
    name: Basic
    sla:
      urgent: { firstResponse: 2h, nextUpdate: 4h, resolution: 2d }
      high: { firstResponse: 4h, nextUpdate: 1d, resolution: 5d }
      normal: { firstResponse: 1d, nextUpdate: 2d, resolution: 10d }
      low: { firstResponse: 2d, nextUpdate: 4d, resolution: 20d }
products:
`,
  )
  .replace(/(name: Globex\n\s+plan: )production/, '$1basic');

describe('web chat and agent console in a browser', () => {
  let app: App;
  let browser: Browser;
  let customer: Page;
  let agent: Page;
  const pageErrors: string[] = [];
  /** What Chromium refused under the Content-Security-Policy: a page that needs it is broken in production. */
  const cspViolations: string[] = [];
  /** Requests of the pages to Relevo that found nothing or broke (a missing icon, script or style). */
  const failedRequests: string[] = [];

  async function openPage(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
    page.on('response', (response) => {
      // 401 is expected: the pages ask for a session before anyone signed in.
      if (response.url().startsWith(app.url) && (response.status() === 404 || response.status() >= 500))
        failedRequests.push(`${path}: ${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(`${path}: ${message.text()}`);
    });
    const response = await page.goto(`${app.url}${path}`);
    // The pages run under the policy the server sends, not a relaxed one.
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    return page;
  }

  /** Signs the test's agent in on a console page, and waits for the console. */
  async function signIn(page: Page) {
    await page.getByTestId('login-token').fill(app.apiToken);
    await page
      .locator(`[data-testid="login-agent"] option[value="${app.agentId}"]`)
      .waitFor({ state: 'attached' });
    await page.getByTestId('login-agent').selectOption(app.agentId);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('command-input').waitFor(); // the console is shown once signed in
  }

  beforeAll(async () => {
    app = await startTestApp({ config });
    browser = await launchChromium();
    // Two contexts, so the customer's and the agent's cookies never mix.
    const viewport = { width: 1280, height: 860 };
    customer = await openPage(await browser.newContext({ locale: 'en-GB', viewport }), '/chat');
    agent = await openPage(await browser.newContext({ locale: 'en-GB', viewport }), '/console');
  });

  afterAll(async () => {
    // Screenshots even when the test failed: they are the first thing to look at.
    await mkdir('test-results', { recursive: true });
    await customer?.screenshot({ path: 'test-results/chat.png', fullPage: true }).catch(() => {});
    await agent?.screenshot({ path: 'test-results/console.png', fullPage: true }).catch(() => {});
    await browser?.close();
    await app?.stop();
  });

  it('carries a ticket from the customer to the agent and back to resolved', async () => {
    const { agents } = (await (
      await fetch(`${app.url}/api/v1/agents`, { headers: { authorization: `Bearer ${app.apiToken}` } })
    ).json()) as { agents: { id: string; name: string }[] };
    const agentName = agents.find((a) => a.id === app.agentId)!.name;

    // The agent signs in first, so the new ticket's card has to arrive over the live stream.
    await signIn(agent);
    // A marker on window: if the page reloaded, it is gone.
    await agent.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
    const agentDidNotReload = () =>
      agent.evaluate(() => (window as unknown as { noReload?: boolean }).noReload === true);

    // Customer signs in and writes.
    await customer.getByTestId('chat-name').fill('Sam Someone');
    await customer.getByTestId('chat-email').fill('someone@example.com');
    await customer.getByTestId('chat-start').click();
    await customer.getByTestId('chat-input').fill('The printer is on fire');
    await customer.getByTestId('chat-input').press('Enter');
    await customer
      .locator('[data-testid="chat-message"][data-author="customer"]', { hasText: 'The printer is on fire' })
      .waitFor();
    await customer.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

    // Relevo acknowledges with the ticket number.
    const ack = customer
      .locator('[data-testid="chat-message"][data-author="relevo"]', { hasText: /#\d+/ })
      .first();
    await ack.waitFor();
    const ticket = Number(/#(\d+)/.exec((await ack.textContent()) ?? '')![1]);
    expect(ticket).toBeGreaterThan(0);

    // The ticket appears live in the console's list of open tickets; opening it shows the ticket.
    const row = agent.locator(`[data-testid="ticket-row"][data-ticket="${ticket}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`#${ticket} The printer is on fire`);
    // The organisation's name, not its id (names arrive with the filters' choices).
    await expect.poll(() => row.textContent()).toContain('new · normal · Acme · unassigned');
    expect(await agentDidNotReload()).toBe(true);
    await row.click();
    expect(await row.getAttribute('aria-current')).toBe('true');
    const view = agent.getByTestId('ticket');
    await view
      .locator('[data-testid="event"][data-type="customer_message"]', { hasText: 'The printer is on fire' })
      .waitFor();

    // Times as the viewer writes them, in their time zone: British browsers read 16:34, not 4:34 PM.
    const shownAt = view.locator('[data-testid="event"][data-type="customer_message"] .event-meta .muted');
    expect(await shownAt.first().textContent()).toMatch(/^\d{2}:\d{2}$/);
    const posted = customer.locator('[data-testid="chat-message"][data-author="customer"] .post-meta');
    expect(await posted.first().textContent()).toMatch(/ · \d{2}:\d{2}$/);

    // A public reply, sent with Ctrl+Enter as the composer says, reaches the customer live.
    expect(await agent.getByTestId('send-keys').textContent()).toBe('Ctrl+Enter replies to the customer');
    await agent.getByTestId('reply-input').fill('We are on it');
    await agent.getByTestId('reply-input').press('Control+Enter');
    await customer.locator('[data-testid="chat-message"]', { hasText: 'We are on it' }).waitFor();

    // A reply that reads as shouting is checked first, in the console's own dialog, which says what it
    // found; "Edit it" keeps the text and sends nothing.
    const shouting = agent.getByTestId('shouting');
    await agent.getByTestId('reply-input').fill('PLEASE RESTART THE PRINTER NOW!!!');
    await agent.getByTestId('reply-send').click();
    await shouting.waitFor();
    expect(await shouting.locator('li').allTextContents()).toEqual([
      'It is written in capitals.',
      'It has “!!!”.',
    ]);
    await agent.getByTestId('shouting-edit').click();
    await shouting.waitFor({ state: 'detached' });
    expect(await agent.getByTestId('reply-input').inputValue()).toBe('PLEASE RESTART THE PRINTER NOW!!!');
    await agent.getByTestId('reply-input').fill('Could you restart the printer now???');
    await agent.getByTestId('reply-input').press('Control+Enter');
    await shouting.waitFor();
    expect(await shouting.locator('li').allTextContents()).toEqual(['It has “???”.']);
    await agent.getByTestId('shouting-send').click();
    await customer
      .locator('[data-testid="chat-message"]', { hasText: 'Could you restart the printer now???' })
      .waitFor();
    expect(await customer.getByTestId('chat-messages').textContent()).not.toContain('PLEASE RESTART');
    expect(await customer.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

    // A private note stays on the agents' side, also after the customer reloads.
    await agent.getByTestId('reply-input').fill('secret internal detail');
    await agent.getByTestId('note-send').click();
    await view
      .locator('[data-testid="event"][data-type="private_note"]', { hasText: 'secret internal detail' })
      .waitFor();
    expect(await view.locator('[data-type="private_note"]').textContent()).toContain('Private note');
    expect(await customer.getByTestId('chat-messages').textContent()).not.toContain('secret internal detail');
    await customer.reload();
    await customer.locator('[data-testid="chat-message"]', { hasText: 'We are on it' }).waitFor();
    expect(await customer.getByTestId('chat-messages').textContent()).not.toContain('secret internal detail');

    // Assign to me.
    await agent.getByTestId('assign-me').click();
    await expect
      .poll(() => agent.getByTestId('ticket-assignee').textContent(), { timeout: 15_000 })
      .toContain(agentName);

    // The list's views follow: assigned now, it is among the agent's own and no longer unassigned.
    await agent.getByRole('tab', { name: 'Mine' }).click();
    await row.waitFor();
    await agent.getByRole('tab', { name: 'Unassigned' }).click();
    await agent.getByTestId('list-empty').waitFor();
    expect(await row.count()).toBe(0);

    // The live cards are a view of their own, with the triage buttons.
    await agent.getByRole('tab', { name: 'Live cards' }).click();
    const card = agent.locator(`[data-testid="card"][data-ticket="${ticket}"]`);
    await card.waitFor();

    // Ask the customer for information: the form's boxes, the agent's words; the customer reads both.
    await card.getByRole('button', { name: 'Ask for information…' }).click();
    await agent.getByTestId('form-items-environment_url').check();
    await agent.getByTestId('form-items-evidence').check();
    await agent.getByTestId('form-other').fill('Which printer model is it?');
    await agent.getByTestId('form-submit').click();
    const question = customer.locator('[data-testid="chat-message"]', {
      hasText: 'Which printer model is it?',
    });
    await question.waitFor();
    expect(await question.textContent()).toContain('the URL of the environment where it happens');
    expect(await question.textContent()).toContain('evidence: a screenshot');
    expect(await question.textContent()).not.toContain('how we can access');
    await customer.getByTestId('chat-input').fill('An HP LaserJet at https://printers.example.com');
    await customer.getByTestId('chat-input').press('Enter');
    await expect
      .poll(
        async () => (await app.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket } })).status,
        {
          timeout: 15_000,
        },
      )
      .toBe('open');

    // Resolve from the card, through its form.
    await card.getByRole('button', { name: 'Resolve…' }).click();
    await agent.getByTestId('form-message').fill('Replaced the fuse');
    await agent.getByTestId('form-technicalNote').fill('fuse F3 replaced');
    await agent.getByTestId('form-submit').click();
    const notice = agent.getByTestId('notice');
    await notice.filter({ hasText: 'asked to confirm' }).waitFor();

    // The console writes the status as everything else does.
    await expect
      .poll(async () => await agent.getByTestId('ticket-status').textContent(), { timeout: 15_000 })
      .toBe('resolved, awaiting confirmation');

    // The customer reads the resolution and confirms it.
    await customer.locator('[data-testid="chat-message"]', { hasText: 'Replaced the fuse' }).waitFor();
    const yes = customer.getByTestId('chat-messages').getByRole('button', { name: 'Yes, solved' });
    await yes.waitFor();
    const transcript = await customer.getByTestId('chat-messages').textContent();
    expect(transcript).not.toContain('secret internal detail');
    expect(transcript).not.toContain('fuse F3 replaced');
    await yes.click();
    // The question is answered: its buttons give way to what came of it, live and after a reload — no
    // second press to be refused.
    const request = customer.locator('[data-testid="chat-message"]', { hasText: 'Replaced the fuse' });
    await request.locator('.msg-context', { hasText: /^✓ / }).waitFor();
    expect(await request.getByRole('button').count()).toBe(0);
    await customer.reload();
    await request.locator('.msg-context', { hasText: /^✓ / }).waitFor();
    expect(await request.getByRole('button').count()).toBe(0);

    // The agent's open ticket follows live to resolved.
    const status = agent.getByTestId('ticket-status');
    await expect
      .poll(async () => (await status.textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/^(?!.*awaiting).*resolved/);
    // "Asked to confirm" is over once the customer answered: the notice goes with it, and the timeline
    // records the answer.
    // (Hidden as the status is drawn, not by the notice's own timer.)
    expect(await notice.isVisible()).toBe(false);
    await view
      .locator('[data-testid="event"][data-type="status_change"]', {
        hasText: 'Status: resolved, awaiting confirmation → resolved',
      })
      .waitFor();
    await view.locator('[data-testid="event"]', { hasText: 'Thank you for confirming' }).waitFor();

    // The satisfaction survey follows: one click rates, the message then offers a comment in a form.
    const survey = customer.locator('[data-testid="chat-message"]', {
      hasText: `How did we do with ticket #${ticket}?`,
    });
    await survey.getByRole('button', { name: '4', exact: true }).click();
    const rated = customer.locator('[data-testid="chat-message"]', {
      hasText: `you rated ticket #${ticket} 4 of 5`,
    });
    await rated.getByRole('button', { name: 'Add a comment…' }).click();
    await customer.getByTestId('form-comment').fill('Quick and kind');
    await customer.getByTestId('form-submit').click();
    await customer
      .locator('[data-testid="chat-message"]', { hasText: 'We have your comment too.' })
      .waitFor();
    // The agent's ticket view shows it live.
    await expect
      .poll(async () => await agent.getByTestId('ticket-satisfaction').textContent(), { timeout: 15_000 })
      .toBe('Satisfaction: ★★★★☆ 4/5 — “Quick and kind”');
    expect(await agentDidNotReload()).toBe(true);
    expect(await agent.getByTestId('error').isVisible()).toBe(false);
    expect(await customer.getByTestId('error').isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(failedRequests).toEqual([]);
  }, 90_000);

  it('has no serious or critical accessibility violation (axe-core, WCAG 2.1 AA) on its pages', async () => {
    // Signed in, after the whole flow above: a conversation with an answered question, a ticket's timeline
    // with replies, notes and records, the card feed.
    expect(await seriousAccessibilityViolations(customer)).toEqual([]);
    expect(await seriousAccessibilityViolations(agent)).toEqual([]);
    // And as a newcomer first sees them: the sign-in forms.
    const viewport = { width: 1280, height: 860 };
    for (const path of ['/chat', '/console']) {
      const page = await openPage(await browser.newContext({ locale: 'en-GB', viewport }), path);
      await page.locator('form.signin:not([hidden])').waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    }
  });

  it('answers the satisfaction survey from the email’s link: a page with no sign-in, accessible, in two languages', async () => {
    const { SurveyLinks } = await import('../../src/core/survey/link.ts');
    const tickets = app.app.tickets;
    const contact = await app.app.db.prisma.contact.create({
      data: { name: 'Vera', organisationId: 'acme' },
    });
    const opened = await tickets.intake({
      platform: 'webchat',
      channel: 'support',
      thread: 'survey-link-page',
      contactId: contact.id,
      text: 'The calendar does not sync',
    });
    if (opened.kind === 'ignored_greeting') throw new Error('no ticket');
    const n = opened.ticketNumber;
    await tickets.resolve(n, { kind: 'agent', agentId: app.agentId }, { message: 'Synced again.' });
    await tickets.confirm(n, { kind: 'contact', contactId: contact.id }, true);
    const link = new SurveyLinks(app.apiToken, () => app.url).url(n);

    const page = await openPage(await browser.newContext({ locale: 'en-GB' }), link.slice(app.url.length));
    await page.getByRole('heading', { name: `Ticket #${n}: how did we do?` }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Español' }).click();
    await page.getByRole('heading', { name: `Ticket #${n}: ¿qué tal lo hicimos?` }).waitFor();
    await page.getByLabel('4').check();
    await page.getByLabel('¿Algo que añadir? (opcional)').fill('Bien, gracias');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page
      .getByText(`Gracias: ha valorado el ticket #${n} con 4 de 5. También tenemos su comentario.`)
      .waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(
      await app.app.db.prisma.satisfactionSurvey.findUnique({ where: { ticketNumber: n } }),
    ).toMatchObject({
      score: 4,
      comment: 'Bien, gracias',
      answeredVia: 'link',
    });
    expect(cspViolations).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('lists tickets a page at a time, walked with the keyboard', async () => {
    const headers = { authorization: `Bearer ${app.apiToken}`, 'content-type': 'application/json' };
    const opened: number[] = [];
    for (let i = 1; i <= 52; i++) {
      const answer = await fetch(`${app.url}/api/v1/tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          requesterEmail: 'lena@example.com',
          subject: `Batch question ${i}`,
          body: 'Why?',
        }),
      });
      opened.push(((await answer.json()) as { number: number }).number);
    }
    await agent.getByRole('tab', { name: 'Open' }).click();
    const rows = agent.getByTestId('ticket-row');
    // Most recently changed first, fifty at a time.
    await expect.poll(() => rows.first().getAttribute('data-ticket')).toBe(String(opened.at(-1)));
    await expect.poll(() => rows.count()).toBe(50);
    await agent.getByTestId('list-more').click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(52);
    // Arrow keys walk the rows; Enter opens the one in focus.
    await rows.first().focus();
    await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('Enter');
    await expect
      .poll(() => agent.locator('#ticket-subject').textContent())
      .toBe(`#${opened.at(-3)} Batch question 50`);
    // Filters narrow the view: by priority, then by where tickets came from and by organisation.
    const urgent = await fetch(`${app.url}/api/v1/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        requesterEmail: 'lena@example.com',
        subject: 'Everything is down',
        body: 'Nothing loads.',
        priority: 'urgent',
      }),
    });
    const urgentNumber = ((await urgent.json()) as { number: number }).number;
    await agent.getByTestId('filter-priority').selectOption('urgent');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-ticket')).toBe(String(urgentNumber));
    await agent.getByTestId('filter-source').selectOption('webchat');
    await agent.getByTestId('list-empty').waitFor();
    await agent.getByTestId('filter-source').selectOption('api');
    await expect.poll(() => rows.count()).toBe(1);
    await agent.getByTestId('filter-organisation').selectOption({ label: 'Globex' });
    await agent.getByTestId('list-empty').waitFor();
    for (const filter of ['filter-organisation', 'filter-priority', 'filter-source'])
      await agent.getByTestId(filter).selectOption('');
    await expect.poll(() => rows.count()).toBe(50);

    // And the tabs: one tab stop, the arrows move between views.
    await agent.getByRole('tab', { name: 'Open' }).focus();
    await agent.keyboard.press('ArrowRight');
    expect(await agent.getByRole('tab', { name: 'Mine' }).getAttribute('aria-selected')).toBe('true');
  });

  it('searches, sorts by what falls due with countdowns, acts on a ticket as its state allows, and says who reads each entry', async () => {
    const headers = { authorization: `Bearer ${app.apiToken}`, 'content-type': 'application/json' };
    const open = async (subject: string, body: string, priority = 'normal') => {
      const answer = await fetch(`${app.url}/api/v1/tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ requesterEmail: 'lena@example.com', subject, body, priority }),
      });
      return ((await answer.json()) as { number: number }).number;
    };
    const invoices = await open('Billing portal', 'Las facturas de marzo no llegan al correo.', 'high');
    await open('Label printer', 'The label printer prints blank pages.');
    await agent.getByRole('tab', { name: 'Open' }).click();
    const rows = agent.getByTestId('ticket-row');

    // Search: Spanish stems ("factura" finds "facturas"), the matched word marked in the row.
    await agent.getByTestId('filter-q').fill('factura');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-ticket')).toBe(String(invoices));
    expect(await rows.first().getByTestId('row-snippet').locator('mark').allTextContents()).toEqual([
      'facturas',
    ]);
    await agent.getByTestId('filter-q').fill('nothing-like-this-anywhere');
    await expect
      .poll(() => agent.getByTestId('list-empty').textContent())
      .toContain('nothing-like-this-anywhere');
    await agent.getByTestId('filter-q').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);

    // Sorted by what falls due first, each row counting down to its due time.
    await agent.getByTestId('filter-sort').selectOption('due');
    const dues = agent.getByTestId('row-due');
    await expect
      .poll(async () => {
        const at = await dues.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.due ?? ''));
        return at.length > 2 && at.every((iso, i) => i === 0 || at[i - 1]! <= iso);
      })
      .toBe(true);
    expect(await dues.first().textContent()).toMatch(/^due in \d+ (minutes|hours)$/);
    await agent.getByTestId('filter-sort').selectOption('activity');

    // The ticket view: its clocks, and only the actions its state allows.
    await agent.getByTestId('filter-q').fill(`#${invoices}`);
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().click();
    const clocks = agent.getByTestId('ticket-clocks');
    await expect
      .poll(() => clocks.locator('[data-clock="firstResponse"] dd').textContent())
      .toMatch(/^due in /);
    const actions = agent.getByTestId('ticket-actions').getByRole('button');
    await expect
      .poll(() => actions.allTextContents())
      .toEqual(expect.arrayContaining(['Spam', 'Take it', 'Resolve…']));
    expect(await actions.allTextContents()).not.toContain('Reopen');

    // Each entry says who reads it: a note is for agents only, a reply reaches the customer.
    await agent.getByTestId('reply-input').fill('Checked the mail relay: it bounced.');
    await agent.getByTestId('note-send').click();
    const note = agent.locator('[data-testid="event"][data-audience="agents"]', { hasText: 'mail relay' });
    await expect
      .poll(() => note.locator('.event-audience').textContent())
      .toContain('the customer does not see this');
    await agent.getByTestId('reply-input').fill('We are resending the March invoices now.');
    await agent.getByTestId('reply-send').click();
    const reply = agent.locator('[data-testid="event"][data-audience="public"]', { hasText: 'resending' });
    await expect.poll(() => reply.locator('.event-audience').textContent()).toBe('the customer sees this');

    // Proposed as solved (elsewhere): the view follows live — no triage, no clocks; Reopen, pressed here, works.
    const resolved = await fetch(`${app.url}/api/v1/tickets/${invoices}/resolve`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message: 'The invoices were resent.' }),
    });
    expect(resolved.status).toBe(200);
    await expect.poll(() => actions.allTextContents()).toContain('Reopen');
    expect(await actions.allTextContents()).not.toEqual(expect.arrayContaining(['Spam']));
    expect(await actions.allTextContents()).not.toContain('Take it');
    expect(await clocks.isHidden()).toBe(true);
    await agent.getByTestId('ticket-actions').getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => agent.getByTestId('ticket-status').textContent()).toBe('open');
    await expect.poll(() => actions.allTextContents()).toContain('Resolve…');

    // A note sent to the customer by its own button, once: then it says so, and the reply is in the timeline.
    await note.getByTestId('share-note').click();
    await expect.poll(() => note.locator('.event-shared').textContent()).toBe('✓ sent to the customer');
    expect(await note.getByTestId('share-note').count()).toBe(0);
    const sent = agent.locator('[data-testid="event"][data-audience="public"]', { hasText: 'mail relay' });
    await expect.poll(() => sent.count()).toBe(1);
    const again = await fetch(`${app.url}/api/v1/tickets/${invoices}`, { headers });
    const noteId = (
      (await again.json()) as { ticket: { events: { id: string; type: string }[] } }
    ).ticket.events.find((e) => e.type === 'private_note')?.id;
    const twice = await fetch(`${app.url}/api/v1/tickets/${invoices}/notes/${noteId}/share`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(twice.status).toBe(409);

    // A ticket opened on a customer's behalf (a phone call), from the console's own form.
    await agent.getByTestId('new-ticket').click();
    await agent.getByLabel('Customer’s email address').fill('lena@example.com');
    await agent.getByLabel('Subject').fill('Called about the VPN');
    await agent.getByLabel('What they told you').fill('The VPN drops every hour since Monday.');
    await agent.getByTestId('form-submit').click();
    await expect
      .poll(() => agent.locator('#ticket-subject').textContent())
      .toMatch(/^#\d+ Called about the VPN$/);

    // A ticket like one solved before shows it, with its solution, and opens it.
    const likeBefore = await open('The printer is on fire again', 'Smoke from the printer, like last time.');
    await agent.getByTestId('filter-q').fill(`#${likeBefore}`);
    await expect.poll(() => rows.first().getAttribute('data-ticket')).toBe(String(likeBefore));
    await rows.first().click();
    const similar = agent.getByTestId('similar-ticket');
    await expect
      .poll(() => similar.first().textContent())
      .toBe('#1 The printer is on fire — Replaced the fuse');
    await similar.first().getByRole('button').click();
    await expect.poll(() => agent.locator('#ticket-subject').textContent()).toBe('#1 The printer is on fire');
    await agent.getByTestId('filter-q').fill('');
  });

  it('shows the dashboard: tiles, a chart of created and resolved, times, SLA and recurring problems, filtered, as CSV', async () => {
    const page = await openPage(agent.context(), '/dashboard');
    const tile = (key: string) => page.getByTestId(`now-${key}`).locator('dd');
    await expect.poll(async () => Number(await tile('unresolved').textContent())).toBeGreaterThan(50);
    // The chart: uPlot drew a canvas, one point a day of the last seven.
    await page.locator('[data-testid="report-chart"] canvas').waitFor();
    expect(await page.getByTestId('report-chart').getAttribute('data-points')).toBe('7');
    expect(await page.getByTestId('times-firstResponse').textContent()).toMatch(/median \d+ min/);
    expect(await page.getByTestId('top-organisations').textContent()).toContain('Acme');
    // Satisfaction: the two surveys answered above (4 and 4), as the API counts them.
    const summary = await fetch(`${app.url}/api/v1/reports/summary`, {
      headers: { authorization: `Bearer ${app.apiToken}` },
    });
    const { satisfaction } = (await summary.json()) as {
      satisfaction: { answered: number; asked: number; average: number; scores: number[] };
    };
    expect(satisfaction).toMatchObject({ answered: 2, average: 4, scores: [0, 0, 0, 2, 0] });
    expect(await page.getByTestId('csat-average').locator('dd').textContent()).toBe('4.0 of 5');
    expect(await page.getByTestId('csat-satisfied').locator('dd').textContent()).toBe('100%');
    expect(await page.getByTestId('csat-answered').locator('dd').textContent()).toBe(
      `2 of ${satisfaction.asked} asked (${Math.round(200 / satisfaction.asked)}%)`,
    );
    expect(await page.getByTestId('csat-scores').locator('dd').textContent()).toBe(
      '1★ 0 · 2★ 0 · 3★ 0 · 4★ 2 · 5★ 0',
    );
    // Filtered: Globex has none of today's tickets.
    await page.getByTestId('report-organisation').selectOption({ label: 'Globex' });
    await expect.poll(() => tile('unresolved').textContent()).toBe('0');
    expect(await page.getByTestId('top-organisations').textContent()).toContain('nothing in this period');
    await page.getByTestId('report-organisation').selectOption('');
    await expect.poll(async () => Number(await tile('unresolved').textContent())).toBeGreaterThan(50);
    // Plan, product, category and agent: one ticket of Globex (the Basic plan), one of Acme on the Platform
    // product, a production incident, assigned to Ben. Each filter shows what the API counts for it, and the
    // CSV link asks for the same.
    const headers = { authorization: `Bearer ${app.apiToken}`, 'content-type': 'application/json' };
    const open = async (requesterEmail: string, productId?: string) => {
      const answer = await fetch(`${app.url}/api/v1/tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ requesterEmail, subject: 'Reports are slow', body: 'Very slow.', productId }),
      });
      return ((await answer.json()) as { number: number }).number;
    };
    await open('luis@globex.es');
    const platform = await open('lena@example.com', 'platform');
    await app.app.tickets.setField(platform, { kind: 'agent', agentId: 'ana' }, 'category', 'prod_incident');
    await fetch(`${app.url}/api/v1/tickets/${platform}/assign`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ assignee: 'ben' }),
    });
    const nowFigures = async (query: string) => {
      const answer = await fetch(`${app.url}/api/v1/reports/summary?${query}`, { headers });
      return ((await answer.json()) as { now: Record<string, number> }).now;
    };
    const unfiltered = await nowFigures('');
    const tiles = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.keys(unfiltered).map(async (key) => [key, Number(await tile(key).textContent())]),
        ),
      );
    for (const [filter, label, value] of [
      ['plan', 'Basic', 'basic'],
      ['product', 'Platform', 'platform'],
      ['category', 'Production incident', 'prod_incident'],
      ['agent', 'Ben', 'ben'],
    ] as const) {
      const expected = await nowFigures(`${filter}=${value}`);
      expect(expected.unresolved, filter).toBeGreaterThan(0); // the filter keeps some tickets…
      expect(expected, filter).not.toEqual(unfiltered); // …and not all of them
      await page.getByTestId(`report-${filter}`).selectOption({ label });
      await expect.poll(tiles).toEqual(expected);
      const csv = new URL((await page.getByTestId('report-csv').getAttribute('href'))!, app.url);
      expect(csv.searchParams.get(filter)).toBe(value);
      await page.getByTestId(`report-${filter}`).selectOption('');
      await expect.poll(tiles).toEqual(unfiltered);
    }
    // Categories are named in the page's language, in the filter and among the recurring problems.
    expect(await page.getByTestId('top-categories').textContent()).toContain('Production incident');
    const category = page.getByTestId('report-category').locator('option[value="prod_incident"]');
    await page.locator('[data-language="es"]').click();
    expect(await category.textContent()).toBe('Incidencia en producción');
    expect(await page.getByTestId('report-filters').textContent()).toContain('Asignado a');
    await page.locator('[data-language="en"]').click();
    expect(await category.textContent()).toBe('Production incident');
    // The CSV of the same filters.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-csv').click(),
    ]);
    const csv = await (await import('node:fs/promises')).readFile((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('start,created,resolved');
    expect(csv.trim().split('\r\n')).toHaveLength(8);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.close();
  });

  it('speaks Spanish or English in the console: the browser’s language, then the agent’s pick, remembered', async () => {
    const page = await openPage(
      await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 860 } }),
      '/console',
    );
    await expect.poll(() => page.getByTestId('login-submit').textContent()).toBe('Entrar');
    await signIn(page);
    await page.getByRole('tab', { name: 'Abiertos' }).waitFor();
    expect(await page.getByTestId('reply-send').textContent()).toBe('Responder al cliente');
    expect(await page.getByTestId('send-keys').textContent()).toBe('Ctrl+Intro responde al cliente');
    // A row's status and priority in Spanish too.
    await page.getByTestId('filter-priority').selectOption('urgent');
    await expect
      .poll(() => page.getByTestId('ticket-row').first().textContent())
      .toContain('nuevo · urgente');
    // The filters' options are named in the page's language, and a choice stays through a switch.
    const option = (filter: string, value: string) =>
      page.getByTestId(filter).locator(`option[value="${value}"]`).textContent();
    expect(await option('filter-priority', 'urgent')).toBe('urgente');
    expect(await option('filter-source', 'webchat')).toBe('chat web');
    await page.getByTestId('console-language-en').click();
    expect(await page.getByRole('tab', { name: 'Open' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('reply-send').textContent()).toBe('Reply to customer');
    expect(await option('filter-priority', 'urgent')).toBe('urgent');
    expect(await option('filter-source', 'webchat')).toBe('web chat');
    expect(await page.getByTestId('filter-priority').inputValue()).toBe('urgent');
    await expect.poll(() => page.getByTestId('ticket-row').first().textContent()).toContain('new · urgent');
    // The open ticket's actions are its card's buttons, written by the server in the page's language.
    const created = await fetch(`${app.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        requesterEmail: 'someone@example.com',
        subject: 'The scanner is offline',
        body: 'It does not scan',
        priority: 'urgent',
      }),
    });
    const { number } = (await created.json()) as { number: number };
    await page.locator(`[data-testid="ticket-row"][data-ticket="${number}"]`).click();
    const actions = page.getByTestId('ticket-actions').getByRole('button');
    await expect.poll(() => actions.allTextContents()).toContain('Resolve…');
    await page.getByTestId('console-language-es').click();
    await expect.poll(() => actions.allTextContents()).toContain('Resolver…');
    expect(await actions.allTextContents()).toEqual(expect.arrayContaining(['Tomarlo', 'Asignar…']));
    expect(await actions.allTextContents()).not.toContain('Resolve…');
    // The command box answers in the page's language too.
    await page.getByTestId('command-input').fill('/ticket stats today');
    await page.getByTestId('command-input').press('Enter');
    await expect
      .poll(() => page.getByTestId('command-output').textContent())
      .toContain('Creados / resueltos');
    await page.getByTestId('console-language-en').click();
    await expect.poll(() => actions.allTextContents()).toContain('Resolve…');
    await page.reload();
    await page.getByRole('tab', { name: 'Open' }).waitFor();
    expect(await page.title()).toBe('Relevo · Agent console');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('has an icon: the pages link it, and /favicon.ico leads to it', async () => {
    for (const page of [customer, agent]) {
      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      const icon = await fetch(`${app.url}${href}`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(await icon.text()).toContain('<svg');
    }
    const legacy = await fetch(`${app.url}/favicon.ico`, { redirect: 'manual' });
    expect(legacy.status).toBe(301);
    expect(legacy.headers.get('location')).toBe('/static/favicon.svg');
  });
});
